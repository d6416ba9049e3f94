// Package address checks every piece of user input before SMTP Probe sends
// a byte of it: mailboxes and paths (RFC 5321 §4.1.2, with internationalised
// domains per RFC 5890 and UTF-8 local parts per RFC 6531), the EHLO name,
// free text bound for a command or a header, header names (RFC 5322 §2.2),
// DSN xtext (RFC 3461 §4) and command lines (RFC 5321 §4.5.3.1).
//
// Every rejection is a *lang.FieldError that carries its reason in English and
// Spanish. Nothing here trims or repairs input silently, except where a
// function's documentation says so: a mail admin testing mail flow needs to
// know exactly what went on the wire.
package address

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"smtpprobe/backend/lang"
)

// Limits from RFC 5321 §4.5.3.1.
const (
	// MaxLocalPart is the longest local part, in octets (§4.5.3.1.1).
	MaxLocalPart = 64
	// MaxDomain is the longest domain, in octets (§4.5.3.1.2).
	MaxDomain = 255
	// MaxLabel is the longest DNS label, in octets (RFC 1035 §2.3.4).
	MaxLabel = 63
	// MaxPath is the longest reverse- or forward-path including the angle
	// brackets (§4.5.3.1.3).
	MaxPath = 256
)

// DefaultField is the field name errors from Parse and ParseReversePath
// carry; use Rename to put the caller's own name (e.g. "--to") in its place.
const DefaultField = "address"

// Mailbox is a checked address.
type Mailbox struct {
	// Local is the local part exactly as it goes on the wire: a dot-string,
	// or a quoted string including its quotes and backslashes. It may hold
	// UTF-8, which then needs SMTPUTF8 (RFC 6531).
	Local string
	// Domain is the Unicode form of the domain (U-labels), for display, or
	// the address literal such as "[192.0.2.1]".
	Domain string
	// ASCIIDomain is the form sent on the wire: A-labels ("xn--..."),
	// lower case, or the address literal.
	ASCIIDomain string
}

// String returns the mailbox as it goes inside a path on the wire,
// local@ASCIIDomain, or "" for the zero Mailbox (the null reverse-path).
func (m Mailbox) String() string {
	if m.Local == "" && m.ASCIIDomain == "" {
		return ""
	}
	return m.Local + "@" + m.ASCIIDomain
}

// Path returns the mailbox in angle brackets as used by MAIL FROM and RCPT
// TO; the zero Mailbox gives the null path "<>".
func (m Mailbox) Path() string { return "<" + m.String() + ">" }

// Display returns the mailbox with its Unicode domain, for people to read.
func (m Mailbox) Display() string {
	if m.Local == "" && m.Domain == "" {
		return ""
	}
	return m.Local + "@" + m.Domain
}

// NeedsSMTPUTF8 reports whether the local part is not ASCII, so that the
// address can only be sent to a server that offers SMTPUTF8 (RFC 6531 §3.3).
// Domains never need it: they are sent as A-labels.
func (m Mailbox) NeedsSMTPUTF8() bool { return !isASCII(m.Local) }

// IsAddressLiteral reports whether the domain is an address literal such as
// [192.0.2.1] rather than a name.
func (m Mailbox) IsAddressLiteral() bool { return strings.HasPrefix(m.ASCIIDomain, "[") }

// IsNull reports whether m is the zero Mailbox, i.e. the null reverse-path.
func (m Mailbox) IsNull() bool { return m == Mailbox{} }

// Parse checks an address given as user@example.com or <user@example.com>.
// It does not trim spaces: a GUI that wants to forgive a pasted trailing
// space must do so before calling. Source routes (<@a,@b:user@c>) are
// refused as obsolete (RFC 5321 §4.1.2, Appendix C).
func Parse(s string) (Mailbox, error) {
	m, err := parse(DefaultField, s)
	if err != nil {
		return Mailbox{}, err
	}
	return m, nil
}

// ParseReversePath is Parse for MAIL FROM: it also accepts "" and "<>", the
// null reverse-path used by bounces (RFC 5321 §4.5.5), reporting null=true
// and the zero Mailbox for them.
func ParseReversePath(s string) (m Mailbox, null bool, err error) {
	if s == "" || s == "<>" {
		return Mailbox{}, true, nil
	}
	m, err = Parse(s)
	return m, false, err
}

func parse(field, s string) (Mailbox, error) {
	if s == "" {
		return Mailbox{}, newError(field, s, lang.KindEmpty, "is empty", "está vacío")
	}
	if fe := scanHostile(field, s, false); fe != nil {
		return Mailbox{}, fe
	}
	inner := s
	if strings.HasPrefix(s, "<") {
		if !strings.HasSuffix(s, ">") || len(s) < 2 {
			return Mailbox{}, newError(field, s, lang.KindSyntax,
				"opens with '<' but does not end with '>'",
				"empieza con '<' pero no termina con '>'")
		}
		inner = s[1 : len(s)-1]
	} else if strings.HasSuffix(s, ">") {
		return Mailbox{}, newError(field, s, lang.KindSyntax,
			"ends with '>' but does not start with '<'",
			"termina con '>' pero no empieza con '<'")
	}
	if inner == "" {
		return Mailbox{}, newError(field, s, lang.KindEmpty,
			"is the null path <>, which is only allowed as the sender",
			"es la ruta nula <>, que solo se admite como remitente")
	}
	if strings.ContainsAny(inner, "<>") {
		return Mailbox{}, newError(field, s, lang.KindSyntax,
			"contains '<' or '>' inside the address",
			"contiene '<' o '>' dentro de la dirección")
	}
	if strings.HasPrefix(inner, "@") {
		return Mailbox{}, newError(field, s, lang.KindSyntax,
			"uses a source route (@host:...), which is obsolete (RFC 5321 §4.1.2); give the plain address",
			"usa una ruta de origen (@host:...), que está obsoleta (RFC 5321 §4.1.2); indique la dirección simple")
	}

	local, rest, fe := splitLocal(field, s, inner)
	if fe != nil {
		return Mailbox{}, fe
	}
	if len(local) > MaxLocalPart {
		return Mailbox{}, newError(field, s, lang.KindTooLong,
			fmt.Sprintf("the local part is %d octets; the limit is %d (RFC 5321 §4.5.3.1.1)", len(local), MaxLocalPart),
			fmt.Sprintf("la parte local tiene %d octetos; el límite es %d (RFC 5321 §4.5.3.1.1)", len(local), MaxLocalPart))
	}
	if rest == "" {
		return Mailbox{}, newError(field, s, lang.KindSyntax,
			"has nothing after the @; a domain is required",
			"no tiene nada después de la @; falta el dominio")
	}
	if strings.Contains(rest, "@") {
		return Mailbox{}, newError(field, s, lang.KindSyntax,
			"contains more than one @ outside quotes",
			"contiene más de una @ fuera de comillas")
	}
	uni, ascii, fe := checkDomainOrLiteral(field, s, rest)
	if fe != nil {
		return Mailbox{}, fe
	}
	if n := len(local) + 1 + len(ascii) + 2; n > MaxPath {
		return Mailbox{}, newError(field, s, lang.KindTooLong,
			fmt.Sprintf("the path, with its angle brackets, is %d octets; the limit is %d (RFC 5321 §4.5.3.1.3)", n, MaxPath),
			fmt.Sprintf("la ruta, con sus corchetes angulares, tiene %d octetos; el límite es %d (RFC 5321 §4.5.3.1.3)", n, MaxPath))
	}
	return Mailbox{Local: local, Domain: uni, ASCIIDomain: ascii}, nil
}

// splitLocal reads the local part at the start of inner (RFC 5321 §4.1.2
// Local-part = Dot-string / Quoted-string, extended with UTF-8 by RFC 6531
// §3.3) and returns it with the text after the '@'.
func splitLocal(field, s, inner string) (local, rest string, fe *lang.FieldError) {
	if strings.HasPrefix(inner, `"`) {
		end, fe := scanQuoted(field, s, inner)
		if fe != nil {
			return "", "", fe
		}
		local = inner[:end]
		if end >= len(inner) || inner[end] != '@' {
			return "", "", newError(field, s, lang.KindSyntax,
				"the quoted local part must be followed directly by @",
				"la parte local entre comillas debe ir seguida directamente de @")
		}
		return local, inner[end+1:], nil
	}
	at := strings.IndexByte(inner, '@')
	if at < 0 {
		return "", "", newError(field, s, lang.KindSyntax,
			"has no @; an address looks like user@example.com",
			"no tiene @; una dirección tiene la forma usuario@ejemplo.com")
	}
	local = inner[:at]
	if fe := checkDotString(field, s, local); fe != nil {
		return "", "", fe
	}
	return local, inner[at+1:], nil
}

// scanQuoted returns the index just past the closing quote of the quoted
// string that starts inner. qtextSMTP is %d32-33 / %d35-91 / %d93-126 plus
// UTF-8 (RFC 6531); quoted-pairSMTP is a backslash and %d32-126.
func scanQuoted(field, s, inner string) (int, *lang.FieldError) {
	for i := 1; i < len(inner); {
		c := inner[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(inner) || inner[i+1] < 32 || inner[i+1] > 126 {
				return 0, newError(field, s, lang.KindSyntax,
					"has a backslash in the quoted local part that is not followed by a printable ASCII character",
					"tiene una barra invertida en la parte local entre comillas que no va seguida de un carácter ASCII imprimible")
			}
			i += 2
		case c >= 0x80:
			_, size := utf8.DecodeRuneInString(inner[i:])
			i += size
		default:
			// scanHostile already refused controls, so only the printable
			// ASCII range is left; all of it is qtextSMTP.
			i++
		}
	}
	return 0, newError(field, s, lang.KindSyntax,
		"has a quoted local part without its closing quote",
		"tiene una parte local entre comillas sin la comilla de cierre")
}

// isAtext reports RFC 5322 §3.2.3 atext, which RFC 5321 Atom uses.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDotString checks Dot-string = Atom *("." Atom) with UTF-8 allowed in
// atoms (RFC 6531 §3.3).
func checkDotString(field, s, local string) *lang.FieldError {
	if local == "" {
		return newError(field, s, lang.KindSyntax,
			"has nothing before the @; a local part (the user) is required",
			"no tiene nada antes de la @; falta la parte local (el usuario)")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return newError(field, s, lang.KindSyntax,
			"has a dot at the start or end of the local part, or two dots in a row; put the local part in double quotes if it is really like that",
			"tiene un punto al principio o al final de la parte local, o dos puntos seguidos; ponga la parte local entre comillas dobles si realmente es así")
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		switch {
		case c >= 0x80, c == '.', isAtext(c):
		case c == ' ':
			return newError(field, s, lang.KindSyntax,
				"contains a space; spaces are only allowed inside a quoted local part",
				"contiene un espacio; solo se admiten espacios dentro de una parte local entre comillas")
		default:
			return newError(field, s, lang.KindSyntax,
				fmt.Sprintf("contains '%c', which is not allowed in an unquoted local part; put the local part in double quotes", c),
				fmt.Sprintf("contiene '%c', que no se admite en una parte local sin comillas; ponga la parte local entre comillas dobles", c))
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
