package sendercheck

import (
	"context"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
	"golang.org/x/net/publicsuffix"
)

// dmarcResult is the From: domain's DMARC record, before alignment.
type dmarcResult struct {
	check  DMARCCheck
	rec    *dmarc.Record
	sub    bool // the record came from the organizational domain
	err    error
	badRec string // a record that did not parse
}

// OrgDomain returns the organizational domain of a name (RFC 7489 §3.2):
// the public suffix plus one label, from the public suffix list compiled
// into golang.org/x/net/publicsuffix. Unknown suffixes (".test") count as
// one-label suffixes, the list's default rule.
func OrgDomain(name string) string {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if org, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil {
		return org
	}
	return name
}

// lookupDMARC finds the policy of the From: domain: at _dmarc.<domain>,
// else at _dmarc.<organizational domain> (RFC 7489 §6.6.3).
func (c *checker) lookupDMARC(ctx context.Context) dmarcResult {
	r := dmarcResult{check: DMARCCheck{Domain: safe(c.fromDomain), OrgDomain: safe(OrgDomain(c.fromDomain))}}
	names := []string{c.fromDomain}
	if org := OrgDomain(c.fromDomain); org != c.fromDomain {
		names = append(names, org)
	}
	for i, d := range names {
		txts, err := c.res.LookupTXT(ctx, "_dmarc."+d)
		if err != nil && !isNotFound(err) {
			r.err = err
			return r
		}
		for _, t := range txts {
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "v=dmarc1") {
				continue
			}
			rec, perr := dmarc.Parse(t)
			if perr != nil {
				// RFC 7489 §6.6.3: a record that does not parse is no record.
				r.badRec = safe(t)
				continue
			}
			r.rec, r.sub = rec, i > 0
			r.check.Record = safe(t)
			r.check.Policy = string(rec.Policy)
			if r.sub && rec.SubdomainPolicy != "" {
				r.check.Policy = string(rec.SubdomainPolicy)
			}
			return r
		}
	}
	return r
}

// aligned reports whether SPF identity domain aligns with the From: domain
// (RFC 7489 §3.1.2): equal in strict mode, same organizational domain in
// relaxed mode.
func aligned(spfDomain, fromDomain string, mode dmarc.AlignmentMode) bool {
	spfDomain = strings.ToLower(strings.TrimSuffix(spfDomain, "."))
	if mode == dmarc.AlignmentStrict {
		return spfDomain == fromDomain
	}
	return OrgDomain(spfDomain) == OrgDomain(fromDomain)
}

func (r dmarcResult) report(rep *Report, s spfResult) {
	d := r.check
	switch {
	case r.err != nil && isTemp(r.err):
		rep.DMARC = d
		rep.add("dmarc", CouldNotCheck, tx(txtDMARCErrSummary, d.Domain), tx(txtDMARCMeaning), text{}, tx(txtDNSRetryAction))
		return
	case r.rec == nil:
		rep.DMARC = d
		sum := tx(txtDMARCNoneSummary, d.Domain)
		if r.badRec != "" {
			sum = tx(txtDMARCBadSummary, d.Domain, r.badRec)
		}
		rep.add("dmarc", Warning, sum, tx(txtDMARCMeaning), tx(txtDMARCNoneConsequence), tx(txtDMARCPublishAction, d.Domain))
		return
	}
	d.SPFAligned = !rep.Local && s.check.Result == "pass" && aligned(s.check.Domain, strings.ToLower(d.Domain), r.rec.SPFAlignment)
	rep.DMARC = d
	if d.SPFAligned {
		rep.add("dmarc", Pass, tx(txtDMARCAlignedSummary, d.Domain, d.Policy, s.check.Domain), tx(txtDMARCMeaning), text{})
		return
	}
	why := tx(txtDMARCNotAlignedSPF, s.check.Domain, s.check.Result)
	if s.check.Result == "pass" {
		why = tx(txtDMARCNotAlignedDomain, s.check.Domain, d.Domain, string(r.rec.SPFAlignment))
	}
	rep.add("dmarc", Warning, tx(txtDMARCNotAlignedSummary, d.Domain, d.Policy), why, tx(txtDMARCNotAlignedConsequence, d.Policy), tx(txtDMARCAlignAction, d.Domain))
}
