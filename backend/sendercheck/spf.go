package sendercheck

import (
	"context"
	"net"
	"strings"

	"blitiri.com.ar/go/spf"
)

// spfLookupLimit is RFC 7208 §4.6.4's limit on DNS-querying terms.
const spfLookupLimit = 10

// spfResult is the SPF evaluation.
type spfResult struct {
	check SPFCheck
	null  bool // null sender: the HELO identity was evaluated
}

func (c *checker) checkSPF(ctx context.Context) spfResult {
	r := spfResult{}
	domain := c.mailDomain
	sender := strings.Trim(strings.TrimSpace(c.in.MailFrom), "<>")
	if domain == "" {
		r.null = true
		if c.helo == "" || c.heloLit {
			return r
		}
		domain = c.helo
		sender = "postmaster@" + c.helo // RFC 7208 §2.3
	}
	r.check.Domain = safe(domain)
	var matched string
	trace := func(f string, a ...any) {
		// The library traces "%q %v, %v" (field, result, error) when a
		// mechanism decides, and "all: %v" for all; the outermost comes
		// last, so the last one is the top-level mechanism that matched.
		switch {
		case f == "%q %v, %v" && len(a) == 3:
			if s, ok := a[0].(string); ok {
				matched = s
			}
		case strings.HasPrefix(f, "all:"):
			matched = "all"
		}
	}
	res, err := spf.CheckHostWithSender(net.IP(c.ip.AsSlice()), c.helo, sender,
		spf.WithContext(ctx), spf.WithResolver(c.res), spf.WithTraceFunc(trace))
	r.check.Result = string(res)
	if res == spf.TempError || res == spf.PermError {
		if err != nil {
			r.check.Error = safe(err.Error())
		}
		matched = ""
	}
	if res == spf.None || res == spf.Neutral && matched == "" {
		matched = ""
	}
	r.check.Matched = safe(matched)
	if txts, terr := c.res.LookupTXT(ctx, domain); terr == nil {
		r.check.Record = safe(spfRecord(txts))
	}
	r.check.Lookups = c.countLookups(ctx, domain, 0, map[string]bool{})
	return r
}

// spfRecord returns the SPF record among a domain's TXT records, "" if none.
func spfRecord(txts []string) string {
	for _, t := range txts {
		lt := strings.ToLower(t)
		if lt == "v=spf1" || strings.HasPrefix(lt, "v=spf1 ") {
			return t
		}
	}
	return ""
}

// countLookups counts the DNS-querying terms (include, a, mx, ptr, exists,
// redirect; RFC 7208 §4.6.4) of domain's record and of every record it
// includes or redirects to, the number receivers hold against the limit of
// 10 whatever the sending IP. Targets with macros cannot be followed without
// a message and count one each. The walk stops past the limit and on loops.
func (c *checker) countLookups(ctx context.Context, domain string, depth int, seen map[string]bool) int {
	key := strings.ToLower(strings.TrimSuffix(domain, "."))
	if depth > spfLookupLimit || seen[key] {
		return 0
	}
	seen[key] = true
	txts, err := c.res.LookupTXT(ctx, domain)
	if err != nil {
		return 0
	}
	n := 0
	for _, term := range strings.Fields(spfRecord(txts)) {
		lt := strings.ToLower(strings.TrimLeft(term, "+-~?"))
		var target string
		switch {
		case strings.HasPrefix(lt, "include:"):
			target = term[strings.IndexByte(term, ':')+1:]
		case strings.HasPrefix(lt, "redirect="):
			target = term[strings.IndexByte(term, '=')+1:]
		case lt == "a" || lt == "mx" || lt == "ptr" ||
			strings.HasPrefix(lt, "a:") || strings.HasPrefix(lt, "a/") ||
			strings.HasPrefix(lt, "mx:") || strings.HasPrefix(lt, "mx/") ||
			strings.HasPrefix(lt, "ptr:") || strings.HasPrefix(lt, "exists:"):
			n++
			continue
		default:
			continue
		}
		n++
		if !strings.Contains(target, "%") && n <= spfLookupLimit*3 {
			n += c.countLookups(ctx, target, depth+1, seen)
		}
	}
	return n
}

func (r spfResult) report(rep *Report) {
	rep.SPF = r.check
	s := r.check
	if s.Domain == "" {
		rep.add("spf", Warning, tx(txtSPFNoIdentitySummary), tx(txtSPFMeaning), text{}, tx(txtSPFNoIdentityAction))
		return
	}
	over := text{}
	if s.Lookups > spfLookupLimit {
		over = tx(txtSPFOverLimit, s.Lookups)
	}
	switch spf.Result(s.Result) {
	case spf.Pass:
		st := Pass
		if s.Lookups > spfLookupLimit {
			st = Warning
		}
		rep.add("spf", st, tx(txtSPFPassSummary, rep.IP, s.Domain, s.Matched), tx(txtSPFMeaning), over, tx(txtSPFKeepAction))
	case spf.Fail:
		rep.add("spf", Fail, tx(txtSPFFailSummary, s.Domain, rep.IP), tx(txtSPFMeaning), tx(txtSPFFailConsequence), tx(txtSPFAddAction, rep.IP, s.Domain))
	case spf.SoftFail, spf.Neutral:
		rep.add("spf", Warning, tx(txtSPFSoftSummary, s.Domain, rep.IP, s.Result), tx(txtSPFMeaning), tx(txtSPFSoftConsequence), tx(txtSPFAddAction, rep.IP, s.Domain))
	case spf.None:
		rep.add("spf", Warning, tx(txtSPFNoneSummary, s.Domain), tx(txtSPFMeaning), tx(txtSPFNoneConsequence), tx(txtSPFPublishAction, s.Domain, rep.IP))
	case spf.TempError:
		rep.add("spf", CouldNotCheck, tx(txtSPFTempSummary, s.Domain), tx(txtSPFMeaning), tx(txtSPFTempConsequence), tx(txtDNSRetryAction))
	default: // permerror
		act := tx(txtSPFFixAction, s.Domain)
		if s.Lookups > spfLookupLimit {
			act = tx(txtSPFFlattenAction, s.Lookups)
		}
		rep.add("spf", Fail, tx(txtSPFPermSummary, s.Domain, s.Error), tx(txtSPFMeaning), tx(txtSPFPermConsequence), act)
	}
}
