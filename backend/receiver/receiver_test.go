package receiver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// TestSeedSession replays the seed procedure byte for byte: EHLO, MAIL
// FROM, RCPT TO with NOTIFY (RFC 3461 §4.1), DATA with a Subject, a blank
// line, a body and the lone dot, QUIT.
func TestSeedSession(t *testing.T) {
	var log eventLog
	r := start(t, Config{Domain: "mx.test.example", OnEvent: log.add})
	c := dial(t, r)
	expect(t, "banner", c.last(), "220 mx.test.example ESMTP")
	c.send("EHLO client.example\r\n")
	ehlo := c.reply()
	if !strings.Contains(strings.Join(ehlo, "\n"), "250-DSN") {
		t.Errorf("EHLO reply does not offer DSN (needed for NOTIFY): %q", ehlo)
	}
	expect(t, "MAIL", c.cmd("MAIL FROM:<admin@contoso.example> SIZE=120"), "250 2.0.0")
	expect(t, "RCPT", c.cmd("RCPT TO:<user@fabrikam.example> NOTIFY=success,failure"), "250 2.0.0")
	expect(t, "DATA", c.cmd("DATA"), "354 ")
	expect(t, "end of data", c.cmd("Subject: Prueba de flujo\r\n\r\nEste es un mensaje de prueba.\r\n."), "250 2.0.0")
	expect(t, "QUIT", c.cmd("QUIT"), "221 2.0.0")

	waitFor(t, "disconnect", func() bool { cs := r.Connections(); return len(cs) == 1 && !cs[0].Open() })
	msgs := r.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Envelope.From != "admin@contoso.example" || m.Envelope.MailParams["SIZE"] != "120" {
		t.Errorf("envelope from = %q params %v", m.Envelope.From, m.Envelope.MailParams)
	}
	if len(m.Envelope.Rcpts) != 1 || m.Envelope.Rcpts[0].Addr != "user@fabrikam.example" || m.Envelope.Rcpts[0].Params["NOTIFY"] != "SUCCESS,FAILURE" {
		t.Errorf("rcpts = %+v", m.Envelope.Rcpts)
	}
	if m.Subject != "Prueba de flujo" || string(m.Body) != "Este es un mensaje de prueba.\r\n" {
		t.Errorf("subject %q body %q", m.Subject, m.Body)
	}
	if m.Size != int64(len(m.Raw)) || !bytes.HasPrefix(m.Raw, []byte("Subject: Prueba")) {
		t.Errorf("size %d raw %q", m.Size, m.Raw)
	}

	conn := r.Connections()[0]
	if conn.EHLO != "client.example" || conn.Messages != 1 || conn.ID != m.ConnID {
		t.Errorf("connection record = %+v", conn)
	}
	// The transcript is the server's view: C lines received, S lines sent,
	// exact bytes kept in Raw.
	want := []struct {
		dir  transcript.Direction
		text string
	}{
		{transcript.Server, "220 mx.test.example ESMTP Service Ready"},
		{transcript.Client, "EHLO client.example"},
	}
	for i, w := range want {
		e := conn.Transcript[i]
		if e.Dir != w.dir || e.Text != w.text || e.Seq != i+1 || string(e.Raw) != w.text+"\r\n" {
			t.Errorf("entry %d = %+v, want %s %q", i, e, w.dir, w.text)
		}
	}
	var texts []string
	for _, e := range conn.Transcript {
		texts = append(texts, string(e.Dir)+" "+e.Text)
	}
	all := strings.Join(texts, "\n")
	for _, s := range []string{"C RCPT TO:<user@fabrikam.example> NOTIFY=success,failure", "S 354 Go ahead", "C Subject: Prueba de flujo", "C .", "S 221 2.0.0 Bye"} {
		if !strings.Contains(all, s) {
			t.Errorf("transcript lacks %q:\n%s", s, all)
		}
	}

	// Events arrive in order: connect first, disconnect last.
	waitFor(t, "disconnect event", func() bool {
		ev := log.snapshot()
		return len(ev) > 0 && ev[len(ev)-1].Kind == EventDisconnect
	})
	ev := log.snapshot()
	if ev[0].Kind != EventConnect || ev[0].Conn == nil || ev[0].Conn.ID != conn.ID {
		t.Errorf("first event = %+v", ev[0])
	}
	var kinds []EventKind
	for _, e := range ev {
		if e.Kind != EventLine {
			kinds = append(kinds, e.Kind)
		}
	}
	if fmt.Sprint(kinds) != "[connect message disconnect]" {
		t.Errorf("event kinds = %v", kinds)
	}
	if last := ev[len(ev)-1]; len(last.Conn.Transcript) != len(conn.Transcript) {
		t.Errorf("disconnect event carries %d lines, record has %d", len(last.Conn.Transcript), len(conn.Transcript))
	}
}

// TestNetSMTPClient sends with Go's own client, including a multi-part
// header parsed by net/mail and an RFC 2047 encoded subject.
func TestNetSMTPClient(t *testing.T) {
	r := start(t, Config{})
	msg := "From: A <a@example.com>\r\nTo: b@example.org\r\nSubject: =?UTF-8?Q?Se=C3=B1al?=\r\n\r\nhola\r\n"
	if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org", "c@example.org"}, []byte(msg)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	waitFor(t, "message", func() bool { return len(r.Messages()) == 1 })
	m := r.Messages()[0]
	if m.Subject != "Señal" || m.Header.Get("To") != "b@example.org" || len(m.Envelope.Rcpts) != 2 {
		t.Errorf("message = subject %q header %v rcpts %v", m.Subject, m.Header, m.Envelope.Rcpts)
	}
	if st := r.Stats(); st.Messages != 1 || st.Connections != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestRehearsalReplies(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		// steps are command, expected reply prefix pairs after EHLO.
		steps [][2]string
	}{
		{"reject matching recipient with 550 5.1.1 (RFC 3463 §3.2 bad mailbox)",
			Config{RejectRcpt: regexp.MustCompile(`^nobody@`)},
			[][2]string{
				{"MAIL FROM:<a@example.com>", "250 "},
				{"RCPT TO:<nobody@example.org>", "550 5.1.1 "},
				{"RCPT TO:<somebody@example.org>", "250 "},
			}},
		{"greylist: 451 4.7.1 first, accepted on retry (RFC 6647 §2.1)",
			Config{Greylist: true},
			[][2]string{
				{"MAIL FROM:<a@example.com>", "250 "},
				{"RCPT TO:<b@example.org>", "451 4.7.1 "},
				{"RCPT TO:<B@EXAMPLE.ORG>", "250 "},
				{"RCPT TO:<c@example.org>", "451 4.7.1 "},
			}},
		{"greylist: retry before the minimum delay is refused again",
			Config{Greylist: true, GreylistDelay: time.Hour},
			[][2]string{
				{"MAIL FROM:<a@example.com>", "250 "},
				{"RCPT TO:<b@example.org>", "451 4.7.1 "},
				{"RCPT TO:<b@example.org>", "451 4.7.1 "},
			}},
		{"require AUTH: 530 5.7.0 (RFC 4954 §6)",
			Config{AuthUser: "u", AuthPassword: "p", RequireAuth: true, AllowInsecureAuth: true},
			[][2]string{
				{"MAIL FROM:<a@example.com>", "530 5.7.0 Authentication required"},
				{"AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00u\x00wrong")), "535 5.7.8 "},
				{"AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00u\x00p")), "235 2.0.0 "},
				{"MAIL FROM:<a@example.com>", "250 "},
			}},
		{"max recipients: 452 4.5.3 (RFC 5321 §4.5.3.1.10)",
			Config{MaxRecipients: 1},
			[][2]string{
				{"MAIL FROM:<a@example.com>", "250 "},
				{"RCPT TO:<b@example.org>", "250 "},
				{"RCPT TO:<c@example.org>", "452 4.5.3 "},
			}},
		{"declared SIZE over the limit: 552 5.3.4 (RFC 1870 §6.1)",
			Config{MaxMessageBytes: 100},
			[][2]string{
				{"MAIL FROM:<a@example.com> SIZE=101", "552 5.3.4 "},
				{"MAIL FROM:<a@example.com> SIZE=100", "250 "},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, tt.cfg)
			c := dial(t, r)
			expect(t, "banner", c.last(), "220 ")
			expect(t, "EHLO", c.cmd("EHLO client.example"), "250 ")
			for _, s := range tt.steps {
				expect(t, s[0], c.cmd(s[0]), s[1])
			}
		})
	}
}

// TestGreylistThenSuccess is the full retry a real MTA does: a new
// connection later delivers the deferred message.
func TestGreylistThenSuccess(t *testing.T) {
	r := start(t, Config{Greylist: true})
	send := func() error {
		return smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte("Subject: g\r\n\r\nx\r\n"))
	}
	err := send()
	var te *textprotoError
	if !errors.As(err, &te) || te.Code != 451 || !strings.Contains(te.Msg, "4.7.1") {
		t.Fatalf("first attempt: %v, want 451 4.7.1", err)
	}
	if err := send(); err != nil {
		t.Fatalf("retry: %v", err)
	}
	waitFor(t, "message", func() bool { return len(r.Messages()) == 1 })
	if st := r.Stats(); st.Greylisted != 1 || st.Messages != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestAuthLoginAndMasking(t *testing.T) {
	r := start(t, Config{AuthUser: "jdoe", AuthPassword: "S3cret!", AllowInsecureAuth: true, RequireAuth: true})
	c := dial(t, r)
	c.last()
	c.send("EHLO x\r\n")
	if caps := strings.Join(c.reply(), "\n"); !strings.Contains(caps, "AUTH PLAIN LOGIN") {
		t.Fatalf("EHLO does not offer AUTH PLAIN LOGIN: %q", caps)
	}
	b64 := base64.StdEncoding.EncodeToString
	expect(t, "AUTH LOGIN", c.cmd("AUTH LOGIN"), "334 "+b64([]byte("Username:")))
	expect(t, "user", c.cmd(b64([]byte("jdoe"))), "334 "+b64([]byte("Password:")))
	expect(t, "password", c.cmd(b64([]byte("S3cret!"))), "235 2.0.0")
	expect(t, "MAIL", c.cmd("MAIL FROM:<jdoe@example.com>"), "250 ")
	expect(t, "QUIT", c.cmd("QUIT"), "221 ")
	waitFor(t, "close", func() bool { return !r.Connections()[0].Open() })
	conn := r.Connections()[0]
	if conn.AuthUser != "jdoe" {
		t.Errorf("AuthUser = %q", conn.AuthUser)
	}
	for _, e := range conn.Transcript {
		if strings.Contains(e.Text, b64([]byte("S3cret!"))) || bytes.Contains(e.Raw, []byte(b64([]byte("S3cret!")))) {
			t.Errorf("password leaked in transcript entry %+v", e)
		}
	}
	var maskedLines int
	for _, e := range conn.Transcript {
		if e.Dir == transcript.Client && e.Text == masked && e.Raw == nil {
			maskedLines++
		}
	}
	if maskedLines != 2 {
		t.Errorf("%d masked client lines, want 2 (user and password)", maskedLines)
	}
}

func TestLoginServer(t *testing.T) {
	auth := func(u, p string) error {
		if u == "u" && p == "p" {
			return nil
		}
		return errors.New("bad")
	}
	tests := []struct {
		name      string
		responses [][]byte
		wantErr   bool
	}{
		{"challenge for both", [][]byte{nil, []byte("u"), []byte("p")}, false},
		{"initial response carries user", [][]byte{[]byte("u"), []byte("p")}, false},
		{"wrong password", [][]byte{nil, []byte("u"), []byte("x")}, true},
		{"extra response after done", [][]byte{[]byte("u"), []byte("p"), []byte("z")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &loginServer{auth: auth}
			var err error
			done := false
			for _, resp := range tt.responses {
				var d bool
				_, d, err = s.Next(resp)
				done = done || d
				if err != nil {
					break
				}
			}
			if (err != nil) != tt.wantErr || (!tt.wantErr && !done) {
				t.Errorf("err = %v, done = %v; wantErr %v", err, done, tt.wantErr)
			}
		})
	}
}

// TestSTARTTLS checks RFC 3207: STARTTLS offered, AUTH only after it, the
// transcript readable inside TLS, and the certificate the one exposed.
func TestSTARTTLS(t *testing.T) {
	r := start(t, Config{TLS: true, TLSName: "rx.test.example", AuthUser: "u", AuthPassword: "p"})
	if fp := r.CertificateFingerprint(); len(fp) != 95 {
		t.Fatalf("fingerprint %q is not 32 colon-separated bytes", fp)
	}
	cl, err := smtp.Dial(r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := cl.Extension("AUTH"); ok {
		t.Error("AUTH offered before TLS without AllowInsecureAuth")
	}
	if ok, _ := cl.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	if err := cl.StartTLS(trusting(r)); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	st, ok := cl.TLSConnectionState()
	if !ok || Fingerprint(st.PeerCertificates[0].Raw) != r.CertificateFingerprint() {
		t.Fatal("TLS peer certificate is not the receiver's")
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		t.Error("STARTTLS offered again inside TLS")
	}
	if err := cl.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")); err != nil {
		t.Fatalf("AUTH PLAIN over TLS: %v", err)
	}
	if err := cl.Mail("a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := cl.Rcpt("b@example.org"); err != nil {
		t.Fatal(err)
	}
	w, err := cl.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, "Subject: secure\r\n\r\nover TLS\r\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cl.Quit(); err != nil {
		t.Fatal(err)
	}

	waitFor(t, "close", func() bool { return !r.Connections()[0].Open() })
	conn := r.Connections()[0]
	if !conn.TLS || conn.TLSVersion == "" || conn.AuthUser != "u" {
		t.Errorf("connection = TLS %v %q auth %q", conn.TLS, conn.TLSVersion, conn.AuthUser)
	}
	m := r.Messages()[0]
	if !m.TLS || m.AuthUser != "u" || m.Subject != "secure" {
		t.Errorf("message TLS %v auth %q subject %q", m.TLS, m.AuthUser, m.Subject)
	}
	var sawPlainMail, sawEncrypted bool
	for _, e := range conn.Transcript {
		if e.TLS && e.Dir == transcript.Client && strings.HasPrefix(e.Text, "MAIL FROM:<a@example.com>") {
			sawPlainMail = true
		}
		if e.TLS && strings.HasPrefix(e.Text, `\x16\x03`) {
			sawEncrypted = true
		}
		if !e.TLS && strings.HasPrefix(e.Text, "MAIL") {
			t.Errorf("MAIL recorded outside TLS: %+v", e)
		}
	}
	if !sawPlainMail || sawEncrypted {
		for _, e := range conn.Transcript {
			t.Logf("%s tls=%v %s", e.Dir, e.TLS, e.Text)
		}
		t.Errorf("transcript inside TLS: plaintext MAIL seen %v, TLS records seen %v", sawPlainMail, sawEncrypted)
	}
}

// TestSTARTTLSHandshakeFailure: a client that says STARTTLS and then sends
// garbage gets the session closed, with a note, and nothing hangs.
func TestSTARTTLSHandshakeFailure(t *testing.T) {
	r := start(t, Config{TLS: true})
	c := dial(t, r)
	c.last()
	c.cmd("EHLO x")
	expect(t, "STARTTLS", c.cmd("STARTTLS"), "220 2.0.0")
	c.send("this is not a TLS ClientHello\r\n\r\n")
	buf := make([]byte, 512)
	for {
		if _, err := c.conn.Read(buf); err != nil {
			break
		}
	}
	waitFor(t, "close", func() bool { return !r.Connections()[0].Open() })
	var found bool
	for _, e := range r.Connections()[0].Transcript {
		found = found || (e.Dir == transcript.Info && strings.Contains(e.Text, "TLS handshake with the client failed"))
	}
	if !found {
		t.Error("no note about the failed handshake")
	}
}

func TestConcurrentSessions(t *testing.T) {
	const n = 50
	r := start(t, Config{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf("Subject: n%d\r\n\r\nbody %d\r\n", i, i)
			errs <- smtp.SendMail(r.Addr().String(), nil, fmt.Sprintf("s%d@example.com", i), []string{"r@example.org"}, []byte(body))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	waitFor(t, "all closed", func() bool { return r.Stats().Open == 0 })
	msgs := r.Messages()
	if len(msgs) != n {
		t.Fatalf("%d messages, want %d", len(msgs), n)
	}
	seen := map[string]bool{}
	ids := map[int64]bool{}
	for _, m := range msgs {
		seen[m.Subject] = true
		ids[m.ConnID] = true
		if want := "s" + strings.TrimPrefix(m.Subject, "n") + "@example.com"; m.Envelope.From != want {
			t.Errorf("message %q from %q: envelope mixed up between sessions", m.Subject, m.Envelope.From)
		}
	}
	if len(seen) != n || len(ids) != n || len(r.Connections()) != n {
		t.Errorf("%d subjects, %d connection ids, %d connections; want %d each", len(seen), len(ids), len(r.Connections()), n)
	}
}

// TestSizeLimit: a message over MaxMessageBytes is refused with 552 5.3.4
// (RFC 1870 §6.3) after its data, and the session goes on.
func TestSizeLimit(t *testing.T) {
	r := start(t, Config{MaxMessageBytes: 1000})
	c := dial(t, r)
	c.last()
	c.cmd("EHLO x")
	c.cmd("MAIL FROM:<a@example.com>")
	c.cmd("RCPT TO:<b@example.org>")
	expect(t, "DATA", c.cmd("DATA"), "354")
	c.send("Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("x", 70)+"\r\n", 30))
	expect(t, "end of data", c.cmd("."), "552 5.3.4")
	expect(t, "session continues", c.cmd("NOOP"), "250")
	if n := len(r.Messages()); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

// TestBodyTransparency: only CRLF.CRLF ends the data (RFC 5321 §4.1.1.4);
// bare LF and "\n.\n" are content, and a leading dot is unstuffed
// (§4.5.2).
func TestBodyTransparency(t *testing.T) {
	r := start(t, Config{})
	c := dial(t, r)
	c.last()
	c.cmd("EHLO x")
	c.cmd("MAIL FROM:<a@example.com>")
	c.cmd("RCPT TO:<b@example.org>")
	c.cmd("DATA")
	c.send("Subject: lf\r\n\r\nline1\n.\nline2\r\n..stuffed\r\nbare\rCR\r\n\n.\r\nstill body\r\n")
	expect(t, "end", c.cmd("."), "250 2.0.0")
	expect(t, "after", c.cmd("NOOP"), "250")
	msgs := r.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want exactly 1 (ended early?)", len(msgs))
	}
	want := "line1\n.\nline2\r\n.stuffed\r\nbare\rCR\r\n\n.\r\nstill body\r\n"
	if got := string(msgs[0].Body); got != want {
		t.Errorf("body = %q\nwant   %q", got, want)
	}
}

func TestPortInUse(t *testing.T) {
	r1 := start(t, Config{})
	r2, err := New(Config{Addr: r1.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	err = r2.Start(context.Background())
	var le *ListenError
	if !errors.As(err, &le) || !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("Start on a busy port: %v, want ListenError with ErrAddrInUse", err)
	}
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		msg := le.Localize(l)
		if !strings.Contains(msg, r1.Addr().String()) || !strings.Contains(msg, "--addr") {
			t.Errorf("Localize(%s) = %q: should name the address and the fix", l, msg)
		}
	}
	if strings.Contains(le.Localize(lang.EN), "firewall") {
		t.Error("port 25 advice shown for another port")
	}
}

func TestPort25Explanation(t *testing.T) {
	le := &ListenError{Addr: "0.0.0.0:25", Reason: ErrListenPermission, Err: errors.New("bind: permission denied")}
	en, es := le.Localize(lang.EN), le.Localize(lang.ES)
	if !strings.Contains(en, "administrator") || !strings.Contains(en, "firewall") {
		t.Errorf("English port 25 text lacks admin/firewall advice: %q", en)
	}
	if !strings.Contains(es, "administrador") || !strings.Contains(es, "firewall") {
		t.Errorf("Spanish port 25 text lacks admin/firewall advice: %q", es)
	}
	if !IsPort25("[::]:25") || IsPort25("127.0.0.1:2525") {
		t.Error("IsPort25 misjudges")
	}
}

func TestSaveEML(t *testing.T) {
	dir := t.TempDir()
	r := start(t, Config{SaveDir: dir})
	body := "Subject: saved\r\n\r\nhello\r\n"
	for range 2 {
		if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "messages", func() bool { return len(r.Messages()) == 2 })
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("folder holds %v, want 2 files and no temporaries", entries)
	}
	nameRE := regexp.MustCompile(`^\d{8}T\d{6}\.\d{3}Z-c\d+-m\d+-[0-9a-f]{8}\.eml$`)
	for i, m := range r.Messages() {
		if filepath.Dir(m.SavedPath) != dir || !nameRE.MatchString(filepath.Base(m.SavedPath)) {
			t.Errorf("message %d saved as %q", i, m.SavedPath)
		}
		data, err := os.ReadFile(m.SavedPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("Return-Path: <a@example.com>\r\nX-SMTPProbe-Rcpt: <b@example.org>\r\nReceived: from ")) || !bytes.HasSuffix(data, []byte(body)) {
			t.Errorf("file content = %q", data)
		}
	}
}

func TestSaveFailureIs451(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := start(t, Config{SaveDir: dir})
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte("Subject: x\r\n\r\ny\r\n"))
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("send with the folder gone: %v, want 451", err)
	}
	waitFor(t, "record", func() bool { return len(r.Messages()) == 1 })
	if m := r.Messages()[0]; m.SaveError == "" || r.Stats().Messages != 0 {
		t.Errorf("SaveError %q, accepted %d", m.SaveError, r.Stats().Messages)
	}
}

func TestCaps(t *testing.T) {
	r := start(t, Config{MaxMessages: 3, MaxConnections: 2, MaxTranscriptLines: 5})
	for i := range 5 {
		if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all closed", func() bool { return r.Stats().Open == 0 })
	msgs := r.Messages()
	if len(msgs) != 3 || msgs[0].Subject != "2" || msgs[2].Subject != "4" {
		t.Errorf("kept messages %d (first %q), want the newest 3", len(msgs), msgs[0].Subject)
	}
	conns := r.Connections()
	if len(conns) != 2 || conns[1].ID != 5 {
		t.Errorf("kept %d connections, want the newest 2", len(conns))
	}
	if len(conns[1].Transcript) != 5 || conns[1].TranscriptDropped == 0 {
		t.Errorf("transcript %d lines, %d dropped; want 5 and some", len(conns[1].Transcript), conns[1].TranscriptDropped)
	}
	st := r.Stats()
	if st.DroppedMessages != 2 || st.DroppedConnections != 3 || st.Messages != 5 {
		t.Errorf("stats = %+v", st)
	}
}

func TestStoredBytesCap(t *testing.T) {
	r := start(t, Config{MaxStoredBytes: 300})
	for range 4 {
		body := "Subject: s\r\n\r\n" + strings.Repeat("y", 100) + "\r\n"
		if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	for _, m := range r.Messages() {
		total += m.Size
	}
	if total > 300 || len(r.Messages()) != 2 {
		t.Errorf("%d messages, %d bytes kept; want 2 within 300", len(r.Messages()), total)
	}
}

// TestLongTranscriptSummarised: message lines beyond dataLinesShown are
// summarised in one note rather than filling the transcript.
func TestLongTranscriptSummarised(t *testing.T) {
	r := start(t, Config{})
	body := "Subject: long\r\n\r\n" + strings.Repeat("line\r\n", 100)
	if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(body)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "close", func() bool { return r.Stats().Open == 0 })
	var dataLines int
	var note string
	for _, e := range r.Connections()[0].Transcript {
		if e.Dir == transcript.Client && e.Text == "line" {
			dataLines++
		}
		if e.Dir == transcript.Info && strings.Contains(e.Text, "more message lines") {
			note = e.Text
		}
	}
	if dataLines != dataLinesShown-2 || note != "(72 more message lines, 432 bytes, not shown)" {
		t.Errorf("%d data lines shown, note %q", dataLines, note)
	}
}

func TestBDAT(t *testing.T) {
	r := start(t, Config{})
	c := dial(t, r)
	c.last()
	c.cmd("EHLO x")
	c.cmd("MAIL FROM:<a@example.com>")
	c.cmd("RCPT TO:<b@example.org>")
	// RFC 3030 §2: the chunk follows the command with no terminator; it
	// contains a CRLF.CRLF that must not be taken for anything.
	chunk := "Subject: b\r\n\r\nx\r\n.\r\nQUIT\r\n"
	c.send(fmt.Sprintf("BDAT %d LAST\r\n%s", len(chunk), chunk))
	expect(t, "BDAT", c.last(), "250 2.0.0")
	expect(t, "after", c.cmd("NOOP"), "250")
	waitFor(t, "message", func() bool { return len(r.Messages()) == 1 })
	if got := string(r.Messages()[0].Raw); got != chunk {
		t.Errorf("raw = %q", got)
	}
	var note bool
	for _, e := range r.Connections()[0].Transcript {
		if e.Dir == transcript.Client && e.Text == "QUIT" {
			t.Error("chunk content recorded as a command")
		}
		note = note || e.Text == fmt.Sprintf("(BDAT chunk of %d bytes, not shown)", len(chunk))
	}
	if !note {
		t.Error("no BDAT note")
	}
}

// TestHostileInput: an overlong line ends the session (RFC 5321 §4.5.3.1.4
// limits lines to 1000 octets; go-smtp allows 2000), control bytes are
// escaped in records.
func TestHostileInput(t *testing.T) {
	r := start(t, Config{})
	c := dial(t, r)
	c.last()
	expect(t, "EHLO", c.cmd("EHLO evil\x1b[31m"), "250")
	c.send(strings.Repeat("A", 5000) + "\r\n")
	expect(t, "long line", c.last(), "500 5.4.0")
	waitFor(t, "close", func() bool { return r.Stats().Open == 0 })
	conn := r.Connections()[0]
	if conn.EHLO != `evil\x1B[31m` {
		t.Errorf("EHLO recorded as %q", conn.EHLO)
	}
	for _, e := range conn.Transcript {
		if strings.ContainsAny(e.Text, "\x1b\r\n") {
			t.Errorf("unescaped control byte in %q", e.Text)
		}
	}
}

func TestMaxOpen(t *testing.T) {
	r := start(t, Config{MaxOpen: 1})
	c1 := dial(t, r)
	expect(t, "first", c1.last(), "220")
	c2 := dial(t, r)
	expect(t, "second", c2.last(), "421 4.7.0")
	if st := r.Stats(); st.Refused != 1 {
		t.Errorf("refused = %d", st.Refused)
	}
}

func TestBannerDelay(t *testing.T) {
	r := start(t, Config{BannerDelay: 50 * time.Millisecond})
	c := dial(t, r)
	expect(t, "banner", c.last(), "220")
	if tr := r.Connections()[0].Transcript; tr[0].Dir != transcript.Info || !strings.Contains(tr[0].Text, "banner delayed by 50ms") {
		t.Errorf("first entry = %+v", tr[0])
	}
}

// TestCloseWithOpenSessions: Close ends sessions stuck anywhere (idle after
// EHLO, in DATA, in a banner delay, inside TLS) without waiting for the
// clients, and leaves no goroutine behind.
func TestCloseWithOpenSessions(t *testing.T) {
	before := runtime.NumGoroutine()
	r, err := New(Config{Addr: "127.0.0.1:0", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	idle := dial(t, r)
	idle.last()
	idle.cmd("EHLO x")
	inData := dial(t, r)
	inData.last()
	inData.cmd("EHLO x")
	inData.cmd("MAIL FROM:<a@example.com>")
	inData.cmd("RCPT TO:<b@example.org>")
	inData.cmd("DATA")
	inData.send("Subject: unfinished\r\n")
	inTLS := dial(t, r)
	inTLS.last()
	inTLS.cmd("EHLO x")
	inTLS.cmd("STARTTLS")
	tc := tls.Client(inTLS.conn, trusting(r))
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "TLS recorded", func() bool { return r.Connections()[2].TLS })

	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Close hung with open sessions")
	}
	for _, c := range []*client{idle, inData} {
		if _, err := c.br.ReadString('\n'); err == nil {
			// A 421 or nothing, then the end.
			if _, err := c.br.ReadString('\n'); err == nil {
				t.Error("connection still open after Close")
			}
		}
	}
	tc.Close()
	if st := r.Stats(); st.Open != 0 {
		t.Errorf("%d connections still open", st.Open)
	}
	for _, c := range r.Connections() {
		if c.Open() {
			t.Errorf("connection %d has no end time", c.ID)
		}
	}
	idle.conn.Close()
	inData.conn.Close()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before+2 })

	// A receiver blocked in a banner delay closes too.
	r2 := start(t, Config{BannerDelay: time.Hour})
	dial(t, r2)
	waitFor(t, "connection", func() bool { return r2.Stats().Open == 1 })
	go func() { done <- r2.Close() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Close hung during a banner delay")
	}
}

func TestConfigChecks(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"user without password", Config{AuthUser: "u"}},
		{"require auth without credentials", Config{RequireAuth: true}},
		{"require auth with no way to authenticate", Config{AuthUser: "u", AuthPassword: "p", RequireAuth: true}},
		{"CRLF in domain (banner injection)", Config{Domain: "a\r\n250 fake"}},
		{"space in TLS name", Config{TLSName: "a b"}},
		{"negative delay", Config{BannerDelay: -1}},
		{"save folder missing", Config{SaveDir: filepath.Join(t.TempDir(), "nope")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Config(); c.Addr != DefaultAddr || c.MaxMessageBytes != DefaultMaxMessageBytes {
		t.Errorf("defaults not applied: %+v", c)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close before Start: %v", err)
	}
}

func TestIPv6LoopbackAndLifecycle(t *testing.T) {
	r, err := New(Config{Addr: "[::1]:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	if err := r.Start(context.Background()); err == nil {
		t.Error("second Start succeeded")
	}
	if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@[IPv6:::1]"}, []byte("Subject: v6\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "message", func() bool { return len(r.Messages()) == 1 })
	if rc := r.Messages()[0].Envelope.Rcpts[0].Addr; rc != "b@[IPv6:::1]" {
		t.Errorf("address literal recorded as %q", rc)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := r.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}
}

// TestIdleTimeout: a client that stops talking is dropped with 421 4.4.2
// after ReadTimeout (RFC 5321 §4.5.3.2), in clear text and inside the
// STARTTLS bridge, whose deadlines go to go-smtp's side of the pipe.
func TestIdleTimeout(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) {
			r := start(t, Config{TLS: useTLS, ReadTimeout: 200 * time.Millisecond})
			c := dial(t, r)
			c.last()
			c.cmd("EHLO x")
			br := c.br
			if useTLS {
				expect(t, "STARTTLS", c.cmd("STARTTLS"), "220")
				tc := tls.Client(c.conn, trusting(r))
				if err := tc.Handshake(); err != nil {
					t.Fatal(err)
				}
				br = bufio.NewReader(tc)
			}
			line, err := br.ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "421 4.4.2") {
				t.Fatalf("idle client got %q, %v; want 421 4.4.2", line, err)
			}
			waitFor(t, "close", func() bool { return r.Stats().Open == 0 })
			tr := r.Connections()[0].Transcript
			if last := tr[len(tr)-1]; last.Dir != transcript.Server || !strings.HasPrefix(last.Text, "421 4.4.2") || last.TLS != useTLS {
				t.Errorf("last transcript entry %+v", last)
			}
		})
	}
}

// TestAuthPipelinedMasked: a client that sends its SASL responses without
// waiting for each 334 (as some do, and any attacker may) still has them
// masked: every line after AUTH until its final reply is a SASL response
// (RFC 4954 §4), whatever order the bytes and replies cross in.
func TestAuthPipelinedMasked(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		name, flight string
		replies      []string
	}{
		{"LOGIN", "AUTH LOGIN\r\n" + b64("jdoe") + "\r\n" + b64("S3cret!") + "\r\n", []string{"334 ", "334 ", "235 "}},
		{"PLAIN after empty challenge", "AUTH PLAIN\r\n" + b64("\x00jdoe\x00S3cret!") + "\r\n", []string{"334", "235 "}},
		{"EHLO, AUTH and MAIL in one flight", "EHLO y\r\nAUTH LOGIN\r\n" + b64("jdoe") + "\r\n" + b64("S3cret!") + "\r\nMAIL FROM:<a@b.test>\r\n",
			[]string{"250", "334 ", "334 ", "235 ", "250 "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := start(t, Config{AuthUser: "jdoe", AuthPassword: "S3cret!", AllowInsecureAuth: true})
			cl := dial(t, r)
			cl.last()
			cl.send("EHLO x\r\n")
			cl.reply()
			cl.send(c.flight)
			for _, want := range c.replies {
				expect(t, c.flight, cl.last(), want)
			}
			expect(t, "QUIT", cl.cmd("QUIT"), "221 ")
			waitFor(t, "close", func() bool { return !r.Connections()[0].Open() })
			for _, e := range r.Connections()[0].Transcript {
				for _, secret := range []string{b64("S3cret!"), b64("jdoe"), b64("\x00jdoe\x00S3cret!")} {
					if strings.Contains(e.Text, secret) || bytes.Contains(e.Raw, []byte(secret)) {
						t.Errorf("secret %q in transcript entry %+v", secret, e)
					}
				}
			}
		})
	}
}

// TestAuthGuessesThrottled: each failed AUTH is answered only after a delay
// and MaxAuthFailures failures end the connection with 421 4.7.0, so a
// client cannot try thousands of passwords a second on one connection.
func TestAuthGuessesThrottled(t *testing.T) {
	r := start(t, Config{AuthUser: "jdoe", AuthPassword: "S3cret!", AllowInsecureAuth: true, AuthFailureDelay: time.Millisecond, MaxAuthFailures: 3})
	cl := dial(t, r)
	cl.last()
	cl.send("EHLO x\r\n")
	cl.reply()
	guess := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00jdoe\x00guess"))
	expect(t, "guess 1", cl.cmd(guess), "535 5.7.8")
	expect(t, "guess 2", cl.cmd(guess), "535 5.7.8")
	expect(t, "guess 3", cl.cmd(guess), "421 4.7.0")
	if l, err := cl.br.ReadString('\n'); err == nil {
		t.Fatalf("connection still open after the last guess: %q", l)
	}
	waitFor(t, "close", func() bool { return r.Stats().Open == 0 })
	var delayed int
	for _, e := range r.Connections()[0].Transcript {
		if e.Dir == transcript.Info && strings.Contains(e.Text, "answer delayed") {
			delayed++
		}
	}
	if st := r.Stats(); st.AuthFailures != 3 || delayed != 3 {
		t.Errorf("auth failures %d, delay notes %d; want 3 and 3", st.AuthFailures, delayed)
	}
}

// TestSTARTTLSPipelined: a client that pipelines a command after STARTTLS
// (RFC 3207 §4.2 forbids it; go-smtp drops the plaintext bytes) still gets
// the recording TLS bridge, so the session inside TLS is in the transcript
// as text rather than lost.
func TestSTARTTLSPipelined(t *testing.T) {
	r := start(t, Config{TLS: true, TLSName: "rx.test.example"})
	c := dial(t, r)
	c.last()
	c.send("EHLO x\r\n")
	c.reply()
	c.send("STARTTLS\r\nNOOP\r\n")
	expect(t, "STARTTLS", c.last(), "220 ")
	tc := tls.Client(c.conn, trusting(r))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	c.conn, c.br = tc, bufio.NewReader(tc)
	c.send("EHLO inside.test\r\n")
	c.reply()
	expect(t, "QUIT", c.cmd("QUIT"), "221 ")
	waitFor(t, "close", func() bool { return r.Stats().Open == 0 })
	var inside bool
	for _, e := range r.Connections()[0].Transcript {
		if e.TLS && e.Text == "EHLO inside.test" {
			inside = true
		}
	}
	if !inside {
		t.Errorf("the EHLO inside TLS is not in the transcript: %+v", r.Connections()[0].Transcript)
	}
}
