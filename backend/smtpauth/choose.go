package smtpauth

import (
	"strings"

	"smtpprobe/backend/lang"
)

// ChooseError is a mechanism choice that cannot be made; nothing was sent.
type ChooseError struct {
	// Text explains the problem in both languages.
	Text lang.Text
	// Offered is what the server offered, escaped.
	Offered []string
}

// Error gives the English text.
func (e *ChooseError) Error() string { return "smtpauth: " + e.Text.EN }

var (
	textNoAuth = lang.Text{
		EN: "the server does not offer AUTH in its EHLO reply (on Exchange, authentication may be disabled on this receive connector or offered only after STARTTLS)",
		ES: "el servidor no ofrece AUTH en su respuesta a EHLO (en Exchange, puede que la autenticación esté deshabilitada en este conector de recepción o que solo se ofrezca tras STARTTLS)",
	}
	textNotOffered = lang.Text{
		EN: "the server does not offer %s; it offers: %s",
		ES: "el servidor no ofrece %s; ofrece: %s",
	}
	textUnknown = lang.Text{
		EN: "unknown mechanism %s; use auto, XOAUTH2, CRAM-MD5, PLAIN or LOGIN",
		ES: "mecanismo desconocido %s; use auto, XOAUTH2, CRAM-MD5, PLAIN o LOGIN",
	}
	textNoToken = lang.Text{
		EN: "XOAUTH2 needs an OAuth access token",
		ES: "XOAUTH2 necesita un token de acceso OAuth",
	}
	textNoneUsable = lang.Text{
		EN: "none of the mechanisms the server offers is supported (it offers: %s; supported: XOAUTH2 with a token, CRAM-MD5, PLAIN, LOGIN). GSSAPI and NTLM are Windows integrated authentication, which SMTP Probe does not do",
		ES: "ninguno de los mecanismos que ofrece el servidor está soportado (ofrece: %s; soportados: XOAUTH2 con token, CRAM-MD5, PLAIN, LOGIN). GSSAPI y NTLM son autenticación integrada de Windows, que SMTP Probe no realiza",
	}
)

// Choose picks the mechanism to use from offered (the AUTH keyword's
// parameters from EHLO, RFC 4954 §3). requested is a mechanism name or
// "auto" (or ""): auto picks the strongest offered one that can be used —
// XOAUTH2 only when haveToken, then CRAM-MD5, PLAIN, LOGIN. A requested
// mechanism the server did not offer is an error listing what it offers.
// The returned error is a *ChooseError.
func Choose(offered []string, requested string, haveToken bool) (string, error) {
	offers := make(map[string]bool)
	var shown []string
	for _, o := range offered {
		u := strings.ToUpper(strings.TrimSpace(o))
		if u == "" || offers[u] {
			continue
		}
		offers[u] = true
		shown = append(shown, escape(truncate(u, 40)))
	}
	req := strings.ToUpper(strings.TrimSpace(requested))
	list := strings.Join(shown, ", ")
	if req != "" && req != "AUTO" {
		known := false
		for _, s := range Supported() {
			known = known || s == req
		}
		if !known {
			return "", &ChooseError{Text: format(textUnknown, escape(truncate(requested, 40))), Offered: shown}
		}
		if req == NameXOAuth2 && !haveToken {
			return "", &ChooseError{Text: textNoToken, Offered: shown}
		}
	}
	if len(offers) == 0 {
		return "", &ChooseError{Text: textNoAuth}
	}
	if req != "" && req != "AUTO" {
		if !offers[req] {
			return "", &ChooseError{Text: format(textNotOffered, req, list), Offered: shown}
		}
		return req, nil
	}
	for _, s := range Supported() {
		if s == NameXOAuth2 && !haveToken {
			continue
		}
		if offers[s] {
			return s, nil
		}
	}
	return "", &ChooseError{Text: format(textNoneUsable, list), Offered: shown}
}

func format(t lang.Text, args ...any) lang.Text {
	return lang.Text{EN: t.Format(lang.EN, args...), ES: t.Format(lang.ES, args...)}
}
