package address

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"smtpprobe/backend/lang"
)

// FuzzNormalizeHELO checks the EHLO name whatever the user typed: an
// accepted name is safe on the command line (ASCII, no space or control
// byte, so "EHLO name" stays one command, RFC 5321 §4.1.1.1), is a domain
// within the RFC 1035 §2.3.4 limits or an address literal that parses
// (§4.1.3), and normalising it again changes nothing. A refused name gives a
// bilingual *lang.FieldError whose value is escaped. Seeds live in
// testdata/fuzz/FuzzNormalizeHELO.
func FuzzNormalizeHELO(f *testing.F) {
	for _, s := range []string{
		"client.example", "mx.example.com.", "[192.0.2.1]", "[IPv6:2001:db8::1]", "192.0.2.1",
		"bücher.example", "xn--bcher-kva.example", "a\r\nMAIL FROM:<x@y>", "a b", "-a.example",
		"[IPv6:::ffff:192.0.2.1]", "[300.1.1.1]", "\u202eelpmaxe", strings.Repeat("a", 64) + ".example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := NormalizeHELO(s)
		if err != nil {
			checkFieldError(t, err)
			if ValidateHELO(s) == nil {
				t.Fatalf("ValidateHELO accepts %q, NormalizeHELO refuses it", s)
			}
			return
		}
		if strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("accepted %q, which has CR, LF or NUL", s)
		}
		if name == "" || !isASCII(name) {
			t.Fatalf("NormalizeHELO(%q) = %q, not ASCII", s, name)
		}
		for i := 0; i < len(name); i++ {
			if c := name[i]; c <= ' ' || c == 0x7f {
				t.Fatalf("NormalizeHELO(%q) = %q carries byte 0x%02X", s, name, c)
			}
		}
		if strings.HasPrefix(name, "[") {
			lit := strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
			lit = strings.TrimPrefix(lit, "IPv6:")
			if _, err := netip.ParseAddr(lit); err != nil || !strings.HasSuffix(name, "]") {
				t.Fatalf("NormalizeHELO(%q) = %q, not an address literal: %v", s, name, err)
			}
		} else {
			if len(name) > MaxDomain {
				t.Fatalf("NormalizeHELO(%q) = %d octets", s, len(name))
			}
			for _, l := range strings.Split(name, ".") {
				if l == "" || len(l) > MaxLabel {
					t.Fatalf("NormalizeHELO(%q) = %q has a label of %d octets", s, name, len(l))
				}
			}
		}
		again, err := NormalizeHELO(name)
		if err != nil || again != name {
			t.Fatalf("NormalizeHELO(%q) = %q, %v; want it unchanged", name, again, err)
		}
	})
}

// FuzzNormalizeDomain checks the domain of --server and MX lookups the same
// way: the A-label form is ASCII, within the limits and stable.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"example.com", "bücher.example", "EXAMPLE.com", "a..b", "a\x00b", "xn--", "-x.example", "例え.テスト"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		uni, ascii, err := NormalizeDomain(s)
		if err != nil {
			checkFieldError(t, err)
			return
		}
		if !isASCII(ascii) || len(ascii) > MaxDomain || !utf8.ValidString(uni) {
			t.Fatalf("NormalizeDomain(%q) = %q, %q", s, uni, ascii)
		}
		for i := 0; i < len(ascii); i++ {
			if c := ascii[i]; c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '[' {
				t.Fatalf("NormalizeDomain(%q) = %q carries byte 0x%02X", s, ascii, c)
			}
		}
		_, again, err := NormalizeDomain(ascii)
		if err != nil || again != ascii {
			t.Fatalf("NormalizeDomain(%q) = %q, %v; want it unchanged", ascii, again, err)
		}
	})
}

func checkFieldError(t *testing.T, err error) {
	t.Helper()
	var fe *lang.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %T is not a *lang.FieldError: %v", err, err)
	}
	if fe.Reason.EN == "" || fe.Reason.ES == "" {
		t.Fatalf("reason missing a language: %+v", fe.Reason)
	}
	if strings.ContainsAny(fe.Value, "\r\n\x00") || !utf8.ValidString(fe.Value) || len(fe.Value) > 4*lang.MaxShownValue+3 {
		t.Fatalf("Value not escaped and shortened: %q", fe.Value)
	}
}
