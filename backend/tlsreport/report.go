package tlsreport

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math"
	"strings"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Report is what one TLS handshake showed. It is the "tls" object of a JSON
// result.
type Report struct {
	// Version is the negotiated protocol, e.g. "TLS 1.3"; empty when the
	// handshake failed before one was agreed.
	Version string `json:"version"`
	// CipherSuite is the IANA name of the negotiated suite.
	CipherSuite string `json:"cipher_suite"`
	// ServerName is the name the certificate was checked against (and sent
	// as SNI unless it is an IP address).
	ServerName string `json:"server_name"`
	// Verified is true when the chain is trusted and the name matches.
	Verified bool `json:"verified"`
	// SkipVerify records that the user chose to continue despite a failure.
	SkipVerify bool `json:"skip_verify"`
	// NameMatches is true when the leaf certificate is valid for ServerName.
	NameMatches bool `json:"name_matches"`
	// Problem explains the failure; nil when there was none.
	Problem *Problem `json:"problem"`
	// Chain is the certificates the server sent, leaf first.
	Chain []Cert `json:"chain"`
}

// Cert describes one certificate of the chain. Every string that came from
// the certificate is escaped with transcript.EscapeString: a certificate is
// server-supplied data.
type Cert struct {
	Subject      string    `json:"subject"`
	Issuer       string    `json:"issuer"`
	SANs         []string  `json:"sans"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
	DaysToExpiry int       `json:"days_to_expiry"`
	// SHA256 is the fingerprint of the DER encoding, upper-case hex bytes
	// separated by colons, as Windows and OpenSSL show it.
	SHA256 string `json:"sha256"`
	// KeyType is "RSA", "ECDSA P-256" (or another curve), "Ed25519".
	KeyType string `json:"key_type"`
	KeyBits int    `json:"key_bits"`
	IsCA    bool   `json:"is_ca"`
}

// NewReport builds the report for a handshake. state is the connection state
// (tls.Conn.ConnectionState works even after a failed handshake and then
// holds what the server had sent). err is the handshake error when the
// handshake failed, or the result of Verify when it succeeded; nil means the
// certificate verified.
func NewReport(state tls.ConnectionState, err error, opts Options) Report {
	name, _, nerr := normalizeName(opts.ServerName)
	if nerr != nil {
		name = escape(opts.ServerName)
	}
	r := Report{
		ServerName: name,
		SkipVerify: opts.InsecureSkipVerify,
	}
	if state.Version != 0 {
		r.Version = tls.VersionName(state.Version)
		r.CipherSuite = tls.CipherSuiteName(state.CipherSuite)
	}
	now := opts.now()
	for _, c := range state.PeerCertificates {
		r.Chain = append(r.Chain, describe(c, now))
	}
	if len(state.PeerCertificates) > 0 && name != "" {
		r.NameMatches = state.PeerCertificates[0].VerifyHostname(name) == nil
	}
	if err != nil {
		p := Classify(err)
		r.Problem = &p
	} else {
		r.Verified = len(state.PeerCertificates) > 0
	}
	return r
}

func describe(c *x509.Certificate, now time.Time) Cert {
	sum := sha256.Sum256(c.Raw)
	out := Cert{
		Subject:      escape(c.Subject.String()),
		Issuer:       escape(c.Issuer.String()),
		SANs:         []string{},
		NotBefore:    c.NotBefore.UTC(),
		NotAfter:     c.NotAfter.UTC(),
		DaysToExpiry: DaysToExpiry(c.NotAfter, now),
		SHA256:       Fingerprint(sum[:]),
		IsCA:         c.IsCA,
	}
	for _, n := range c.DNSNames {
		out.SANs = append(out.SANs, "DNS:"+escape(n))
	}
	for _, ip := range c.IPAddresses {
		out.SANs = append(out.SANs, "IP:"+ip.String())
	}
	for _, e := range c.EmailAddresses {
		out.SANs = append(out.SANs, "email:"+escape(e))
	}
	for _, u := range c.URIs {
		out.SANs = append(out.SANs, "URI:"+escape(u.String()))
	}
	out.KeyType, out.KeyBits = keyInfo(c)
	return out
}

// DaysToExpiry is the number of whole days from now until notAfter, rounded
// down; negative once the certificate has expired (-1 on the first day after).
func DaysToExpiry(notAfter, now time.Time) int {
	return int(math.Floor(notAfter.Sub(now).Hours() / 24))
}

// Fingerprint formats a digest as upper-case hex bytes joined by colons.
func Fingerprint(sum []byte) string {
	var sb strings.Builder
	for i, b := range sum {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X", b)
	}
	return sb.String()
}

func keyInfo(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name, k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return escape(c.PublicKeyAlgorithm.String()), 0
}

// Summary is one line for a person: what was negotiated and whether the
// certificate can be trusted, in l.
func (r Report) Summary(l lang.Lang) string {
	head := r.Version
	if r.CipherSuite != "" {
		head += ", " + r.CipherSuite
	}
	if head == "" {
		// No version: the handshake never completed, so there is nothing
		// to name but the problem.
		if r.Problem != nil {
			return summaryNoHandshake.Format(l, r.Problem.Text.In(l))
		}
		head = "TLS"
	}
	switch {
	case r.Problem == nil && r.Verified:
		return head + "; " + summaryOK.Format(l, r.ServerName)
	case r.Problem == nil:
		return head
	case r.SkipVerify && r.Version != "":
		return head + "; " + summarySkipped.Format(l, r.Problem.Text.In(l))
	}
	return head + "; " + r.Problem.Text.In(l)
}

var (
	summaryOK = lang.Text{
		EN: "certificate verified for %s",
		ES: "certificado verificado para %s",
	}
	// The app shows these lines too, where the choice is a checkbox: name
	// the choice and the flag.
	summarySkipped = lang.Text{
		EN: "verification failed: %s — continuing because you chose to go on when the certificate does not verify (--insecure-skip-verify)",
		ES: "la verificación falló: %s — se continúa porque eligió seguir aunque el certificado no se verifique (--insecure-skip-verify)",
	}
	summaryNoHandshake = lang.Text{
		EN: "handshake failed: %s",
		ES: "la negociación TLS falló: %s",
	}
)

func escape(s string) string { return transcript.EscapeString(truncate(s, 1024)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
