package history

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpauth"
)

// The AUTH account of the test server; the password must never reach the
// database.
const (
	testUser = "admin@contoso.test"
	testPass = "Hist0ry-S3cret!"
)

// serverOpts shapes the go-smtp server a test runs the engine against.
type serverOpts struct {
	// leaf answers STARTTLS; nil offers no TLS.
	leaf *testcerts.Leaf
	// dsn and smtputf8 turn on those extensions.
	dsn, smtputf8 bool
	// rejectRcpt refuses every recipient with 550 5.1.1.
	rejectRcpt bool
}

type testBackend struct{ o serverOpts }

func (b *testBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &testSess{o: b.o}, nil }

type testSess struct{ o serverOpts }

func (*testSess) Reset()                               {}
func (*testSess) Logout() error                        { return nil }
func (*testSess) Mail(string, *smtp.MailOptions) error { return nil }
func (s *testSess) Rcpt(string, *smtp.RcptOptions) error {
	if s.o.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
	}
	return nil
}
func (*testSess) Data(r io.Reader) error   { _, err := io.Copy(io.Discard, r); return err }
func (*testSess) AuthMechanisms() []string { return []string{"PLAIN"} }
func (*testSess) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, u, p string) error {
		if u == testUser && p == testPass {
			return nil
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	}), nil
}

// startServer runs a real go-smtp server on 127.0.0.1:0.
func startServer(t testing.TB, o serverOpts) string {
	t.Helper()
	srv := smtp.NewServer(&testBackend{o: o})
	srv.Domain = "mx.fabrikam.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableDSN, srv.EnableSMTPUTF8 = o.dsn, o.smtputf8
	if o.leaf != nil {
		srv.TLSConfig = testcerts.ServerConfig(o.leaf.TLS())
	} else {
		srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// runEngine runs the real session engine against a fresh server. caFile
// trusts the server's authority; auth adds AUTH PLAIN with the test
// account.
func runEngine(t testing.TB, o serverOpts, caFile string, auth bool) *session.Result {
	t.Helper()
	addr := startServer(t, o)
	opts := session.Options{
		From: "probe@contoso.test", To: []string{"kate@fabrikam.test"}, Server: addr,
		HELO: "probe.contoso.test", Subject: "history test", Body: "hello\n",
		CAFile: caFile,
	}
	if auth {
		opts.AuthUser, opts.AuthSecret = testUser, smtpauth.Secret(testPass)
		opts.AllowPlaintextAuth = o.leaf == nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := session.Run(ctx, opts)
	if err != nil {
		t.Fatalf("session.Run: %v", err)
	}
	return r
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
