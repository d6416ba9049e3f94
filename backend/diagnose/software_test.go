package diagnose

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// softwareRegexps are the regular expressions softwareSigns replaced, kept
// here as the reference the plain-string signs must agree with.
var softwareRegexps = []struct {
	sw Software
	re *regexp.Regexp
}{
	{SoftwareMicrosoft365, regexp.MustCompile(`(?i)\.(?:prod\.)?(?:protection\.)?outlook\.com\b|\bmail\.protection\.outlook\b|\beop-[a-z0-9]+\.prod\b|\boffice365\.com\b`)},
	{SoftwareGmail, regexp.MustCompile(`(?i)\bgsmtp\b|\bmx\.google\.com\b|\bsmtp\.gmail\.com\b|\bgoogle\.com ESMTP\b`)},
	{SoftwareExchange, regexp.MustCompile(`(?i)Microsoft ESMTP MAIL Service|\bX-EXPS\b|\bXEXCH50\b|\bX-ANONYMOUSTLS\b|\bXRDST\b|\bXSHADOW(?:REQUEST)?\b|\bX-LINK2STATE\b`)},
	{SoftwarePostfix, regexp.MustCompile(`(?i)\bESMTP Postfix\b|\bPostfix\b`)},
	{SoftwareExim, regexp.MustCompile(`(?i)\bExim\b|\bX_PIPE_CONNECT\b`)},
	{SoftwareSendmail, regexp.MustCompile(`(?i)\bSendmail\b|pleased to meet you`)},
}

func guessSoftwareRegexp(text string) Software {
	for _, s := range softwareRegexps {
		if s.re.MatchString(text) {
			return s.sw
		}
	}
	return SoftwareOther
}

// comparable reports whether text is one the two matchers must agree on:
// (?i) folds the Kelvin sign to k and the long s to s, which the ASCII signs
// deliberately do not (no server writes its name with them).
func comparableText(text string) bool {
	return utf8.ValidString(text) && !strings.ContainsAny(text, "\u212a\u017f")
}

func TestSoftwareSignsMatchRegexps(t *testing.T) {
	texts := []string{
		"mail.protection.outlook.com", "x.outlook.com", "x.outlook.community", "outlook.com",
		"AM0PR02CA0001.OUTLOOK.OFFICE365.COM", "eop-EUR01.prod", "eop-.prod", "xeop-a.prod",
		"eop-a1.prodx", "eop-a1.prod.", "eop-eop-a.prod", "eop-a.b.prod", "EOP-9Z.PROD protection",
		"gsmtp", "xgsmtp", "gsmtp_", "mx.google.com", "mx.google.commerce", "smtp.gmail.com",
		"google.com esmtp", "GOOGLE.COM ESMTPS", "Microsoft ESMTP MAIL Service", "microsoft esmtp mail services",
		"X-EXPS", "X-EXPSX", "-x-exps-", "XEXCH50", "XEXCH500", "X-ANONYMOUSTLS", "XRDST", "XSHADOW",
		"XSHADOWREQUEST", "XSHADOWREQ", "X-LINK2STATE", "ESMTP Postfix", "postfix_", "Postfix2",
		"(Postfix)", "Exim", "maximum", "exim4", "X_PIPE_CONNECT", "sendmail", "sendmail.cf",
		"pleased to meet you", "PLEASED TO MEET YOU", "", "é postfix é", "postfixé", "éexim",
		"220 mail.example.org ESMTP ready\n250 mail.example.org\n",
		"220 ex01 Microsoft ESMTP MAIL Service ready\n250-x.outlook.com\n",
	}
	for _, text := range texts {
		if got, want := guessSoftwareText(text), guessSoftwareRegexp(text); got != want {
			t.Errorf("guessSoftwareText(%q) = %s, the regexps say %s", text, got, want)
		}
	}
}

// FuzzGuessSoftware checks the plain-string signs against the regexps they
// replaced on any text.
func FuzzGuessSoftware(f *testing.F) {
	for _, s := range []string{
		"220 mx.google.com ESMTP - gsmtp", "eop-a1.prod", "250-X-EXPS GSSAPI NTLM", "ESMTP Postfix",
		"x.OUTLOOK.com_", "pleased to meet you", "Exim 4.96",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !comparableText(text) {
			return
		}
		if got, want := guessSoftwareText(text), guessSoftwareRegexp(text); got != want {
			t.Errorf("guessSoftwareText(%q) = %s, the regexps say %s", text, got, want)
		}
	})
}

func BenchmarkGuessSoftware(b *testing.B) {
	banner, _ := ParseReply("220 mail.example.org ESMTP Service ready")
	ehlo, _ := ParseReply("250-mail.example.org Hello client [192.0.2.1]\n250-PIPELINING\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-CHUNKING\n250-SMTPUTF8\n250-DSN\n250-SIZE 10485760\n250 LIMITS RCPTMAX=100")
	b.Run("signs", func(b *testing.B) {
		for b.Loop() {
			GuessSoftware(banner, ehlo)
		}
	})
	text := matchText(banner) + "\n" + matchText(ehlo) + "\n"
	b.Run("regexps", func(b *testing.B) {
		for b.Loop() {
			guessSoftwareRegexp(text)
		}
	})
}
