package testcerts

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"net"
	"testing"
)

// verify runs crypto/x509 path validation (RFC 5280 §6) the way a TLS client
// would with the chain the server sends.
func verify(l *Leaf, c []*x509.Certificate, roots *x509.CertPool, name string) error {
	inter := x509.NewCertPool()
	for _, x := range c[1:] {
		inter.AddCert(x)
	}
	_, err := l.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: name})
	return err
}

func TestCertificatesVerifyAsIntended(t *testing.T) {
	ca := NewCA(t, "Test Root", ECDSAP256)
	inter := ca.Intermediate(t, "Test Intermediate", ECDSAP256)
	other := NewCA(t, "Other Root", ECDSAP256)

	good := ca.Leaf(t, LeafOptions{DNSNames: []string{"mx.example.test"}})
	ip := ca.Leaf(t, LeafOptions{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	viaInter := inter.Leaf(t, LeafOptions{DNSNames: []string{"mx.example.test"}})
	self := SelfSigned(t, LeafOptions{DNSNames: []string{"mx.example.test"}})
	expired := ca.Expired(t, "mx.example.test")
	future := ca.NotYetValid(t, "mx.example.test")

	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	tests := []struct {
		name   string
		leaf   *Leaf
		chain  []*x509.Certificate
		roots  *x509.CertPool
		host   string
		target any // nil means the chain must verify
	}{
		{"leaf signed by CA", good, good.Chain, ca.Pool(), "mx.example.test", nil},
		{"IP SAN (RFC 5280 §4.2.1.6)", ip, ip.Chain, ca.Pool(), "127.0.0.1", nil},
		{"wrong name", good, good.Chain, ca.Pool(), "other.example.test", &host},
		{"other CA", good, good.Chain, other.Pool(), "mx.example.test", &unknown},
		{"full chain via intermediate", viaInter, viaInter.Chain, ca.Pool(), "mx.example.test", nil},
		{"intermediate missing", viaInter, viaInter.Chain[:1], ca.Pool(), "mx.example.test", &unknown},
		{"self-signed", self, self.Chain, ca.Pool(), "mx.example.test", &unknown},
		{"expired", expired, expired.Chain, ca.Pool(), "mx.example.test", &invalid},
		{"not yet valid", future, future.Chain, ca.Pool(), "mx.example.test", &invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.leaf, tt.chain, tt.roots, tt.host)
			if tt.target == nil {
				if err != nil {
					t.Fatalf("want a valid chain, got %v", err)
				}
				return
			}
			if !errors.As(err, tt.target) {
				t.Fatalf("want %T, got %v", tt.target, err)
			}
		})
	}
	if len(viaInter.Chain) != 2 || len(viaInter.TLS().Certificate) != 2 || len(viaInter.TLSWithoutIntermediates().Certificate) != 1 {
		t.Errorf("intermediate chain lengths: chain %d, TLS %d, without %d", len(viaInter.Chain), len(viaInter.TLS().Certificate), len(viaInter.TLSWithoutIntermediates().Certificate))
	}
}

func TestKeyTypes(t *testing.T) {
	ca := NewCA(t, "RSA Root", RSA2048)
	if k, ok := ca.Cert.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Fatalf("RSA CA key = %T", ca.Cert.PublicKey)
	}
	l := ca.Leaf(t, LeafOptions{DNSNames: []string{"a.test"}, Key: ECDSAP256})
	if _, ok := l.Cert.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatalf("ECDSA leaf key = %T", l.Cert.PublicKey)
	}
	if err := verify(l, l.Chain, ca.Pool(), "a.test"); err != nil {
		t.Fatalf("ECDSA leaf under RSA root: %v", err)
	}
	r := ca.Leaf(t, LeafOptions{DNSNames: []string{"a.test"}, Key: RSA2048})
	if r.Key.Public().(*rsa.PublicKey).Equal(ca.Key.Public()) {
		t.Fatal("leaf and CA share an RSA key")
	}
}

func TestCAFilePEM(t *testing.T) {
	ca := NewCA(t, "PEM Root", ECDSAP256)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca.PEM()) {
		t.Fatal("PEM() does not parse as a CA file")
	}
	l := ca.Leaf(t, LeafOptions{DNSNames: []string{"a.test"}})
	if err := verify(l, l.Chain, pool, "a.test"); err != nil {
		t.Fatalf("leaf against CA loaded from PEM: %v", err)
	}
	if p := ca.WriteCAFile(t); p == "" {
		t.Fatal("WriteCAFile returned no path")
	}
}
