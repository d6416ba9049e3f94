package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpauth"
	"smtpprobe/backend/tlsreport"
)

// maxSecret bounds a password or token read from the environment or the
// terminal; OAuth tokens run to a few KB.
const maxSecret = 16 << 10

// Texts of the TLS and AUTH flags.
var (
	txtSendNoSecret = lang.Text{
		EN: "--auth-user needs a password: name an environment variable that holds it with --auth-password-env, use a --profile whose password the app remembered for this user, or run in a terminal to be asked for it",
		ES: "--auth-user necesita una contraseña: indique con --auth-password-env una variable de entorno que la contenga, use un --profile cuya contraseña recordó la aplicación para este usuario, o ejecute en un terminal para que se le pida",
	}
	txtSendEmptyEnv = lang.Text{
		EN: "--auth-password-env: the environment variable %s is not set or empty",
		ES: "--auth-password-env: la variable de entorno %s no existe o está vacía",
	}
	txtSendBigSecret = lang.Text{EN: "the password or token is longer than %d bytes", ES: "la contraseña o el token ocupa más de %d bytes"}
	txtSendEnvNoUser = lang.Text{EN: "--auth-password-env needs --auth-user", ES: "--auth-password-env necesita --auth-user"}
	txtSendPrompt    = lang.Text{EN: "Password (or token) for %s: ", ES: "Contraseña (o token) para %s: "}
	txtSendTLS       = lang.Text{EN: "TLS: %s", ES: "TLS: %s"}
	txtSendCert      = lang.Text{
		EN: "  certificate %d: %s, issued by %s, valid until %s (%d days), %s %d bits, SHA-256 %s",
		ES: "  certificado %d: %s, emitido por %s, válido hasta %s (%d días), %s %d bits, SHA-256 %s",
	}
	txtSendCertSaved = lang.Text{EN: "Certificate chain saved to %s", ES: "Cadena de certificados guardada en %s"}
	txtSendCertNone  = lang.Text{EN: "--save-cert: no certificate was received, nothing saved", ES: "--save-cert: no se recibió ningún certificado, no se guardó nada"}
)

// secureFlags are the TLS and AUTH flags of send. The secret is never a
// flag value: it comes from the environment or the terminal.
type secureFlags struct {
	tls, caFile, tlsMin, saveCert string
	skipVerify, allowPlain        bool
	authUser, authMech, authEnv   string

	// remembered returns the password a --profile keeps in the OS
	// keyring for user, or "" when it has none for that user.
	remembered func(user string) string
}

func registerSecureFlags(fs *flag.FlagSet) *secureFlags {
	f := &secureFlags{}
	fs.StringVar(&f.tls, "tls", string(session.TLSOpportunistic), "TLS mode: none, opportunistic (STARTTLS when offered), starttls (required) or implicit (port 465)")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM file of extra trusted certificate authorities")
	fs.BoolVar(&f.skipVerify, "insecure-skip-verify", false, "go on when the certificate does not verify (still reported), and authenticate to such a server")
	fs.StringVar(&f.tlsMin, "tls-min", "", "lowest TLS version accepted: 1.0, 1.1, 1.2 or 1.3 (default 1.2)")
	fs.StringVar(&f.saveCert, "save-cert", "", "write the server's certificate chain to this file as PEM")
	fs.StringVar(&f.authUser, "auth-user", "", "authenticate (AUTH, RFC 4954) as this user")
	fs.StringVar(&f.authMech, "auth-mech", "auto", "AUTH mechanism: auto, plain, login, cram-md5 or xoauth2 (the token as password)")
	fs.StringVar(&f.authEnv, "auth-password-env", "", "name of the environment variable holding the password or token (else the --profile's remembered one, else it is asked for)")
	fs.BoolVar(&f.allowPlain, "allow-plaintext-auth", false, "allow AUTH over a connection without TLS or whose certificate did not verify (without it such an AUTH is refused before anything is sent: exit 5)")
	return f
}

// apply copies the flags into o, reading the secret; it returns a usage
// message, or "". session.Run checks the values themselves.
func (f *secureFlags) apply(l lang.Lang, o *session.Options, stderr io.Writer) string {
	o.TLS = session.TLSMode(f.tls)
	o.CAFile, o.InsecureSkipVerify, o.TLSMin = f.caFile, f.skipVerify, f.tlsMin
	o.AuthUser, o.AuthMech, o.AllowPlaintextAuth = f.authUser, f.authMech, f.allowPlain
	if f.authUser == "" {
		if f.authEnv != "" {
			return txtSendEnvNoUser.In(l)
		}
		return ""
	}
	var secret string
	// --auth-password-env wins; then the keyring of the --profile (the
	// password the app remembered); then the terminal.
	if f.authEnv == "" && f.remembered != nil {
		secret = f.remembered(f.authUser)
	}
	switch {
	case secret != "":
	case f.authEnv != "":
		secret = os.Getenv(f.authEnv)
		if secret == "" {
			return txtSendEmptyEnv.Format(l, f.authEnv)
		}
	case term.IsTerminal(int(os.Stdin.Fd())):
		fmt.Fprint(stderr, txtSendPrompt.Format(l, f.authUser))
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return fmt.Sprintf("--auth-user: %v", err)
		}
		secret = strings.TrimRight(string(b), "\r\n")
	default:
		return txtSendNoSecret.In(l)
	}
	if len(secret) > maxSecret {
		return txtSendBigSecret.Format(l, maxSecret)
	}
	o.AuthSecret = smtpauth.Secret(secret)
	return ""
}

// saveChain writes the certificate chain of the first result that has one
// (--save-cert). A failure is reported but does not change the exit code:
// the session's outcome stands.
func (f *secureFlags) saveChain(results []*session.Result, l lang.Lang, stdout, stderr io.Writer, quiet bool) {
	if f.saveCert == "" {
		return
	}
	for _, r := range results {
		if r == nil || len(r.PeerCertificates) == 0 {
			continue
		}
		if err := tlsreport.SavePEM(f.saveCert, r.PeerCertificates); err != nil {
			fmt.Fprintf(stderr, "smtpprobe send: --save-cert: %v\n", err)
			return
		}
		if !quiet {
			fmt.Fprintln(stdout, txtSendCertSaved.Format(l, f.saveCert))
		}
		return
	}
	fmt.Fprintln(stderr, "smtpprobe send: "+txtSendCertNone.In(l))
}

// printTLS prints the TLS summary and the chain, one line a certificate.
func printTLS(w io.Writer, l lang.Lang, r *session.Result) {
	if r.TLS == nil {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, txtSendTLS.Format(l, r.TLS.Summary(l)))
	for i, c := range r.TLS.Chain {
		fmt.Fprintln(w, txtSendCert.Format(l, i, c.Subject, c.Issuer, c.NotAfter.Format("2006-01-02"), c.DaysToExpiry, c.KeyType, c.KeyBits, c.SHA256))
		if len(c.SANs) > 0 && i == 0 {
			fmt.Fprintf(w, "    SAN: %s\n", strings.Join(c.SANs, ", "))
		}
	}
}
