package history

import (
	"net"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/lang"
)

// TestCompare compares real engine results from loopback go-smtp servers
// that differ in one way each.
func TestCompare(t *testing.T) {
	loop := []net.IP{net.IPv4(127, 0, 0, 1)}
	caOld := testcerts.NewCA(t, "Old CA", testcerts.ECDSAP256)
	caNew := testcerts.NewCA(t, "New CA", testcerts.ECDSAP256)
	oldLeaf := caOld.Leaf(t, testcerts.LeafOptions{IPs: loop, NotAfter: time.Now().Add(3*24*time.Hour + time.Hour)})
	newLeaf := caNew.Leaf(t, testcerts.LeafOptions{IPs: loop, NotAfter: time.Now().Add(89*24*time.Hour + time.Hour)})
	// Both authorities trusted, so only the certificate differs.
	caFile := t.TempDir() + "/ca.pem"
	writeFile(t, caFile, append(caOld.PEM(), caNew.PEM()...))

	plain := runEngine(t, serverOpts{}, "", false)
	for _, tc := range []struct {
		name       string
		old, new   serverOpts
		field      string
		kind       Kind
		en, es     string
		neverField string
	}{
		{
			name: "certificate changed", old: serverOpts{leaf: oldLeaf}, new: serverOpts{leaf: newLeaf},
			field: "certificate", kind: Better,
			en: "certificate replaced: new issuer CN=New CA,O=SMTP Probe tests, expires in 89 days instead of 3",
			es: "certificado sustituido: nuevo emisor CN=New CA,O=SMTP Probe tests, caduca en 89 días en vez de 3",
		},
		{
			name: "certificate nearer expiry", old: serverOpts{leaf: newLeaf}, new: serverOpts{leaf: oldLeaf},
			field: "certificate", kind: Worse,
			en: "expires in 3 days instead of 89", es: "caduca en 3 días en vez de 89",
		},
		{
			name: "extension added", old: serverOpts{}, new: serverOpts{dsn: true},
			field: "extension", kind: Neutral, en: "the server now offers DSN", es: "el servidor ahora ofrece DSN",
			neverField: "verdict",
		},
		{
			name: "STARTTLS added", old: serverOpts{}, new: serverOpts{leaf: newLeaf},
			field: "tls_version", kind: Better, en: "the session is now encrypted with TLS 1.3", es: "la sesión ahora va cifrada con TLS 1.3",
		},
		{
			name: "step regressed", old: serverOpts{}, new: serverOpts{rejectRcpt: true},
			field: "step", kind: Worse, en: "rcpt now fails 550 (was passes 250)", es: "rcpt ahora falla 550 (antes pasa 250)",
		},
		{
			name: "step recovered", old: serverOpts{rejectRcpt: true}, new: serverOpts{},
			field: "verdict", kind: Better, en: "exit code 0, was 1", es: "código de salida 0, antes 1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := runEngine(t, tc.old, caFile, false)
			b := runEngine(t, tc.new, caFile, false)
			changes := Compare(a, b)
			var found bool
			for _, ch := range changes {
				if ch.Field == tc.neverField {
					t.Errorf("unexpected %s change: %+v", ch.Field, ch)
				}
				if ch.Field == tc.field && ch.Kind == tc.kind && strings.Contains(ch.Meaning.In(lang.EN), tc.en) &&
					strings.Contains(ch.Meaning.In(lang.ES), tc.es) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s %s change with %q / %q in:\n%s", tc.kind, tc.field, tc.en, tc.es, dump(changes))
			}
		})
	}
	// A run compared with itself has nothing to say.
	if ch := Compare(plain, plain); len(ch) != 0 {
		t.Errorf("self-compare: %s", dump(ch))
	}
}

func dump(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + string(c.Kind) + " " + c.Field + " " + c.Step + ": " + c.Meaning.EN + " | " + c.Meaning.ES + "\n")
	}
	return b.String()
}
