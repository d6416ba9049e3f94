package address

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// maxShownValue caps how much of a rejected value an error repeats, so that a
// megabyte of hostile input does not end up in a dialog box or a log line.
const maxShownValue = 80

// Kind classifies why a value was rejected, so that callers can react to a
// class of problem without matching on message text.
type Kind string

// The kinds of rejection.
const (
	// KindEmpty: the value is empty where something is required.
	KindEmpty Kind = "empty"
	// KindLineBreak: the value contains CR, LF or a Unicode line separator,
	// which could inject a command or a header.
	KindLineBreak Kind = "line-break"
	// KindControl: the value contains NUL or another control character.
	KindControl Kind = "control"
	// KindBidi: the value contains a bidirectional formatting character that
	// makes text display differently from what is sent.
	KindBidi Kind = "bidi"
	// KindInvalidUTF8: the value is not valid UTF-8.
	KindInvalidUTF8 Kind = "invalid-utf8"
	// KindTooLong: the value, or a part of it, exceeds a protocol limit.
	KindTooLong Kind = "too-long"
	// KindSyntax: the value breaks the grammar of its field.
	KindSyntax Kind = "syntax"
	// KindNeedsExtension: the value is valid but can only be sent to a
	// server that offers an extension it did not offer (e.g. SMTPUTF8).
	KindNeedsExtension Kind = "needs-extension"
)

// FieldError reports a rejected user input. Error gives English; Localize
// gives the user's language. Value is already escaped for display and
// shortened, so it is safe to print as is.
type FieldError struct {
	// Field names the input, e.g. "address", "--to", "Subject".
	Field string
	// Value is the rejected input, escaped with transcript.EscapeString and
	// cut to 80 characters (with "..." when cut).
	Value string
	// Kind classifies the problem.
	Kind Kind
	// Reason explains the problem in English and Spanish.
	Reason lang.Text
}

// Error returns `field "value": reason` in English.
func (e *FieldError) Error() string { return e.Localize(lang.EN) }

// Localize returns `field "value": reason` in l.
func (e *FieldError) Localize(l lang.Lang) string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason.In(l))
	}
	return fmt.Sprintf("%s \"%s\": %s", e.Field, e.Value, e.Reason.In(l))
}

// Rename returns err with the field name replaced when err is (or wraps) a
// *FieldError, so a caller can say "--to" where this package said "address".
// Other errors are returned unchanged; the original error is not modified.
func Rename(err error, field string) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	c := *fe
	c.Field = field
	return &c
}

// NewFieldError builds a FieldError for packages that check their own
// fields (e.g. the message builder), escaping and shortening value the same
// way as this package does.
func NewFieldError(field, value string, kind Kind, reason lang.Text) *FieldError {
	return &FieldError{Field: field, Value: shorten(value), Kind: kind, Reason: reason}
}

// newError builds a FieldError with a shortened, escaped copy of value.
func newError(field, value string, kind Kind, en, es string) *FieldError {
	return &FieldError{Field: field, Value: shorten(value), Kind: kind, Reason: lang.Text{EN: en, ES: es}}
}

// shorten escapes value rune by rune until the escaped form would pass
// maxShownValue characters, so an escape sequence is never cut in half.
func shorten(value string) string {
	var sb strings.Builder
	n := 0
	for i := 0; i < len(value); {
		_, size := utf8.DecodeRuneInString(value[i:])
		esc := transcript.EscapeString(value[i : i+size])
		w := utf8.RuneCountInString(esc)
		if n+w > maxShownValue {
			sb.WriteString("...")
			break
		}
		sb.WriteString(esc)
		n += w
		i += size
	}
	return sb.String()
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
func scanHostile(field, value string, allowTab bool) *FieldError {
	for i := 0; i < len(value); {
		r, size := utf8.DecodeRuneInString(value[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return newError(field, value, KindInvalidUTF8,
				fmt.Sprintf("is not valid UTF-8 (byte 0x%02X at offset %d)", value[i], i),
				fmt.Sprintf("no es UTF-8 válido (byte 0x%02X en la posición %d)", value[i], i))
		case r == '\r' || r == '\n' || r == 0x2028 || r == 0x2029:
			return newError(field, value, KindLineBreak,
				fmt.Sprintf("contains a line break (U+%04X at offset %d); it could inject an extra command or header", r, i),
				fmt.Sprintf("contiene un salto de línea (U+%04X en la posición %d); podría inyectar otro comando o encabezado", r, i))
		case r == 0:
			return newError(field, value, KindControl,
				fmt.Sprintf("contains a NUL byte at offset %d", i),
				fmt.Sprintf("contiene un byte NUL en la posición %d", i))
		case r == '\t' && allowTab:
		case r < 0x20 || (r >= 0x7F && r <= 0x9F):
			return newError(field, value, KindControl,
				fmt.Sprintf("contains the control character U+%04X at offset %d", r, i),
				fmt.Sprintf("contiene el carácter de control U+%04X en la posición %d", r, i))
		case isBidiControl(r):
			return newError(field, value, KindBidi,
				fmt.Sprintf("contains the bidirectional control character U+%04X at offset %d, which makes text display differently from what is sent", r, i),
				fmt.Sprintf("contiene el carácter de control bidireccional U+%04X en la posición %d, que hace que el texto se vea distinto de lo que se envía", r, i))
		}
		i += size
	}
	return nil
}
