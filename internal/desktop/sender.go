package desktop

import (
	"context"
	"net/netip"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/sendercheck"
	"smtpprobe/backend/transcript"
)

// SenderRequest asks for the sender checks of an IP and domain without a
// session (the Sender checks page).
type SenderRequest struct {
	IP               string `json:"ip"`
	HELO             string `json:"helo"`
	From             string `json:"from"`
	FromHeaderDomain string `json:"from_header_domain"`
	// DNSServer is an IP address with an optional port; empty means the
	// system's resolvers.
	DNSServer string `json:"dns_server"`
	// DNSBL and DBL are the user's zone lists; empty means the defaults.
	DNSBL []string `json:"dnsbl"`
	DBL   []string `json:"dbl"`
	Lang  string   `json:"lang"`
}

// SenderResult is the outcome of SenderChecks.Check: the report, or an
// error in the asked language for unusable input.
type SenderResult struct {
	Report *sendercheck.Report `json:"report,omitempty"`
	Error  string              `json:"error,omitempty"`
}

// SenderChecks runs the sender checks for the GUI.
type SenderChecks struct {
	life *lifetime
}

var (
	txtSenderNeedIP = lang.Text{EN: "Type the sending IP address to check.", ES: "Escriba la dirección IP de envío que quiere comprobar."}
	txtSenderBadIP  = lang.Text{EN: "%q is not an IP address.", ES: "%q no es una dirección IP."}
)

// Check runs every check for req; the report is localized in req.Lang.
func (a *SenderChecks) Check(req SenderRequest) SenderResult {
	l := parseLang(req.Lang)
	s := strings.TrimSpace(req.IP)
	if s == "" {
		return SenderResult{Error: txtSenderNeedIP.In(l)}
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return SenderResult{Error: txtSenderBadIP.Format(l, transcript.EscapeString(s))}
	}
	var opts sendercheck.Options
	if d := strings.TrimSpace(req.DNSServer); d != "" {
		opts.DNS = mxlookup.Options{Servers: []string{d}}
	}
	in := sendercheck.Input{IP: ip, Source: sendercheck.Given, HELO: req.HELO, MailFrom: req.From, FromDomain: req.FromHeaderDomain}
	if len(req.DNSBL) > 0 {
		in.DNSBL = req.DNSBL
	}
	if len(req.DBL) > 0 {
		in.DBL = req.DBL
	}
	ctx, cancel := context.WithTimeout(a.life.context(), sendercheck.DefaultTimeout)
	defer cancel()
	rep, err := sendercheck.Check(ctx, in, opts)
	if err != nil {
		return SenderResult{Error: mxlookup.Explain(err).In(l)}
	}
	rep.Localize(l)
	return SenderResult{Report: rep}
}
