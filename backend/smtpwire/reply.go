// Package smtpwire reads and writes SMTP on the wire for a diagnostic client:
// strict reply parsing (RFC 5321 §4.2, RFC 3463 enhanced status codes) with
// hard limits, and a connection wrapper that records every byte as transcript
// entries.
package smtpwire

import "strings"

// Reply is one complete server reply, possibly multi-line (RFC 5321 §4.2.1).
type Reply struct {
	// Code is the three-digit reply code, e.g. 250.
	Code int `json:"code"`
	// Enhanced is the RFC 3463 enhanced status code ("5.1.1") when the first
	// line carried one whose class matches Code's first digit; empty otherwise.
	Enhanced string `json:"enhanced,omitempty"`
	// Lines holds the text of each line after the code and its separator
	// ("-" or " "), exactly as received apart from CRLF removal and escaping
	// (see transcript.Escape). An enhanced code, when present, is still part
	// of the line's text.
	Lines []string `json:"lines"`
}

// Class returns the first digit of the code: 2 success, 3 intermediate,
// 4 transient failure, 5 permanent failure.
func (r Reply) Class() int { return r.Code / 100 }

// Message returns the reply's text with the enhanced code removed from the
// start of each line and the lines joined by a single space: the human part
// of the reply.
func (r Reply) Message() string {
	parts := make([]string, 0, len(r.Lines))
	for _, l := range r.Lines {
		if r.Enhanced != "" {
			l = strings.TrimPrefix(l, r.Enhanced)
		}
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// String returns the reply as one line for logs and error messages:
// the code, the enhanced code when there is one, and Message.
func (r Reply) String() string {
	s := itoa3(r.Code)
	// Admins search bounces and vendor pages by the enhanced code
	// ("5.1.1"), so it stays in the one-line form.
	if r.Enhanced != "" {
		s += " " + r.Enhanced
	}
	if m := r.Message(); m != "" {
		s += " " + m
	}
	return s
}

func itoa3(code int) string {
	if code < 0 || code > 999 {
		return "???"
	}
	return string([]byte{byte('0' + code/100), byte('0' + code/10%10), byte('0' + code%10)})
}
