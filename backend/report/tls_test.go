package report

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
)

type nopBackend struct{}

func (nopBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return nopSession{}, nil }

type nopSession struct{}

func (nopSession) Mail(string, *smtp.MailOptions) error { return nil }
func (nopSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (nopSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (nopSession) Reset()                               {}
func (nopSession) Logout() error                        { return nil }

// TestReportShowsEngineTLS runs a real STARTTLS session and checks that the
// certificate details the engine recorded reach the text and HTML reports
// without any help from Options.
func TestReportShowsEngineTLS(t *testing.T) {
	ca := testcerts.NewCA(t, "Contoso Test Root", testcerts.ECDSAP256)
	leaf := ca.Leaf(t, testcerts.LeafOptions{DNSNames: []string{"mail1.fabrikam.test"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	srv := smtp.NewServer(nopBackend{})
	srv.Domain = "mail1.fabrikam.test"
	srv.TLSConfig = testcerts.ServerConfig(leaf.TLS())
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	d := 5 * time.Second
	r, err := session.Run(context.Background(), session.Options{
		From: "chris@contoso.test", To: []string{"kate@fabrikam.test"}, Server: ln.Addr().String(), HELO: "contoso.test",
		Subject: "TLS", Body: "hi\n", TLS: session.TLSStartTLS, CAFile: ca.WriteCAFile(t),
		Timeouts: session.Timeouts{Connect: d, Banner: d, Command: d, Mail: d, Rcpt: d, Data: d, DataBlock: d, FinalDot: d},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.TLS == nil || len(r.TLS.Chain) == 0 {
		t.Fatalf("ok=%v tls=%+v failed=%+v", r.OK, r.TLS, r.Failed())
	}
	fp := r.TLS.Chain[0].SHA256
	for _, f := range []Format{FormatText, FormatHTML} {
		var b bytes.Buffer
		if err := Render(&b, f, r, Options{Lang: lang.EN}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "not used or not recorded") {
			t.Errorf("format %v says TLS was not recorded", f)
		}
		if f == FormatHTML && !strings.Contains(out, fp) {
			t.Errorf("HTML report lacks the certificate fingerprint %s", fp)
		}
		if !strings.Contains(out, r.TLS.Version) {
			t.Errorf("format %v lacks the TLS version %q", f, r.TLS.Version)
		}
	}
}
