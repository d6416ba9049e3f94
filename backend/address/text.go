package address

import (
	"fmt"
	"strings"

	"smtpprobe/backend/lang"
)

// Line and name limits.
const (
	// CommandLineLimit is the longest command line, including the command
	// word and the CRLF (RFC 5321 §4.5.3.1.4). Extensions raise it for the
	// commands they add parameters to; see CheckCommandLineLimit.
	CommandLineLimit = 512
	// MaxHeaderName keeps a header name short enough that "Name: " and
	// some of the value fit one 78-character line (RFC 5322 §2.1.1).
	MaxHeaderName = 76
)

// CheckText checks free text that goes into a command or a header (a
// subject, a header value, an ENVID before encoding, a user name): no CR,
// LF, NUL or other control character except TAB, valid UTF-8, no bidi
// controls, and at most maxLen octets (maxLen <= 0 means no length limit).
// Empty text is allowed; callers that need a value check for "".
func CheckText(field, value string, maxLen int) error {
	if fe := scanHostile(field, value, true); fe != nil {
		return fe
	}
	if maxLen > 0 && len(value) > maxLen {
		return newError(field, value, lang.KindTooLong,
			fmt.Sprintf("is %d octets; the limit is %d", len(value), maxLen),
			fmt.Sprintf("tiene %d octetos; el límite es %d", len(value), maxLen))
	}
	return nil
}

// CheckHeaderName checks a header field name: 1 to MaxHeaderName
// characters of ftext, printable ASCII 33-126 except ':' (RFC 5322 §2.2,
// §3.6.8).
func CheckHeaderName(name string) error {
	const field = "header name"
	if name == "" {
		return newError(field, name, lang.KindEmpty, "is empty", "está vacío")
	}
	if fe := scanHostile(field, name, false); fe != nil {
		return fe
	}
	if len(name) > MaxHeaderName {
		return newError(field, name, lang.KindTooLong,
			fmt.Sprintf("is %d characters; the limit is %d", len(name), MaxHeaderName),
			fmt.Sprintf("tiene %d caracteres; el límite es %d", len(name), MaxHeaderName))
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			what, que := fmt.Sprintf("'%c'", c), fmt.Sprintf("'%c'", c)
			if c == ' ' {
				what, que = "a space", "un espacio"
			} else if c >= 0x80 {
				what, que = "a non-ASCII character", "un carácter no ASCII"
			}
			return newError(field, name, lang.KindSyntax,
				fmt.Sprintf("contains %s; a header name is printable ASCII without spaces or ':' (RFC 5322 §2.2)", what),
				fmt.Sprintf("contiene %s; un nombre de encabezado es ASCII imprimible sin espacios ni ':' (RFC 5322 §2.2)", que))
		}
	}
	return nil
}

// CheckXText checks an already encoded xtext value (ENVID, ORCPT; RFC 3461
// §4): printable ASCII 33-126 where '+' starts a "+XX" escape with two
// upper-case hex digits and '=' appears only encoded. Empty is refused: an
// empty ENVID= or ORCPT= parameter is a syntax error.
func CheckXText(field, value string) error {
	if value == "" {
		return newError(field, value, lang.KindEmpty, "is empty", "está vacío")
	}
	if fe := scanHostile(field, value, false); fe != nil {
		return fe
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '+':
			if i+2 >= len(value) || !isUpperHex(value[i+1]) || !isUpperHex(value[i+2]) {
				return newError(field, value, lang.KindSyntax,
					fmt.Sprintf("has '+' at offset %d not followed by two upper-case hex digits (RFC 3461 §4)", i),
					fmt.Sprintf("tiene '+' en la posición %d sin dos dígitos hexadecimales en mayúscula detrás (RFC 3461 §4)", i))
			}
			i += 2
		case c == '=':
			return newError(field, value, lang.KindSyntax,
				"contains '=', which must be encoded as +3D (RFC 3461 §4)",
				"contiene '=', que debe codificarse como +3D (RFC 3461 §4)")
		case c < 33 || c > 126:
			return newError(field, value, lang.KindSyntax,
				fmt.Sprintf("contains a byte (0x%02X) that xtext must encode as +XX (RFC 3461 §4)", c),
				fmt.Sprintf("contiene un byte (0x%02X) que xtext debe codificar como +XX (RFC 3461 §4)", c))
		}
	}
	return nil
}

// EncodeXText encodes s as xtext (RFC 3461 §4): bytes outside 33-126, '+'
// and '=' become "+XX". UTF-8 is encoded byte by byte, so the result is
// always ASCII.
func EncodeXText(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == '+' || c == '=' {
			sb.WriteByte('+')
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&0xF])
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// DecodeXText reverses EncodeXText after checking value with CheckXText.
func DecodeXText(value string) (string, error) {
	if err := CheckXText("xtext", value); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := 0; i < len(value); i++ {
		if value[i] == '+' {
			sb.WriteByte(unhex(value[i+1])<<4 | unhex(value[i+2]))
			i += 2
			continue
		}
		sb.WriteByte(value[i])
	}
	return sb.String(), nil
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}

// CheckCommandLine checks a command line against CommandLineLimit; see
// CheckCommandLineLimit.
func CheckCommandLine(line string) error { return CheckCommandLineLimit(line, CommandLineLimit) }

// CheckCommandLineLimit checks one command line: line may end with its
// CRLF or not, must not contain any other CR or LF, nor NUL, and with its
// CRLF must fit limit octets (RFC 5321 §4.5.3.1.4). Extensions raise the
// limit of the commands they extend, e.g. DSN (RFC 3461 §5) and SIZE (RFC
// 1870), so the caller passes the limit that applies.
func CheckCommandLineLimit(line string, limit int) error {
	const field = "command line"
	body := strings.TrimSuffix(line, "\r\n")
	if body == "" {
		return newError(field, line, lang.KindEmpty, "is empty", "está vacía")
	}
	if strings.ContainsAny(body, "\r\n") {
		return newError(field, line, lang.KindLineBreak,
			"contains a CR or LF inside the line; it would become two commands",
			"contiene un CR o LF dentro de la línea; se convertiría en dos comandos")
	}
	if strings.IndexByte(body, 0) >= 0 {
		return newError(field, line, lang.KindControl, "contains a NUL byte", "contiene un byte NUL")
	}
	if n := len(body) + 2; n > limit {
		return newError(field, line, lang.KindTooLong,
			fmt.Sprintf("is %d octets with its CRLF; the limit is %d (RFC 5321 §4.5.3.1.4)", n, limit),
			fmt.Sprintf("tiene %d octetos con su CRLF; el límite es %d (RFC 5321 §4.5.3.1.4)", n, limit))
	}
	return nil
}
