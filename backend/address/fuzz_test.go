package address

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"smtpprobe/backend/lang"
)

// FuzzParse checks that whatever Parse accepts is safe to put on the wire
// and stable: the wire form contains none of the bytes that could break a
// command, respects the RFC 5321 §4.5.3.1 limits and parses back to itself.
// Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"user@example.com", "<user@example.com>", `"a b"@example.com`, "josé@bücher.example",
		"user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "a@b@c", "user@example.com\r\nDATA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			var fe *lang.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *lang.FieldError", err)
			}
			if fe.Reason.EN == "" || fe.Reason.ES == "" {
				t.Fatalf("reason missing a language: %+v", fe.Reason)
			}
			if strings.ContainsAny(fe.Value, "\r\n\x00") || !utf8.ValidString(fe.Value) {
				t.Fatalf("Value not escaped: %q", fe.Value)
			}
			return
		}
		wire := m.String()
		for i := 0; i < len(wire); i++ {
			if c := wire[i]; c < 0x20 || c == 0x7f || c == '<' || c == '>' {
				t.Fatalf("wire form %q carries byte 0x%02X", wire, c)
			}
		}
		if !utf8.ValidString(wire) {
			t.Fatalf("wire form %q is not UTF-8", wire)
		}
		if len(m.Local) > MaxLocalPart || len(m.ASCIIDomain) > MaxDomain || len(m.Path()) > MaxPath {
			t.Fatalf("limits broken: %+v", m)
		}
		if !isASCII(m.ASCIIDomain) {
			t.Fatalf("ASCIIDomain %q is not ASCII", m.ASCIIDomain)
		}
		if m.NeedsSMTPUTF8() == isASCII(m.Local) {
			t.Fatalf("NeedsSMTPUTF8 wrong for %q", m.Local)
		}
		if !strings.HasPrefix(m.Local, `"`) && strings.Contains(m.Local, " ") {
			t.Fatalf("space outside quotes in %q", m.Local)
		}
		again, err := Parse(wire)
		if err != nil || again != m {
			t.Fatalf("Parse(%q) = %+v, %v; want %+v", wire, again, err, m)
		}
		if again, err := Parse(m.Path()); err != nil || again != m {
			t.Fatalf("Parse(%q) = %+v, %v; want %+v", m.Path(), again, err, m)
		}
	})
}

// FuzzCheckText checks that accepted text cannot break a line.
func FuzzCheckText(f *testing.F) {
	f.Add("Prueba", 10)
	f.Add("a\r\nb", 0)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if CheckText("f", s, max) != nil {
			return
		}
		if strings.ContainsAny(s, "\r\n\x00") || !utf8.ValidString(s) || (max > 0 && len(s) > max) {
			t.Fatalf("accepted %q (max %d)", s, max)
		}
		if EncodeXText(s) != "" && CheckXText("f", EncodeXText(s)) != nil {
			t.Fatalf("EncodeXText(%q) = %q is not valid xtext", s, EncodeXText(s))
		}
	})
}
