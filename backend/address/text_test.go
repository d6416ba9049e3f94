package address

import (
	"errors"
	"strings"
	"testing"
)

func kindOf(err error) Kind {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return ""
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		kind     Kind
	}{
		{"plain subject", "Prueba de flujo de correo", 100, ""},
		{"Spanish accents and emoji", "Año nuevo – ¿llegó? ✉️👍🏽", 100, ""},
		{"zero width joiner allowed (emoji sequences)", "👩\u200d💻", 100, ""},
		{"TAB allowed (RFC 5322 §2.2 WSP)", "a\tb", 100, ""},
		{"empty allowed", "", 10, ""},
		{"exactly at limit", "abcde", 5, ""},
		{"no limit when maxLen 0", strings.Repeat("x", 5000), 0, ""},
		{"over limit in octets not runes", "ñññ", 5, KindTooLong},
		{"RFC 5321 §2.3.8 bare LF", "a\nBcc: victim@example.com", 100, KindLineBreak},
		{"bare CR", "a\rb", 100, KindLineBreak},
		{"CRLF header injection", "hi\r\nBcc: x@example.com", 100, KindLineBreak},
		{"paragraph separator", "a\u2029b", 100, KindLineBreak},
		{"NUL", "a\x00b", 100, KindControl},
		{"BEL", "a\x07b", 100, KindControl},
		{"form feed", "a\fb", 100, KindControl},
		{"invalid UTF-8", "caf\xe9", 100, KindInvalidUTF8},
		{"overlong UTF-8 encoding of '/'", "a\xc0\xafb", 100, KindInvalidUTF8},
		{"bidi override", "invoice\u202Efdp.exe", 100, KindBidi},
		{"bidi isolate", "a\u2067b", 100, KindBidi},
		{"Arabic letter mark", "a\u061Cb", 100, KindBidi},
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
		kind Kind
	}{
		{"X-Test", ""},
		{"Reply-To", ""},
		{"X-!#$%&'*+-.^_`|~", ""},
		{strings.Repeat("X", MaxHeaderName), ""},
		{"", KindEmpty},
		{strings.Repeat("X", MaxHeaderName+1), KindTooLong},
		{"X Test", KindSyntax},  // RFC 5322 §2.2: no space in ftext
		{"X-Test:", KindSyntax}, // ':' ends the name
		{"Subject: hi\r\nBcc", KindLineBreak},
		{"X-Tést", KindSyntax}, // ASCII only
		{"X-\x7f", KindControl},
		{"X-\t", KindControl},
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
		kind Kind
	}{
		{"", KindEmpty},
		{"a=b", KindSyntax},
		{"a+", KindSyntax},
		{"a+2", KindSyntax},
		{"a+2b", KindSyntax}, // hex digits must be upper case
		{"a+G0", KindSyntax},
		{"a b", KindSyntax},
		{"añb", KindSyntax},
		{"a\r\nMAIL FROM:<x>", KindLineBreak},
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
		kind     Kind
	}{
		{"short", "EHLO client.example", ""},
		{"with its CRLF", "QUIT\r\n", ""},
		{"exactly 512", at, ""},
		{"exactly 512 with CRLF given", at + "\r\n", ""},
		{"513", at + "x", KindTooLong},
		{"empty", "", KindEmpty},
		{"just CRLF", "\r\n", KindEmpty},
		{"embedded CRLF: two commands", "RCPT TO:<a@b>\r\nDATA", KindLineBreak},
		{"bare LF", "NOOP\n", KindLineBreak},
		{"bare CR at end", "NOOP\r", KindLineBreak},
		{"NUL", "NO\x00OP", KindControl},
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
