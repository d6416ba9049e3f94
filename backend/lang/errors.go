package lang

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"smtpprobe/backend/transcript"
)

// Localized is an error that can explain itself in the user's language.
// Every bilingual error of SMTP Probe implements it, with this one method
// name. Error stays English, for logs and %v; Localize is what a user reads,
// usually the same sentence, sometimes with advice added (what to do about
// a refused port, say).
//
// A Localized error that wraps another is responsible for its whole text:
// Localize includes the inner error's wording (through ErrorText), so a
// caller never has to walk the chain itself.
type Localized interface {
	error
	// Localize returns the full explanation in l.
	Localize(l Lang) string
}

// ErrorText returns err explained in l: the Localize text of the outermost
// Localized error in err's chain (found with errors.As, so it looks through
// fmt.Errorf("...: %w") wrappers and errors.Join), or err.Error() when the
// chain holds none. Non-localized context wrapped around a Localized error
// is English only and is dropped, since mixing languages in one sentence
// reads worse than losing the context. A nil err gives "".
func ErrorText(err error, l Lang) string {
	if err == nil {
		return ""
	}
	var loc Localized
	if errors.As(err, &loc) {
		return loc.Localize(l)
	}
	return err.Error()
}

// FieldKind classifies why an input was rejected, so that callers can react
// to a class of problem without matching on message text.
type FieldKind string

// The kinds of rejection.
const (
	// KindEmpty: the value is empty where something is required.
	KindEmpty FieldKind = "empty"
	// KindLineBreak: the value contains CR, LF or a Unicode line separator,
	// which could inject a command or a header.
	KindLineBreak FieldKind = "line-break"
	// KindControl: the value contains NUL or another control character.
	KindControl FieldKind = "control"
	// KindBidi: the value contains a bidirectional formatting character that
	// makes text display differently from what is sent.
	KindBidi FieldKind = "bidi"
	// KindInvalidUTF8: the value is not valid UTF-8.
	KindInvalidUTF8 FieldKind = "invalid-utf8"
	// KindTooLong: the value, or a part of it, exceeds a protocol limit.
	KindTooLong FieldKind = "too-long"
	// KindSyntax: the value breaks the grammar of its field.
	KindSyntax FieldKind = "syntax"
	// KindNeedsExtension: the value is valid but can only be sent to a
	// server that offers an extension it did not offer (e.g. SMTPUTF8).
	KindNeedsExtension FieldKind = "needs-extension"
)

// MaxShownValue caps how much of a rejected value an error repeats, so that a
// megabyte of hostile input does not end up in a dialog box or a log line.
const MaxShownValue = 80

// FieldError reports one rejected input: a command-line option, a wizard
// field, a header, a field of a saved profile. It is the one field error of
// every package (address, message, session, profile), so a front end maps
// any of them to its field the same way.
type FieldError struct {
	// Field names the input, e.g. "address", "--to", "Subject", or the
	// JSON path of a profile field such as "envelope.to[3]".
	Field string
	// Value is the rejected input, escaped with transcript.EscapeString and
	// cut to 80 characters (with "..." when cut); empty when not shown.
	Value string
	// Kind classifies the problem; empty when no class applies (a profile
	// field that is out of range, say).
	Kind FieldKind
	// Reason explains the problem in English and Spanish; with Args it is a
	// format whose verbs Args fill.
	Reason Text
	Args   []any
}

// NewFieldError builds a FieldError, escaping and shortening value for
// display.
func NewFieldError(field, value string, kind FieldKind, reason Text) *FieldError {
	return &FieldError{Field: field, Value: shorten(value), Kind: kind, Reason: reason}
}

// Error returns the English wording.
func (e *FieldError) Error() string { return e.Localize(EN) }

// Localize returns `field "value": reason`, or `field: reason` without a
// value, in l.
func (e *FieldError) Localize(l Lang) string {
	reason := e.Reason.In(l)
	if len(e.Args) > 0 {
		reason = e.Reason.Format(l, e.Args...)
	}
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, reason)
	}
	return fmt.Sprintf("%s \"%s\": %s", e.Field, e.Value, reason)
}

// RenameField returns err with the field name replaced when err is (or
// wraps) a *FieldError, so a caller can say "--to" where a lower layer said
// "address". Other errors are returned unchanged; err is not modified.
func RenameField(err error, field string) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	c := *fe
	c.Field = field
	return &c
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
		if n+w > MaxShownValue {
			sb.WriteString("...")
			break
		}
		sb.WriteString(esc)
		n += w
		i += size
	}
	return sb.String()
}

// FieldError is Localized like every other bilingual error.
var _ Localized = (*FieldError)(nil)

// NewError returns an error worded t in both languages, for a package's
// sentinel errors (matched with errors.Is, so each call is a distinct error):
// Error is the English wording and Localize the wording in l.
func NewError(t Text) error { return &textError{t} }

type textError struct{ t Text }

func (e *textError) Error() string          { return e.t.EN }
func (e *textError) Localize(l Lang) string { return e.t.In(l) }

var _ Localized = (*textError)(nil)
