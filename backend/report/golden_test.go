package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func render(t *testing.T, f Format, r *session.Result, opts Options, pairs []string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, f, r, opts); err != nil {
		t.Fatalf("Render %s: %v", f, err)
	}
	return []byte(normalise(b.String(), pairs))
}

// TestGoldenEngine renders Results of real sessions (session.Run against a
// go-smtp server on loopback) in every format and language.
func TestGoldenEngine(t *testing.T) {
	rejected := map[string]error{"nobody@fabrikam.test": &smtp.SMTPError{
		Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown",
	}}
	tests := []struct {
		name    string
		l       lang.Lang
		rcptErr map[string]error
		mod     func(*session.Options)
		formats []Format
	}{
		// RFC 5321 §3.3: a whole transaction accepted.
		{"accept-en", lang.EN, nil, nil, []Format{FormatText, FormatHTML, FormatJSON, FormatRaw}},
		{"accept-es", lang.ES, nil, nil, []Format{FormatText, FormatHTML}},
		// RFC 5321 §3.3: one of two recipients refused with 550 5.1.1, with
		// DSN NOTIFY (RFC 3461 §4.1).
		{"rcpt-rejected-es", lang.ES, rejected, func(o *session.Options) {
			o.To = []string{"user@fabrikam.test", "nobody@fabrikam.test"}
			o.Notify = []string{"success", "failure"}
		}, []Format{FormatText, FormatHTML}},
		// Verify recipients only: stop after RCPT, then QUIT.
		{"stop-rcpt-en", lang.EN, nil, func(o *session.Options) { o.StopAfter = session.StepRcpt }, []Format{FormatText}},
	}
	ext := map[Format]string{FormatText: ".txt", FormatHTML: ".html", FormatJSON: ".json", FormatRaw: ".raw"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, pairs := runSession(t, tt.l, tt.rcptErr, tt.mod)
			opts := Options{Lang: tt.l, Resolver: "127.0.0.1:53"}
			for _, f := range tt.formats {
				golden(t, tt.name+ext[f], render(t, f, r, opts, pairs))
			}
		})
	}
}

// hostileResult is a Result as a hostile server could make it: markup,
// control bytes, invalid UTF-8 and a right-to-left override in replies and
// host names, and a masked AUTH line whose secret must never appear.
func hostileResult() *session.Result {
	at := func(ms int) time.Time { return fixedStart.Add(time.Duration(ms) * time.Millisecond) }
	entry := func(seq int, dir transcript.Direction, raw string, tls bool) transcript.Entry {
		e := transcript.Entry{Seq: seq, Time: at(seq), Elapsed: time.Duration(seq) * time.Millisecond, ElapsedMS: float64(seq), Dir: dir, TLS: tls}
		e.Text = transcript.EscapeString(raw)
		if dir != transcript.Info {
			e.Raw = []byte(raw + "\r\n")
		}
		return e
	}
	banner := "220 <script>alert(1)</script> \"><img src=x onerror=alert(2)> ESMTP\x1b[2J\x00\xff\xfe evil\u202Etxt.exe"
	rejectLine := "5.7.1 <b onmouseover=alert(3)>denied</b>\x07\u200b"
	masked := transcript.Entry{Seq: 4, Time: at(4), Elapsed: 4 * time.Millisecond, ElapsedMS: 4, Dir: transcript.Client, Text: "AUTH PLAIN ********", TLS: true}
	pref := uint16(10)
	return &session.Result{
		OK:         false,
		ExitCode:   1,
		Server:     session.Server{Host: "mx.<i>evil</i>.test\u202E", IP: "127.0.0.1", Port: 25, MXPreference: &pref},
		LocalAddr:  "127.0.0.1:50000",
		IPVersion:  4,
		Extensions: []string{"PIPELINING", transcript.EscapeString("X-<svg onload=alert(4)>")},
		Steps: []session.Step{
			{ID: 1, Name: session.StepBanner, Reply: &smtpwire.Reply{Code: 220, Lines: []string{transcript.EscapeString(banner[4:])}}, Status: session.StatusOK, Started: at(1), DurationMS: 1},
			{ID: 2, Name: session.StepAuth, Command: "AUTH PLAIN ********", Reply: &smtpwire.Reply{Code: 235, Enhanced: "2.7.0", Lines: []string{"2.7.0 ok"}}, Status: session.StatusOK, Started: at(4), DurationMS: 1},
			{ID: 3, Name: session.StepRcpt, Command: "RCPT TO:<victim@example.test>", Recipient: "victim\u202E@example.test<script>", Reply: &smtpwire.Reply{Code: 550, Enhanced: "5.7.1", Lines: []string{transcript.EscapeString(rejectLine)}}, Status: session.StatusFailed, Failure: session.FailRejected,
				Error: "rejected: <script>x</script>", ErrorText: &lang.Text{EN: "rejected: <script>x</script>\x1b", ES: "rechazado: <script>x</script>\x1b"}, Started: at(6), DurationMS: 1,
				Evaluation: &diagnose.LocalizedEvaluation{Class: "permanent", Code: 550, Enhanced: "5.7.1", Severity: diagnose.SeverityError, Summary: "Refused by policy", Detail: "<iframe src=x>", Meaning: "The server's policy refused the message.", Causes: []string{"The sender is not allowed <img src=y>"}, Actions: []string{"Ask the server's admin"}, References: []string{"RFC 3463 §3.8"}}},
		},
		Transcript: []transcript.Entry{
			entry(1, transcript.Info, "Connecting to 127.0.0.1:25 <script>", false),
			entry(2, transcript.Server, banner, false),
			entry(3, transcript.Info, "TLS established", true),
			masked,
			entry(5, transcript.Server, "235 2.7.0 ok", true),
			entry(6, transcript.Client, "RCPT TO:<victim@example.test>", true),
			entry(7, transcript.Server, "550 "+rejectLine, true),
		},
		Warnings:   []session.Warning{{Code: "x", Text: lang.Text{EN: "warning <script>w</script>", ES: "aviso <script>w</script>"}}},
		Started:    fixedStart,
		DurationMS: 7,
		Verdict: &diagnose.LocalizedHeadline{Verdict: "policy", Severity: diagnose.SeverityError, Class: "permanent", Step: "rcpt",
			Title: "Refused: <script>alert(5)</script>", Cause: "policy \u202Eevil", Actions: []string{"<a href=javascript:alert(6)>click</a>"},
			Accepted: []string{}, Rejected: []string{"victim\u202E@example.test<script>"}, ExitCode: 1},
	}
}

// hostileTLS is a TLS report with hostile certificate text, escaped as
// tlsreport escapes it.
func hostileTLS() *tlsreport.Report {
	return &tlsreport.Report{
		Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ServerName: "mx.test", Verified: false, NameMatches: false,
		Problem: &tlsreport.Problem{Kind: tlsreport.KindSelfSigned, Text: tlsreport.Text(tlsreport.KindSelfSigned), Detail: "x509: self-signed"},
		Chain: []tlsreport.Cert{{
			Subject: transcript.EscapeString("CN=<script>alert(7)</script>\u202E"), Issuer: "CN=Evil CA", SANs: []string{"DNS:mx.test", transcript.EscapeString("DNS:<img src=z onerror=alert(8)>")},
			NotBefore: fixedStart.AddDate(0, -1, 0), NotAfter: fixedStart.AddDate(0, 2, 0), DaysToExpiry: 61,
			SHA256: "AB:CD", KeyType: "ECDSA P-256", KeyBits: 256,
		}},
	}
}

// TestGoldenHostile renders the hostile Result in text and HTML, in both
// languages.
func TestGoldenHostile(t *testing.T) {
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		opts := Options{Lang: l, TLS: hostileTLS()}
		golden(t, "hostile-"+string(l)+".txt", render(t, FormatText, hostileResult(), opts, nil))
		golden(t, "hostile-"+string(l)+".html", render(t, FormatHTML, hostileResult(), opts, nil))
	}
}

func TestRenderNil(t *testing.T) {
	for _, f := range []Format{FormatText, FormatJSON, FormatHTML, FormatRaw} {
		if err := Render(&bytes.Buffer{}, f, nil, Options{}); err == nil {
			t.Errorf("%s: no error for a nil result", f)
		}
	}
	if err := Render(&bytes.Buffer{}, Format("pdf"), hostileResult(), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unknown format: err = %v, want ErrUnknownFormat", err)
	}
}
