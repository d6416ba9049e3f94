package address

import (
	"errors"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name, in                   string
		local, domain, ascii, wire string
		utf8                       bool
	}{
		{"RFC 5321 §4.1.2 plain mailbox", "user@example.com", "user", "example.com", "example.com", "user@example.com", false},
		{"§4.1.2 path form in angle brackets", "<user@example.com>", "user", "example.com", "example.com", "user@example.com", false},
		{"domain is case-insensitive and sent lower case", "User@Example.COM", "User", "example.com", "example.com", "User@example.com", false},
		{"RFC 5322 §3.2.3 atext specials", "a!#$%&'*+-/=?^_`{|}~b@example.com", "a!#$%&'*+-/=?^_`{|}~b", "example.com", "example.com", "a!#$%&'*+-/=?^_`{|}~b@example.com", false},
		{"dotted local part", "first.last@example.com", "first.last", "example.com", "example.com", "first.last@example.com", false},
		{"§4.1.2 quoted local part with space", `"john smith"@example.com`, `"john smith"`, "example.com", "example.com", `"john smith"@example.com`, false},
		{"§4.1.2 quoted-pairSMTP", `"a\"b\\c"@example.com`, `"a\"b\\c"`, "example.com", "example.com", `"a\"b\\c"@example.com`, false},
		{"quoted local part may hold @", `"a@b"@example.com`, `"a@b"`, "example.com", "example.com", `"a@b"@example.com`, false},
		{"quoted local part may hold double dots", `"a..b"@example.com`, `"a..b"`, "example.com", "example.com", `"a..b"@example.com`, false},
		{"single-label domain", "postmaster@localhost", "postmaster", "localhost", "localhost", "postmaster@localhost", false},
		{"RFC 5890 IDN domain to A-labels", "juan@bücher.example", "juan", "bücher.example", "xn--bcher-kva.example", "juan@xn--bcher-kva.example", false},
		{"IDN mapped to lower case (UTS #46)", "juan@BÜCHER.example", "juan", "bücher.example", "xn--bcher-kva.example", "juan@xn--bcher-kva.example", false},
		{"A-label input shown as Unicode", "juan@xn--bcher-kva.example", "juan", "bücher.example", "xn--bcher-kva.example", "juan@xn--bcher-kva.example", false},
		{"RFC 6531 §3.3 UTF-8 local part", "josé@example.com", "josé", "example.com", "example.com", "josé@example.com", true},
		{"RFC 6531 UTF-8 local part and IDN", "用户@例子.广告", "用户", "例子.广告", "xn--fsqu00a.xn--4rr70v", "用户@xn--fsqu00a.xn--4rr70v", true},
		{"§4.1.3 IPv4 address literal", "user@[192.0.2.1]", "user", "[192.0.2.1]", "[192.0.2.1]", "user@[192.0.2.1]", false},
		{"§4.1.3 IPv6 address literal", "user@[IPv6:2001:db8::1]", "user", "[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", "user@[IPv6:2001:db8::1]", false},
		{"IPv6 tag case-insensitive, address canonical", "user@[ipv6:2001:DB8:0:0:0:0:0:1]", "user", "[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", "user@[IPv6:2001:db8::1]", false},
		{"§4.5.3.1.1 local part of exactly 64 octets", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64), "example.com", "example.com", strings.Repeat("a", 64) + "@example.com", false},
		{"label of exactly 63 octets", "u@" + strings.Repeat("a", 63) + ".example", "u", strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example", "u@" + strings.Repeat("a", 63) + ".example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if m.Local != tt.local || m.Domain != tt.domain || m.ASCIIDomain != tt.ascii {
				t.Errorf("Parse(%q) = %+v, want local %q domain %q ascii %q", tt.in, m, tt.local, tt.domain, tt.ascii)
			}
			if got := m.String(); got != tt.wire {
				t.Errorf("String() = %q, want %q", got, tt.wire)
			}
			if got, want := m.Display(), tt.local+"@"+tt.domain; got != want {
				t.Errorf("Display() = %q, want %q", got, want)
			}
			if got := m.Path(); got != "<"+tt.wire+">" {
				t.Errorf("Path() = %q", got)
			}
			if m.NeedsSMTPUTF8() != tt.utf8 {
				t.Errorf("NeedsSMTPUTF8() = %v, want %v", m.NeedsSMTPUTF8(), tt.utf8)
			}
			if m.IsAddressLiteral() != strings.HasPrefix(tt.ascii, "[") {
				t.Errorf("IsAddressLiteral() = %v", m.IsAddressLiteral())
			}
			// The wire form must parse back to the same mailbox.
			again, err := Parse(m.String())
			if err != nil || again != m {
				t.Errorf("Parse(String()) = %+v, %v; want %+v", again, err, m)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		name, in string
		kind     lang.FieldKind
		reason   string // a fragment of the English reason
	}{
		{"empty", "", lang.KindEmpty, "empty"},
		{"missing @", "user.example.com", lang.KindSyntax, "no @"},
		{"nothing after @", "user@", lang.KindSyntax, "nothing after the @"},
		{"nothing before @", "@example.com", lang.KindSyntax, "source route"},
		{"empty local in brackets", "<@example.com>", lang.KindSyntax, "source route"},
		{"RFC 5321 §4.1.2 source route is obsolete", "<@relay.example:user@example.com>", lang.KindSyntax, "source route"},
		{"null path not a mailbox", "<>", lang.KindEmpty, "null path"},
		{"two @ unquoted", "a@b@example.com", lang.KindSyntax, "more than one @"},
		{"CR injection (RFC 5321 §2.3.8)", "user@example.com\rRCPT TO:<x@y>", lang.KindLineBreak, "line break"},
		{"LF injection", "user@example.com\nDATA", lang.KindLineBreak, "line break"},
		{"CRLF injection", "user@example.com>\r\nRCPT TO:<evil@example.net", lang.KindLineBreak, "line break"},
		{"Unicode line separator", "user@example.com\u2028x", lang.KindLineBreak, "line break"},
		{"NUL", "us\x00er@example.com", lang.KindControl, "NUL"},
		{"ESC", "user\x1b@example.com", lang.KindControl, "U+001B"},
		{"DEL", "user\x7f@example.com", lang.KindControl, "U+007F"},
		{"C1 control", "user\u0085@example.com", lang.KindControl, "U+0085"},
		{"tab", "user\t@example.com", lang.KindControl, "U+0009"},
		{"invalid UTF-8", "us\xffer@example.com", lang.KindInvalidUTF8, "0xFF"},
		{"bidi override U+202E", "user\u202Emoc.elpmaxe@example.com", lang.KindBidi, "U+202E"},
		{"bidi isolate U+2066", "user@exa\u2066mple.com", lang.KindBidi, "U+2066"},
		{"bidi mark U+200F", "user\u200F@example.com", lang.KindBidi, "U+200F"},
		{"'<' inside", "<us<er@example.com>", lang.KindSyntax, "'<' or '>'"},
		{"'>' inside", "user>@example.com", lang.KindSyntax, "'<' or '>'"},
		{"'>' at end only", "user@example.com>", lang.KindSyntax, "does not start with '<'"},
		{"unclosed bracket", "<user@example.com", lang.KindSyntax, "does not end with '>'"},
		{"space in local part", "john smith@example.com", lang.KindSyntax, "space"},
		{"space in domain", "user@exam ple.com", lang.KindSyntax, "space"},
		{"leading space not trimmed", " user@example.com", lang.KindSyntax, "space"},
		{"§4.1.2 Dot-string: leading dot", ".user@example.com", lang.KindSyntax, "dot"},
		{"§4.1.2 Dot-string: trailing dot", "user.@example.com", lang.KindSyntax, "dot"},
		{"§4.1.2 Dot-string: double dot", "us..er@example.com", lang.KindSyntax, "dot"},
		{"specials need quoting", "us(er)@example.com", lang.KindSyntax, "'('"},
		{"comma needs quoting", "a,b@example.com", lang.KindSyntax, "','"},
		{"unterminated quote", `"user@example.com`, lang.KindSyntax, "closing quote"},
		{"quoted then junk", `"user"x@example.com`, lang.KindSyntax, "followed directly by @"},
		{"bad quoted-pair", "\"a\\\u00e9\"@example.com", lang.KindSyntax, "backslash"},
		{"§4.5.3.1.1 local part over 64", strings.Repeat("a", 65) + "@example.com", lang.KindTooLong, "local part is 65 octets"},
		{"RFC 1035 label over 63", "u@" + strings.Repeat("a", 64) + ".example", lang.KindTooLong, "label of 64"},
		{"§4.5.3.1.2 domain over 255", "u@" + strings.Repeat(long+".", 4) + "com", lang.KindTooLong, "domain of 259"},
		{"§4.5.3.1.3 path over 256", strings.Repeat("a", 64) + "@" + strings.Repeat(long+".", 3) + strings.Repeat("b", 0) + "c", lang.KindTooLong, ""},
		{"underscore in domain", "user@my_host.example", lang.KindSyntax, "'_'"},
		{"hyphen at label start", "user@-example.com", lang.KindSyntax, "hyphen"},
		{"hyphen at label end", "user@example-.com", lang.KindSyntax, "hyphen"},
		{"empty label", "user@example..com", lang.KindSyntax, "empty label"},
		{"leading dot in domain", "user@.example.com", lang.KindSyntax, "empty label"},
		{"trailing dot in domain", "user@example.com.", lang.KindSyntax, "ending in a dot"},
		{"bare IPv4 needs brackets (§4.1.3)", "user@192.0.2.1", lang.KindSyntax, "[192.0.2.1]"},
		{"IPv6 literal needs tag", "user@[2001:db8::1]", lang.KindSyntax, "[IPv6:2001:db8::1]"},
		{"bad IPv4 literal", "user@[192.0.2.256]", lang.KindSyntax, "IPv4"},
		{"IPv4 literal leading zero", "user@[192.0.2.01]", lang.KindSyntax, "IPv4"},
		{"bad IPv6 literal", "user@[IPv6:2001:db8::g]", lang.KindSyntax, "IPv6"},
		{"IPv6 literal with zone", "user@[IPv6:fe80::1%eth0]", lang.KindSyntax, "zones"},
		{"IPv4 inside IPv6 tag", "user@[IPv6:192.0.2.1]", lang.KindSyntax, "IPv6"},
		{"general address literal", "user@[x400:abc]", lang.KindSyntax, "general address literal"},
		{"unclosed literal", "user@[192.0.2.1", lang.KindSyntax, "']'"},
		{"IDN with STD3-disallowed underscore", "user@ü_x.example", lang.KindSyntax, "IDNA2008"},
		{"RFC 5893 Bidi rule", "user@a١bא.example", lang.KindSyntax, "IDNA2008"},
		{"RFC 5892 ContextJ joiner", "user@ü‍.example", lang.KindSyntax, "IDNA2008"},
		{"invalid punycode label", "user@xn--a.example", lang.KindSyntax, "xn--"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.in, m)
			}
			var fe *lang.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) error %T is not a *lang.FieldError", tt.in, err)
			}
			if fe.Kind != tt.kind {
				t.Errorf("Parse(%q) kind = %q, want %q (%v)", tt.in, fe.Kind, tt.kind, err)
			}
			if !strings.Contains(fe.Reason.EN, tt.reason) {
				t.Errorf("Parse(%q) reason %q does not mention %q", tt.in, fe.Reason.EN, tt.reason)
			}
			if fe.Reason.ES == "" || fe.Reason.ES == fe.Reason.EN {
				t.Errorf("Parse(%q) has no Spanish reason: %+v", tt.in, fe.Reason)
			}
			if fe.Field != DefaultField {
				t.Errorf("Field = %q", fe.Field)
			}
			if strings.ContainsAny(err.Error(), "\r\n\x00") {
				t.Errorf("error text carries raw control bytes: %q", err.Error())
			}
		})
	}
}

func TestParsePathLimit(t *testing.T) {
	// RFC 5321 §4.5.3.1.3: 256 octets including "<" and ">". Build a path of
	// exactly 256 and one of 257 octets with legal parts.
	dom := func(n int) string { // a domain of n octets from labels <= 63
		var parts []string
		for n > 0 {
			l := min(n, 63)
			if n-l == 1 { // avoid leaving a dot with nothing after it
				l--
			}
			parts = append(parts, strings.Repeat("d", l))
			n -= l
			if n > 0 {
				n-- // the dot
			}
		}
		return strings.Join(parts, ".")
	}
	local := strings.Repeat("l", 64)
	ok := local + "@" + dom(256-2-65)
	if len(ok)+2 != 256 {
		t.Fatalf("test setup: path is %d octets", len(ok)+2)
	}
	if _, err := Parse(ok); err != nil {
		t.Errorf("256-octet path refused: %v", err)
	}
	tooLong := local + "@" + dom(256-2-65+1)
	_, err := Parse(tooLong)
	var fe *lang.FieldError
	if !errors.As(err, &fe) || fe.Kind != lang.KindTooLong || !strings.Contains(fe.Reason.EN, "257 octets") {
		t.Errorf("257-octet path: err = %v, want path too long", err)
	}
}

func TestParseReversePath(t *testing.T) {
	tests := []struct {
		in      string
		null    bool
		wire    string
		wantErr bool
	}{
		{"", true, "", false},   // RFC 5321 §4.5.5 null reverse-path
		{"<>", true, "", false}, // same, in path form
		{"bounce@example.com", false, "bounce@example.com", false},
		{"<a@b.example>", false, "a@b.example", false},
		{"< >", false, "", true},
		{"<>\r\n", false, "", true},
	}
	for _, tt := range tests {
		m, null, err := ParseReversePath(tt.in)
		if (err != nil) != tt.wantErr || null != tt.null || m.String() != tt.wire {
			t.Errorf("ParseReversePath(%q) = %+v, %v, %v", tt.in, m, null, err)
		}
		if null && (m.Path() != "<>" || !m.IsNull()) {
			t.Errorf("null sender Path() = %q, IsNull() = %v", m.Path(), m.IsNull())
		}
	}
}

func TestFieldErrorLocalizeAndRename(t *testing.T) {
	_, err := Parse("juan perez@example.com")
	if err == nil {
		t.Fatal("want error")
	}
	err = lang.RenameField(err, "--to")
	var fe *lang.FieldError
	if !errors.As(err, &fe) || fe.Field != "--to" {
		t.Fatalf("Rename: %v", err)
	}
	en, es := fe.Localize(lang.EN), fe.Localize(lang.ES)
	if en != err.Error() || !strings.HasPrefix(en, `--to "juan perez@example.com": `) {
		t.Errorf("English = %q", en)
	}
	if !strings.Contains(es, "espacio") {
		t.Errorf("Spanish = %q", es)
	}
	if other := errors.New("x"); lang.RenameField(other, "f") != other {
		t.Error("Rename changed a foreign error")
	}
}

func TestFieldErrorValueEscapedAndShort(t *testing.T) {
	hostile := "\x1b[2J" + strings.Repeat("A", 500) + "@example.com\r\n"
	_, err := Parse(hostile)
	var fe *lang.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v", err)
	}
	if strings.ContainsAny(fe.Value, "\x1b\r\n") {
		t.Errorf("Value not escaped: %q", fe.Value)
	}
	if !strings.HasPrefix(fe.Value, `\x1B[2J`) || !strings.HasSuffix(fe.Value, "...") {
		t.Errorf("Value = %q", fe.Value)
	}
	if n := len([]rune(strings.TrimSuffix(fe.Value, "..."))); n > 80 {
		t.Errorf("Value is %d runes, want <= 80", n)
	}
}

func TestNormalizeHELO(t *testing.T) {
	tests := []struct {
		name, in, want string
		kind           lang.FieldKind
	}{
		{"RFC 5321 §4.1.1.1 domain", "mail.example.com", "mail.example.com", ""},
		{"upper case folded", "MAIL.Example.com", "mail.example.com", ""},
		{"trailing dot from DNS dropped", "mail.example.com.", "mail.example.com", ""},
		{"IDN to A-labels", "correo.bücher.example", "correo.xn--bcher-kva.example", ""},
		{"§4.1.3 IPv4 literal", "[192.0.2.1]", "[192.0.2.1]", ""},
		{"§4.1.3 IPv6 literal", "[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", ""},
		{"empty", "", "", lang.KindEmpty},
		{"bare IPv4 needs brackets", "192.0.2.1", "", lang.KindSyntax},
		{"bare IPv6 needs brackets", "2001:db8::1", "", lang.KindSyntax},
		{"CRLF injection", "example.com\r\nMAIL FROM:<x@y>", "", lang.KindLineBreak},
		{"space", "my host", "", lang.KindSyntax},
		{"underscore (NetBIOS style)", "EXCH_01.corp.example", "", lang.KindSyntax},
		{"two trailing dots", "example.com..", "", lang.KindSyntax},
		{"only a dot", ".", "", lang.KindEmpty},
		{"bidi", "exa\u202emple.com", "", lang.KindBidi},
		{"label too long", strings.Repeat("h", 64) + ".example", "", lang.KindTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeHELO(tt.in)
			if tt.kind == "" {
				if err != nil || got != tt.want {
					t.Errorf("NormalizeHELO(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				if ValidateHELO(tt.in) != nil {
					t.Errorf("ValidateHELO(%q) refused", tt.in)
				}
				return
			}
			var fe *lang.FieldError
			if !errors.As(err, &fe) || fe.Kind != tt.kind {
				t.Errorf("NormalizeHELO(%q) = %q, %v; want kind %q", tt.in, got, err, tt.kind)
			}
			if ValidateHELO(tt.in) == nil {
				t.Errorf("ValidateHELO(%q) accepted", tt.in)
			}
		})
	}
}

func TestNormalizeDomain(t *testing.T) {
	u, a, err := NormalizeDomain("Bücher.Example")
	if err != nil || u != "bücher.example" || a != "xn--bcher-kva.example" {
		t.Errorf("NormalizeDomain = %q, %q, %v", u, a, err)
	}
	for _, bad := range []string{"", "[192.0.2.1]", "a..b", "a b.example", "x\n.example"} {
		if _, _, err := NormalizeDomain(bad); err == nil {
			t.Errorf("NormalizeDomain(%q) accepted", bad)
		}
	}
}
