package diagnose

import (
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
	re *lazyRE
}{
	{SoftwareMicrosoft365, lazyMustCompile(`(?i)\.(?:prod\.)?(?:protection\.)?outlook\.com\b|\bmail\.protection\.outlook\b|\beop-[a-z0-9]+\.prod\b|\boffice365\.com\b`)},
	{SoftwareGmail, lazyMustCompile(`(?i)\bgsmtp\b|\bmx\.google\.com\b|\bsmtp\.gmail\.com\b|\bgoogle\.com ESMTP\b`)},
	{SoftwareExchange, lazyMustCompile(`(?i)Microsoft ESMTP MAIL Service|\bX-EXPS\b|\bXEXCH50\b|\bX-ANONYMOUSTLS\b|\bXRDST\b|\bXSHADOW(?:REQUEST)?\b|\bX-LINK2STATE\b`)},
	{SoftwarePostfix, lazyMustCompile(`(?i)\bESMTP Postfix\b|\bPostfix\b`)},
	{SoftwareExim, lazyMustCompile(`(?i)\bExim\b|\bX_PIPE_CONNECT\b`)},
	{SoftwareSendmail, lazyMustCompile(`(?i)\bSendmail\b|pleased to meet you`)},
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
		if s.re.get().MatchString(text) {
			return s.sw
		}
	}
	return SoftwareOther
}
