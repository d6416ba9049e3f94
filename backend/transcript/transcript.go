// Package transcript defines the direction-tagged record of an SMTP
// conversation that every part of SMTP Probe shows, streams and exports, and
// the escaping that makes hostile server bytes safe to display.
package transcript

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Direction says who produced a transcript line.
type Direction string

// The directions of a transcript line.
const (
	// Client is a line the client (SMTP Probe) sent.
	Client Direction = "C"
	// Server is a line the server sent.
	Server Direction = "S"
	// Info is a note from SMTP Probe itself (connecting, TLS established,
	// moving to the next MX host...). It never went on the wire.
	Info Direction = "I"
)

// Entry is one line of a transcript.
type Entry struct {
	// Seq numbers entries from 1 in the order they happened.
	Seq int `json:"seq"`
	// Time is the wall-clock time the line was read, written or noted.
	Time time.Time `json:"time"`
	// Elapsed is the time since the session started.
	Elapsed time.Duration `json:"-"`
	// ElapsedMS is Elapsed in milliseconds, for JSON readers.
	ElapsedMS float64 `json:"elapsed_ms"`
	// Dir is who produced the line.
	Dir Direction `json:"dir"`
	// Text is the line without its CRLF, escaped with Escape so that it is
	// safe to print; secrets are already masked.
	Text string `json:"text"`
	// TLS reports whether the line travelled inside TLS.
	TLS bool `json:"tls"`
	// Raw holds the exact bytes (including CRLF) for raw exports. It is nil for
	// Info lines and for masked lines.
	Raw []byte `json:"raw,omitempty"`
}

// Escape turns arbitrary bytes into a single printable line: printable UTF-8
// passes through; control bytes, DEL, invalid UTF-8, and Unicode format
// characters (bidirectional overrides such as U+202E, zero-width characters)
// are written as visible escapes, so a server cannot fake or hide text on a
// user's screen. A backslash is doubled to keep the escaping unambiguous.
func Escape(b []byte) string { return escape(b, true) }

// EscapePath is EscapeString for a local file or folder path shown to a
// person: a backslash stays single, so a Windows user reads
// C:\Users\kate\run.html as Windows writes it, not with every separator
// doubled. Control bytes, invalid UTF-8 and format characters are still
// escaped. The price is that a path holding a literal "\x00" reads like an
// escape; Windows forbids control bytes in names, and on Unix such a name
// is the user's own.
func EscapePath(s string) string { return escape([]byte(s), false) }

// escape is Escape; doubleBackslash false leaves backslashes as they are.
func escape(b []byte, doubleBackslash bool) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02X`, b[0])
		case r == '\\' && doubleBackslash:
			sb.WriteString(`\\`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r < 0x20 || r == 0x7F:
			fmt.Fprintf(&sb, `\x%02X`, r)
		case r >= 0x80 && r < 0xA0:
			fmt.Fprintf(&sb, `\u{%04X}`, r)
		case unicode.Is(unicode.Cf, r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&sb, `\u{%04X}`, r)
		default:
			sb.WriteRune(r)
		}
		b = b[size:]
	}
	return sb.String()
}

// EscapeString is Escape for a string.
func EscapeString(s string) string { return Escape([]byte(s)) }
