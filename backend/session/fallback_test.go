package session

import (
	"context"
	"crypto/tls"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// tls10Server offers STARTTLS with a good certificate but speaks TLS 1.0 at
// most, below the client's default minimum (1.2), so every handshake fails
// on "protocol version".
func tls10Server(t *testing.T, k pki) *testServer {
	return startServer(t, func(srv *smtp.Server) {
		cfg := testcerts.ServerConfig(k.leaf.TLS())
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
		srv.TLSConfig = cfg
	})
}

func infoLines(r *Result) string {
	var b strings.Builder
	for _, e := range r.Transcript {
		if e.Dir == transcript.Info {
			b.WriteString(e.Text + "\n")
		}
	}
	return b.String()
}

// TestSTARTTLSFallback: in opportunistic mode a failed STARTTLS handshake
// is followed by one session in plaintext on a new connection to the same
// address (RFC 7435 §1.2, Postfix smtp_tls_security_level = may); required
// STARTTLS still fails safe.
func TestSTARTTLSFallback(t *testing.T) {
	k := newPKI(t)
	t.Run("opportunistic, version mismatch: delivered in plaintext on a second connection", func(t *testing.T) {
		s := tls10Server(t, k)
		r := run(t, tlsOpts(s.Addr, TLSOpportunistic, k.caFile))
		want := []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "starttls:warning:220",
			"connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", "rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
		if got := steps(r); !slices.Equal(got, want) || !r.OK || r.ExitCode != exitcode.OK {
			t.Fatalf("steps %q ok %v exit %d, want %q", got, r.OK, r.ExitCode, want)
		}
		if n := s.tap.Accepted(); n != 2 {
			t.Errorf("server accepted %d connections, want 2", n)
		}
		if d := s.Data(); len(d) != 1 {
			t.Errorf("server got %d messages, want 1", len(d))
		}
		if !hasWarning(r, WarnTLSFallback) {
			t.Errorf("warnings %+v lack %s", r.Warnings, WarnTLSFallback)
		}
		st := r.Step(StepSTARTTLS)
		if st.Failure != FailTLSFallback || !strings.Contains(st.Error, "version") {
			t.Errorf("starttls step: failure %q error %q", st.Failure, st.Error)
		}
		if st.Evaluation == nil || st.Evaluation.Rule != "fail.tls_fallback_plaintext" {
			t.Errorf("starttls evaluation %+v", st.Evaluation)
		}
		if r.TLS == nil || r.TLS.Problem == nil || r.TLS.Version != "" {
			t.Errorf("Result.TLS = %+v, want the failed handshake", r.TLS)
		}
		if r.Verdict == nil || r.Verdict.Verdict != "accepted" {
			t.Errorf("verdict %+v", r.Verdict)
		}
		// The second connection never sends STARTTLS, and says why.
		if got := s.tap.Received(); strings.Count(got, "STARTTLS\r\n") != 1 {
			t.Errorf("server received %q, want one STARTTLS", got)
		}
		info := infoLines(r)
		for _, w := range []string{"Reconnecting to", "Not sending STARTTLS", "STARTTLS handshake failed"} {
			if !strings.Contains(info, w) {
				t.Errorf("transcript info lacks %q:\n%s", w, info)
			}
		}
	})
	t.Run("opportunistic, Spanish transcript", func(t *testing.T) {
		s := tls10Server(t, k)
		o := tlsOpts(s.Addr, "", k.caFile)
		o.Lang = lang.ES
		r := run(t, o)
		info := infoLines(r)
		for _, w := range []string{"Reconectando con", "No se envía STARTTLS", "La negociación STARTTLS falló"} {
			if !strings.Contains(info, w) {
				t.Errorf("transcript info lacks %q:\n%s", w, info)
			}
		}
		if !r.OK {
			t.Errorf("steps %q", steps(r))
		}
	})
	t.Run("required STARTTLS fails safe, one connection", func(t *testing.T) {
		s := tls10Server(t, k)
		r := run(t, tlsOpts(s.Addr, TLSStartTLS, k.caFile))
		st := r.Step(StepSTARTTLS)
		if r.OK || st == nil || st.Status != StatusFailed || st.Failure != FailTLS || r.Step(StepMail) != nil {
			t.Fatalf("steps %q", steps(r))
		}
		if n := s.tap.Accepted(); n != 1 || hasWarning(r, WarnTLSFallback) {
			t.Errorf("accepted %d connections, warnings %+v", n, r.Warnings)
		}
		if len(s.Data()) != 0 {
			t.Error("a message was delivered")
		}
	})
	t.Run("AUTH is still refused on the plaintext fallback", func(t *testing.T) {
		s := tls10Server(t, k)
		o := tlsOpts(s.Addr, TLSOpportunistic, k.caFile)
		o.AuthUser, o.AuthSecret = "user", "S3ntinel-Pa55!"
		r := run(t, o)
		a := r.Step(StepAuth)
		if r.OK || a == nil || a.Status != StatusFailed || a.Failure != FailAuthPlaintext || r.Step(StepMail) != nil {
			t.Fatalf("steps %q", steps(r))
		}
		if !strings.Contains(a.Error, "STARTTLS handshake failed") {
			t.Errorf("auth error %q does not say why the connection is unencrypted", a.Error)
		}
		if r.Verdict == nil || r.Verdict.Verdict != "auth_plaintext_refused" {
			t.Errorf("verdict %+v", r.Verdict)
		}
		if got := s.tap.Received(); strings.Contains(got, "AUTH") || strings.Contains(got, "S3ntinel") {
			t.Errorf("server received %q", got)
		}
	})
	t.Run("cancelled during the handshake: no retry", func(t *testing.T) {
		s := tls10Server(t, k)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := tlsOpts(s.Addr, TLSOpportunistic, k.caFile)
		o.OnEntry = func(e transcript.Entry) {
			// The 220 to STARTTLS: the handshake starts after it.
			if e.Dir == transcript.Server && strings.HasPrefix(e.Text, "220") && strings.Contains(e.Text, "TLS") {
				cancel()
			}
		}
		r, err := Run(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if f := r.Failed(); f == nil || f.Failure != FailCanceled {
			t.Fatalf("steps %q", steps(r))
		}
		if n := s.tap.Accepted(); n != 1 || hasWarning(r, WarnTLSFallback) {
			t.Errorf("accepted %d connections, warnings %+v", n, r.Warnings)
		}
	})
}
