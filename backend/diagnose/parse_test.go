package diagnose

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"smtpprobe/backend/smtpwire"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *smtpwire.Reply
		wantErr string
	}{
		{"single line", "550 5.1.1 User unknown",
			&smtpwire.Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 User unknown"}}, ""},
		{"CRLF multi-line (RFC 5321 §4.2.1)", "250-mail.example.org Hello\r\n250-SIZE 1000\r\n250 STARTTLS\r\n",
			&smtpwire.Reply{Code: 250, Lines: []string{"mail.example.org Hello", "SIZE 1000", "STARTTLS"}}, ""},
		{"LF and pasted indentation", "  550-5.7.1 first\n\n\t550 5.7.1 second  \n",
			&smtpwire.Reply{Code: 550, Enhanced: "5.7.1", Lines: []string{"5.7.1 first", "5.7.1 second"}}, ""},
		{"CR only", "421-a\r421 b",
			&smtpwire.Reply{Code: 421, Lines: []string{"a", "b"}}, ""},
		{"bare code", "354", &smtpwire.Reply{Code: 354, Lines: []string{""}}, ""},
		{"enhanced of another class is not taken (RFC 2034 §4)", "550 4.1.1 odd",
			&smtpwire.Reply{Code: 550, Lines: []string{"4.1.1 odd"}}, ""},
		{"enhanced must be a whole token", "550 5.1.1x odd",
			&smtpwire.Reply{Code: 550, Lines: []string{"5.1.1x odd"}}, ""},
		{"three-digit detail (Microsoft)", "550 5.7.606 Access denied",
			&smtpwire.Reply{Code: 550, Enhanced: "5.7.606", Lines: []string{"5.7.606 Access denied"}}, ""},
		{"control bytes are escaped", "550 bad\x1b[2J\u202e",
			&smtpwire.Reply{Code: 550, Lines: []string{`bad\x1B[2J\u{202E}`}}, ""},
		{"empty", " \r\n \n", nil, "no reply"},
		{"no code", "User unknown", nil, "three-digit"},
		{"two-digit code", "55 x", nil, "three-digit"},
		{"first digit out of range (RFC 5321 §4.2)", "650 x", nil, "not an SMTP reply code"},
		{"second digit out of range", "590 x", nil, "not an SMTP reply code"},
		{"glued text", "550User unknown", nil, "must be followed"},
		{"codes differ between lines", "550-a\n551 b", nil, "differs"},
		{"too many lines", strings.Repeat("250-x\n", maxPasteLines+1), nil, "lines"},
		{"line too long", "550 " + strings.Repeat("x", maxPasteLine), nil, "bytes long"},
		{"paste too big", strings.Repeat("x", maxPasteBytes+1), nil, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReply(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Code != tt.want.Code || got.Enhanced != tt.want.Enhanced || !slices.Equal(got.Lines, tt.want.Lines) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := ParseReply(""); !errors.Is(err, ErrEmptyReply) {
		t.Errorf("ParseReply(\"\") = %v, want ErrEmptyReply", err)
	}
}

// FuzzParseReply checks that whatever is pasted, ParseReply either fails or
// returns a reply whose code is valid SMTP and whose lines are escaped, and
// that Evaluate accepts it.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"550 5.1.1 User unknown", "250-a\r\n250 b", "354", "5", "\xff\xfe", "421-\n421 4.7.0\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReply(s)
		if err != nil {
			return
		}
		if r.Code < 200 || r.Code > 559 || len(r.Lines) == 0 {
			t.Fatalf("bad reply %+v from %q", r, s)
		}
		for _, l := range r.Lines {
			if strings.ContainsAny(l, "\r\n\x00\x1b") {
				t.Fatalf("unescaped line %q", l)
			}
		}
		if ev := Evaluate("rcpt", r, Context{}); ev.Rule == "" {
			t.Fatalf("no evaluation for %q", s)
		}
	})
}

func TestGuessSoftware(t *testing.T) {
	tests := []struct {
		banner, ehlo string
		want         Software
	}{
		{"220 mail1.fabrikam.com Microsoft ESMTP MAIL Service ready at Thu, 1 Jan 2026 10:00:00 +0100", "", SoftwareExchange},
		{"220 ex01.contoso.local ready", "250-ex01 Hello [192.0.2.1]\n250-X-ANONYMOUSTLS\n250 XEXCH50", SoftwareExchange},
		{"220 AM0PR02CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready", "", SoftwareMicrosoft365},
		{"220 DB5EUR03FT012.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready", "", SoftwareMicrosoft365},
		{"220 mx.google.com ESMTP a1si123.45 - gsmtp", "", SoftwareGmail},
		{"220 smtp.gmail.com ESMTP x1-20020a - gsmtp", "", SoftwareGmail},
		{"220 mail.example.org ESMTP Postfix (Debian/GNU)", "", SoftwarePostfix},
		{"220 mail.example.org ESMTP Exim 4.96 Thu, 01 Jan 2026 10:00:00 +0000", "", SoftwareExim},
		{"220 mail.example.org ESMTP Sendmail 8.15.2/8.15.2; Thu, 1 Jan 2026", "", SoftwareSendmail},
		{"220 mail.example.org ESMTP", "250-mail.example.org Hello client [192.0.2.1], pleased to meet you", SoftwareSendmail},
		{"220 mail.example.org ESMTP ready", "250 mail.example.org", SoftwareOther},
		{"", "", SoftwareOther},
	}
	for _, tt := range tests {
		var b, e *smtpwire.Reply
		if tt.banner != "" {
			b, _ = ParseReply(tt.banner)
		}
		if tt.ehlo != "" {
			e, _ = ParseReply(tt.ehlo)
		}
		if got := GuessSoftware(b, e); got != tt.want {
			t.Errorf("GuessSoftware(%q, %q) = %s, want %s", tt.banner, tt.ehlo, got, tt.want)
		}
	}
}

func TestParseSoftware(t *testing.T) {
	for in, want := range map[string]Software{"": SoftwareOther, "Exchange": SoftwareExchange, "o365": SoftwareMicrosoft365, "GMAIL": SoftwareGmail, "exim": SoftwareExim} {
		if got, err := ParseSoftware(in); err != nil || got != want {
			t.Errorf("ParseSoftware(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParseSoftware("qmail"); err == nil {
		t.Error("ParseSoftware(qmail) should fail")
	}
}
