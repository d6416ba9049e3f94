package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
)

const (
	sentinelUser = "admin@contoso.test"
	sentinelPass = "S3ntinel-Pa55!"
	cramChal     = "<1896.697170952@postoffice.reston.mci.net>" // RFC 2195 §2
)

// authSendBackend accepts sentinelUser/sentinelPass with PLAIN, LOGIN,
// CRAM-MD5 and XOAUTH2 (the password as token), and counts MAIL commands.
type authSendBackend struct{ sendBackend }

func (b *authSendBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &authSendSess{sendSess{b: &b.sendBackend}}, nil
}

type authSendSess struct{ sendSess }

func (*authSendSess) AuthMechanisms() []string {
	return []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}
}

type saslStep func([]byte) ([]byte, bool, error)

func (f saslStep) Next(r []byte) ([]byte, bool, error) { return f(r) }

func (*authSendSess) Auth(mech string) (sasl.Server, error) {
	bad := &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	ok := func(b bool) error {
		if b {
			return nil
		}
		return bad
	}
	n := 0
	var user string
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(_, u, p string) error { return ok(u == sentinelUser && p == sentinelPass) }), nil
	case "LOGIN":
		return saslStep(func(r []byte) ([]byte, bool, error) {
			n++
			switch n {
			case 1:
				return []byte("Username:"), false, nil
			case 2:
				user = string(r)
				return []byte("Password:"), false, nil
			}
			if err := ok(user == sentinelUser && string(r) == sentinelPass); err != nil {
				return nil, false, err
			}
			return nil, true, nil
		}), nil
	case "CRAM-MD5":
		return saslStep(func(r []byte) ([]byte, bool, error) {
			n++
			if n == 1 {
				return []byte(cramChal), false, nil
			}
			h := hmac.New(md5.New, []byte(sentinelPass))
			h.Write([]byte(cramChal))
			if err := ok(string(r) == sentinelUser+" "+hex.EncodeToString(h.Sum(nil))); err != nil {
				return nil, false, err
			}
			return nil, true, nil
		}), nil
	case "XOAUTH2":
		return saslStep(func(r []byte) ([]byte, bool, error) {
			if r == nil {
				return []byte{}, false, nil
			}
			if err := ok(string(r) == "user="+sentinelUser+"\x01auth=Bearer "+sentinelPass+"\x01\x01"); err != nil {
				return nil, false, err
			}
			return nil, true, nil
		}), nil
	}
	return nil, errors.New("unknown mechanism")
}

// selfSignedLoopback makes a self-signed server certificate for 127.0.0.1
// and a CA file that trusts exactly it (backend/internal/testcerts is not
// importable from cmd).
func selfSignedLoopback(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}

// startTLSAuthServer is a go-smtp server offering STARTTLS with a
// self-signed certificate for 127.0.0.1, and AUTH; it returns the address
// and a CA file that trusts the certificate.
func startTLSAuthServer(t *testing.T) (addr, caFile string) {
	t.Helper()
	cert, caFile := selfSignedLoopback(t)
	srv := smtp.NewServer(&authSendBackend{})
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), caFile
}

// sentinelForms are the password and the base64 forms it takes inside the
// PLAIN, LOGIN and XOAUTH2 payloads.
func sentinelForms() []string {
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return []string{
		sentinelPass, b(sentinelPass),
		b("\x00" + sentinelUser + "\x00" + sentinelPass),
		b("user=" + sentinelUser + "\x01auth=Bearer " + sentinelPass + "\x01\x01"),
	}
}

// TestSendSentinelSecret: the password goes through every mechanism, in JSON
// and text output, and neither it nor its base64 forms appear in stdout,
// stderr, or any file the command wrote (RFC 4954 §4 payloads).
func TestSendSentinelSecret(t *testing.T) {
	addr, caFile := startTLSAuthServer(t)
	t.Setenv("SMTPPROBE_TEST_SECRET", sentinelPass)
	for _, mech := range []string{"plain", "login", "cram-md5", "xoauth2"} {
		for _, asJSON := range []bool{true, false} {
			name := mech + map[bool]string{true: " json", false: " text"}[asJSON]
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				args := []string{"--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
					"--tls", "starttls", "--ca-file", caFile, "--save-cert", filepath.Join(dir, "chain.pem"),
					"--auth-user", sentinelUser, "--auth-mech", mech, "--auth-password-env", "SMTPPROBE_TEST_SECRET", "--lang", "es"}
				if asJSON {
					args = append(args, "--json")
				}
				code, out, errs := runSendCLI(args...)
				if code != exitcode.OK {
					t.Fatalf("exit %d\n%s\n%s", code, out, errs)
				}
				if !strings.Contains(out, "AUTH "+strings.ToUpper(mech)) || !strings.Contains(out, "235") || !strings.Contains(out, "********") {
					t.Errorf("no AUTH exchange shown:\n%s", out)
				}
				written := []string{out, errs}
				entries, _ := os.ReadDir(dir)
				if len(entries) == 0 {
					t.Errorf("--save-cert wrote nothing")
				}
				for _, e := range entries {
					b, err := os.ReadFile(filepath.Join(dir, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					written = append(written, string(b))
				}
				for _, f := range sentinelForms() {
					for _, w := range written {
						if strings.Contains(w, f) {
							t.Fatalf("secret form %q written:\n%s", f, w)
						}
					}
				}
			})
		}
	}
	t.Run("wrong password: 535 explained, secret not shown", func(t *testing.T) {
		t.Setenv("SMTPPROBE_TEST_WRONG", "x"+sentinelPass)
		code, out, errs := runSendCLI("--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
			"--tls", "starttls", "--ca-file", caFile, "--auth-user", sentinelUser, "--auth-mech", "plain",
			"--auth-password-env", "SMTPPROBE_TEST_WRONG", "--lang", "en")
		if code != exitcode.Permanent || !strings.Contains(out, "535 5.7.8") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		for _, f := range sentinelForms() {
			if strings.Contains(out+errs, f) {
				t.Fatalf("secret form %q shown", f)
			}
		}
	})
}

// TestSendSecureFlags: bad TLS and AUTH flags exit 2 before any connection.
func TestSendSecureFlags(t *testing.T) {
	addr, be, cl := startSendServer(t)
	_ = be
	t.Setenv("SMTPPROBE_TEST_EMPTY", "")
	base := []string{"--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"unknown tls mode", []string{"--tls", "always"}},
		{"bad tls-min", []string{"--tls-min", "1.4"}},
		{"missing CA file", []string{"--ca-file", filepath.Join(t.TempDir(), "none.pem")}},
		{"unknown mechanism", []string{"--auth-user", "u", "--auth-mech", "ntlm", "--auth-password-env", "PATH"}},
		{"no password source", []string{"--auth-user", "u"}},
		{"empty password variable", []string{"--auth-user", "u", "--auth-password-env", "SMTPPROBE_TEST_EMPTY"}},
		{"password env without user", []string{"--auth-password-env", "PATH"}},
		{"no such flag for the secret", []string{"--auth-user", "u", "--auth-password", "x"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runSendCLI(append(append([]string{}, base...), c.args...)...)
			if code != exitcode.Usage || errs == "" {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
		})
	}
	if n := cl.count(); n != 0 {
		t.Errorf("%d connections made for bad flags", n)
	}
}

// TestSendTLSText: the text output shows the TLS summary and the chain.
func TestSendTLSText(t *testing.T) {
	addr, caFile := startTLSAuthServer(t)
	code, out, errs := runSendCLI("--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
		"--tls", "starttls", "--ca-file", caFile, "--lang", "es")
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"C: STARTTLS", "TLS: TLS 1.3", "certificado verificado para 127.0.0.1", "certificado 0:", "SHA-256", "SAN: IP:127.0.0.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Run("self-signed without CA file: tls_unknown_authority, exit 5", func(t *testing.T) {
		code, out, _ := runSendCLI("--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
			"--tls", "starttls", "--json")
		if code != exitcode.Protocol || !strings.Contains(out, `"failure": "tls_unknown_authority"`) || !strings.Contains(out, `"tls": {`) {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

// TestSendAuthUnverified: with the default opportunistic TLS, a certificate
// that does not verify (a man in the middle's) gets no password: exit 5 as
// for plaintext AUTH, explained in the chosen language, unless one of the
// two opt-ins is given (RFC 8314 §4.1).
func TestSendAuthUnverified(t *testing.T) {
	addr, _ := startTLSAuthServer(t)
	t.Setenv("SMTPPROBE_TEST_SECRET", sentinelPass)
	base := []string{"--from", "a@contoso.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
		"--auth-user", sentinelUser, "--auth-mech", "plain", "--auth-password-env", "SMTPPROBE_TEST_SECRET"}
	for _, c := range []struct {
		lang, want string
	}{
		{"en", "certificate did not verify"},
		{"es", "certificado del servidor no se verificó"},
	} {
		t.Run("refused "+c.lang, func(t *testing.T) {
			code, out, errs := runSendCLI(append(append([]string{}, base...), "--lang", c.lang)...)
			if code != exitcode.Protocol || !strings.Contains(out, c.want) || strings.Contains(out, "235") {
				t.Fatalf("exit %d, want %d and %q\n%s\n%s", code, exitcode.Protocol, c.want, out, errs)
			}
		})
	}
	for _, opt := range []string{"--insecure-skip-verify", "--allow-plaintext-auth"} {
		t.Run("allowed with "+opt, func(t *testing.T) {
			code, out, errs := runSendCLI(append(append([]string{}, base...), opt)...)
			if code != exitcode.OK || !strings.Contains(out, "235") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
		})
	}
}
