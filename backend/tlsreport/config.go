// Package tlsreport builds the TLS client configuration SMTP Probe uses for
// STARTTLS and implicit TLS, and turns what a handshake showed into a report
// a mail administrator can read: protocol version, cipher suite, the
// certificate chain, whether it verified, and if not, why and what to do.
//
// Verification is always observed, even when the user chose to skip it: the
// tls.Config never lets crypto/tls verify (InsecureSkipVerify is always set)
// and the package verifies the chain itself in VerifyConnection, failing the
// handshake only when the user did not choose to skip. A typical use:
//
//	tc, rep, err := tlsreport.Handshake(ctx, conn, opts)
//	// rep describes the handshake whether or not err is nil.
package tlsreport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"smtpprobe/backend/boundedfile"
)

// Options are the user's TLS choices for one connection.
type Options struct {
	// ServerName is the host the user targeted, or the MX host name when the
	// target was found by MX lookup. It is sent as SNI and the certificate is
	// verified against it. An IP literal (optionally in brackets) sends no SNI
	// (RFC 6066 §3 forbids IP addresses there) and is verified against the
	// certificate's IP address SANs. A trailing dot is ignored.
	ServerName string
	// CAFile is an optional PEM file of extra trusted authorities, added to
	// the system roots (an internal CA, for example).
	CAFile string
	// InsecureSkipVerify lets the handshake continue when verification fails.
	// The failure is still reported.
	InsecureSkipVerify bool
	// MinVersion is the lowest TLS version accepted: "1.0", "1.1", "1.2",
	// "1.3", or "" for Go's client default (TLS 1.2).
	MinVersion string
	// Now is the clock used for verification and days-to-expiry; nil means
	// time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// legacySuites are the RSA key-exchange CBC suites Go no longer offers by
// default (since Go 1.22). Old servers that only speak TLS 1.0/1.1 often
// support nothing else, so they are added only when the user explicitly lowers
// the minimum version to test such a server. 3DES and RC4 stay off.
var legacySuites = []uint16{
	tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
}

// ParseVersion maps "1.0".."1.3" to the crypto/tls constant; "" gives 0
// (Go's default, which for a client is TLS 1.2).
//
// Go 1.26 still implements TLS 1.0 and 1.1 on the client side and negotiates
// them when MinVersion is set explicitly; only the default minimum is 1.2.
// The ECDHE CBC-SHA1 suites those versions need are still in Go's default
// list; RSA key exchange is not (see legacySuites).
func ParseVersion(s string) (uint16, error) {
	switch strings.TrimSpace(s) {
	case "":
		return 0, nil
	case "1.0", "1":
		return tls.VersionTLS10, nil
	case "1.1":
		return tls.VersionTLS11, nil
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("tlsreport: unsupported minimum TLS version %q (use 1.0, 1.1, 1.2 or 1.3)", truncate(s, 20))
}

// normalizeName checks a server name from the user or from DNS and returns it
// in the form used for SNI and verification: IP literals without brackets,
// host names in lower-case ASCII (A-labels) without a trailing dot.
func normalizeName(s string) (host string, isIP bool, err error) {
	if s == "" {
		return "", false, nil
	}
	raw := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if a, err := netip.ParseAddr(raw); err == nil {
		if a.Zone() != "" {
			return "", false, fmt.Errorf("tlsreport: server name %q: IPv6 zones cannot appear in a certificate", escape(s))
		}
		return a.String(), true, nil
	}
	name := strings.TrimSuffix(s, ".")
	if len(name) > 253 {
		return "", false, fmt.Errorf("tlsreport: server name is %d characters long, more than the 253 DNS allows", len(name))
	}
	ascii, err := idna.Lookup.ToASCII(name)
	if err != nil {
		return "", false, fmt.Errorf("tlsreport: server name %q is not a valid host name: %w", escape(s), err)
	}
	for _, r := range ascii {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return "", false, fmt.Errorf("tlsreport: server name %q contains %q, not allowed in a host name", escape(s), r)
		}
	}
	return ascii, false, nil
}

// PreloadRoots reads the system's trusted roots now (crypto/x509 keeps
// them for the life of the process). On Linux that parses the whole CA
// bundle, 20-45 ms on our 2-core test machine, which a session would
// otherwise spend between the 220 to STARTTLS and the TLS handshake;
// callers start it in the background while they connect.
func PreloadRoots() { _, _ = x509.SystemCertPool() }

// LoadRoots returns the system roots plus the certificates in caFile. An
// unreadable file, or one holding no PEM certificate, is an error: silently
// trusting nothing extra would make the user's CA file look broken later in a
// confusing way.
func LoadRoots(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// Some systems have no root store; the CA file may still be enough.
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	const maxCAFile = 16 << 20 // far more than any CA bundle needs
	data, err := boundedfile.Read(caFile, maxCAFile)
	if err != nil {
		return nil, fmt.Errorf("tlsreport: CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("tlsreport: CA file %s holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)", caFile)
	}
	return pool, nil
}

type verifier struct {
	roots *x509.CertPool
	name  string
	isIP  bool
	opts  Options
}

func newVerifier(opts Options) (*verifier, error) {
	name, isIP, err := normalizeName(opts.ServerName)
	if err != nil {
		return nil, err
	}
	if name == "" && !opts.InsecureSkipVerify {
		return nil, errors.New("tlsreport: a server name is required to verify the certificate (or choose to skip verification)")
	}
	roots, err := LoadRoots(opts.CAFile)
	if err != nil {
		return nil, err
	}
	return &verifier{roots: roots, name: name, isIP: isIP, opts: opts}, nil
}

// ClientConfig returns the tls.Config for one connection with opts. See the
// package comment for how verification works.
func ClientConfig(opts Options) (*tls.Config, error) {
	v, err := newVerifier(opts)
	if err != nil {
		return nil, err
	}
	return v.config()
}

func (v *verifier) config() (*tls.Config, error) {
	minV, err := ParseVersion(v.opts.MinVersion)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		// crypto/tls must not verify: it would abort before we could observe
		// and explain the failure. VerifyConnection below does it instead.
		InsecureSkipVerify: true,
		MinVersion:         minV,
		RootCAs:            v.roots,
		VerifyConnection: func(cs tls.ConnectionState) error {
			err := v.verify(cs.PeerCertificates)
			if err != nil && !v.opts.InsecureSkipVerify {
				return err
			}
			return nil
		},
	}
	if !v.isIP {
		cfg.ServerName = v.name
	}
	if minV != 0 && minV < tls.VersionTLS12 {
		for _, s := range tls.CipherSuites() {
			cfg.CipherSuites = append(cfg.CipherSuites, s.ID)
		}
		cfg.CipherSuites = append(cfg.CipherSuites, legacySuites...)
	}
	return cfg, nil
}

// VerifyError is a certificate verification failure, classified.
type VerifyError struct {
	// Kind is one of the certificate kinds (KindExpired ... KindNameMismatch).
	Kind Kind
	// Err is the underlying crypto/x509 error.
	Err error
}

// Error reports the kind and crypto/x509's own description.
func (e *VerifyError) Error() string {
	return fmt.Sprintf("tls: certificate verification failed (%s): %v", e.Kind, e.Err)
}

// Unwrap gives the crypto/x509 error.
func (e *VerifyError) Unwrap() error { return e.Err }

// Verify checks the chain the server presented in state against opts, the
// same way the handshake did. After a handshake that succeeded because the
// user chose to skip verification, it gives the failure to report.
func Verify(state tls.ConnectionState, opts Options) error {
	v, err := newVerifier(opts)
	if err != nil {
		return err
	}
	return v.verify(state.PeerCertificates)
}

// verify validates the chain (RFC 5280 §6) and then the name (RFC 6125),
// separately, so a report can say both whether the chain is trusted and
// whether the name matches.
func (v *verifier) verify(chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return &VerifyError{Kind: KindUnknownAuthority, Err: errors.New("the server sent no certificate")}
	}
	leaf := chain[0]
	now := v.opts.now()
	// Check the validity period first so that an expired self-signed
	// certificate is reported as expired: renewing it is the first fix.
	switch {
	case now.Before(leaf.NotBefore):
		return &VerifyError{Kind: KindNotYetValid, Err: x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired,
			Detail: fmt.Sprintf("current time %s is before %s", now.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339))}}
	case now.After(leaf.NotAfter):
		return &VerifyError{Kind: KindExpired, Err: x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired,
			Detail: fmt.Sprintf("current time %s is after %s", now.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))}}
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         v.roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return &VerifyError{Kind: chainKind(err, chain), Err: err}
	}
	if v.name != "" {
		if err := leaf.VerifyHostname(v.name); err != nil {
			return &VerifyError{Kind: KindNameMismatch, Err: err}
		}
	}
	return nil
}

// chainKind tells apart the unknown-authority cases using the chain the
// server actually sent, which the x509 error alone does not carry.
func chainKind(err error, chain []*x509.Certificate) Kind {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		// An intermediate in the chain has expired.
		return KindExpired
	case errors.As(err, &unknown):
		leaf := chain[0]
		if selfSigned(leaf) {
			return KindSelfSigned
		}
		for _, c := range chain[1:] {
			if leaf.CheckSignatureFrom(c) == nil {
				return KindUnknownAuthority
			}
		}
		return KindIncompleteChain
	}
	return Classify(err).Kind
}

// selfSigned reports whether c names itself as issuer and its signature
// verifies with its own key. CheckSignatureFrom is not used because it
// refuses non-CA parents, and self-signed server certificates usually are not
// CAs.
func selfSigned(c *x509.Certificate) bool {
	if string(c.RawIssuer) != string(c.RawSubject) {
		return false
	}
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// Handshake runs a TLS client handshake over conn with opts and returns the
// TLS connection and the report. The report is filled in even when the
// handshake fails (with whatever the server showed before failing). ctx
// bounds the handshake; on error conn is left for the caller to close.
func Handshake(ctx context.Context, conn net.Conn, opts Options) (*tls.Conn, Report, error) {
	v, err := newVerifier(opts)
	if err != nil {
		return nil, Report{}, err
	}
	cfg, err := v.config()
	if err != nil {
		return nil, Report{}, err
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return nil, NewReport(tc.ConnectionState(), err, opts), fmt.Errorf("tls handshake with %s: %w", escape(opts.ServerName), err)
	}
	state := tc.ConnectionState()
	return tc, NewReport(state, v.verify(state.PeerCertificates), opts), nil
}
