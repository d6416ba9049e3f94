package address

import (
	"errors"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
)

func kindOf(err error) lang.FieldKind {
	var fe *lang.FieldError
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return ""
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		kind     lang.FieldKind
	}{
		{"plain subject", "Prueba de flujo de correo", 100, ""},
		{"Spanish accents and emoji", "Año nuevo – ¿llegó? ✉️👍🏽", 100, ""},
		{"zero width joiner allowed (emoji sequences)", "👩\u200d💻", 100, ""},
		{"TAB allowed (RFC 5322 §2.2 WSP)", "a\tb", 100, ""},
		{"empty allowed", "", 10, ""},
		{"exactly at limit", "abcde", 5, ""},
		{"no limit when maxLen 0", strings.Repeat("x", 5000), 0, ""},
		{"over limit in octets not runes", "ñññ", 5, lang.KindTooLong},
		{"RFC 5321 §2.3.8 bare LF", "a\nBcc: victim@example.com", 100, lang.KindLineBreak},
		{"bare CR", "a\rb", 100, lang.KindLineBreak},
		{"CRLF header injection", "hi\r\nBcc: x@example.com", 100, lang.KindLineBreak},
		{"paragraph separator", "a\u2029b", 100, lang.KindLineBreak},
		{"NUL", "a\x00b", 100, lang.KindControl},
		{"BEL", "a\x07b", 100, lang.KindControl},
		{"form feed", "a\fb", 100, lang.KindControl},
		{"invalid UTF-8", "caf\xe9", 100, lang.KindInvalidUTF8},
		{"overlong UTF-8 encoding of '/'", "a\xc0\xafb", 100, lang.KindInvalidUTF8},
		{"bidi override", "invoice\u202Efdp.exe", 100, lang.KindBidi},
		{"bidi isolate", "a\u2067b", 100, lang.KindBidi},
		{"Arabic letter mark", "a\u061Cb", 100, lang.KindBidi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText("Subject", tt.in, tt.max)
			if got := kindOf(err); got != tt.kind || (tt.kind == "") != (err == nil) {
				t.Errorf("CheckText(%q, %d) = %v (kind %q), want kind %q", tt.in, tt.max, err, got, tt.kind)
			}
		})
	}
}

func TestCheckHeaderName(t *testing.T) {
	tests := []struct {
		in   string
		kind lang.FieldKind
	}{
		{"X-Test", ""},
		{"Reply-To", ""},
		{"X-!#$%&'*+-.^_`|~", ""},
		{strings.Repeat("X", MaxHeaderName), ""},
		{"", lang.KindEmpty},
		{strings.Repeat("X", MaxHeaderName+1), lang.KindTooLong},
		{"X Test", lang.KindSyntax},  // RFC 5322 §2.2: no space in ftext
		{"X-Test:", lang.KindSyntax}, // ':' ends the name
		{"Subject: hi\r\nBcc", lang.KindLineBreak},
		{"X-Tést", lang.KindSyntax}, // ASCII only
		{"X-\x7f", lang.KindControl},
		{"X-\t", lang.KindControl},
	}
	for _, tt := range tests {
		err := CheckHeaderName(tt.in)
		if got := kindOf(err); got != tt.kind || (tt.kind == "") != (err == nil) {
			t.Errorf("CheckHeaderName(%q) = %v, want kind %q", tt.in, err, tt.kind)
		}
	}
}

func TestXText(t *testing.T) {
	// RFC 3461 §4: xchar is 33-126 except '+' and '='; anything else is +XX.
	enc := []struct{ in, want string }{
		{"QQ314159", "QQ314159"},
		{"a+b=c", "a+2Bb+3Dc"},
		{"with space", "with+20space"},
		{"ñ", "+C3+B1"},
		{"tab\there", "tab+09here"},
		{"", ""},
	}
	for _, tt := range enc {
		got := EncodeXText(tt.in)
		if got != tt.want {
			t.Errorf("EncodeXText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in == "" {
			continue
		}
		if err := CheckXText("ENVID", got); err != nil {
			t.Errorf("CheckXText(EncodeXText(%q)) = %v", tt.in, err)
		}
		if back, err := DecodeXText(got); err != nil || back != tt.in {
			t.Errorf("DecodeXText(%q) = %q, %v", got, back, err)
		}
	}
	bad := []struct {
		in   string
		kind lang.FieldKind
	}{
		{"", lang.KindEmpty},
		{"a=b", lang.KindSyntax},
		{"a+", lang.KindSyntax},
		{"a+2", lang.KindSyntax},
		{"a+2b", lang.KindSyntax}, // hex digits must be upper case
		{"a+G0", lang.KindSyntax},
		{"a b", lang.KindSyntax},
		{"añb", lang.KindSyntax},
		{"a\r\nMAIL FROM:<x>", lang.KindLineBreak},
	}
	for _, tt := range bad {
		if got := kindOf(CheckXText("ENVID", tt.in)); got != tt.kind {
			t.Errorf("CheckXText(%q) kind = %q, want %q", tt.in, got, tt.kind)
		}
	}
}

func TestCheckCommandLine(t *testing.T) {
	// RFC 5321 §4.5.3.1.4: 512 octets including the command word and CRLF.
	at := "MAIL FROM:<" + strings.Repeat("a", 510-len("MAIL FROM:<>")) + ">"
	if len(at)+2 != CommandLineLimit {
		t.Fatalf("setup: %d", len(at)+2)
	}
	tests := []struct {
		name, in string
		kind     lang.FieldKind
	}{
		{"short", "EHLO client.example", ""},
		{"with its CRLF", "QUIT\r\n", ""},
		{"exactly 512", at, ""},
		{"exactly 512 with CRLF given", at + "\r\n", ""},
		{"513", at + "x", lang.KindTooLong},
		{"empty", "", lang.KindEmpty},
		{"just CRLF", "\r\n", lang.KindEmpty},
		{"embedded CRLF: two commands", "RCPT TO:<a@b>\r\nDATA", lang.KindLineBreak},
		{"bare LF", "NOOP\n", lang.KindLineBreak},
		{"bare CR at end", "NOOP\r", lang.KindLineBreak},
		{"NUL", "NO\x00OP", lang.KindControl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCommandLine(tt.in)
			if got := kindOf(err); got != tt.kind || (tt.kind == "") != (err == nil) {
				t.Errorf("CheckCommandLine(%q) = %v, want kind %q", tt.in, err, tt.kind)
			}
		})
	}
	// RFC 3461 §5 lets a DSN-extended RCPT be longer; the caller passes that.
	if err := CheckCommandLineLimit(at+strings.Repeat("x", 100), CommandLineLimit+500); err != nil {
		t.Errorf("raised limit: %v", err)
	}
}
