package desktop

import (
	"bytes"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smtpprobe/backend/receiver"
)

// tlsReceiver starts a receiver offering STARTTLS with a self-signed
// certificate for 127.0.0.1 and writes that certificate to a PEM file, the
// CA file an admin would pick for an internal server.
func tlsReceiver(t *testing.T) (*receiver.Receiver, TestRequest, string) {
	t.Helper()
	r, host, port := startReceiver(t, receiver.Config{TLS: true, TLSName: "[127.0.0.1]"})
	ca := filepath.Join(t.TempDir(), "internal-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	req := baseRequest(host, port)
	req.TLS = "starttls"
	return r, req, ca
}

// The CA file and the minimum TLS version reach the engine: the
// certificate verifies against the file, and bad values come back as
// field errors of the wizard's inputs before anything is sent.
func TestStartTestCAFileAndTLSMin(t *testing.T) {
	r, base, ca := tlsReceiver(t)
	a, _ := newTestApp(t)
	for _, tc := range []struct {
		name   string
		mutate func(*TestRequest)
		field  string // "" means the run must pass with a verified certificate
	}{
		{"no CA file: self-signed fails", func(*TestRequest) {}, "-"},
		{"CA file trusted", func(q *TestRequest) { q.CAFile = " " + ca + " " }, ""},
		{"CA file and TLS 1.3 minimum", func(q *TestRequest) { q.CAFile, q.TLSMin = ca, "1.3" }, ""},
		{"missing CA file", func(q *TestRequest) { q.CAFile = filepath.Join(t.TempDir(), "none.pem") }, "caFile"},
		{"CA file that is not PEM", func(q *TestRequest) {
			bad := filepath.Join(t.TempDir(), "bad.pem")
			if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
				t.Fatal(err)
			}
			q.CAFile = bad
		}, "caFile"},
		{"unknown TLS version", func(q *TestRequest) { q.TLSMin = "1.4" }, "tlsMin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(r.Connections())
			req := base
			tc.mutate(&req)
			res, err := a.Sessions.StartTest("ca-"+strings.ReplaceAll(tc.name, " ", "-")[:8]+"-"+tc.field, req)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.field {
			case "":
				if !res.OK || res.Runs[0].TLS == nil || !res.Runs[0].TLS.Verified {
					t.Fatalf("result = %+v", res)
				}
			case "-":
				if res.OK || res.Runs[0].TLS == nil || res.Runs[0].TLS.Problem == nil || !strings.Contains(res.Runs[0].TLS.Problem.EN, "CA certificate file") {
					t.Fatalf("result = %+v", res)
				}
			default:
				if res.ExitCode != 2 || res.FieldErrors[tc.field] == "" {
					t.Fatalf("field errors = %v, want %s", res.FieldErrors, tc.field)
				}
				if tc.field == "caFile" && !strings.Contains(res.FieldErrors["caFile"], "CA certificate file") {
					t.Errorf("caFile error = %q", res.FieldErrors["caFile"])
				}
				if n := len(r.Connections()) - before; n != 0 {
					t.Errorf("a refused input opened %d connections", n)
				}
			}
		})
	}
}

// RET, ENVID and ORCPT (RFC 3461 §4.2-4.4) go on MAIL and RCPT as typed in
// the Envelope step.
func TestStartTestDSNOptions(t *testing.T) {
	_, host, port := startReceiver(t, receiver.Config{})
	a, _ := newTestApp(t)
	req := baseRequest(host, port)
	req.Ret, req.EnvID, req.ORCPT = "HDRS ", "run-42", true
	res, err := a.Sessions.StartTest("dsn-1", req)
	if err != nil || !res.OK {
		t.Fatalf("result = %+v, %v", res, err)
	}
	var mail, rcpt string
	for _, e := range res.Transcript {
		switch {
		case e.Dir == "C" && strings.HasPrefix(e.Text, "MAIL FROM:"):
			mail = e.Text
		case e.Dir == "C" && strings.HasPrefix(e.Text, "RCPT TO:"):
			rcpt = e.Text
		}
	}
	if !strings.Contains(mail, " RET=HDRS") || !strings.Contains(mail, " ENVID=run-42") {
		t.Errorf("MAIL = %q", mail)
	}
	if !strings.Contains(rcpt, " ORCPT=rfc822;user@contoso.test") || !strings.Contains(rcpt, "NOTIFY=SUCCESS,FAILURE") {
		t.Errorf("RCPT = %q", rcpt)
	}
	for field, mutate := range map[string]func(*TestRequest){
		"ret":   func(q *TestRequest) { q.Ret = "body" },
		"envid": func(q *TestRequest) { q.EnvID = "two words\r\n" },
	} {
		q := baseRequest(host, port)
		mutate(&q)
		res, err := a.Sessions.StartTest("dsn-"+field, q)
		if err != nil || res.FieldErrors[field] == "" {
			t.Errorf("%s: field errors = %v, %v", field, res.FieldErrors, err)
		}
	}
}

// openDialogs answers the open dialog with a fixed path and the save
// dialog with the proposed name in dir.
type openDialogs struct {
	open, dir  string
	savedTitle string
}

func (d *openDialogs) OpenFile(string, string) (string, error) { return d.open, nil }
func (d *openDialogs) SaveFile(title, name, _ string) (string, error) {
	d.savedTitle = title
	return filepath.Join(d.dir, name), nil
}

func TestPickCAFile(t *testing.T) {
	a, _ := newTestApp(t)
	a.TLS.dialogs = nil
	if _, err := a.TLS.PickCAFile("en"); !errors.Is(err, errNoWindow) {
		t.Errorf("without a window: %v", err)
	}
	a.TLS.dialogs = &openDialogs{open: `C:\certs\root.pem`}
	if p, err := a.TLS.PickCAFile("en"); err != nil || p != `C:\certs\root.pem` {
		t.Errorf("PickCAFile = %q, %v", p, err)
	}
	a.TLS.dialogs = &openDialogs{}
	if p, err := a.TLS.PickCAFile("en"); err != nil || p != "" {
		t.Errorf("cancelled: %q, %v", p, err)
	}
	// The end-to-end hook answers without a dialog (there is no window).
	t.Setenv(OpenFileEnv, "/tmp/e2e-ca.pem")
	if p, err := E2EDialogs(a.TLS.dialogs).OpenFile("x", "*.pem"); err != nil || p != "/tmp/e2e-ca.pem" {
		t.Errorf("hook = %q, %v", p, err)
	}
}

// "Save certificate…" writes the chain the server presented, from the Go
// copy of the result, as PEM; without a chain it says why in the UI
// language.
func TestSaveCertificate(t *testing.T) {
	r, req, _ := tlsReceiver(t)
	a, _ := newTestApp(t)
	req.InsecureSkipVerify = true
	if res, err := a.Sessions.StartTest("cert-1", req); err != nil || !res.OK {
		t.Fatalf("run = %+v, %v", res, err)
	}
	d := &openDialogs{dir: t.TempDir()}
	a.TLS.dialogs = d
	path, err := a.TLS.SaveCertificate("cert-1", 0, "en")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "127.0.0.1.pem" || d.savedTitle != "Save certificate" {
		t.Errorf("path %q, title %q", path, d.savedTitle)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" || !bytes.Equal(blk.Bytes, r.Certificate().Raw) || len(bytes.TrimSpace(rest)) != 0 {
		t.Errorf("saved file is not the server's certificate: %s", b)
	}

	plain := baseRequest(req.Host, req.Port) // TLS none: no certificate
	if res, err := a.Sessions.StartTest("cert-2", plain); err != nil || !res.OK {
		t.Fatalf("plain run = %+v, %v", res, err)
	}
	for _, tc := range []struct {
		id   string
		host int
	}{{"cert-2", 0}, {"cert-1", 1}, {"cert-1", -1}, {"unknown", 0}} {
		if _, err := a.TLS.SaveCertificate(tc.id, tc.host, "en"); err == nil || !strings.Contains(err.Error(), "no certificate") {
			t.Errorf("SaveCertificate(%s, %d) = %v", tc.id, tc.host, err)
		}
	}
}

// Pipelining is the wizard's default (lock-step is the opt-in), so it
// reaches the engine as the product default, which does not warn about a
// server without PIPELINING.
func TestBuildOptionsPipeliningIsTheDefault(t *testing.T) {
	for _, on := range []bool{true, false} {
		req := baseRequest("127.0.0.1", 25)
		req.Pipelining = on
		o, errs := buildOptions(req, "en")
		if errs != nil || o.Pipelining != on || o.PipeliningByDefault != on {
			t.Errorf("pipelining %v: Pipelining %v, PipeliningByDefault %v, errors %v", on, o.Pipelining, o.PipeliningByDefault, errs)
		}
	}
}
