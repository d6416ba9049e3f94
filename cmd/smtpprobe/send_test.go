package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/mxlookup/dnstest"
)

// sendBackend is a go-smtp backend that keeps the messages it gets and
// can reject one recipient.
type sendBackend struct {
	mu     sync.Mutex
	reject string
	datas  []string
	// onLogout, when set, is called as a session ends (QUIT or a close).
	onLogout func()
}

func (b *sendBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &sendSess{b: b}, nil }

type sendSess struct{ b *sendBackend }

func (s *sendSess) Reset() {}
func (s *sendSess) Logout() error {
	s.b.mu.Lock()
	f := s.b.onLogout
	s.b.mu.Unlock()
	if f != nil {
		f()
	}
	return nil
}
func (s *sendSess) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sendSess) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.b.reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
	}
	return nil
}
func (s *sendSess) Data(r io.Reader) error {
	d, err := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.datas = append(s.b.datas, string(d))
	s.b.mu.Unlock()
	return err
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	mu sync.Mutex
	n  int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.n++
		l.mu.Unlock()
	}
	return c, err
}

func (l *countingListener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func startSendServer(t *testing.T) (string, *sendBackend, *countingListener) {
	t.Helper()
	return startSendServerAt(t, "127.0.0.1:0")
}

func startSendServerAt(t *testing.T, hostport string) (string, *sendBackend, *countingListener) {
	t.Helper()
	be := &sendBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", hostport)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", hostport, err)
	}
	cl := &countingListener{Listener: ln}
	go func() { _ = srv.Serve(cl) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), be, cl
}

func runSendCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"send"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSendText(t *testing.T) {
	addr, be, _ := startSendServer(t)
	code, out, errs := runSendCLI("--from", "a@client.test", "--to", "b@mx.test", "--server", addr,
		"--helo", "client.test", "--subject", "Prueba", "--body", "hola\n.punto\n", "--lang", "en")
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"C: EHLO client.test", "S: 220 mx.test", "C: ..punto", "C: QUIT", "* ", "Steps:",
		"data_end", "Result: OK (exit code 0)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if len(be.datas) != 1 || !strings.HasSuffix(be.datas[0], "\r\n\r\nhola\r\n.punto\r\n") {
		t.Errorf("server got %q", be.datas)
	}
}

func TestSendJSONAndSpanish(t *testing.T) {
	addr, be, _ := startSendServer(t)
	be.reject = "nadie@mx.test"
	code, out, _ := runSendCLI("--from", "a@client.test", "--to", "nadie@mx.test", "--to", "b@mx.test", "--server", addr,
		"--helo", "client.test", "--json")
	if code != exitcode.Permanent {
		t.Fatalf("exit %d, want %d\n%s", code, exitcode.Permanent, out)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"ok", "exit_code", "server", "extensions", "steps", "transcript", "warnings"} {
		if _, ok := res[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	srv := res["server"].(map[string]any)
	if srv["ip"] != "127.0.0.1" || srv["port"] == nil || srv["host"] == nil {
		t.Errorf("server = %v", srv)
	}
	var rcpt map[string]any
	for _, s := range res["steps"].([]any) {
		if m := s.(map[string]any); m["name"] == "rcpt" && m["recipient"] == "nadie@mx.test" {
			rcpt = m
		}
	}
	if rcpt == nil || rcpt["status"] != "failed" || rcpt["failure"] != "rejected" {
		t.Fatalf("rcpt step %v", rcpt)
	}
	if reply := rcpt["reply"].(map[string]any); reply["code"] != 550.0 || reply["enhanced"] != "5.1.1" {
		t.Errorf("reply %v", reply)
	}
	if !strings.Contains(out, `"text": "RCPT TO:<nadie@mx.test>"`) {
		t.Error("transcript lacks the RCPT line, or escapes < and >")
	}

	code, out, _ = runSendCLI("--from", "a@client.test", "--to", "nadie@mx.test", "--server", addr, "--helo", "client.test", "--lang", "es")
	if code != exitcode.Permanent || !strings.Contains(out, "Pasos:") || !strings.Contains(out, "FALLÓ") ||
		!strings.Contains(out, "el servidor lo rechazó: 550 5.1.1 User unknown") {
		t.Errorf("Spanish output (exit %d):\n%s", code, out)
	}
}

func TestSendBadInput(t *testing.T) {
	addr, _, cl := startSendServer(t)
	body := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(body, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--server", addr, "--helo", "client.test"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --from", []string{"--to", "b@mx.test"}, "--from"},
		{"no --to", []string{"--from", "a@client.test"}, "--to"},
		{"CRLF in --to", []string{"--from", "a@client.test", "--to", "b@mx.test\r\nDATA"}, "to"},
		{"bad --helo", []string{"--from", "a@client.test", "--to", "b@mx.test", "--helo", "no spaces allowed"}, "helo"},
		{"header without colon", []string{"--from", "a@client.test", "--to", "b@mx.test", "--header", "X-Test"}, "--header"},
		{"header injection", []string{"--from", "a@client.test", "--to", "b@mx.test", "--header", "X-Test: a\r\nBcc: x@y.test"}, "X-Test"},
		{"--body and --body-file", []string{"--from", "a@client.test", "--to", "b@mx.test", "--body", "x", "--body-file", body}, "--body"},
		{"missing --body-file", []string{"--from", "a@client.test", "--to", "b@mx.test", "--body-file", body + ".none"}, "--body-file"},
		{"bad --notify", []string{"--from", "a@client.test", "--to", "b@mx.test", "--notify", "never,delay"}, "notify"},
		{"bad --stop-after", []string{"--from", "a@client.test", "--to", "b@mx.test", "--stop-after", "quit"}, "stop-after"},
		{"zero timeout", []string{"--from", "a@client.test", "--to", "b@mx.test", "--timeout-banner", "0s"}, "timeout-banner"},
		{"bad duration", []string{"--from", "a@client.test", "--to", "b@mx.test", "--timeout-connect", "soon"}, "timeout-connect"},
		{"stray argument", []string{"--from", "a@client.test", "--to", "b@mx.test", "extra"}, "extra"},
		{"bad --lang", []string{"--from", "a@client.test", "--to", "b@mx.test", "--lang", "fr"}, "fr"},
		{"--all-mx with --server", []string{"--from", "a@client.test", "--to", "b@mx.test", "--all-mx"}, "all-mx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runSendCLI(append(append([]string{}, base...), tt.args...)...)
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d\n%s%s", code, exitcode.Usage, out, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q does not mention %q", errs, tt.want)
			}
		})
	}
	if n := cl.count(); n != 0 {
		t.Errorf("the server saw %d connections", n)
	}
}

func TestSendAllMX(t *testing.T) {
	addr1, be1, _ := startSendServer(t)
	_, port, _ := net.SplitHostPort(addr1)
	_, be2, _ := startSendServerAt(t, "127.0.0.2:"+port)
	be2.reject = "user@fabrikam.test"
	dns, err := dnstest.Start(
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.1",
		"mx2.fabrikam.test. 300 IN A 127.0.0.2",
	)
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	args := []string{"--from", "a@client.test", "--to", "user@fabrikam.test", "--all-mx", "--port", port,
		"--dns-server", dns.Addr(), "--helo", "client.test", "--stop-after", "rcpt", "--timeout-command", "5s"}

	code, out, errs := runSendCLI(append(args, "--json")...)
	if code != exitcode.Permanent {
		t.Fatalf("exit %d, want %d (one host rejects)\n%s%s", code, exitcode.Permanent, out, errs)
	}
	var res []map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 {
		t.Fatalf("want a JSON array of 2 results: %v\n%s", err, out)
	}
	for i, r := range res {
		srv := r["server"].(map[string]any)
		if srv["host"] != fmt.Sprintf("mx%d.fabrikam.test", i+1) || srv["mx_preference"] != float64(10*(i+1)) {
			t.Errorf("result %d server %v", i, srv)
		}
	}
	if res[0]["ok"] != true || res[1]["ok"] != false {
		t.Errorf("ok flags %v %v", res[0]["ok"], res[1]["ok"])
	}

	code, out, _ = runSendCLI(args...)
	for _, want := range []string{"[mx] ", "[1] ", "[2] ", "Host 1: mx1.fabrikam.test", "Host 2: mx2.fabrikam.test", "550"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if code != exitcode.Permanent || len(be1.datas) != 0 {
		t.Errorf("exit %d, messages %d (stop-after rcpt sends none)", code, len(be1.datas))
	}
}
