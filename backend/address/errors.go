package address

import (
	"fmt"
	"unicode/utf8"

	"smtpprobe/backend/lang"
)

// newError builds the *lang.FieldError every rejection of this package is,
// with a shortened, escaped copy of value.
func newError(field, value string, kind lang.FieldKind, en, es string) *lang.FieldError {
	return lang.NewFieldError(field, value, kind, lang.Text{EN: en, ES: es})
}

// isBidiControl reports the bidirectional formatting characters (Unicode
// Bidi_Control): embeddings and overrides U+202A-U+202E, isolates
// U+2066-U+2069, and the marks U+061C, U+200E, U+200F. They are how
// "Trojan Source" style tricks make an address read differently on screen
// than on the wire.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	}
	return false
}

// scanHostile rejects the characters no field may carry: invalid UTF-8,
// line breaks (CR, LF, U+2028, U+2029), NUL and other C0/C1 controls and DEL
// (TAB only when allowTab), and bidi controls. It returns nil when value is
// clean.
func scanHostile(field, value string, allowTab bool) *lang.FieldError {
	for i := 0; i < len(value); {
		r, size := utf8.DecodeRuneInString(value[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return newError(field, value, lang.KindInvalidUTF8,
				fmt.Sprintf("is not valid UTF-8 (byte 0x%02X at offset %d)", value[i], i),
				fmt.Sprintf("no es UTF-8 válido (byte 0x%02X en la posición %d)", value[i], i))
		case r == '\r' || r == '\n' || r == 0x2028 || r == 0x2029:
			return newError(field, value, lang.KindLineBreak,
				fmt.Sprintf("contains a line break (U+%04X at offset %d); it could inject an extra command or header", r, i),
				fmt.Sprintf("contiene un salto de línea (U+%04X en la posición %d); podría inyectar otro comando o encabezado", r, i))
		case r == 0:
			return newError(field, value, lang.KindControl,
				fmt.Sprintf("contains a NUL byte at offset %d", i),
				fmt.Sprintf("contiene un byte NUL en la posición %d", i))
		case r == '\t' && allowTab:
		case r < 0x20 || (r >= 0x7F && r <= 0x9F):
			return newError(field, value, lang.KindControl,
				fmt.Sprintf("contains the control character U+%04X at offset %d", r, i),
				fmt.Sprintf("contiene el carácter de control U+%04X en la posición %d", r, i))
		case isBidiControl(r):
			return newError(field, value, lang.KindBidi,
				fmt.Sprintf("contains the bidirectional control character U+%04X at offset %d, which makes text display differently from what is sent", r, i),
				fmt.Sprintf("contiene el carácter de control bidireccional U+%04X en la posición %d, que hace que el texto se vea distinto de lo que se envía", r, i))
		}
		i += size
	}
	return nil
}
