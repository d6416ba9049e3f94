package tlsreport

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/lang"
	"smtpprobe/internal/loopback"
)

const host = "mx.example.test"

// server is a real TLS listener on loopback that completes handshakes and
// records the SNI each client sent.
type server struct {
	addr string
	mu   sync.Mutex
	sni  []string
}

func (s *server) lastSNI() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sni) == 0 {
		return "<none>"
	}
	return s.sni[len(s.sni)-1]
}

func startTLS(t *testing.T, cfg *tls.Config) *server {
	t.Helper()
	s := &server{}
	cfg = cfg.Clone()
	cfg.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		s.mu.Lock()
		s.sni = append(s.sni, h.ServerName)
		s.mu.Unlock()
		return nil, nil
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	loopback.Serve(t, ln, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if c.(*tls.Conn).Handshake() == nil {
			// Wait for the client to close so the handshake's final
			// messages are never cut short.
			_, _ = c.Read(make([]byte, 1))
		}
	})
	return s
}

// startRaw is a TCP listener that runs fn on each connection: for servers
// that are not TLS servers at all.
func startRaw(t *testing.T, fn func(net.Conn)) string {
	t.Helper()
	return loopback.Listen(t, fn)
}

func dial(t *testing.T, addr string, opts Options) (*tls.Conn, Report, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return dialCtx(ctx, t, addr, opts)
}

func dialCtx(ctx context.Context, t *testing.T, addr string, opts Options) (*tls.Conn, Report, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tc, rep, err := Handshake(ctx, conn, opts)
	if tc != nil {
		t.Cleanup(func() { tc.Close() })
	}
	return tc, rep, err
}

// TestVerification runs each certificate failure against a real handshake:
// RFC 5280 §6 path validation and RFC 6125 §6 name checks.
func TestVerification(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	inter := ca.Intermediate(t, "Probe Test Intermediate", testcerts.ECDSAP256)
	caFile := ca.WriteCAFile(t)
	good := ca.Leaf(t, testcerts.LeafOptions{DNSNames: []string{host}})
	viaInter := inter.Leaf(t, testcerts.LeafOptions{DNSNames: []string{host}})
	self := testcerts.SelfSigned(t, testcerts.LeafOptions{DNSNames: []string{host}})
	expired := ca.Expired(t, host)
	future := ca.NotYetValid(t, host)
	wrong := ca.Leaf(t, testcerts.LeafOptions{DNSNames: []string{"other.example.test"}})

	tests := []struct {
		name       string
		cert       tls.Certificate
		opts       Options
		kind       Kind // "" means verified
		nameOK     bool
		chainLen   int
		handshakes bool // the handshake completes despite the problem
	}{
		{"trusted via CA file", good.TLS(), Options{ServerName: host, CAFile: caFile}, "", true, 1, true},
		{"trusted full chain via intermediate", viaInter.TLS(), Options{ServerName: host, CAFile: caFile}, "", true, 2, true},
		{"trailing dot of an MX name", good.TLS(), Options{ServerName: host + ".", CAFile: caFile}, "", true, 1, true},
		{"untrusted root without CA file", viaInter.TLS(), Options{ServerName: host}, KindUnknownAuthority, true, 2, false},
		{"self-signed", self.TLS(), Options{ServerName: host, CAFile: caFile}, KindSelfSigned, true, 1, false},
		{"expired (RFC 5280 §4.1.2.5)", expired.TLS(), Options{ServerName: host, CAFile: caFile}, KindExpired, true, 1, false},
		{"not yet valid", future.TLS(), Options{ServerName: host, CAFile: caFile}, KindNotYetValid, true, 1, false},
		{"wrong name (RFC 6125 §6.4)", wrong.TLS(), Options{ServerName: host, CAFile: caFile}, KindNameMismatch, false, 1, false},
		{"incomplete chain", viaInter.TLSWithoutIntermediates(), Options{ServerName: host, CAFile: caFile}, KindIncompleteChain, true, 1, false},
		{"skip verify still reports expired", expired.TLS(), Options{ServerName: host, CAFile: caFile, InsecureSkipVerify: true}, KindExpired, true, 1, true},
		{"skip verify still reports self-signed", self.TLS(), Options{ServerName: host, InsecureSkipVerify: true}, KindSelfSigned, true, 1, true},
		{"skip verify still reports wrong name", wrong.TLS(), Options{ServerName: host, CAFile: caFile, InsecureSkipVerify: true}, KindNameMismatch, false, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTLS(t, testcerts.ServerConfig(tt.cert))
			tc, rep, err := dial(t, srv.addr, tt.opts)
			if tt.handshakes != (err == nil) || (tc != nil) != (err == nil) {
				t.Fatalf("handshake error = %v (conn %v), want success=%v", err, tc != nil, tt.handshakes)
			}
			if tt.kind == "" {
				if rep.Problem != nil || !rep.Verified {
					t.Fatalf("want verified, got problem %+v verified=%v", rep.Problem, rep.Verified)
				}
			} else {
				if rep.Problem == nil || rep.Problem.Kind != tt.kind || rep.Verified {
					t.Fatalf("want problem %s, got %+v verified=%v (err %v)", tt.kind, rep.Problem, rep.Verified, err)
				}
				if rep.Problem.EN != Text(tt.kind).EN || rep.Problem.ES != Text(tt.kind).ES || rep.Problem.Detail == "" {
					t.Errorf("problem text = %+v", rep.Problem)
				}
				if err != nil && Classify(err).Kind != tt.kind {
					t.Errorf("Classify(handshake error) = %s, want %s", Classify(err).Kind, tt.kind)
				}
			}
			if rep.NameMatches != tt.nameOK {
				t.Errorf("name_matches = %v, want %v", rep.NameMatches, tt.nameOK)
			}
			if len(rep.Chain) != tt.chainLen {
				t.Errorf("chain has %d certificates, want %d", len(rep.Chain), tt.chainLen)
			}
			if rep.SkipVerify != tt.opts.InsecureSkipVerify {
				t.Errorf("skip_verify = %v", rep.SkipVerify)
			}
			if rep.Version == "" && err == nil {
				t.Error("no version reported after a completed handshake")
			}
			if got := srv.lastSNI(); got != host {
				t.Errorf("SNI = %q, want %q", got, host)
			}
		})
	}
}

func TestSkipVerifySummary(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	srv := startTLS(t, testcerts.ServerConfig(ca.Expired(t, host).TLS()))
	_, rep, err := dial(t, srv.addr, Options{ServerName: host, CAFile: ca.WriteCAFile(t), InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		l    lang.Lang
		want string
	}{
		{lang.EN, "verification failed: The server's certificate has expired."},
		{lang.EN, "continuing because you chose to go on when the certificate does not verify (--insecure-skip-verify)"},
		{lang.ES, "la verificación falló: El certificado del servidor ha caducado."},
		{lang.ES, "se continúa porque eligió seguir aunque el certificado no se verifique (--insecure-skip-verify)"},
	} {
		if got := rep.Summary(tc.l); !strings.Contains(got, tc.want) || !strings.HasPrefix(got, "TLS 1.3, ") {
			t.Errorf("Summary(%s) = %q, want it to contain %q", tc.l, got, tc.want)
		}
	}
}

func TestIPLiteral(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	leaf := ca.Leaf(t, testcerts.LeafOptions{IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}})
	srv := startTLS(t, testcerts.ServerConfig(leaf.TLS()))
	for _, name := range []string{"127.0.0.1", "[::1]"} {
		_, rep, err := dial(t, srv.addr, Options{ServerName: name, CAFile: ca.WriteCAFile(t)})
		if err != nil || !rep.Verified || !rep.NameMatches {
			t.Fatalf("%s: err %v, report %+v", name, err, rep)
		}
		// RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted".
		if got := srv.lastSNI(); got != "" {
			t.Errorf("%s: SNI %q sent for an IP literal", name, got)
		}
	}
	_, rep, err := dial(t, srv.addr, Options{ServerName: "127.0.0.2", CAFile: ca.WriteCAFile(t)})
	if err == nil || rep.Problem == nil || rep.Problem.Kind != KindNameMismatch {
		t.Fatalf("other IP: err %v, problem %+v", err, rep.Problem)
	}
}

func TestMinVersion(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.RSA2048)
	leaf := ca.Leaf(t, testcerts.LeafOptions{DNSNames: []string{host}, Key: testcerts.RSA2048})
	caFile := ca.WriteCAFile(t)
	capped := func(maxV uint16, suites ...uint16) *tls.Config {
		c := testcerts.ServerConfig(leaf.TLS())
		c.MinVersion, c.MaxVersion, c.CipherSuites = tls.VersionTLS10, maxV, suites
		return c
	}
	tests := []struct {
		name    string
		server  *tls.Config
		min     string
		version string // "" means the handshake must fail with tls_handshake
	}{
		{"server capped at 1.2, client min 1.3", capped(tls.VersionTLS12), "1.3", ""},
		{"server capped at 1.2, default min", capped(tls.VersionTLS12), "", "TLS 1.2"},
		{"TLS 1.0 server, default min 1.2", capped(tls.VersionTLS10), "", ""},
		{"TLS 1.0 server, min 1.0", capped(tls.VersionTLS10), "1.0", "TLS 1.0"},
		{"TLS 1.1 server, min 1.1", capped(tls.VersionTLS11), "1.1", "TLS 1.1"},
		{"TLS 1.0 server with RSA key exchange only, min 1.0", capped(tls.VersionTLS10, tls.TLS_RSA_WITH_AES_128_CBC_SHA), "1.0", "TLS 1.0"},
		{"RSA key exchange only, default min", capped(tls.VersionTLS12, tls.TLS_RSA_WITH_AES_128_CBC_SHA), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTLS(t, tt.server)
			_, rep, err := dial(t, srv.addr, Options{ServerName: host, CAFile: caFile, MinVersion: tt.min})
			if tt.version == "" {
				if err == nil || rep.Problem == nil || rep.Problem.Kind != KindHandshake || Classify(err).Kind != KindHandshake {
					t.Fatalf("want tls_handshake, got err %v, problem %+v", err, rep.Problem)
				}
				return
			}
			if err != nil || rep.Version != tt.version || !rep.Verified {
				t.Fatalf("want %s verified, got %q verified=%v, err %v", tt.version, rep.Version, rep.Verified, err)
			}
		})
	}
	_, rep, err := dial(t, startTLS(t, capped(tls.VersionTLS12)).addr, Options{ServerName: host, CAFile: caFile, MinVersion: "1.3"})
	if err == nil || !strings.Contains(rep.Problem.EN, "no TLS version in common") || !strings.Contains(rep.Problem.ES, "ninguna versión de TLS en común") {
		t.Errorf("version mismatch explained as %+v", rep.Problem)
	}
}

func TestNotTLSAndTimeout(t *testing.T) {
	plain := startRaw(t, func(c net.Conn) {
		c.Write([]byte("220 mx.example.test ESMTP ready\r\n"))
		c.Read(make([]byte, 512))
	})
	_, rep, err := dial(t, plain, Options{ServerName: host})
	if err == nil || rep.Problem == nil || rep.Problem.Kind != KindHandshake || !strings.Contains(rep.Problem.EN, "did not answer with TLS") {
		t.Fatalf("plaintext server: err %v, problem %+v", err, rep.Problem)
	}
	// No version was negotiated: the summary is the problem alone, not
	// "TLS; ..." as if TLS were a version.
	if got := rep.Summary(lang.EN); !strings.HasPrefix(got, "handshake failed: ") || !strings.Contains(got, "did not answer with TLS") {
		t.Errorf("Summary(en) = %q", got)
	}
	if got := rep.Summary(lang.ES); !strings.HasPrefix(got, "la negociación TLS falló: ") {
		t.Errorf("Summary(es) = %q", got)
	}

	// Reads the ClientHello and never answers; returns when the client hangs up.
	silent := startRaw(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, rep, err = dialCtx(ctx, t, silent, Options{ServerName: host})
	if err == nil || rep.Problem == nil || rep.Problem.Kind != KindTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("silent server: err %v, problem %+v", err, rep.Problem)
	}

	closer := startRaw(t, func(c net.Conn) { c.Read(make([]byte, 1)) })
	_, rep, err = dial(t, closer, Options{ServerName: host})
	if err == nil || rep.Problem == nil || rep.Problem.Kind != KindHandshake || !strings.Contains(rep.Problem.EN, "closed the connection") {
		t.Fatalf("closing server: err %v, problem %+v", err, rep.Problem)
	}
}

func TestReportFields(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.RSA2048)
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	leaf := ca.Leaf(t, testcerts.LeafOptions{
		CommonName: "evil\x1b[2J\u202Egnp.exe",
		DNSNames:   []string{host, "mail.example.test"},
		IPs:        []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:  now.AddDate(0, 0, -10),
		NotAfter:   now.AddDate(0, 0, 30).Add(-time.Minute),
	})
	srv := startTLS(t, testcerts.ServerConfig(leaf.TLS()))
	tc, rep, err := dial(t, srv.addr, Options{ServerName: host, CAFile: ca.WriteCAFile(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	state := tc.ConnectionState()
	if rep.Version != "TLS 1.3" || rep.CipherSuite != tls.CipherSuiteName(state.CipherSuite) || rep.ServerName != host {
		t.Errorf("version %q suite %q name %q", rep.Version, rep.CipherSuite, rep.ServerName)
	}
	c := rep.Chain[0]
	sum := sha256.Sum256(state.PeerCertificates[0].Raw)
	if c.SHA256 != Fingerprint(sum[:]) || len(c.SHA256) != 32*3-1 || strings.ToUpper(c.SHA256) != c.SHA256 {
		t.Errorf("fingerprint %s", c.SHA256)
	}
	// 30 days minus a minute from the injected clock is 29 whole days.
	if c.DaysToExpiry != 29 {
		t.Errorf("days_to_expiry = %d, want 29", c.DaysToExpiry)
	}
	if c.KeyType != "ECDSA P-256" || c.KeyBits != 256 || c.IsCA {
		t.Errorf("key %s/%d is_ca %v", c.KeyType, c.KeyBits, c.IsCA)
	}
	if strings.ContainsAny(c.Subject, "\x1b\u202E") || !strings.Contains(c.Subject, `\x1B[2J\u{202E}gnp.exe`) {
		t.Errorf("hostile subject not escaped: %q", c.Subject)
	}
	if !strings.Contains(c.Issuer, "Probe Test Root") {
		t.Errorf("issuer %q", c.Issuer)
	}
	wantSANs := []string{"DNS:" + host, "DNS:mail.example.test", "IP:127.0.0.1"}
	if strings.Join(c.SANs, ",") != strings.Join(wantSANs, ",") {
		t.Errorf("sans %v, want %v", c.SANs, wantSANs)
	}

	// The CA itself, described directly: RSA 2048 and is_ca.
	d := describe(ca.Cert, now)
	if d.KeyType != "RSA" || d.KeyBits != 2048 || !d.IsCA {
		t.Errorf("CA described as %s/%d is_ca=%v", d.KeyType, d.KeyBits, d.IsCA)
	}

	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "cipher_suite", "server_name", "verified", "skip_verify", "name_matches", "problem", "chain"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, raw)
		}
	}
	cert := m["chain"].([]any)[0].(map[string]any)
	for _, k := range []string{"subject", "issuer", "sans", "not_before", "not_after", "days_to_expiry", "sha256", "key_type", "key_bits", "is_ca"} {
		if _, ok := cert[k]; !ok {
			t.Errorf("chain JSON lacks %q", k)
		}
	}

	// A problem serialises as {kind, en, es, detail}.
	p := Classify(&VerifyError{Kind: KindExpired, Err: errors.New("x")})
	raw, _ = json.Marshal(p)
	if !strings.Contains(string(raw), `"kind":"tls_expired","en":"The server`) || !strings.Contains(string(raw), `"es":"El certificado`) {
		t.Errorf("problem JSON %s", raw)
	}
}

func TestDaysToExpiry(t *testing.T) {
	now := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		notAfter time.Time
		want     int
	}{
		{now.Add(24 * time.Hour), 1},
		{now.Add(24*time.Hour - time.Second), 0},
		{now.Add(time.Second), 0},
		{now.Add(-time.Second), -1},
		{now.AddDate(0, 0, -3), -3},
		{now.AddDate(1, 0, 0), 365},
	} {
		if got := DaysToExpiry(tt.notAfter, now); got != tt.want {
			t.Errorf("DaysToExpiry(%v) = %d, want %d", tt.notAfter.Sub(now), got, tt.want)
		}
	}
}

func TestClientConfig(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.pem", "")
	garbage := write("garbage.pem", "not a certificate\n")
	good := ca.WriteCAFile(t)

	cfg, err := ClientConfig(Options{ServerName: "MX.Example.Test.", CAFile: good})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.InsecureSkipVerify || cfg.VerifyConnection == nil || cfg.ServerName != "mx.example.test" || cfg.MinVersion != 0 {
		t.Errorf("config: skip=%v verify=%v name=%q min=%x", cfg.InsecureSkipVerify, cfg.VerifyConnection != nil, cfg.ServerName, cfg.MinVersion)
	}
	cfg, err = ClientConfig(Options{ServerName: "bücher.example", MinVersion: "1.0"})
	if err != nil || cfg.ServerName != "xn--bcher-kva.example" || cfg.MinVersion != tls.VersionTLS10 || len(cfg.CipherSuites) == 0 {
		t.Errorf("IDN/legacy config: %v name=%q min=%x suites=%d", err, cfg.ServerName, cfg.MinVersion, len(cfg.CipherSuites))
	}
	if cfg, err := ClientConfig(Options{InsecureSkipVerify: true}); err != nil || cfg.ServerName != "" {
		t.Errorf("no name with skip: %v", err)
	}

	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"missing CA file", Options{ServerName: host, CAFile: filepath.Join(dir, "nope.pem")}, "CA file"},
		{"empty CA file", Options{ServerName: host, CAFile: empty}, "holds no PEM certificate"},
		{"garbage CA file", Options{ServerName: host, CAFile: garbage}, "holds no PEM certificate"},
		{"bad min version", Options{ServerName: host, MinVersion: "1.4"}, "unsupported minimum TLS version"},
		{"SSLv3", Options{ServerName: host, MinVersion: "3.0"}, "unsupported minimum TLS version"},
		{"no name to verify", Options{}, "server name is required"},
		{"CRLF injection in name", Options{ServerName: "mx.example.test\r\nQUIT"}, "not a valid host name"},
		{"space in name", Options{ServerName: "mx example"}, "not a valid host name"},
		{"wildcard is not a host", Options{ServerName: "*.example.test"}, "server name"},
		{"overlong name", Options{ServerName: strings.Repeat("a.", 200)}, "253"},
		{"IPv6 zone", Options{ServerName: "fe80::1%eth0"}, "zones"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ClientConfig(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error carries raw CR/LF: %q", err)
			}
		})
	}
}

func TestSavePEM(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	leaf := ca.Intermediate(t, "Inter", testcerts.ECDSAP256).Leaf(t, testcerts.LeafOptions{DNSNames: []string{host}})
	dir := t.TempDir()
	path := filepath.Join(dir, "chain.pem")
	if err := os.WriteFile(path, []byte("old content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SavePEM(path, leaf.Chain); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(leaf.PEM()) {
		t.Errorf("saved PEM differs from the chain")
	}
	// 0644 means "others may read it, only the owner writes"; Windows has
	// no mode bits beyond read-only, so there it means "not read-only".
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 || fi.Mode().Perm()&0o200 == 0 {
		t.Errorf("mode %v, want 0644 (writable, not read-only, on Windows)", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := SavePEM(filepath.Join(dir, "x.pem"), nil); err == nil {
		t.Error("empty chain saved")
	}
	if err := SavePEM(filepath.Join(dir, "missing", "x.pem"), leaf.Chain); err == nil {
		t.Error("save into a missing directory succeeded")
	}
}

// TestClassify covers errors that do not come from our own verifier, such as
// the platform verifier's on Windows, and handshake failures.
func TestClassify(t *testing.T) {
	ca := testcerts.NewCA(t, "Probe Test Root", testcerts.ECDSAP256)
	self := testcerts.SelfSigned(t, testcerts.LeafOptions{DNSNames: []string{host}})
	leaf := ca.Leaf(t, testcerts.LeafOptions{DNSNames: []string{host}})
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, ""},
		{"hostname", x509HostnameError(leaf), KindNameMismatch},
		{"expired", x509Expired(leaf, "current time 2030-01-01T00:00:00Z is after 2029-01-01T00:00:00Z"), KindExpired},
		{"not yet valid", x509Expired(leaf, "current time 2020-01-01T00:00:00Z is before 2021-01-01T00:00:00Z"), KindNotYetValid},
		{"unknown authority, self-signed", x509Unknown(self), KindSelfSigned},
		{"unknown authority", x509Unknown(leaf), KindUnknownAuthority},
		{"wrapped by crypto/tls", &tls.CertificateVerificationError{Err: x509Unknown(leaf)}, KindUnknownAuthority},
		{"record header (plaintext server)", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, KindHandshake},
		{"protocol_version alert (RFC 8446 §6.2)", tls.AlertError(70), KindHandshake},
		{"handshake_failure alert", tls.AlertError(40), KindHandshake},
		{"EOF", errors.Join(errors.New("handshake"), errors.New("x"), os.ErrClosed), KindHandshake},
		{"deadline", context.DeadlineExceeded, KindTimeout},
		{"net timeout", os.ErrDeadlineExceeded, KindTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Classify(tt.err)
			if p.Kind != tt.want {
				t.Fatalf("Classify(%v) = %s, want %s", tt.err, p.Kind, tt.want)
			}
			if tt.err != nil && (p.EN == "" || p.ES == "" || p.Detail == "") {
				t.Errorf("incomplete problem %+v", p)
			}
		})
	}
}

func TestTextsBilingual(t *testing.T) {
	for _, k := range []Kind{KindExpired, KindNotYetValid, KindUnknownAuthority, KindSelfSigned, KindNameMismatch, KindIncompleteChain, KindHandshake, KindTimeout} {
		tx, ok := texts[k]
		if !ok || tx.EN == "" || tx.ES == "" || tx.EN == tx.ES {
			t.Errorf("%s: texts %+v", k, tx)
		}
	}
}

// A server that resets the connection mid-handshake (SO_LINGER 0 sends an
// RST) gets the same explanation as one that closes it, on every platform:
// Windows reports WSAECONNRESET, never the syscall package's ECONNRESET.
func TestResetDuringHandshake(t *testing.T) {
	reset := startRaw(t, func(c net.Conn) {
		c.Read(make([]byte, 1))
		c.(*net.TCPConn).SetLinger(0)
	})
	_, rep, err := dial(t, reset, Options{ServerName: host})
	if err == nil || rep.Problem == nil || rep.Problem.Kind != KindHandshake || !strings.Contains(rep.Problem.EN, "closed the connection") {
		t.Fatalf("resetting server: err %v, problem %+v", err, rep.Problem)
	}
}
