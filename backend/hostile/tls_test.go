package hostile_test

import (
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/session"
)

// requireTLS makes the session require STARTTLS.
func requireTLS(o *session.Options) {
	o.TLS = session.TLSStartTLS
}

var ehloTLS = []S{expect("EHLO client.example\r\n"), send("250-mx.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n"), expect("STARTTLS\r\n")}

// TestSTARTTLSFaults: a server that offers STARTTLS and then fails it. When
// the user asked for TLS, nothing of the transaction may go in plaintext.
func TestSTARTTLSFaults(t *testing.T) {
	cases := []struct {
		name     string
		script   []S
		failures []session.Failure
		exit     int
		// quit says whether the client should still send QUIT (in
		// plaintext, on a connection that is still sane).
		quit bool
	}{
		// RFC 3207 §4: 454 TLS not available due to temporary reason.
		{"454", join(banner, ehloTLS, []S{send("454 4.7.0 TLS not available\r\n"), expect("QUIT"), send("221 bye\r\n")}),
			[]session.Failure{fRejected}, exitcode.Temporary, true},
		{"handshake with a non-TLS peer", join(banner, ehloTLS, []S{send("220 2.0.0 go ahead\r\n"), send("this is not TLS at all\r\n"), scriptserver.Close()}),
			[]session.Failure{session.FailTLS}, exitcode.Protocol, false},
		{"handshake cut", join(banner, ehloTLS, []S{send("220 2.0.0 go ahead\r\n"), scriptserver.ReadBytes(10), scriptserver.Close()}),
			[]session.Failure{session.FailTLS, fClosed, fReset}, exitcode.Protocol, false},
		// CVE-2011-0411: plaintext after the 220 and before the handshake
		// would be read as if it had come over TLS.
		{"injected plaintext after 220", join(banner, ehloTLS, []S{send("220 2.0.0 go ahead\r\n250 injected\r\n"), scriptserver.ExpectEOF()}),
			[]session.Failure{fProtocol, session.FailTLS}, exitcode.Protocol, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scenario{
				script: c.script,
				opts:   requireTLS,
				want:   want{failed: session.StepSTARTTLS, failures: c.failures, exit: c.exit},
				received: func(t *testing.T, got string) {
					wantGot := "EHLO client.example\r\nSTARTTLS\r\n"
					if c.quit {
						wantGot += "QUIT\r\n"
					}
					if !strings.HasPrefix(got, wantGot) || strings.Contains(got, "MAIL FROM") {
						t.Errorf("server received %q, want %q and no transaction", got, wantGot)
					}
				},
			}.run(t)
		})
	}
}
