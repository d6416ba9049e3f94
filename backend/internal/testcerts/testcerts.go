// Package testcerts generates X.509 certificates for tests: certificate
// authorities, intermediates, leaves for given names or IP addresses,
// self-signed, expired, not-yet-valid and wrong-name certificates, with RSA
// 2048 or ECDSA P-256 keys. Nothing is read from or shipped as files; every
// certificate is made in memory with crypto/x509 when a test asks for it.
//
// Helpers take a testing.TB and fail the test on error, like httptest, so
// call sites stay one line long.
package testcerts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// KeyType selects the key algorithm of a generated certificate.
type KeyType int

// The key types a test can ask for. ECDSA is the default because it is fast
// to generate; RSA 2048 is what most real mail servers still present.
const (
	ECDSAP256 KeyType = iota
	RSA2048
)

// String names the key type the way certificate reports do.
func (k KeyType) String() string {
	if k == RSA2048 {
		return "RSA"
	}
	return "ECDSA P-256"
}

// rsaKeys caches RSA keys by role: generating a 2048-bit key costs tens of
// milliseconds (far more under -race), and tests only need distinct keys for
// distinct roles, not fresh ones every time.
var (
	rsaMu   sync.Mutex
	rsaKeys = map[string]*rsa.PrivateKey{}
)

func newKey(tb testing.TB, k KeyType, role string) crypto.Signer {
	tb.Helper()
	if k == RSA2048 {
		rsaMu.Lock()
		defer rsaMu.Unlock()
		if key, ok := rsaKeys[role]; ok {
			return key
		}
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			tb.Fatalf("testcerts: generate RSA key: %v", err)
		}
		rsaKeys[role] = key
		return key
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("testcerts: generate ECDSA key: %v", err)
	}
	return key
}

var serialMu sync.Mutex
var serialNext int64 = 1000

// serial returns increasing serial numbers so that two certificates with the
// same subject made in one test run never look identical to crypto/x509.
func serial() *big.Int {
	serialMu.Lock()
	defer serialMu.Unlock()
	serialNext++
	return big.NewInt(serialNext)
}

// Authority is a certificate authority (root or intermediate) that can sign
// leaves and further intermediates.
type Authority struct {
	// Cert is the authority's certificate.
	Cert *x509.Certificate
	// Key is its private key.
	Key crypto.Signer
	// Parents are the intermediates between this authority and its root,
	// nearest first; empty for a root.
	Parents []*x509.Certificate
	// Root is the self-signed root this authority chains to (itself for a
	// root).
	Root *x509.Certificate
}

// NewCA returns a fresh self-signed root CA named name, valid from an hour ago
// for ten years.
func NewCA(tb testing.TB, name string, k KeyType) *Authority {
	tb.Helper()
	key := newKey(tb, k, "ca:"+name)
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"SMTP Probe tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert := create(tb, tpl, tpl, key.Public(), key)
	return &Authority{Cert: cert, Key: key, Root: cert}
}

// Intermediate returns a CA certificate named name signed by a.
func (a *Authority) Intermediate(tb testing.TB, name string, k KeyType) *Authority {
	tb.Helper()
	key := newKey(tb, k, "int:"+name)
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"SMTP Probe tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert := create(tb, tpl, a.Cert, key.Public(), a.Key)
	parents := append([]*x509.Certificate{a.Cert}, a.Parents...)
	if a.Cert == a.Root {
		parents = nil // a root is never sent in a chain
	}
	return &Authority{Cert: cert, Key: key, Parents: parents, Root: a.Root}
}

// Pool returns a pool holding only this authority's root, as a client that
// trusts it would have.
func (a *Authority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.Root)
	return p
}

// PEM returns the root certificate PEM-encoded, the content of a CA file.
func (a *Authority) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Root.Raw})
}

// WriteCAFile writes PEM() to a new file in a test temporary directory and
// returns its path.
func (a *Authority) WriteCAFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "ca.pem")
	if err := os.WriteFile(path, a.PEM(), 0o644); err != nil {
		tb.Fatalf("testcerts: write CA file: %v", err)
	}
	return path
}

// LeafOptions describes a server certificate.
type LeafOptions struct {
	// CommonName overrides the subject common name (to test how reports
	// show hostile subjects, for example).
	CommonName string
	// DNSNames and IPs become subjectAltName entries. The first DNS name (or
	// the first IP) is also the subject common name.
	DNSNames []string
	IPs      []net.IP
	// NotBefore and NotAfter default to an hour ago and 90 days from now.
	NotBefore, NotAfter time.Time
	// Key selects the key algorithm; ECDSA P-256 by default.
	Key KeyType
}

// Leaf is a server certificate and the chain a server would present.
type Leaf struct {
	// Cert is the leaf certificate.
	Cert *x509.Certificate
	// Key is its private key.
	Key crypto.Signer
	// Chain is what a correctly configured server sends: the leaf, then every
	// intermediate up to (not including) the root.
	Chain []*x509.Certificate
}

// Leaf returns a server certificate signed by a.
func (a *Authority) Leaf(tb testing.TB, o LeafOptions) *Leaf {
	tb.Helper()
	key := newKey(tb, o.Key, "leaf")
	cert := create(tb, leafTemplate(o), a.Cert, key.Public(), a.Key)
	chain := []*x509.Certificate{cert}
	if a.Cert != a.Root {
		chain = append(chain, a.Cert)
		chain = append(chain, a.Parents...)
	}
	return &Leaf{Cert: cert, Key: key, Chain: chain}
}

// SelfSigned returns a leaf certificate that signs itself and is not a CA,
// like the certificate Exchange creates at install time.
func SelfSigned(tb testing.TB, o LeafOptions) *Leaf {
	tb.Helper()
	key := newKey(tb, o.Key, "self")
	tpl := leafTemplate(o)
	cert := create(tb, tpl, tpl, key.Public(), key)
	return &Leaf{Cert: cert, Key: key, Chain: []*x509.Certificate{cert}}
}

// Expired returns a leaf signed by a for names that expired a day ago.
func (a *Authority) Expired(tb testing.TB, names ...string) *Leaf {
	tb.Helper()
	now := time.Now()
	return a.Leaf(tb, LeafOptions{DNSNames: names, NotBefore: now.AddDate(0, 0, -30), NotAfter: now.AddDate(0, 0, -1)})
}

// NotYetValid returns a leaf signed by a for names that becomes valid in a
// day.
func (a *Authority) NotYetValid(tb testing.TB, names ...string) *Leaf {
	tb.Helper()
	now := time.Now()
	return a.Leaf(tb, LeafOptions{DNSNames: names, NotBefore: now.AddDate(0, 0, 1), NotAfter: now.AddDate(0, 0, 90)})
}

// TLS returns the leaf with its full chain as a tls.Certificate for a server.
func (l *Leaf) TLS() tls.Certificate {
	return l.tlsCert(l.Chain)
}

// TLSWithoutIntermediates returns the leaf alone, as a misconfigured server
// that forgot to install its intermediate certificates presents it.
func (l *Leaf) TLSWithoutIntermediates() tls.Certificate {
	return l.tlsCert(l.Chain[:1])
}

func (l *Leaf) tlsCert(chain []*x509.Certificate) tls.Certificate {
	c := tls.Certificate{PrivateKey: l.Key, Leaf: l.Cert}
	for _, x := range chain {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	return c
}

// ServerConfig returns a TLS server configuration presenting c.
func ServerConfig(c tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c}}
}

// PEM returns the leaf's full chain PEM-encoded.
func (l *Leaf) PEM() []byte {
	var out []byte
	for _, c := range l.Chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func leafTemplate(o LeafOptions) *x509.Certificate {
	now := time.Now()
	nb, na := o.NotBefore, o.NotAfter
	if nb.IsZero() {
		nb = now.Add(-time.Hour)
	}
	if na.IsZero() {
		na = now.AddDate(0, 0, 90)
	}
	cn := "localhost"
	switch {
	case o.CommonName != "":
		cn = o.CommonName
	case len(o.DNSNames) > 0:
		cn = o.DNSNames[0]
	case len(o.IPs) > 0:
		cn = o.IPs[0].String()
	}
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		DNSNames:              o.DNSNames,
		IPAddresses:           o.IPs,
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
}

func create(tb testing.TB, tpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	tb.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, pub, signer)
	if err != nil {
		tb.Fatalf("testcerts: create certificate %q: %v", tpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatalf("testcerts: parse certificate %q: %v", tpl.Subject.CommonName, err)
	}
	return cert
}
