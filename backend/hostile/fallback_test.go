package hostile_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/session"
)

// perConnection is a step that plays scripts[k] on the k-th connection the
// server accepts (the last script on any later one).
func perConnection(scripts ...[]S) S {
	var mu sync.Mutex
	n := 0
	return scriptserver.Func("per connection", func(c *scriptserver.Conn) error {
		mu.Lock()
		k := min(n, len(scripts)-1)
		n++
		mu.Unlock()
		for _, st := range scripts[k] {
			if err := st.Run(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestSTARTTLSFaultsOpportunistic: the same STARTTLS faults as
// TestSTARTTLSFaults, in the default opportunistic mode. A failed handshake
// leaves the connection unusable, so the client reconnects once and
// delivers without STARTTLS, as Postfix does with smtp_tls_security_level =
// may; a 454 leaves it usable, so the client goes on in plaintext on it
// (RFC 3207 §4).
func TestSTARTTLSFaultsOpportunistic(t *testing.T) {
	offerTLS := []S{expect("EHLO client.example\r\n"), send("250-mx.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n")}
	clear := join(banner, offerTLS, mail, rcpt, data, dataEnd, quit)
	cases := []struct {
		name    string
		script  []S
		conns   int
		warning string
	}{
		{"454", join(banner, ehloTLS, []S{send("454 4.7.0 TLS not available\r\n")}, mail, rcpt, data, dataEnd, quit),
			1, "starttls-refused"},
		{"handshake with a non-TLS peer", []S{perConnection(
			join(banner, ehloTLS, []S{send("220 2.0.0 go ahead\r\n"), send("this is not TLS at all\r\n"), scriptserver.Close()}),
			clear)}, 2, session.WarnTLSFallback},
		{"handshake cut", []S{perConnection(
			join(banner, ehloTLS, []S{send("220 2.0.0 go ahead\r\n"), scriptserver.ReadBytes(10), scriptserver.Close()}),
			clear)}, 2, session.WarnTLSFallback},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := scriptserver.Start(t, c.script...)
			r := run(t, context.Background(), opts(srv))
			want{exit: exitcode.OK, verdicts: []string{"accepted"}}.check(t, r)
			if err := srv.Wait(hangGuard); err != nil {
				t.Errorf("server script: %v", err)
			}
			if n := srv.Accepted(); n != c.conns {
				t.Errorf("server accepted %d connections, want %d", n, c.conns)
			}
			codes := make([]string, len(r.Warnings))
			for k, w := range r.Warnings {
				codes[k] = w.Code
			}
			if !slices.Contains(codes, c.warning) {
				t.Errorf("warnings %q lack %q", codes, c.warning)
			}
			st := r.Step(session.StepSTARTTLS)
			if st == nil || st.Status != session.StatusWarning || st.Evaluation == nil {
				t.Fatalf("starttls step %+v\n%s", st, dump(r))
			}
			if c.conns == 2 && (st.Failure != session.FailTLSFallback || r.TLS == nil || r.TLS.Problem == nil) {
				t.Errorf("starttls failure %q, TLS %+v", st.Failure, r.TLS)
			}
			srv.Close()
			got := string(srv.Received())
			if strings.Count(got, "STARTTLS\r\n") != 1 || strings.Count(got, "MAIL FROM") != 1 {
				t.Errorf("server received %q, want one STARTTLS and one MAIL FROM", got)
			}
		})
	}
}
