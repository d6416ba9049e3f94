package message

import (
	"mime/quotedprintable"
	"strings"
)

// normalizeEOL turns CRLF, bare CR and bare LF into CRLF and makes
// non-empty text end with CRLF, so that no bare CR or LF can reach the wire
// (RFC 5321 §2.3.8) and the last line is complete.
func normalizeEOL(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/32 + 2)
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\r':
			sb.WriteString(s[start:i])
			sb.WriteString("\r\n")
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			start = i + 1
		case '\n':
			sb.WriteString(s[start:i])
			sb.WriteString("\r\n")
			start = i + 1
		}
	}
	sb.WriteString(s[start:])
	out := sb.String()
	if out != "" && !strings.HasSuffix(out, "\r\n") {
		out += "\r\n"
	}
	return out
}

// NormalizeBody returns body as Build puts it on the wire before any
// transfer encoding: CRLF line endings, ending in CRLF unless empty. Decoding
// a built message's body gives exactly this.
func NormalizeBody(body string) string { return normalizeEOL(body) }

// encodeBody picks the lightest Content-Transfer-Encoding that carries
// body faithfully (RFC 2045 §2.7, §2.8, §6) and returns the encoded body.
// 7bit and 8bit need lines of at most 998 octets and no control characters
// other than TAB; 8bit also needs the server's 8BITMIME. Anything else is
// quoted-printable, which encodes long lines with soft breaks instead of
// cutting them.
func encodeBody(body string, eightBitMIME bool) (string, string) {
	b := normalizeEOL(body)
	high, ctl, long := false, false, false
	lineLen := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			i++
			lineLen = 0
			continue
		case c >= 0x80:
			high = true
		case c < 0x20 && c != '\t', c == 0x7F:
			ctl = true
		}
		lineLen++
		if lineLen > maxLine {
			long = true
		}
	}
	switch {
	case !high && !ctl && !long:
		return b, Encoding7bit
	case eightBitMIME && !ctl && !long:
		return b, Encoding8bit
	}
	var sb strings.Builder
	w := quotedprintable.NewWriter(&sb)
	// Writes to a strings.Builder cannot fail.
	_, _ = w.Write([]byte(b))
	_ = w.Close()
	return sb.String(), EncodingQuotedPrintable
}
