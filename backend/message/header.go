package message

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

const (
	// foldAt is the line length headers are folded to when a space allows
	// it (RFC 5322 §2.1.1 SHOULD).
	foldAt = 78
	// maxLine is the hard line limit without CRLF (RFC 5322 §2.1.1 MUST).
	maxLine = 998
	// encodedLine is the limit for a header line holding encoded-words
	// (RFC 2047 §2).
	encodedLine = 76
	// maxWord is the longest encoded-word (RFC 2047 §2).
	maxWord = 75
)

// foldText writes "name: value" folded at single spaces so that lines stay
// within foldAt where the words allow. It folds only before a space that has
// non-blank characters on both sides, so both RFC 5322 §2.2.3 unfolding and
// readers that trim around the fold give the value back unchanged. It
// reports false when some line would still exceed maxLine.
func foldText(name, value string) (string, bool) {
	var sb strings.Builder
	sb.WriteString(name)
	sb.WriteByte(':')
	if value == "" {
		sb.WriteString("\r\n")
		return sb.String(), true
	}
	lineLen := len(name) + 1
	ok := true
	start := 0
	flush := func(seg string) {
		if lineLen+len(seg) > foldAt && lineLen > len(name)+1 && seg[0] == ' ' {
			sb.WriteString("\r\n")
			lineLen = 0
		}
		sb.WriteString(seg)
		lineLen += len(seg)
		if lineLen > maxLine {
			ok = false
		}
	}
	// The first segment carries the space after the colon.
	v := " " + value
	for i := 1; i < len(v); i++ {
		if v[i] == ' ' && i+1 < len(v) && !isBlank(v[i-1]) && !isBlank(v[i+1]) {
			flush(v[start:i])
			start = i
		}
	}
	flush(v[start:])
	sb.WriteString("\r\n")
	return sb.String(), ok
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// needsWords reports whether an unstructured value must be sent as RFC 2047
// encoded-words: it has non-ASCII text and raw UTF-8 is not allowed; it
// holds "=?", which readers would take for the start of an encoded-word
// (RFC 2047 §5 (1)); or it starts or ends with blanks, which readers drop.
func needsWords(value string, utf8OK bool) bool {
	if value == "" {
		return false
	}
	if !utf8OK && !isASCII(value) {
		return true
	}
	return strings.Contains(value, "=?") || isBlank(value[0]) || isBlank(value[len(value)-1])
}

// encodeWords writes "name: " and value as a sequence of UTF-8 encoded-words
// (RFC 2047), one per line, each line within encodedLine. Each word holds
// whole characters (§5 (3)). Q is preferred because an admin can still read
// mostly-Latin text in a transcript; B is used when it is clearly shorter
// (e.g. CJK text, where Q triples every byte).
func encodeWords(name, value string) string {
	useB := bLen(len(value))*5 < qLen(value)*4
	prefix := "=?utf-8?q?"
	if useB {
		prefix = "=?utf-8?b?"
	}
	var sb strings.Builder
	sb.WriteString(name)
	sb.WriteByte(':')
	// The first word shares its line with the name; when the name leaves too
	// little room, the first word starts on a continuation line instead.
	room := encodedLine - len(name) - 2
	if room < len(prefix)+2+12 {
		sb.WriteString("\r\n")
		room = encodedLine - 1
	}
	room = min(room, maxWord)
	for value != "" {
		budget := room - len(prefix) - 2
		n := 0 // bytes of value that fit into this word
		enc := 0
		for n < len(value) {
			_, size := utf8.DecodeRuneInString(value[n:])
			var next int
			if useB {
				next = bLen(n + size)
			} else {
				next = enc + qLen(value[n:n+size])
			}
			if next > budget {
				break
			}
			enc = next
			n += size
		}
		if n == 0 { // cannot happen with budget >= 12, but never loop forever
			_, n = utf8.DecodeRuneInString(value)
		}
		sb.WriteByte(' ')
		sb.WriteString(prefix)
		if useB {
			sb.WriteString(base64.StdEncoding.EncodeToString([]byte(value[:n])))
		} else {
			qEncode(&sb, value[:n])
		}
		sb.WriteString("?=")
		value = value[n:]
		if value != "" {
			sb.WriteString("\r\n")
		}
		room = maxWord
	}
	sb.WriteString("\r\n")
	return sb.String()
}

func bLen(n int) int { return (n + 2) / 3 * 4 }

// qSafe reports the characters Q encoding leaves as they are. It is the
// set RFC 2047 §5 (3) allows even inside a phrase, so the same encoder is
// safe for any header.
func qSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

func qLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if qSafe(s[i]) || s[i] == ' ' {
			n++
		} else {
			n += 3
		}
	}
	return n
}

func qEncode(sb *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case qSafe(c):
			sb.WriteByte(c)
		case c == ' ':
			sb.WriteByte('_')
		default:
			sb.WriteByte('=')
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&0xF])
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
