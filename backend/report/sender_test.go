package report

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/sendercheck"
)

// localSender checks a private address, which needs no DNS query.
func localSender(t *testing.T) *sendercheck.Report {
	t.Helper()
	rep, err := sendercheck.Check(context.Background(),
		sendercheck.Input{IP: netip.MustParseAddr("192.168.1.20"), Source: sendercheck.FromLocal, MailFrom: "a@fabrikam.test"},
		sendercheck.Options{DNS: mxlookup.Options{Servers: []string{"127.0.0.1:9"}}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSenderSection(t *testing.T) {
	r := hostileResult()
	r.Sender = localSender(t)
	tests := []struct {
		l    lang.Lang
		text []string
	}{
		{lang.EN, []string{"Sender checks:", "192.168.1.20 (local address of the connection, private: behind NAT)", "WARNING", "-> Type the public address"}},
		{lang.ES, []string{"Comprobaciones del remitente:", "192.168.1.20 (dirección local de la conexión, privada: detrás de un NAT)", "AVISO", "-> Escriba la dirección pública"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.l), func(t *testing.T) {
			var txt, html bytes.Buffer
			if err := Text(&txt, r, Options{Lang: tt.l}); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.text {
				if !strings.Contains(txt.String(), want) {
					t.Errorf("text lacks %q:\n%s", want, txt.String())
				}
			}
			if err := HTML(&html, r, Options{Lang: tt.l}); err != nil {
				t.Fatal(err)
			}
			h := html.String()
			if !strings.Contains(h, "<h2>"+strings.TrimSuffix(tt.text[0], ":")+"</h2>") || !strings.Contains(h, `<tr class="warn"><td class="st">`+tt.text[2]) {
				t.Errorf("HTML lacks the sender section")
			}
		})
	}
	// Writing Spanish must not change the report's own language.
	if f := r.Sender.Findings[0]; !strings.Contains(f.Summary, "private or local") {
		t.Errorf("report changed by rendering: %q", f.Summary)
	}
}
