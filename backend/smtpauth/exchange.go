package smtpauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Conn is the part of an SMTP session the exchange needs: send one command
// line (without CRLF) and return the complete reply. text is the reply text
// without the code, lines joined by "\n", the enhanced status code (if any)
// still at its start. sensitive asks the session's recorder to show the line
// through Mask instead of as sent. Cmd must apply its own deadline.
type Conn interface {
	Cmd(line string, sensitive bool) (code int, text string, err error)
}

// maxLine is the SMTP command line limit (RFC 5321 §4.5.3.1.4) including
// CRLF. RFC 4954 §4: when the initial response would push AUTH past it, the
// client must send it after an empty 334 instead.
const maxLine = 512

// maxRounds bounds the challenges one exchange answers, so a server that
// keeps sending 334 cannot hold the client forever. No supported mechanism
// needs more than three.
const maxRounds = 8

// Kind classifies an AUTH failure. The values are stable: JSON results and
// scripts may match on them.
type Kind string

// The failure kinds.
const (
	// KindFailed: 535, credentials refused (RFC 4954 §6, 5.7.8).
	KindFailed Kind = "auth_failed"
	// KindTemporary: 454 or another 4xx; try again later.
	KindTemporary Kind = "auth_temporary"
	// KindEncryptionRequired: 538 (RFC 4954 §6), or 530/523 asking for
	// STARTTLS first.
	KindEncryptionRequired Kind = "auth_encryption_required"
	// KindTooWeak: 534 5.7.9, mechanism too weak (Gmail also uses it to ask
	// for an app password).
	KindTooWeak Kind = "auth_too_weak"
	// KindUnsupported: 504, the server does not accept this mechanism.
	KindUnsupported Kind = "auth_unsupported"
	// KindNotAvailable: 502/503, AUTH not available now (not offered,
	// already authenticated, EHLO missing).
	KindNotAvailable Kind = "auth_not_available"
	// KindRejected: another 5xx.
	KindRejected Kind = "auth_rejected"
	// KindBadChallenge: a 334 whose text is not valid base64.
	KindBadChallenge Kind = "auth_bad_challenge"
	// KindAborted: the client cancelled with "*" because the mechanism had
	// no answer for a challenge.
	KindAborted Kind = "auth_aborted"
	// KindProtocol: a reply code that has no place in an AUTH exchange, or
	// too many challenges.
	KindProtocol Kind = "auth_protocol"
	// KindInput: the credentials cannot be used with the mechanism; nothing
	// was sent.
	KindInput Kind = "auth_input"
)

// Error is a failed AUTH exchange. Its text never contains the secret or any
// encoding of it; server text is escaped and scrubbed of anything the client
// sent.
type Error struct {
	Kind      Kind
	Mechanism string
	// Code and Enhanced are the final reply's codes (0 and "" when the
	// failure was on the client side).
	Code     int
	Enhanced string
	// ServerText is the final reply's text, escaped and scrubbed.
	ServerText string
	// OAuth is the XOAUTH2 error challenge, decoded, when the server sent one.
	OAuth *OAuthError
	// Err is the underlying cause for client-side failures.
	Err error
}

// Error describes the failure in English; Localize gives the advice in
// either language.
func (e *Error) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "smtpauth: AUTH %s failed (%s)", e.Mechanism, e.Kind)
	if e.Code != 0 {
		fmt.Fprintf(&sb, ": server replied %d", e.Code)
		if e.ServerText != "" {
			sb.WriteString(" " + e.ServerText)
		}
	}
	if e.OAuth != nil {
		if e.OAuth.Raw != "" {
			fmt.Fprintf(&sb, " (token error: %s)", e.OAuth.Raw)
		} else {
			fmt.Fprintf(&sb, " (token error: status %s, scope %s)", e.OAuth.Status, e.OAuth.Scope)
		}
	}
	if e.Err != nil {
		sb.WriteString(": " + e.Err.Error())
	}
	return sb.String()
}

// Unwrap gives the client-side cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// ExitCode maps the failure to the shared CLI exit codes.
func (e *Error) ExitCode() int {
	switch {
	case e.Kind == KindInput:
		return exitcode.Usage
	case e.Kind == KindBadChallenge || e.Kind == KindAborted || e.Kind == KindProtocol:
		return exitcode.Protocol
	case e.Code/100 == 4:
		return exitcode.Temporary
	}
	return exitcode.Permanent
}

// Localize says what the failure means and what to do, in l.
func (e *Error) Localize(l lang.Lang) string {
	if e.Enhanced == "5.7.139" || strings.Contains(strings.ToLower(e.ServerText), "smtpclientauthentication is disabled") {
		return textM365Disabled.In(l)
	}
	return kindText[e.Kind].In(l)
}

var textM365Disabled = lang.Text{
	EN: "Microsoft 365 refused because SMTP AUTH (authenticated client submission) is disabled for the tenant or the mailbox. An administrator can enable it with Set-CASMailbox -SmtpClientAuthenticationDisabled $false, or use OAuth (XOAUTH2).",
	ES: "Microsoft 365 lo rechazó porque SMTP AUTH (envío autenticado de clientes) está deshabilitado para el inquilino o el buzón. Un administrador puede habilitarlo con Set-CASMailbox -SmtpClientAuthenticationDisabled $false, o use OAuth (XOAUTH2).",
}

var kindText = map[Kind]lang.Text{
	KindFailed: {
		EN: "The server refused the user name or password (or token). Check them, check that the account is allowed to send by SMTP, and that it is not locked.",
		ES: "El servidor rechazó el usuario o la contraseña (o el token). Compruébelos, y compruebe que la cuenta puede enviar por SMTP y que no está bloqueada.",
	},
	KindTemporary: {
		EN: "The server could not check the credentials right now (temporary failure). Try again later; if it persists, check the server's connection to its directory (Active Directory).",
		ES: "El servidor no pudo comprobar las credenciales en este momento (fallo temporal). Inténtelo más tarde; si persiste, revise la conexión del servidor con su directorio (Active Directory).",
	},
	KindEncryptionRequired: {
		EN: "The server only accepts authentication over an encrypted connection. Use STARTTLS (--tls starttls) or implicit TLS on port 465.",
		ES: "El servidor solo acepta autenticación sobre una conexión cifrada. Use STARTTLS (--tls starttls) o TLS implícito en el puerto 465.",
	},
	KindTooWeak: {
		EN: "The server considers this mechanism too weak for this account, or requires an app password or OAuth. Try another mechanism or the provider's app password.",
		ES: "El servidor considera este mecanismo demasiado débil para esta cuenta, o exige una contraseña de aplicación u OAuth. Pruebe otro mecanismo o la contraseña de aplicación del proveedor.",
	},
	KindUnsupported: {
		EN: "The server does not accept this authentication mechanism. Choose one it offers in its EHLO reply (or use --auth-mech auto).",
		ES: "El servidor no acepta este mecanismo de autenticación. Elija uno de los que ofrece en su respuesta a EHLO (o use --auth-mech auto).",
	},
	KindNotAvailable: {
		EN: "The server does not accept AUTH at this point. It may not offer authentication on this port or connector (on Exchange, check the receive connector's authentication settings).",
		ES: "El servidor no acepta AUTH en este momento. Puede que no ofrezca autenticación en este puerto o conector (en Exchange, revise la autenticación del conector de recepción).",
	},
	KindRejected: {
		EN: "The server rejected the authentication attempt. Read its reply for the reason.",
		ES: "El servidor rechazó el intento de autenticación. Lea su respuesta para conocer el motivo.",
	},
	KindBadChallenge: {
		EN: "The server sent a malformed authentication challenge (not valid Base64), so the attempt was cancelled. The server or a device in between is misbehaving.",
		ES: "El servidor envió un desafío de autenticación mal formado (no es Base64 válido), así que se canceló el intento. El servidor o un dispositivo intermedio no se comporta correctamente.",
	},
	KindAborted: {
		EN: "The server asked something this mechanism cannot answer, so SMTP Probe cancelled the attempt. Try another mechanism.",
		ES: "El servidor pidió algo que este mecanismo no puede responder, así que SMTP Probe canceló el intento. Pruebe otro mecanismo.",
	},
	KindProtocol: {
		EN: "The server answered AUTH in a way the protocol does not allow. The server or a device in between is misbehaving.",
		ES: "El servidor respondió a AUTH de una forma que el protocolo no permite. El servidor o un dispositivo intermedio no se comporta correctamente.",
	},
	KindInput: {
		EN: "The credentials cannot be used with this mechanism; nothing was sent to the server.",
		ES: "Las credenciales no se pueden usar con este mecanismo; no se envió nada al servidor.",
	},
}

// Exchange runs the AUTH exchange for m over c (RFC 4954 §4). It returns nil
// on 235 and an *Error otherwise (or the Conn's own error when the
// connection failed). Every line it sends is marked sensitive. ctx is
// checked before each round trip; deadlines on a single round trip belong to
// the Conn.
func Exchange(ctx context.Context, c Conn, m Mechanism) error {
	name := m.Name()
	fail := func(k Kind, err error) *Error { return &Error{Kind: k, Mechanism: name, Err: err} }
	ir, err := m.Start()
	if err != nil {
		return fail(KindInput, err)
	}
	s := scrubber{}
	line := "AUTH " + name
	var pending []byte // an initial response too long for the AUTH line
	if ir != nil {
		s.add(ir)
		enc := "="
		if len(ir) > 0 {
			enc = base64.StdEncoding.EncodeToString(ir)
		}
		if len(line)+1+len(enc)+2 <= maxLine {
			line += " " + enc
		} else {
			pending = ir
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("smtpauth: %w", err)
	}
	code, text, err := c.Cmd(line, true)
	for round := 0; ; round++ {
		if err != nil {
			return fmt.Errorf("smtpauth: AUTH %s: %w", name, s.scrubErr(err))
		}
		if code != 334 {
			return s.final(name, m, code, text)
		}
		if round >= maxRounds {
			return s.abort(ctx, c, fail(KindProtocol, fmt.Errorf("the server sent more than %d challenges", maxRounds)))
		}
		var resp []byte
		if pending != nil {
			// RFC 4954 §4: the response withheld from the AUTH line goes
			// after the server's empty challenge.
			if strings.TrimSpace(text) != "" {
				return s.abort(ctx, c, fail(KindBadChallenge, fmt.Errorf("expected an empty 334 before the initial response, got %q", escape(truncate(text, 60)))))
			}
			resp, pending = pending, nil
		} else {
			chal, derr := decodeChallenge(text)
			if derr != nil {
				return s.abort(ctx, c, fail(KindBadChallenge, derr))
			}
			var merr error
			resp, merr = m.Next(chal)
			if merr != nil {
				return s.abort(ctx, c, fail(KindAborted, merr))
			}
			s.add(resp)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("smtpauth: %w", err)
		}
		// An empty response is an empty line (RFC 4954 §4); "=" is only for
		// an empty initial response on the AUTH line.
		code, text, err = c.Cmd(base64.StdEncoding.EncodeToString(resp), true)
	}
}

// decodeChallenge is strict: one line of standard base64 with padding (RFC
// 4954 §4), nothing else. A lenient decoder would let a garbled challenge
// reach the mechanism and be answered.
func decodeChallenge(text string) ([]byte, error) {
	t := strings.TrimRight(text, " ")
	if strings.ContainsAny(t, "\r\n") {
		return nil, fmt.Errorf("334 challenge spans several lines: %q", escape(truncate(text, 60)))
	}
	b, err := base64.StdEncoding.Strict().DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("334 challenge %q is not valid base64: %w", escape(truncate(t, 60)), err)
	}
	return b, nil
}

// abort cancels the exchange with "*" (RFC 4954 §4) and reads the server's
// answer (normally 501), so the session stays in step. The original failure
// is returned whatever the server answers.
func (s *scrubber) abort(ctx context.Context, c Conn, e *Error) error {
	if e.Err != nil {
		e.Err = s.scrubErr(e.Err)
	}
	if ctx.Err() != nil {
		return e
	}
	code, text, err := c.Cmd("*", true)
	if err == nil {
		e.Code, e.Enhanced, e.ServerText = code, enhanced(text), s.scrub(escape(truncate(text, 512)))
	}
	return e
}

func (s *scrubber) final(name string, m Mechanism, code int, text string) error {
	if code == 235 {
		return nil
	}
	e := &Error{Mechanism: name, Code: code, Enhanced: enhanced(text), ServerText: s.scrub(escape(truncate(text, 512)))}
	if x, ok := m.(interface{ ServerError() *OAuthError }); ok {
		e.OAuth = x.ServerError()
	}
	lower := strings.ToLower(text)
	switch {
	case code == 535:
		e.Kind = KindFailed
	case code == 538 || code == 523 || e.Enhanced == "5.7.11" || e.Enhanced == "5.7.10" ||
		(code == 530 && (strings.Contains(lower, "starttls") || strings.Contains(lower, "tls"))):
		e.Kind = KindEncryptionRequired
	case code == 534:
		e.Kind = KindTooWeak
	case code == 504:
		e.Kind = KindUnsupported
	case code == 502 || code == 503:
		e.Kind = KindNotAvailable
	case code/100 == 4:
		e.Kind = KindTemporary
	case code/100 == 5:
		e.Kind = KindRejected
	default:
		e.Kind = KindProtocol
	}
	return e
}

var enhancedRE = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)`)

// enhanced extracts an RFC 3463 status code from the start of the reply text.
func enhanced(text string) string {
	m := enhancedRE.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2] + "." + m[3]
}

// scrubber remembers everything the client sent so that no server text can
// carry it into an error: a hostile or careless server may echo the client's
// response in its failure reply.
type scrubber struct{ forms []string }

func (s *scrubber) add(b []byte) {
	if len(b) == 0 {
		return
	}
	s.forms = append(s.forms, base64.StdEncoding.EncodeToString(b), string(b), escape(string(b)))
	// Each field of a NUL- or ^A-separated response (PLAIN, XOAUTH2) on its
	// own, since the fields themselves are the secrets.
	for _, f := range strings.FieldsFunc(string(b), func(r rune) bool { return r == 0 || r == 1 }) {
		if len(f) >= 4 {
			s.forms = append(s.forms, f, base64.StdEncoding.EncodeToString([]byte(f)))
		}
	}
}

func (s *scrubber) scrub(t string) string {
	for _, f := range s.forms {
		if len(f) >= 4 {
			t = strings.ReplaceAll(t, f, masked)
		}
	}
	return t
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func (s *scrubber) scrubErr(err error) error {
	msg := s.scrub(err.Error())
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: errors.Unwrap(err)}
}

// SecretForms returns what a sensitive line of Exchange carries, in every
// form a server's text might echo it (base64 as sent, decoded, escaped, and
// each NUL- or ^A-separated field on its own), for a recorder to redact
// from the replies that follow. The cancel line "*" and an AUTH line
// without an initial response carry nothing.
func SecretForms(line string) []string {
	f := strings.Fields(line)
	if len(f) == 0 || line == "*" || (strings.EqualFold(f[0], "AUTH") && len(f) < 3) {
		return nil
	}
	enc := f[len(f)-1]
	s := scrubber{forms: []string{enc}}
	if b, err := base64.StdEncoding.DecodeString(enc); err == nil {
		s.add(b)
	}
	return s.forms
}

// Mask returns the form of a sensitive client line that a transcript may
// show: "AUTH PLAIN <base64>" becomes "AUTH PLAIN ********", a continuation
// response becomes "********", and the cancel line "*" stays as it is.
// Only lines that Exchange marked sensitive should be passed here.
func Mask(line string) string {
	if line == "*" {
		return line
	}
	f := strings.Fields(line)
	if len(f) >= 1 && strings.EqualFold(f[0], "AUTH") {
		switch len(f) {
		case 1:
			return "AUTH"
		case 2:
			return "AUTH " + escape(truncate(f[1], 40))
		}
		return "AUTH " + escape(truncate(f[1], 40)) + " " + masked
	}
	return masked
}

func escape(s string) string { return transcript.EscapeString(s) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Every localized error here speaks through the one lang.Localized method.
var _ = []lang.Localized{(*Error)(nil)}
