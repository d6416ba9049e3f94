package smtpwire

import (
	"errors"
	"fmt"

	"smtpprobe/backend/lang"
)

// ErrProtocol matches every *ProtocolError with errors.Is.
var ErrProtocol = errors.New("SMTP protocol violation")

// ProtocolError reports a server reply that breaks a rule of the protocol or
// one of the reader's limits. The conversation cannot safely go on after it:
// the reader no longer knows where the next reply starts.
type ProtocolError struct {
	// Rule names the rule broken, e.g. "RFC 5321 §4.2.1" or
	// "limit: 200 lines a reply".
	Rule string
	// Reason says what was wrong, in English and Spanish.
	Reason lang.Text
	// Line is the offending line, escaped for display and shortened.
	Line string
}

// Error returns the violation in English.
func (e *ProtocolError) Error() string { return e.Localize(lang.EN) }

// Localize returns the violation in l.
func (e *ProtocolError) Localize(l lang.Lang) string {
	word := lang.Text{EN: "protocol violation", ES: "violación del protocolo"}.In(l)
	if e.Line == "" {
		return fmt.Sprintf("%s (%s): %s", word, e.Rule, e.Reason.In(l))
	}
	return fmt.Sprintf("%s (%s): %s: %q", word, e.Rule, e.Reason.In(l), e.Line)
}

// Is makes errors.Is(err, ErrProtocol) true for every ProtocolError.
func (e *ProtocolError) Is(target error) bool { return target == ErrProtocol }

// Every localized error here speaks through the one lang.Localized method.
var _ = []lang.Localized{(*ProtocolError)(nil)}
