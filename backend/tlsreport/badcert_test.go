package tlsreport

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"net"
	"strings"
	"testing"
)

// TestClassifyUnparsableCertificate: a certificate Go cannot parse
// (garbage DER, RFC 5280 §4.1) is explained as a certificate problem, not
// as a version or cipher mismatch.
func TestClassifyUnparsableCertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvCfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{[]byte("\x30\x03garbage")}, PrivateKey: key}}}
	cs, ss := net.Pipe()
	defer cs.Close()
	go func() {
		defer ss.Close()
		_ = tls.Server(ss, srvCfg).Handshake()
	}()
	err = tls.Client(cs, &tls.Config{InsecureSkipVerify: true}).Handshake()
	if err == nil {
		t.Fatal("handshake with a garbage certificate succeeded")
	}
	p := Classify(err)
	for _, s := range []string{p.EN, p.ES} {
		if s == Text(KindHandshake).EN || s == Text(KindHandshake).ES || s == textVersion.EN || !strings.Contains(strings.ToLower(s), "certifica") {
			t.Errorf("%v explained as %q", err, s)
		}
	}
}
