package diagnose

import (
	"errors"
	"fmt"
	"strings"

	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// Limits for pasted replies. RFC 5321 §4.5.3.1.5 caps a reply line at 512
// octets; bounce messages rewrap and decorate lines, so a paste gets more
// room, but not unbounded room.
const (
	maxPasteBytes = 64 << 10
	maxPasteLines = 200
	maxPasteLine  = 4096
)

// ErrEmptyReply is returned by ParseReply for input with no reply line.
var ErrEmptyReply = errors.New("no reply to explain")

// ParseReply reads a reply pasted by a person: one or several lines, in the
// wire form "550-5.1.1 ..." / "550 5.1.1 ...", with CRLF, LF or CR line ends
// (or none), surrounding whitespace and blank lines. It is strict about the
// code: every line must start with the same three-digit code (RFC 5321
// §4.2: first digit 2–5, second 0–5), followed by "-", a space or the end of
// the line. The enhanced code is taken from the first line when its class
// matches the reply code (RFC 2034 §4). Line texts are escaped for display
// (transcript.EscapeString).
func ParseReply(text string) (*smtpwire.Reply, error) {
	if len(text) > maxPasteBytes {
		return nil, fmt.Errorf("reply is %d bytes, more than the %d this command reads", len(text), maxPasteBytes)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []string
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, ErrEmptyReply
	}
	if len(lines) > maxPasteLines {
		return nil, fmt.Errorf("reply has %d lines, more than the %d this command reads", len(lines), maxPasteLines)
	}
	r := &smtpwire.Reply{}
	for i, l := range lines {
		if len(l) > maxPasteLine {
			return nil, fmt.Errorf("line %d is %d bytes long, more than %d", i+1, len(l), maxPasteLine)
		}
		code, rest, err := splitCode(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if i == 0 {
			r.Code = code
		} else if code != r.Code {
			return nil, fmt.Errorf("line %d: code %d differs from %d on the first line (one reply has one code, RFC 5321 §4.2.1)", i+1, code, r.Code)
		}
		r.Lines = append(r.Lines, transcript.EscapeString(rest))
	}
	if f, _, _ := strings.Cut(r.Lines[0], " "); enhancedRe.get().MatchString(f) && int(f[0]-'0') == r.Code/100 {
		r.Enhanced = f
	}
	return r, nil
}

// splitCode takes the reply code off one line and returns the rest of the
// line after the separator.
func splitCode(l string) (int, string, error) {
	if len(l) < 3 || !isDigit(l[0]) || !isDigit(l[1]) || !isDigit(l[2]) {
		return 0, "", fmt.Errorf("%q does not start with a three-digit reply code", shorten(transcript.EscapeString(l), 40))
	}
	if l[0] < '2' || l[0] > '5' || l[1] > '5' {
		return 0, "", fmt.Errorf("%s is not an SMTP reply code (first digit 2–5, second 0–5, RFC 5321 §4.2)", l[:3])
	}
	code := int(l[0]-'0')*100 + int(l[1]-'0')*10 + int(l[2]-'0')
	rest := l[3:]
	switch {
	case rest == "":
	case rest[0] == '-' || rest[0] == ' ' || rest[0] == '\t':
		rest = strings.TrimSpace(rest[1:])
	default:
		return 0, "", fmt.Errorf("%q: the code must be followed by \"-\", a space or the end of the line", shorten(transcript.EscapeString(l), 40))
	}
	return code, rest, nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
