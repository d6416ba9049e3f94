package profile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smtpprobe/backend/lang"
)

// Problems reported by Validate, in both languages.
var (
	msgRequired    = lang.Text{EN: "is required", ES: "es obligatorio"}
	msgUTF8        = lang.Text{EN: "is not valid UTF-8", ES: "no es UTF-8 válido"}
	msgLineBreak   = lang.Text{EN: "must not contain CR, LF or NUL (they would inject SMTP commands or headers)", ES: "no debe contener CR, LF ni NUL (inyectarían comandos SMTP o cabeceras)"}
	msgControl     = lang.Text{EN: "must not contain control characters", ES: "no debe contener caracteres de control"}
	msgTooLong     = lang.Text{EN: "is too long (%d bytes, at most %d)", ES: "es demasiado largo (%d bytes, como máximo %d)"}
	msgTooMany     = lang.Text{EN: "has too many entries (%d, at most %d)", ES: "tiene demasiadas entradas (%d, como máximo %d)"}
	msgSchema      = lang.Text{EN: "must be %d", ES: "debe ser %d"}
	msgID          = lang.Text{EN: "must be 32 lowercase hexadecimal characters", ES: "debe tener 32 caracteres hexadecimales en minúscula"}
	msgAddress     = lang.Text{EN: "%q does not look like an e-mail address (local@domain)", ES: "%q no parece una dirección de correo (local@dominio)"}
	msgHostName    = lang.Text{EN: "%q is not a host name or IP address", ES: "%q no es un nombre de host ni una dirección IP"}
	msgHostAndDom  = lang.Text{EN: "give either a server host or a recipient domain, not both", ES: "indique un servidor o un dominio de destino, no ambos"}
	msgPort        = lang.Text{EN: "must be between 1 and 65535", ES: "debe estar entre 1 y 65535"}
	msgOneOf       = lang.Text{EN: "%q is not one of: %s", ES: "%q no es uno de: %s"}
	msgNever       = lang.Text{EN: "never cannot be combined with other values (RFC 3461 §4.1)", ES: "never no se puede combinar con otros valores (RFC 3461 §4.1)"}
	msgDuplicate   = lang.Text{EN: "%q is listed twice", ES: "%q aparece dos veces"}
	msgXtext       = lang.Text{EN: "must be printable ASCII without spaces, '+' or '=' (RFC 3461 §4.4)", ES: "debe ser ASCII imprimible sin espacios, '+' ni '=' (RFC 3461 §4.4)"}
	msgHeaderName  = lang.Text{EN: "%q is not a header name (printable ASCII without spaces or ':', RFC 5322 §2.2)", ES: "%q no es un nombre de cabecera (ASCII imprimible sin espacios ni ':', RFC 5322 §2.2)"}
	msgMechanism   = lang.Text{EN: "%q is not a SASL mechanism name (1-20 of A-Z 0-9 - _, RFC 4422 §3.1)", ES: "%q no es un nombre de mecanismo SASL (1-20 de A-Z 0-9 - _, RFC 4422 §3.1)"}
	msgSecretRef   = lang.Text{EN: "must be empty or %q (it only points to the keyring)", ES: "debe estar vacío o ser %q (solo apunta al llavero)"}
	msgNeedsUser   = lang.Text{EN: "a mechanism needs a user name", ES: "un mecanismo necesita un nombre de usuario"}
	msgDuration    = lang.Text{EN: "%q is not a duration such as 30s or 5m", ES: "%q no es una duración como 30s o 5m"}
	msgDurationRng = lang.Text{EN: "must be more than 0 and at most %s", ES: "debe ser mayor que 0 y como máximo %s"}
	msgNoRcpt      = lang.Text{EN: "at least one recipient is needed to go past MAIL", ES: "se necesita al menos un destinatario para ir más allá de MAIL"}
	msgEHLO        = lang.Text{EN: "%q is not a domain name or address literal", ES: "%q no es un nombre de dominio ni un literal de dirección"}
	msgTLSMin      = lang.Text{EN: "%q is not a TLS version: use 1.0, 1.1, 1.2 or 1.3", ES: "%q no es una versión de TLS: use 1.0, 1.1, 1.2 o 1.3"}
	msgTimes       = lang.Text{EN: "is before the creation time", ES: "es anterior a la fecha de creación"}
)

// validator collects field problems.
type validator struct{ errs []*lang.FieldError }

func (v *validator) add(field string, msg lang.Text, args ...any) {
	v.errs = append(v.errs, &lang.FieldError{Field: field, Reason: msg, Args: args})
}

// line checks a single-line text: valid UTF-8, no CR/LF/NUL (header and
// command injection), no other C0 control or DEL, at most max bytes.
// It reports whether the text passed, so callers skip further checks.
func (v *validator) line(field, s string, max int) bool {
	switch {
	case !utf8.ValidString(s):
		v.add(field, msgUTF8)
	case strings.ContainsAny(s, "\r\n\x00"):
		v.add(field, msgLineBreak)
	case strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0:
		v.add(field, msgControl)
	case len(s) > max:
		v.add(field, msgTooLong, len(s), max)
	default:
		return true
	}
	return false
}

// Validate checks every field and returns a *ValidationError listing all
// problems, or nil. Addresses are checked loosely (one '@', no spaces or
// angle brackets); the session engine checks them strictly before sending.
func (p *Profile) Validate() error {
	var v validator
	if p.Schema != SchemaVersion {
		v.add("schema", msgSchema, SchemaVersion)
	}
	if !ValidID(p.ID) {
		v.add("id", msgID)
	}
	if v.line("name", p.Name, MaxText) && strings.TrimSpace(p.Name) == "" {
		v.add("name", msgRequired)
	}
	switch {
	case !utf8.ValidString(p.Description):
		v.add("description", msgUTF8)
	case strings.ContainsRune(p.Description, 0):
		v.add("description", msgLineBreak)
	case len(p.Description) > MaxDescription:
		v.add("description", msgTooLong, len(p.Description), MaxDescription)
	}
	p.validateTarget(&v)
	p.validateEnvelope(&v)
	p.validateMessage(&v)
	p.validateAuth(&v)
	p.validateTimeouts(&v)
	if p.StopAfter != "" && !slices.Contains(StopSteps, p.StopAfter) {
		v.add("stop_after", msgOneOf, p.StopAfter, strings.Join(StopSteps, ", "))
	}
	if !p.Created.IsZero() && p.Updated.Before(p.Created) {
		v.add("updated", msgTimes)
	}
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.errs}
}

func (p *Profile) validateTarget(v *validator) {
	t := p.Target
	if t.Domain != "" && t.Host != "" {
		v.add("target", msgHostAndDom)
	}
	if t.Domain != "" && v.line("target.domain", t.Domain, 255) && !looksLikeHost(t.Domain) {
		v.add("target.domain", msgHostName, t.Domain)
	}
	if t.Host != "" && v.line("target.host", t.Host, 255) && !looksLikeHost(t.Host) {
		v.add("target.host", msgHostName, t.Host)
	}
	if t.Port < 0 || t.Port > 65535 {
		v.add("target.port", msgPort)
	}
	switch t.TLS {
	case "", TLSNone, TLSOpportunistic, TLSStartTLS, TLSImplicit:
	default:
		v.add("target.tls", msgOneOf, string(t.TLS), "none, opportunistic, starttls, implicit")
	}
	// The file itself is read when the session starts: it may live on a
	// share that is not mounted yet when the profile is saved.
	if t.CAFile != "" {
		v.line("target.ca_file", t.CAFile, MaxPath)
	}
	switch t.TLSMin {
	case "", "1.0", "1.1", "1.2", "1.3":
	default:
		v.add("target.tls_min", msgTLSMin, t.TLSMin)
	}
	if t.DNSServer != "" && v.line("target.dns_server", t.DNSServer, 261) && !looksLikeHostPort(t.DNSServer) {
		v.add("target.dns_server", msgHostName, t.DNSServer)
	}
}

func (p *Profile) validateEnvelope(v *validator) {
	e := p.Envelope
	// A domain or an address literal such as [192.0.2.1] (RFC 5321 §4.1.1.1).
	if e.EHLO != "" && v.line("envelope.ehlo", e.EHLO, 255) && !looksLikeHost(strings.TrimSuffix(strings.TrimPrefix(e.EHLO, "["), "]")) {
		v.add("envelope.ehlo", msgEHLO, e.EHLO)
	}
	// RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its brackets.
	if e.From != "" && v.line("envelope.from", e.From, 254) && !looksLikeAddress(e.From) {
		v.add("envelope.from", msgAddress, e.From)
	}
	if len(e.To) > MaxRecipients {
		v.add("envelope.to", msgTooMany, len(e.To), MaxRecipients)
	} else {
		seen := make(map[string]bool, len(e.To))
		for i, to := range e.To {
			f := fmt.Sprintf("envelope.to[%d]", i)
			if !v.line(f, to, 254) {
				continue
			}
			if !looksLikeAddress(to) {
				v.add(f, msgAddress, to)
			} else if k := strings.ToLower(to); seen[k] {
				v.add(f, msgDuplicate, to)
			} else {
				seen[k] = true
			}
		}
	}
	if len(e.To) == 0 {
		switch p.StopAfter {
		case "connect", "banner", "ehlo", "mail":
		default:
			v.add("envelope.to", msgNoRcpt)
		}
	}
	seen := map[string]bool{}
	for i, n := range e.DSN.Notify {
		f := fmt.Sprintf("envelope.dsn.notify[%d]", i)
		switch n {
		case "success", "failure", "delay", "never":
		default:
			v.add(f, msgOneOf, n, "success, failure, delay, never")
			continue
		}
		if seen[n] {
			v.add(f, msgDuplicate, n)
		}
		seen[n] = true
	}
	if seen["never"] && len(e.DSN.Notify) > 1 {
		v.add("envelope.dsn.notify", msgNever)
	}
	switch e.DSN.Ret {
	case "", "full", "hdrs":
	default:
		v.add("envelope.dsn.ret", msgOneOf, e.DSN.Ret, "full, hdrs")
	}
	// ENVID is xtext on the wire; keep it to the characters that need no
	// encoding so what the user saved is what the server sees.
	if e.DSN.EnvID != "" && v.line("envelope.dsn.envid", e.DSN.EnvID, 100) {
		if strings.IndexFunc(e.DSN.EnvID, func(r rune) bool { return r <= ' ' || r > '~' || r == '+' || r == '=' }) >= 0 {
			v.add("envelope.dsn.envid", msgXtext)
		}
	}
}

func (p *Profile) validateMessage(v *validator) {
	m := p.Message
	v.line("message.subject", m.Subject, MaxText)
	// The body is multi-line, so CR and LF are fine; NUL and other C0
	// controls are not text and cannot pass through every server.
	switch {
	case !utf8.ValidString(m.Body):
		v.add("message.body", msgUTF8)
	case strings.ContainsRune(m.Body, 0):
		v.add("message.body", msgLineBreak)
	case strings.IndexFunc(m.Body, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f }) >= 0:
		v.add("message.body", msgControl)
	case len(m.Body) > MaxBody:
		v.add("message.body", msgTooLong, len(m.Body), MaxBody)
	}
	if len(m.Headers) > MaxHeaders {
		v.add("message.headers", msgTooMany, len(m.Headers), MaxHeaders)
		return
	}
	for i, h := range m.Headers {
		f := fmt.Sprintf("message.headers[%d]", i)
		if h.Name == "" || len(h.Name) > 76 || strings.IndexFunc(h.Name, func(r rune) bool { return r <= ' ' || r > '~' || r == ':' }) >= 0 {
			v.add(f+".name", msgHeaderName, h.Name)
		}
		v.line(f+".value", h.Value, MaxText)
	}
}

func (p *Profile) validateAuth(v *validator) {
	a := p.Auth
	if a.Mechanism != "" {
		ok := len(a.Mechanism) <= 20
		for _, r := range a.Mechanism {
			if !('A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
				ok = false
			}
		}
		if !ok {
			v.add("auth.mechanism", msgMechanism, a.Mechanism)
		}
		if a.User == "" {
			v.add("auth.user", msgNeedsUser)
		}
	}
	v.line("auth.user", a.User, 255)
	if a.SecretRef != "" && a.SecretRef != SecretKey(p.ID, a.User) {
		v.add("auth.secret_ref", msgSecretRef, SecretKey(p.ID, a.User))
	}
}

func (p *Profile) validateTimeouts(v *validator) {
	t := p.Timeouts
	for _, f := range []struct{ name, val string }{
		{"timeouts.connect", t.Connect},
		{"timeouts.banner", t.Banner},
		{"timeouts.command", t.Command},
		{"timeouts.data_block", t.DataBlock},
		{"timeouts.final_dot", t.FinalDot},
	} {
		if f.val == "" || !v.line(f.name, f.val, 32) {
			continue
		}
		d, err := time.ParseDuration(f.val)
		if err != nil {
			v.add(f.name, msgDuration, f.val)
		} else if d <= 0 || d > MaxTimeout {
			v.add(f.name, msgDurationRng, MaxTimeout.String())
		}
	}
}

// looksLikeAddress is the loose check: local@domain with both parts
// present and no spaces, angle brackets or controls.
func looksLikeAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	if strings.ContainsAny(s, " \t<>") {
		return false
	}
	return looksLikeHost(strings.TrimSuffix(strings.TrimPrefix(s[at+1:], "["), "]"))
}

// looksLikeHost accepts names (including IDN in UTF-8) and IP literals
// loosely: no spaces, brackets, slashes or '@'.
func looksLikeHost(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t<>[]/\\@,;\"'")
}

// looksLikeHostPort accepts HOST, HOST:PORT, [IPv6] and [IPv6]:PORT.
func looksLikeHostPort(s string) bool {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return false
		}
		rest := s[end+1:]
		return looksLikeHost(s[1:end]) && (rest == "" || validPort(strings.TrimPrefix(rest, ":")) && strings.HasPrefix(rest, ":"))
	}
	if strings.Count(s, ":") == 1 {
		host, port, _ := strings.Cut(s, ":")
		return looksLikeHost(host) && validPort(port)
	}
	return looksLikeHost(s) // a bare IPv6 address has several colons
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}
