package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"smtpprobe/backend/address"
	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpauth"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// TLSMode says whether and how a session encrypts.
type TLSMode string

// The TLS modes.
const (
	// TLSNone never encrypts, even when the server offers STARTTLS.
	TLSNone TLSMode = "none"
	// TLSOpportunistic uses STARTTLS when the server offers it and goes on
	// in plaintext, with a warning, when it does not (the default). A
	// certificate that does not verify only warns (RFC 7435), but AUTH is
	// then refused as over plaintext (FailAuthUnverified); a refused
	// STARTTLS (454) goes on in plaintext on the same connection (RFC 3207
	// §4); a failed handshake is followed by one more connection to the same
	// address without STARTTLS (warning WarnTLSFallback), as Postfix does
	// with smtp_tls_security_level = may.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSStartTLS requires STARTTLS (RFC 3207): when it is not offered,
	// refused or fails, the session ends with QUIT and nothing else.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit starts TLS as soon as the connection opens, before the
	// greeting (RFC 8314 §3, port 465).
	TLSImplicit TLSMode = "implicit"
)

// DefaultImplicitTLSPort is the port of implicit TLS submission (RFC 8314
// §7.3), used when the mode is TLSImplicit and no port was given.
const DefaultImplicitTLSPort = 465

// The failure kinds of the TLS and AUTH steps, besides FailTLS.
const (
	// FailSTARTTLSUnavailable: STARTTLS was required and the server does
	// not offer it.
	FailSTARTTLSUnavailable Failure = "starttls_unavailable"
	// FailTLSExpired, FailTLSUnknownAuthority and FailTLSNameMismatch are
	// certificate verification failures (the report in Result.TLS holds the
	// finer tlsreport kind, e.g. tls_self_signed).
	FailTLSExpired          Failure = "tls_expired"
	FailTLSUnknownAuthority Failure = "tls_unknown_authority"
	FailTLSNameMismatch     Failure = "tls_name_mismatch"
	// FailAuthPlaintext: AUTH was asked for on a connection without TLS and
	// the user did not allow that; nothing was sent.
	FailAuthPlaintext Failure = "auth_plaintext_refused"
	// FailAuthUnverified: AUTH was asked for over TLS whose certificate did
	// not verify (opportunistic STARTTLS goes on encrypted) and the user
	// allowed neither an unverified peer nor plaintext AUTH; nothing was
	// sent, since anyone in the middle could have presented that
	// certificate.
	FailAuthUnverified Failure = "auth_unverified_refused"
	// FailTLSFallback marks a STARTTLS step (a warning, not a failure) whose
	// handshake failed in opportunistic mode: the session reconnected to the
	// same address and went on without STARTTLS. The step's error holds the
	// handshake error; Result.TLS the failed handshake.
	FailTLSFallback Failure = "tls_fallback_plaintext"
)

// WarnTLSFallback is the code of the warning a session records when its
// opportunistic STARTTLS handshake failed and it went on in plaintext on a
// new connection (as Postfix does with smtp_tls_security_level = may).
const WarnTLSFallback = "tls-fallback-plaintext"

// isAuthFailure reports whether f is one of smtpauth's kinds (or ours for
// AUTH), which are explained from the reply when there is one.
func isAuthFailure(f Failure) bool { return strings.HasPrefix(string(f), "auth_") }

// authExitCode maps an AUTH failure to the shared exit codes, as
// smtpauth.Error.ExitCode does. Refusing to send a secret in clear is SMTP
// Probe's own refusal, not a server's 5xx: it exits 5 (Protocol), as a
// required STARTTLS that fails does.
func authExitCode(s Step) (int, bool) {
	if !isAuthFailure(s.Failure) {
		return 0, false
	}
	if s.Failure == FailAuthPlaintext || s.Failure == FailAuthUnverified {
		return exitcode.Protocol, true
	}
	e := smtpauth.Error{Kind: smtpauth.Kind(s.Failure)}
	if s.Reply != nil {
		e.Code = s.Reply.Code
	}
	return e.ExitCode(), true
}

var tlsModes = map[TLSMode]bool{TLSNone: true, TLSOpportunistic: true, TLSStartTLS: true, TLSImplicit: true}

// checkTLS validates the TLS options, loading the CA file now so that an
// unreadable one is refused before connecting.
func (p *plan) checkTLS() error {
	o := p.o
	p.tls = TLSMode(strings.ToLower(strings.TrimSpace(string(o.TLS))))
	if p.tls == "" {
		p.tls = TLSOpportunistic
	}
	if !tlsModes[p.tls] {
		return inputErr("tls", string(o.TLS), lang.KindSyntax,
			"must be none, opportunistic, starttls or implicit", "debe ser none, opportunistic, starttls o implicit")
	}
	if _, err := tlsreport.ParseVersion(o.TLSMin); err != nil {
		return inputErr("tls-min", o.TLSMin, lang.KindSyntax, "must be 1.0, 1.1, 1.2 or 1.3", "debe ser 1.0, 1.1, 1.2 o 1.3")
	}
	if o.CAFile != "" {
		if _, err := tlsreport.LoadRoots(o.CAFile); err != nil {
			return inputErr("ca-file", o.CAFile, lang.KindSyntax, err.Error(), err.Error())
		}
	}
	return nil
}

// checkAuth validates the AUTH options. The secret itself never appears in
// an error.
func (p *plan) checkAuth() error {
	o := p.o
	mech := strings.ToUpper(strings.TrimSpace(o.AuthMech))
	if mech == "" {
		mech = "AUTO"
	}
	if mech != "AUTO" && !slices.Contains(smtpauth.Supported(), mech) {
		return inputErr("auth-mech", o.AuthMech, lang.KindSyntax,
			"must be auto, plain, login, cram-md5 or xoauth2", "debe ser auto, plain, login, cram-md5 o xoauth2")
	}
	p.authMech = mech
	if o.AuthUser == "" {
		if o.AuthSecret != "" || (o.AuthMech != "" && mech != "AUTO") {
			return inputErr("auth-user", "", lang.KindEmpty,
				"is needed to authenticate", "hace falta para autenticarse")
		}
		return nil
	}
	if err := address.CheckText("auth-user", o.AuthUser, 0); err != nil {
		return err
	}
	if o.AuthSecret == "" {
		return inputErr("auth-password", "", lang.KindEmpty,
			"is needed to authenticate (a password, or the token for xoauth2)",
			"hace falta para autenticarse (una contraseña, o el token para xoauth2)")
	}
	if strings.ContainsAny(string(o.AuthSecret), "\r\n\x00") {
		// Named but not shown: the value is a secret.
		return inputErr("auth-password", "", lang.KindSyntax,
			"must not contain CR, LF or NUL", "no puede contener CR, LF ni NUL")
	}
	return nil
}

// tlsOptions are the tlsreport options for the current host: the name the
// user targeted (the MX host when found by MX; an IP sends no SNI).
func (e *engine) tlsOptions() tlsreport.Options {
	o := e.p.o
	return tlsreport.Options{ServerName: e.host, CAFile: o.CAFile, InsecureSkipVerify: o.InsecureSkipVerify || e.lenient(), MinVersion: o.TLSMin}
}

// lenient reports whether a certificate that does not verify only warns
// without the user's --insecure-skip-verify: opportunistic TLS would
// otherwise have gone on in plaintext, so encrypting without
// authentication is strictly better (RFC 7435 §1.2), and it is what mail
// servers do by default.
func (e *engine) lenient() bool { return e.p.tls == TLSOpportunistic && !e.p.o.InsecureSkipVerify }

// tlsFailure maps a tlsreport kind to the failure kinds diagnose explains.
func tlsFailure(k tlsreport.Kind) Failure {
	switch k {
	case tlsreport.KindExpired, tlsreport.KindNotYetValid:
		return FailTLSExpired
	case tlsreport.KindSelfSigned, tlsreport.KindUnknownAuthority, tlsreport.KindIncompleteChain:
		return FailTLSUnknownAuthority
	case tlsreport.KindNameMismatch:
		return FailTLSNameMismatch
	}
	return FailTLS
}

// handshake upgrades the connection and ends step i: failed with the
// classified kind (the connection is then dropped), or ok. The report goes
// into the Result either way.
func (e *engine) handshake(i int) bool {
	opts := e.tlsOptions()
	if e.p.o.InsecureSkipVerify {
		e.info(lang.Text{EN: "Certificate verification failures will not stop the session (--insecure-skip-verify)",
			ES: "Los fallos de verificación del certificado no detendrán la sesión (--insecure-skip-verify)"})
	}
	var rep tlsreport.Report
	var peer []*x509.Certificate
	timeout := e.p.t.Command
	err := e.conn.UpgradeTLS(func(nc net.Conn) (net.Conn, error) {
		cfg, err := tlsreport.ClientConfig(opts)
		if err != nil {
			return nil, err
		}
		verify := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			// Kept for --save-cert: a chain that fails verification is the
			// one most worth saving.
			peer = cs.PeerCertificates
			return verify(cs)
		}
		ctx, cancel := context.WithTimeout(e.ctx, timeout)
		defer cancel()
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			rep = tlsreport.NewReport(tc.ConnectionState(), err, opts)
			return nil, err
		}
		st := tc.ConnectionState()
		rep = tlsreport.NewReport(st, tlsreport.Verify(st, opts), opts)
		return tc, nil
	})
	if e.lenient() {
		// The report says the user chose to skip only when they did.
		rep.SkipVerify = false
	}
	e.res.TLS = &rep
	e.res.PeerCertificates = peer
	if err != nil {
		f := FailTLS
		why := lang.Text{EN: "TLS handshake: " + transcript.EscapeString(err.Error()), ES: "negociación TLS: " + transcript.EscapeString(err.Error())}
		switch {
		case e.ctx.Err() != nil:
			f, why = FailCanceled, describe(FailCanceled, lang.Text{}, 0, err)
		case rep.Problem != nil:
			f, why = tlsFailure(rep.Problem.Kind), rep.Problem.Text
		}
		e.info(lang.Text{EN: "TLS failed: %s", ES: "TLS falló: %s"}, why.In(e.l))
		if e.canFallBack(i) {
			e.fallBack(i, why)
			return false
		}
		e.end(i, StatusFailed, f, &why)
		// The TLS state is unknown: neither plaintext nor TLS can go on.
		e.drop()
		return false
	}
	e.info(lang.Text{EN: "TLS: %s", ES: "TLS: %s"}, rep.Summary(e.l))
	for k, c := range rep.Chain {
		e.info(lang.Text{EN: "Certificate %d: %s (issuer %s), valid until %s (%d days), SHA-256 %s",
			ES: "Certificado %d: %s (emisor %s), válido hasta %s (%d días), SHA-256 %s"},
			k, c.Subject, c.Issuer, c.NotAfter.Format(time.DateOnly), c.DaysToExpiry, c.SHA256)
	}
	if rep.Problem != nil && e.lenient() {
		e.warn("tls-unverified", lang.Text{
			EN: "The certificate did not verify; opportunistic TLS goes on encrypted, as mail servers do (use --tls starttls to require a valid certificate): " + rep.Problem.Text.EN,
			ES: "El certificado no se verificó; el TLS oportunista continúa cifrado, como hacen los servidores de correo (use --tls starttls para exigir un certificado válido): " + rep.Problem.Text.ES,
		})
		why := rep.Problem.Text
		e.end(i, StatusWarning, "", &why)
		return true
	}
	if rep.Problem != nil {
		e.warn("tls-verify-skipped", lang.Text{
			EN: "The certificate did not verify and the session went on because --insecure-skip-verify was chosen: " + rep.Problem.Text.EN,
			ES: "El certificado no se verificó y la sesión continuó porque se eligió --insecure-skip-verify: " + rep.Problem.Text.ES,
		})
		why := rep.Problem.Text
		e.end(i, StatusWarning, "", &why)
		return true
	}
	e.end(i, StatusOK, "", nil)
	return true
}

// canFallBack reports whether the failed handshake of step i may be
// followed by a session in plaintext: only for STARTTLS in opportunistic
// mode, once per address, and not when the user cancelled.
func (e *engine) canFallBack(i int) bool {
	return e.p.tls == TLSOpportunistic && e.res.Steps[i].Name == StepSTARTTLS && !e.clear && e.ctx.Err() == nil
}

// fallBack ends STARTTLS step i, whose handshake failed, as a warning and
// asks attempt for a second connection without STARTTLS: after a failed
// handshake the connection's state is unknown, so nothing more can be sent
// on it. This is what an MTA does with opportunistic TLS (Postfix
// smtp_tls_security_level = may, RFC 7435 §1.2): deliver in plaintext
// rather than not at all.
func (e *engine) fallBack(i int, why lang.Text) {
	e.end(i, StatusWarning, FailTLSFallback, &why)
	e.drop()
	e.retryClear = true
	e.warn(WarnTLSFallback, lang.Text{
		EN: "The STARTTLS handshake failed (" + why.EN + "); opportunistic TLS goes on without encryption on a new connection, as mail servers do (use --tls starttls to require TLS)",
		ES: "La negociación STARTTLS falló (" + why.ES + "); el TLS oportunista continúa sin cifrar en una conexión nueva, como hacen los servidores de correo (use --tls starttls para exigir TLS)",
	})
}

// implicitTLS runs the handshake right after connecting (RFC 8314 §3.3).
func (e *engine) implicitTLS() bool {
	i := e.begin(StepTLS, "", "")
	return e.handshake(i)
}

// startTLS sends STARTTLS when the mode asks for it (RFC 3207), then EHLO
// again. It returns false when the session has ended.
func (e *engine) startTLS() bool {
	if e.p.tls == TLSNone || e.p.tls == TLSImplicit {
		return true
	}
	required := e.p.tls == TLSStartTLS
	if e.clear {
		if e.has("STARTTLS") {
			e.info(lang.Text{
				EN: "Not sending STARTTLS: the handshake failed on the previous connection to this address, so this one stays unencrypted",
				ES: "No se envía STARTTLS: la negociación falló en la conexión anterior a esta dirección, así que esta sigue sin cifrar"})
		}
		return true
	}
	if !e.has("STARTTLS") {
		why := lang.Text{EN: "the server does not offer STARTTLS in its EHLO reply", ES: "el servidor no ofrece STARTTLS en su respuesta a EHLO"}
		if !required {
			e.warn("starttls-not-offered", lang.Text{
				EN: "The server does not offer STARTTLS: the session goes on unencrypted",
				ES: "El servidor no ofrece STARTTLS: la sesión continúa sin cifrar"})
			return true
		}
		i := e.begin(StepSTARTTLS, "", "")
		e.end(i, StatusFailed, FailSTARTTLSUnavailable, &why)
		e.failSafe()
		return false
	}
	i := e.begin(StepSTARTTLS, "STARTTLS", "")
	if !e.send(i, e.p.t.Command, "STARTTLS") {
		return false
	}
	r, err := e.conn.ReadReply(e.p.t.Command)
	if err != nil {
		e.ioFail(i, waitingFor("STARTTLS"), e.p.t.Command, err)
		return false
	}
	e.res.Steps[i].Reply = &r
	if r.Code != 220 {
		why := lang.Text{EN: "the server refused STARTTLS: " + r.String(), ES: "el servidor rechazó STARTTLS: " + r.String()}
		switch {
		case r.Class() == 4 || r.Class() == 5:
			if !required && r.Code != 421 {
				e.end(i, StatusWarning, FailRejected, &why)
				e.warn("starttls-refused", lang.Text{
					EN: "The server refused STARTTLS (" + r.String() + "): the session goes on unencrypted",
					ES: "El servidor rechazó STARTTLS (" + r.String() + "): la sesión continúa sin cifrar"})
				return true
			}
			e.end(i, StatusFailed, FailRejected, &why)
			if r.Code == 421 {
				e.drop()
			}
		default:
			// A 2xx other than 220 or a 3xx: the server's state is unclear,
			// so nothing more is sent.
			why = lang.Text{EN: fmt.Sprintf("unexpected reply %d to STARTTLS (expected 220)", r.Code),
				ES: fmt.Sprintf("respuesta inesperada %d a STARTTLS (se esperaba 220)", r.Code)}
			e.end(i, StatusFailed, FailProtocol, &why)
			e.drop()
		}
		e.failSafe()
		return false
	}
	if shown, n := e.conn.DiscardBuffered(200); n > 0 {
		e.warn("starttls-plaintext-discarded", lang.Text{
			EN: fmt.Sprintf("The server sent %d bytes in plaintext after its 220 to STARTTLS; they were discarded, not read as replies (STARTTLS injection, CVE-2011-0411): \"%s\"",
				n, transcript.Escape(shown)),
			ES: fmt.Sprintf("El servidor envió %d bytes sin cifrar tras su 220 a STARTTLS; se descartaron, no se leyeron como respuestas (inyección STARTTLS, CVE-2011-0411): \"%s\"",
				n, transcript.Escape(shown)),
		})
	}
	if !e.handshake(i) {
		return false
	}
	// RFC 3207 §4.2: forget what was learnt in plaintext and ask again.
	e.exts = nil
	e.res.Extensions = []string{}
	return e.hello()
}

// failSafe ends a session whose required TLS is missing: QUIT, if the
// connection is still usable, and nothing else.
func (e *engine) failSafe() {
	e.info(lang.Text{EN: "TLS was required: nothing more is sent in plaintext",
		ES: "Se exigía TLS: no se envía nada más sin cifrar"})
	if !e.closed {
		e.quit()
	}
}

// auth authenticates when a user was given (RFC 4954). It returns false
// when the session has ended.
func (e *engine) auth() bool {
	o := e.p.o
	if o.AuthUser == "" {
		return true
	}
	fail := func(i int, f Failure, why lang.Text) bool {
		e.end(i, StatusFailed, f, &why)
		if !e.closed {
			e.quit()
		}
		return false
	}
	if !e.conn.TLS() && !o.AllowPlaintextAuth {
		i := e.begin(StepAuth, "", "")
		why := lang.Text{
			EN: "not authenticating over an unencrypted connection: the password could be read on the network; use TLS, or --allow-plaintext-auth to do it anyway",
			ES: "no se autentica sobre una conexión sin cifrar: la contraseña se podría leer en la red; use TLS, o --allow-plaintext-auth para hacerlo igualmente",
		}
		if e.clear {
			why = lang.Text{
				EN: "the STARTTLS handshake failed, so this connection is the unencrypted fallback; " + why.EN,
				ES: "la negociación STARTTLS falló, así que esta conexión es la alternativa sin cifrar; " + why.ES,
			}
		}
		return fail(i, FailAuthPlaintext, why)
	}
	if e.conn.TLS() && e.res.TLS != nil && e.res.TLS.Problem != nil && !o.InsecureSkipVerify && !o.AllowPlaintextAuth {
		// Only opportunistic TLS gets here: the other modes stop at the
		// handshake. Encryption to an unauthenticated peer protects
		// against a passive listener, not against the man in the middle
		// who presented this certificate, so the password is treated as
		// it would be over plaintext.
		i := e.begin(StepAuth, "", "")
		return fail(i, FailAuthUnverified, lang.Text{
			EN: "not authenticating: the server's certificate did not verify (see the STARTTLS step), so whoever answered could read the password; fix the certificate or trust its CA (--ca-file), or use --insecure-skip-verify or --allow-plaintext-auth to do it anyway",
			ES: "no se autentica: el certificado del servidor no se verificó (vea el paso STARTTLS), así que quien respondió podría leer la contraseña; corrija el certificado o confíe en su CA (--ca-file), o use --insecure-skip-verify o --allow-plaintext-auth para hacerlo igualmente",
		})
	}
	offered := strings.Fields(e.exts["AUTH"])
	mech, err := smtpauth.Choose(offered, e.p.authMech, e.p.authMech == smtpauth.NameXOAuth2)
	if err != nil {
		i := e.begin(StepAuth, "", "")
		f := Failure(smtpauth.KindUnsupported)
		if len(offered) == 0 {
			f = Failure(smtpauth.KindNotAvailable)
		}
		why := lang.Text{EN: err.Error(), ES: err.Error()}
		var ce *smtpauth.ChooseError
		if errors.As(err, &ce) {
			why = ce.Text
		}
		return fail(i, f, why)
	}
	i := e.begin(StepAuth, "AUTH "+mech, "")
	m, err := smtpauth.New(mech, smtpauth.Credentials{User: o.AuthUser, Password: o.AuthSecret, Token: o.AuthSecret})
	if err != nil {
		return fail(i, Failure(smtpauth.KindInput), lang.Text{
			EN: "the credentials cannot be used with " + mech + "; nothing was sent",
			ES: "las credenciales no se pueden usar con " + mech + "; no se envió nada",
		})
	}
	ac := &authConn{e: e, step: i}
	err = smtpauth.Exchange(e.ctx, ac, m)
	var ae *smtpauth.Error
	switch {
	case err == nil:
		e.end(i, StatusOK, "", nil)
		e.info(lang.Text{EN: "Authenticated as %s with %s", ES: "Autenticado como %s con %s"}, o.AuthUser, mech)
		return true
	case errors.As(err, &ae):
		why := lang.Text{EN: ae.Localize(lang.EN), ES: ae.Localize(lang.ES)}
		if ae.Code == 0 {
			why = lang.Text{EN: ae.Error() + ". " + why.EN, ES: authErrorES(ae) + ". " + why.ES}
		}
		if ac.ioErr {
			e.ioFail(i, ac.what, e.p.t.Command, err)
			return false
		}
		return fail(i, Failure(ae.Kind), why)
	default:
		e.ioFail(i, txtAuthExchange, e.p.t.Command, err)
		return false
	}
}

// authConn is the session as smtpauth sees it: each line is recorded
// masked when sensitive, and the step keeps the last reply.
type authConn struct {
	e     *engine
	step  int
	sent  bool
	ioErr bool
	// what names the write or wait that failed, for the step's error.
	what lang.Text
}

// errUnsafeLine refuses a line that would break out of the command; its text
// is not shown, since it may hold a secret.
var errUnsafeLine = &smtpwire.ProtocolError{Rule: "RFC 5321 §2.3.8", Reason: lang.Text{
	EN: "refusing to send an AUTH line with CR, LF or NUL inside it",
	ES: "no se envía una línea de AUTH que contiene CR, LF o NUL",
}}

func (a *authConn) Cmd(line string, sensitive bool) (int, string, error) {
	e := a.e
	shown := line
	if sensitive {
		shown = smtpauth.Mask(line)
	}
	if !a.sent {
		a.sent = true
		e.res.Steps[a.step].Command = transcript.EscapeString(shown)
	}
	if strings.ContainsAny(line, "\r\n\x00") {
		return 0, "", errUnsafeLine
	}
	cmd := smtpwire.Command{Line: line}
	if sensitive {
		cmd.Masked = shown
		// Before the write: the reply may echo the line.
		e.conn.Recorder().Redact(smtpauth.SecretForms(line)...)
	}
	if err := e.conn.WriteCommands(e.p.t.Command, cmd); err != nil {
		a.ioErr, a.what = true, sending("AUTH")
		return 0, "", fmt.Errorf("sending AUTH: %w", err)
	}
	r, err := e.conn.ReadReply(e.p.t.Command)
	if err != nil {
		a.ioErr, a.what = true, waitingFor("AUTH")
		return 0, "", fmt.Errorf("waiting for the reply to AUTH: %w", err)
	}
	for k, l := range r.Lines {
		r.Lines[k] = e.conn.Recorder().Scrub(l)
	}
	e.res.Steps[a.step].Reply = &r
	return r.Code, strings.Join(r.Lines, "\n"), nil
}

// authErrorES is ae.Error() in Spanish: the mechanism and kind are tokens,
// the token error the provider's own words.
func authErrorES(ae *smtpauth.Error) string {
	en := fmt.Sprintf("smtpauth: AUTH %s failed (%s)", ae.Mechanism, ae.Kind)
	tail := strings.TrimPrefix(ae.Error(), en)
	tail = strings.Replace(tail, ": server replied ", ": el servidor respondió ", 1)
	tail = strings.Replace(tail, " (token error: status ", " (error del token: estado ", 1)
	tail = strings.Replace(tail, ", scope ", ", ámbito ", 1)
	tail = strings.Replace(tail, " (token error: ", " (error del token: ", 1)
	return fmt.Sprintf("smtpauth: AUTH %s falló (%s)", ae.Mechanism, ae.Kind) + tail
}
