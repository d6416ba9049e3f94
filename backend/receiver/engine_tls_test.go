package receiver_test

import (
	"context"
	"encoding/pem"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// caFileFor writes the receiver's generated certificate as a CA file: the
// test trusts exactly that certificate, as a user would after checking its
// fingerprint.
func caFileFor(t *testing.T, r *receiver.Receiver) string {
	t.Helper()
	c := r.Certificate()
	if c == nil {
		t.Fatal("receiver has no certificate")
	}
	path := filepath.Join(t.TempDir(), "receiver.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixedResolver sends one host name to the receiver's loopback address, so
// the session verifies the certificate by name and sends SNI (RFC 6066 §3).
type fixedResolver struct{ addr netip.Addr }

func (f fixedResolver) LookupMX(context.Context, string) ([]session.Target, []session.Warning, error) {
	return nil, nil, context.Canceled
}

func (f fixedResolver) LookupHost(context.Context, string) ([]netip.Addr, error) {
	return []netip.Addr{f.addr}, nil
}

// TestEngineToReceiverSTARTTLS: our engine against our receiver with
// required STARTTLS (RFC 3207) and AUTH inside TLS (RFC 4954).
func TestEngineToReceiverSTARTTLS(t *testing.T) {
	t.Run("by IP, trusted via the certificate, then AUTH", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{TLS: true, TLSName: "127.0.0.1", AuthUser: "chris@contoso.test", AuthPassword: "S3ntinel-Pa55!", RequireAuth: true})
		o := sessionOpts(r, "kate@fabrikam.test")
		o.TLS, o.CAFile = session.TLSStartTLS, caFileFor(t, r)
		o.AuthUser, o.AuthSecret = "chris@contoso.test", "S3ntinel-Pa55!"
		res := runSession(t, o)
		if !res.OK || res.ExitCode != exitcode.OK || res.TLS == nil || !res.TLS.Verified {
			t.Fatalf("ok=%v exit=%d tls=%+v steps=%+v", res.OK, res.ExitCode, res.TLS, res.Steps)
		}
		if got := res.TLS.Chain[0].SHA256; got != r.CertificateFingerprint() {
			t.Errorf("fingerprint %s, receiver says %s", got, r.CertificateFingerprint())
		}
		if a := res.Step(session.StepAuth); a == nil || a.Status != session.StatusOK || a.Command != "AUTH PLAIN ********" {
			t.Errorf("auth step %+v", a)
		}
		for _, e := range res.Transcript {
			if strings.Contains(e.Text, "S3ntinel") || strings.Contains(string(e.Raw), "S3ntinel") {
				t.Errorf("secret in transcript: %+v", e)
			}
			if e.Dir == transcript.Client && strings.HasPrefix(e.Text, "MAIL FROM") && !e.TLS {
				t.Errorf("MAIL in clear: %+v", e)
			}
		}
		if len(r.Messages()) != 1 {
			t.Errorf("receiver got %d messages", len(r.Messages()))
		}
	})
	t.Run("by name, SNI and name check", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{TLS: true, TLSName: "mx.fabrikam.test"})
		o := sessionOpts(r, "kate@fabrikam.test")
		_, port, _ := strings.Cut(r.Addr().String(), "127.0.0.1:")
		o.Server = "mx.fabrikam.test:" + port
		o.Resolver = fixedResolver{netip.MustParseAddr("127.0.0.1")}
		o.TLS, o.CAFile = session.TLSStartTLS, caFileFor(t, r)
		res := runSession(t, o)
		if !res.OK || res.TLS == nil || !res.TLS.Verified || res.TLS.ServerName != "mx.fabrikam.test" {
			t.Fatalf("ok=%v tls=%+v", res.OK, res.TLS)
		}
	})
	t.Run("untrusted: required STARTTLS fails before MAIL", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{TLS: true, TLSName: "127.0.0.1"})
		o := sessionOpts(r, "kate@fabrikam.test")
		o.TLS = session.TLSStartTLS
		res := runSession(t, o)
		st := res.Step(session.StepSTARTTLS)
		if res.OK || st == nil || st.Failure != session.FailTLSUnknownAuthority || res.Step(session.StepMail) != nil || len(r.Messages()) != 0 {
			t.Fatalf("steps %+v", res.Steps)
		}
	})
}
