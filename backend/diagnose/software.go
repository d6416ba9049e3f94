package diagnose

import (
	"strings"

	"smtpprobe/backend/smtpwire"
)

// A softwareSign is one tell-tale string of a server, matched without regard
// to ASCII case. left and right ask for a word boundary on that side (the
// boundary of Go's regexp \b: a word character is [0-9A-Za-z_]), so "exim"
// does not match inside "maximum".
type softwareSign struct {
	word        string
	left, right bool
}

// softwareSigns are the tell-tale strings of each server, checked in order:
// Microsoft 365 before Exchange because Exchange Online greets with the same
// "Microsoft ESMTP MAIL Service" banner as Exchange Server, from outlook.com
// hosts. Banners are configurable, so a guess is only a hint for the
// explanations, never a fact shown as such.
//
// They are plain strings rather than regular expressions because the guess
// is made on every banner and EHLO while the session runs, and case-folded
// regexps with \b cost more there than the rest of the evaluation;
// TestSoftwareSignsMatchRegexps keeps them equal to the regexps they replace.
var softwareSigns = []struct {
	sw    Software
	signs []softwareSign
	// eop recognises Exchange Online Protection's host names
	// ("eop-XXXX.prod"), the one sign with a variable part.
	eop bool
}{
	{SoftwareMicrosoft365, []softwareSign{
		{".outlook.com", false, true}, // also *.prod.outlook.com, *.protection.outlook.com
		{"mail.protection.outlook", true, true},
		{"office365.com", true, true},
	}, true},
	{SoftwareGmail, []softwareSign{
		{"gsmtp", true, true}, {"mx.google.com", true, true},
		{"smtp.gmail.com", true, true}, {"google.com esmtp", true, true},
	}, false},
	{SoftwareExchange, []softwareSign{
		{"microsoft esmtp mail service", false, false},
		{"x-exps", true, true}, {"xexch50", true, true}, {"x-anonymoustls", true, true},
		{"xrdst", true, true}, {"xshadow", true, true}, {"xshadowrequest", true, true},
		{"x-link2state", true, true},
	}, false},
	{SoftwarePostfix, []softwareSign{{"postfix", true, true}}, false},
	{SoftwareExim, []softwareSign{{"exim", true, true}, {"x_pipe_connect", true, true}}, false},
	{SoftwareSendmail, []softwareSign{{"sendmail", true, true}, {"pleased to meet you", false, false}}, false},
}

// GuessSoftware guesses the server software from its banner and its EHLO
// reply; either may be nil. It returns SoftwareOther when nothing is
// recognisable.
func GuessSoftware(banner, ehlo *smtpwire.Reply) Software {
	var sb strings.Builder
	for _, r := range []*smtpwire.Reply{banner, ehlo} {
		if r != nil {
			sb.WriteString(matchText(r))
			sb.WriteByte('\n')
		}
	}
	return guessSoftwareText(sb.String())
}

// guessSoftwareText is GuessSoftware on the joined match text.
func guessSoftwareText(text string) Software {
	lower := asciiLower(text)
	for _, s := range softwareSigns {
		if s.eop && hasEOPHost(lower) {
			return s.sw
		}
		for _, sign := range s.signs {
			if hasWord(lower, sign) {
				return s.sw
			}
		}
	}
	return SoftwareOther
}

// asciiLower lowers ASCII letters only: every sign is ASCII, and a byte of a
// multi-byte UTF-8 character is never an ASCII letter, so offsets stay put.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// isWordByte reports whether c is a word character as regexp's \b sees it.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// boundary reports whether there is a \b between s[i-1] and s[i].
func boundary(s string, i int) bool {
	before := i > 0 && isWordByte(s[i-1])
	after := i < len(s) && isWordByte(s[i])
	return before != after
}

// hasWord reports whether the lowered text holds sign with the boundaries it
// asks for, at any of its occurrences.
func hasWord(lower string, sign softwareSign) bool {
	for from := 0; ; {
		i := strings.Index(lower[from:], sign.word)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(sign.word)
		if (!sign.left || boundary(lower, i)) && (!sign.right || boundary(lower, end)) {
			return true
		}
		from = i + 1
	}
}

// hasEOPHost matches \beop-[a-z0-9]+\.prod\b on the lowered text.
func hasEOPHost(lower string) bool {
	for from := 0; ; {
		i := strings.Index(lower[from:], "eop-")
		if i < 0 {
			return false
		}
		i += from
		from = i + 1
		if !boundary(lower, i) {
			continue
		}
		j := i + len("eop-")
		k := j
		for k < len(lower) && ('a' <= lower[k] && lower[k] <= 'z' || '0' <= lower[k] && lower[k] <= '9') {
			k++
		}
		// [a-z0-9]+ is greedy but may give back: "eop-a1.prod" needs the run
		// to end right before ".prod", and a run cannot hold a '.', so the
		// only candidate is the end of the run.
		if k > j && strings.HasPrefix(lower[k:], ".prod") && boundary(lower, k+len(".prod")) {
			return true
		}
	}
}
