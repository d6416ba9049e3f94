package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/smtp"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listenRun runs "smtpprobe listen" in-process until stop is called.
type listenRun struct {
	t              *testing.T
	stdout, stderr syncBuffer
	cancel         context.CancelFunc
	code           chan int
}

func startListen(t *testing.T, args ...string) *listenRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lr := &listenRun{t: t, cancel: cancel, code: make(chan int, 1)}
	go func() { lr.code <- run(ctx, append([]string{"listen"}, args...), &lr.stdout, &lr.stderr) }()
	t.Cleanup(cancel)
	return lr
}

// waitOut waits until stdout contains s.
func (lr *listenRun) waitOut(s string) string {
	lr.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(lr.stdout.String(), s) {
		select {
		case code := <-lr.code:
			lr.t.Fatalf("listen exited with %d before printing %q; stdout %q stderr %q", code, s, lr.stdout.String(), lr.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			lr.t.Fatalf("stdout never contained %q: %q (stderr %q)", s, lr.stdout.String(), lr.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return lr.stdout.String()
}

// stop cancels the context, as Ctrl+C does, and returns the exit code.
func (lr *listenRun) stop() int {
	lr.t.Helper()
	lr.cancel()
	select {
	case code := <-lr.code:
		return code
	case <-time.After(15 * time.Second):
		lr.t.Fatal("listen did not stop after cancel")
	}
	return -1
}

func TestListenText(t *testing.T) {
	dir := t.TempDir()
	lr := startListen(t, "--addr", "127.0.0.1:0", "--save", dir, "--reject-rcpt", "^bad@", "--lang", "en")
	out := lr.waitOut("\n")
	first := strings.SplitN(out, "\n", 2)[0]
	addr, ok := strings.CutPrefix(first, "listening on ")
	if !ok {
		t.Fatalf("first line %q is not 'listening on ADDR'", first)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	if err := smtp.SendMail(addr, nil, "a@example.com", []string{"b@example.org"}, []byte("Subject: hola\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(addr, nil, "a@example.com", []string{"bad@example.org"}, []byte("x\r\n")); err == nil || !strings.Contains(err.Error(), "5.1.1") {
		t.Fatalf("rejected recipient: %v", err)
	}
	lr.waitOut("#2 closed")
	if code := lr.stop(); code != exitcode.OK {
		t.Errorf("exit code %d", code)
	}
	out = lr.stdout.String()
	for _, want := range []string{
		"#1 connection from 127.0.0.1:",
		`#1 message 1 from <a@example.com> to <b@example.org>: 20 bytes, subject "hola"`,
		"saved to " + dir,
		"#1 closed after",
		"stopped: 2 connection(s), 1 message(s) accepted, 1 recipient(s) rejected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 1 {
		t.Errorf(".eml files: %v", files)
	}
}

func TestListenJSONSpanishAndAuth(t *testing.T) {
	t.Setenv("SMTPPROBE_TEST_PASS", "pw")
	lr := startListen(t, "--addr", "127.0.0.1:0", "--json", "--transcript", "--lang", "es",
		"--auth-user", "u", "--auth-password-env", "SMTPPROBE_TEST_PASS", "--require-auth", "--greylist")
	first := strings.SplitN(lr.waitOut("\n"), "\n", 2)[0]
	var listening struct {
		Event, Addr string
		Auth        bool
	}
	if err := json.Unmarshal([]byte(first), &listening); err != nil || listening.Event != "listening" || !listening.Auth {
		t.Fatalf("first line %q: %v", first, err)
	}
	send := func() error {
		return smtp.SendMail(listening.Addr, smtp.PlainAuth("", "u", "pw", "127.0.0.1"), "a@example.com", []string{"b@example.org"}, []byte("Subject: j\r\n\r\nx\r\n"))
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "4.7.1") {
		t.Fatalf("first send should be greylisted: %v", err)
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	lr.waitOut(`"event":"message"`)
	if code := lr.stop(); code != exitcode.OK {
		t.Errorf("exit code %d", code)
	}
	if !strings.Contains(lr.stderr.String(), "Solo este equipo puede conectarse") || !strings.Contains(lr.stderr.String(), "sin cifrar") {
		t.Errorf("Spanish advice missing from stderr: %q", lr.stderr.String())
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(lr.stdout.String()))
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		kind, _ := ev["event"].(string)
		kinds[kind]++
		switch kind {
		case "message":
			if ev["auth_user"] != "u" || ev["from"] != "a@example.com" {
				t.Errorf("message line %s", sc.Text())
			}
		case "line":
			if strings.Contains(sc.Text(), "AHUAcHc=") { // base64 of "\x00u\x00pw"
				t.Errorf("password in transcript line %s", sc.Text())
			}
		case "summary":
			if ev["greylisted"] != float64(1) || ev["messages"] != float64(1) {
				t.Errorf("summary %s", sc.Text())
			}
		}
	}
	if kinds["connect"] != 2 || kinds["disconnect"] != 2 || kinds["message"] != 1 || kinds["summary"] != 1 || kinds["line"] == 0 {
		t.Errorf("event counts %v", kinds)
	}
}

func TestListenErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	t.Setenv("SMTPPROBE_EMPTY", "")
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"port in use", []string{"--addr", busy.Addr().String(), "--lang", "en"}, exitcode.Connect, "Cannot listen on " + busy.Addr().String() + ": another program is already using"},
		{"port in use, Spanish", []string{"--addr", busy.Addr().String(), "--lang", "es"}, exitcode.Connect, "otro programa ya está usando"},
		{"bad regex", []string{"--reject-rcpt", "(", "--lang", "en"}, exitcode.Usage, "invalid regular expression"},
		{"user without password", []string{"--auth-user", "u", "--lang", "en"}, exitcode.Usage, "--auth-password-env"},
		{"empty password variable", []string{"--auth-user", "u", "--auth-password-env", "SMTPPROBE_EMPTY", "--lang", "es"}, exitcode.Usage, "vacía"},
		{"require auth alone", []string{"--require-auth"}, exitcode.Usage, "--require-auth"},
		{"bad language", []string{"--lang", "fr"}, exitcode.Usage, "unsupported language"},
		{"unknown flag", []string{"--frob"}, exitcode.Usage, "flag provided but not defined"},
		{"stray argument", []string{"--lang", "en", "extra"}, exitcode.Usage, `unexpected argument "extra"`},
		{"CRLF in domain", []string{"--domain", "a\r\nb"}, exitcode.Usage, "control"},
		{"missing save folder", []string{"--save", filepath.Join(t.TempDir(), "nope")}, exitcode.Usage, "save folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"listen"}, tt.args...), &out, &errOut)
			if code != tt.code || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("code %d stderr %q; want %d and %q", code, errOut.String(), tt.code, tt.wantErr)
			}
		})
	}
}

func TestListenHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"listen", "-h"}, &out, &errOut); code != exitcode.OK {
		t.Errorf("-h exit code %d", code)
	}
	if !strings.Contains(errOut.String(), "firewall") || !strings.Contains(errOut.String(), "-reject-rcpt") {
		t.Errorf("help text: %q", errOut.String())
	}
}

// TestListenJSONEscapesAddresses: from and rcpts in listen --json are
// escaped like every other client text (transcript.Escape): a C1 control or
// a bidi override in an address (RFC 6531 allows UTF-8 there) must not
// reach a terminal or log viewer raw.
func TestListenJSONEscapesAddresses(t *testing.T) {
	lr := startListen(t, "--addr", "127.0.0.1:0", "--json")
	first := strings.SplitN(lr.waitOut("\n"), "\n", 2)[0]
	var listening struct{ Addr string }
	if err := json.Unmarshal([]byte(first), &listening); err != nil {
		t.Fatal(err)
	}
	c, err := smtp.Dial(listening.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	from, rcpt := "a\u202egpj.exe@example.com", "b\u0085x@example.org"
	if err := c.Mail(from); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("Subject: x\r\n\r\ny\r\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.Quit()
	out := lr.waitOut(`"event":"message"`)
	lr.stop()
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, `"event":"message"`) {
			continue
		}
		var m struct {
			From  string   `json:"from"`
			Rcpts []string `json:"rcpts"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(m.From+strings.Join(m.Rcpts, ""), "\u202e\u0085") || !strings.Contains(m.From, "gpj.exe@example.com") {
			t.Errorf("raw control or format character in %s", line)
		}
	}
}

// stuckWriter passes its first write (the listening line) and then blocks
// every write until the test ends, as a paused terminal or an unread pipe.
type stuckWriter struct {
	mu    sync.Mutex
	first []byte
	once  bool
	stop  chan struct{}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if !w.once {
		w.once, w.first = true, append([]byte(nil), p...)
		w.mu.Unlock()
		return len(p), nil
	}
	w.mu.Unlock()
	<-w.stop
	return 0, net.ErrClosed
}

func (w *stuckWriter) firstLine() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.first)
}

// TestListenStopsWithStdoutBlocked: Ctrl+C ends listen although stdout is
// not being read and an event is stuck writing to it.
func TestListenStopsWithStdoutBlocked(t *testing.T) {
	w := &stuckWriter{stop: make(chan struct{})}
	t.Cleanup(func() { close(w.stop) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"listen", "--addr", "127.0.0.1:0", "--json"}, w, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for w.firstLine() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var listening struct{ Addr string }
	if err := json.Unmarshal([]byte(w.firstLine()), &listening); err != nil {
		t.Fatalf("listening line %q: %v", w.firstLine(), err)
	}
	c, err := net.Dial("tcp", listening.Addr)
	if err != nil {
		t.Fatal(err)
	}
	// Read the banner: the connect event is then queued, and its write blocks.
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	c.Close()
	cancel()
	select {
	case got := <-code:
		if got != exitcode.OK {
			t.Errorf("exit %d", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("listen ignored the cancel while stdout was blocked")
	}
}
