package diagnose

import (
	"regexp"
	"strings"

	"smtpprobe/backend/smtpwire"
)

// softwareSigns are the tell-tale strings of each server, checked in order:
// Microsoft 365 before Exchange because Exchange Online greets with the same
// "Microsoft ESMTP MAIL Service" banner as Exchange Server, from outlook.com
// hosts. Banners are configurable, so a guess is only a hint for the
// explanations, never a fact shown as such.
var softwareSigns = []struct {
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
	text := sb.String()
	for _, s := range softwareSigns {
		if s.re.MatchString(text) {
			return s.sw
		}
	}
	return SoftwareOther
}
