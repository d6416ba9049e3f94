package smtpauth

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// cramChallenge is the RFC 2195 §2 example challenge.
const cramChallenge = "<1896.697170952@postoffice.reston.mci.net>"

// account is what the test server accepts.
type account struct {
	user, pass, token string
	// loginPrompts overrides the LOGIN prompts ("Username:", "Password:").
	loginPrompts [2]string
}

// authBackend is a go-smtp backend whose sessions offer the four
// mechanisms through AuthSession, each checking against acct.
type authBackend struct {
	acct account
	mu   sync.Mutex
	// authzid records what PLAIN's authorization identity was.
	authzid string
}

func (b *authBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &authSession{b: b}, nil }

type authSession struct{ b *authBackend }

func (*authSession) Reset()                               {}
func (*authSession) Logout() error                        { return nil }
func (*authSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*authSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*authSession) Data(io.Reader) error                 { return nil }
func (*authSession) AuthMechanisms() []string {
	return []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}
}
func (s *authSession) Auth(mech string) (sasl.Server, error) {
	a := s.b.acct
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(id, user, pass string) error {
			s.b.mu.Lock()
			s.b.authzid = id
			s.b.mu.Unlock()
			if user != a.user || pass != a.pass {
				return smtp.ErrAuthFailed
			}
			return nil
		}), nil
	case "LOGIN":
		return &loginServer{a: a}, nil
	case "CRAM-MD5":
		return &cramServer{a: a}, nil
	case "XOAUTH2":
		return &xoauth2Server{a: a}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of draft-murchison-sasl-login.
type loginServer struct {
	a     account
	step  int
	user  string
	extra bool
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	prompts := l.a.loginPrompts
	if prompts[0] == "" {
		prompts = [2]string{"Username:", "Password:"}
	}
	l.step++
	switch l.step {
	case 1:
		if resp != nil {
			return nil, false, errors.New("no initial response expected")
		}
		return []byte(prompts[0]), false, nil
	case 2:
		l.user = string(resp)
		return []byte(prompts[1]), false, nil
	}
	if l.user != l.a.user || string(resp) != l.a.pass {
		return nil, false, smtp.ErrAuthFailed
	}
	return nil, true, nil
}

// cramServer is the server side of RFC 2195.
type cramServer struct {
	a    account
	sent bool
}

func (c *cramServer) Next(resp []byte) ([]byte, bool, error) {
	if !c.sent {
		c.sent = true
		return []byte(cramChallenge), false, nil
	}
	h := hmac.New(md5.New, []byte(c.a.pass))
	h.Write([]byte(cramChallenge))
	if string(resp) != c.a.user+" "+hex.EncodeToString(h.Sum(nil)) {
		return nil, false, smtp.ErrAuthFailed
	}
	return nil, true, nil
}

// xoauth2Server answers a bad token the way Gmail does: a 334 with a JSON
// error, then 535 after the client's empty response.
type xoauth2Server struct {
	a      account
	asked  bool
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		if len(resp) != 0 {
			return nil, false, errors.New("expected an empty response after the error challenge")
		}
		return nil, false, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Username and Password not accepted"}
	}
	if resp == nil && !x.asked {
		x.asked = true
		return []byte{}, false, nil
	}
	want := "user=" + x.a.user + "\x01auth=Bearer " + x.a.token + "\x01\x01"
	if string(resp) == want {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// startServer runs a real go-smtp server on loopback and returns its
// address and a recorder of every byte the server received.
func startServer(t *testing.T, acct account) (string, *authBackend, *recorder) {
	t.Helper()
	be := &authBackend{acct: acct}
	s := smtp.NewServer(be)
	s.Domain = "mx.example.test"
	s.AllowInsecureAuth = true // loopback; TLS is tlsreport's business
	s.ReadTimeout = 5 * time.Second
	s.WriteTimeout = 5 * time.Second
	// RFC 4954 §4: servers should accept 12288-octet lines for AUTH.
	s.MaxLineLength = 12288
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := make(chan struct{})
	go func() { defer close(done); s.Serve(&recListener{Listener: ln, rec: rec}) }()
	t.Cleanup(func() { s.Close(); <-done })
	return ln.Addr().String(), be, rec
}

type recorder struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (r *recorder) String() string { r.mu.Lock(); defer r.mu.Unlock(); return r.buf.String() }

type recListener struct {
	net.Listener
	rec *recorder
}

func (l *recListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recConn{Conn: c, rec: l.rec}, nil
}

type recConn struct {
	net.Conn
	rec *recorder
}

func (c *recConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.rec.mu.Lock()
	c.rec.buf.Write(b[:n])
	c.rec.mu.Unlock()
	return n, err
}

// client is a minimal test-only SMTP client implementing Conn over a real
// socket, with hard limits so a broken server fails the test instead of
// hanging it. Its transcript holds each sent line as a recorder would show
// it.
type client struct {
	conn       net.Conn
	r          *bufio.Reader
	transcript []string
	offered    []string
}

func dialClient(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
	if code, _, err := c.read(); err != nil || code != 220 {
		t.Fatalf("greeting: %d %v", code, err)
	}
	code, text, err := c.Cmd("EHLO client.example.test", false)
	if err != nil || code != 250 {
		t.Fatalf("EHLO: %d %v", code, err)
	}
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], "AUTH") {
			c.offered = f[1:]
		}
	}
	return c
}

func (c *client) Cmd(line string, sensitive bool) (int, string, error) {
	shown := line
	if sensitive {
		shown = Mask(line)
	}
	c.transcript = append(c.transcript, "C: "+shown)
	c.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c.conn, line+"\r\n"); err != nil {
		return 0, "", err
	}
	code, text, err := c.read()
	c.transcript = append(c.transcript, fmt.Sprintf("S: %d %s", code, text))
	return code, text, err
}

func (c *client) read() (int, string, error) {
	var lines []string
	for i := 0; i < 100; i++ {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return 0, "", err
		}
		l = strings.TrimRight(l, "\r\n")
		if len(l) < 4 || (l[3] != ' ' && l[3] != '-') {
			if len(l) == 3 {
				l += " "
			} else {
				return 0, "", fmt.Errorf("malformed reply line %q", l)
			}
		}
		code, err := strconv.Atoi(l[:3])
		if err != nil {
			return 0, "", fmt.Errorf("malformed reply code %q", l)
		}
		lines = append(lines, l[4:])
		if l[3] == ' ' {
			return code, strings.Join(lines, "\n"), nil
		}
	}
	return 0, "", errors.New("reply longer than 100 lines")
}

func TestExchangeAgainstGoSMTP(t *testing.T) {
	acct := account{user: "tim@example.test", pass: "tanstaaftanstaaf", token: "ya29.good-token"}
	longToken := strings.Repeat("t", 1500) // Microsoft tokens are this long
	tests := []struct {
		name     string
		acct     account
		mech     Mechanism
		wantKind Kind // "" for success
		wire     []string
	}{
		{"PLAIN ok (RFC 4616)", acct, Plain("", acct.user, acct.pass), "", []string{"AUTH PLAIN AHRpbUBleGFtcGxlLnRlc3QAdGFuc3RhYWZ0YW5zdGFhZg==\r\n"}},
		{"PLAIN bad password", acct, Plain("", acct.user, "wrong"), KindFailed, nil},
		{"LOGIN ok", acct, Login(acct.user, acct.pass), "", []string{"AUTH LOGIN\r\n", "dGltQGV4YW1wbGUudGVzdA==\r\n", "dGFuc3RhYWZ0YW5zdGFhZg==\r\n"}},
		{"LOGIN odd prompts answered by position", account{user: acct.user, pass: acct.pass, loginPrompts: [2]string{"Who?", "Secret?"}}, Login(acct.user, acct.pass), "", nil},
		{"LOGIN lower-case prompts", account{user: acct.user, pass: acct.pass, loginPrompts: [2]string{"username:", "password:"}}, Login(acct.user, acct.pass), "", nil},
		{"LOGIN bad password", acct, Login(acct.user, "wrong"), KindFailed, nil},
		{"CRAM-MD5 ok (RFC 2195)", account{user: "tim", pass: "tanstaaftanstaaf"}, CRAMMD5("tim", "tanstaaftanstaaf"), "", []string{"AUTH CRAM-MD5\r\n", "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"}},
		{"CRAM-MD5 bad password", acct, CRAMMD5(acct.user, "wrong"), KindFailed, nil},
		{"XOAUTH2 ok", acct, XOAuth2(acct.user, acct.token), "", nil},
		{"XOAUTH2 long token after empty 334 (RFC 4954 §4)", account{user: acct.user, token: longToken}, XOAuth2(acct.user, longToken), "", []string{"AUTH XOAUTH2\r\n"}},
		{"XOAUTH2 bad token: JSON challenge, empty line, 535", acct, XOAuth2(acct.user, "ya29.expired"), KindFailed, []string{"\r\n\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _, rec := startServer(t, tt.acct)
			c := dialClient(t, addr)
			err := Exchange(context.Background(), c, tt.mech)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("Exchange: %v\n%s", err, strings.Join(c.transcript, "\n"))
				}
			} else {
				var e *Error
				if !errors.As(err, &e) || e.Kind != tt.wantKind || e.Code != 535 || e.Enhanced != "5.7.8" {
					t.Fatalf("Exchange error %v, want %s with 535 5.7.8", err, tt.wantKind)
				}
			}
			// The session must still be in step: a following command works.
			if code, _, err := c.Cmd("NOOP", false); err != nil || code != 250 {
				t.Fatalf("NOOP after AUTH: %d %v", code, err)
			}
			for _, w := range tt.wire {
				if !strings.Contains(rec.String(), w) {
					t.Errorf("server did not receive %q; got %q", w, rec.String())
				}
			}
		})
	}
}

func TestXOAuth2ErrorDecoded(t *testing.T) {
	addr, _, _ := startServer(t, account{user: "u@example.test", token: "good"})
	c := dialClient(t, addr)
	err := Exchange(context.Background(), c, XOAuth2("u@example.test", "ya29.expired"))
	var e *Error
	if !errors.As(err, &e) || e.OAuth == nil || e.OAuth.Status != "401" || e.OAuth.Scope != "https://mail.google.com/" || e.OAuth.Schemes != "bearer" {
		t.Fatalf("err %v, oauth %+v", err, e)
	}
	if !strings.Contains(err.Error(), "status 401") {
		t.Errorf("error text %q lacks the token status", err)
	}
}

func TestPlainAuthzID(t *testing.T) {
	addr, be, _ := startServer(t, account{user: "admin@example.test", pass: "pw"})
	c := dialClient(t, addr)
	if err := Exchange(context.Background(), c, Plain("shared@example.test", "admin@example.test", "pw")); err != nil {
		t.Fatal(err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if be.authzid != "shared@example.test" {
		t.Errorf("server saw authzid %q", be.authzid)
	}
}

func TestChooseFromRealEHLO(t *testing.T) {
	addr, _, _ := startServer(t, account{})
	c := dialClient(t, addr)
	if got, err := Choose(c.offered, "auto", false); err != nil || got != NameCRAMMD5 {
		t.Fatalf("auto without token from %v = %q, %v", c.offered, got, err)
	}
	if got, err := Choose(c.offered, "auto", true); err != nil || got != NameXOAuth2 {
		t.Fatalf("auto with token from %v = %q, %v", c.offered, got, err)
	}
}
