// Package sendercheck answers the question a receiving server asks before it
// trusts a sender: which address is this, does its reverse DNS name resolve
// back to it (RFC 1912 §2.1), does the EHLO name fit (RFC 5321 §4.1.4), does
// SPF authorise it (RFC 7208), would DMARC see SPF aligned (RFC 7489), and is
// it on a DNS blocklist (RFC 5782).
//
// Check runs every lookup through an mxlookup.Client, so the DNS servers the
// user chose (--dns-server) are the only ones asked, concurrently but
// bounded, and within the context's deadline. Every answer is treated as
// hostile: sizes are capped, names are escaped before they reach a report.
// Each outcome becomes a Finding (pass, warning, fail, could_not_check) with
// its meaning, likely consequence and actions in English and Spanish;
// Report.Localize picks the language.
package sendercheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/transcript"
)

// Defaults.
const (
	// DefaultTimeout bounds a whole Check.
	DefaultTimeout = 20 * time.Second
	// DefaultParallel bounds concurrent lookups.
	DefaultParallel = 8
)

// Status is the verdict of one finding.
type Status string

// Statuses, from best to worst for the exit code: a fail outranks a check
// that could not be made.
const (
	Pass          Status = "pass"
	Warning       Status = "warning"
	Fail          Status = "fail"
	CouldNotCheck Status = "could_not_check"
)

// IPSource says where the checked address came from.
type IPSource string

// Sources of the checked address.
const (
	// FromServer is the address the server echoed in its replies.
	FromServer IPSource = "server"
	// FromLocal is the local address of the connection.
	FromLocal IPSource = "local"
	// Given is an address the user typed.
	Given IPSource = "given"
)

// Input is what to check.
type Input struct {
	// IP is the sending address (required).
	IP netip.Addr
	// Source says where IP came from; empty means Given.
	Source IPSource
	// HELO is the EHLO/HELO name the client announces; empty skips the
	// EHLO checks.
	HELO string
	// MailFrom is the envelope sender (RFC 5321 MAIL FROM), "" or "<>" for
	// the null sender, whose SPF identity is then the HELO name (RFC 7208
	// §2.3).
	MailFrom string
	// FromDomain is the domain of the From: header, the DMARC identity
	// (RFC 7489 §3.1); empty means the MAIL FROM domain.
	FromDomain string
	// DNSBL are the IP blocklist zones; nil means DefaultDNSBL.
	DNSBL []string
	// DBL are the domain blocklist zones; nil means DefaultDBL.
	DBL []string
}

// Options configure Check.
type Options struct {
	// DNS is the resolver configuration, the same the MX lookup uses.
	DNS mxlookup.Options
	// Timeout bounds the whole Check; 0 means DefaultTimeout.
	Timeout time.Duration
	// Parallel bounds concurrent lookups; 0 means DefaultParallel.
	Parallel int
}

// HELOCheck is what was learnt about the EHLO name.
type HELOCheck struct {
	Name         string   `json:"name"`
	MatchesPTR   bool     `json:"matches_ptr"`
	ResolvesToIP bool     `json:"resolves_to_ip"`
	Addresses    []string `json:"addresses,omitempty"`
}

// SPFCheck is the SPF evaluation for the IP.
type SPFCheck struct {
	// Domain is the identity evaluated: the MAIL FROM domain, or the HELO
	// name for the null sender.
	Domain string `json:"domain"`
	// Result is pass, fail, softfail, neutral, none, temperror or permerror
	// (RFC 7208 §2.6), "" when not evaluated.
	Result string `json:"result"`
	// Record is the domain's SPF record, escaped.
	Record string `json:"record"`
	// Matched is the mechanism that decided the result ("ip4:192.0.2.0/24",
	// "include:spf.example", "all"), "" when none did.
	Matched string `json:"matched"`
	// Lookups counts the DNS-querying terms of the record and of the records
	// it includes or redirects to (RFC 7208 §4.6.4, limit 10).
	Lookups int `json:"lookups"`
	// Error is the reason of a temperror or permerror.
	Error string `json:"error,omitempty"`
}

// DMARCCheck is the From: domain's DMARC policy.
type DMARCCheck struct {
	Domain string `json:"domain"`
	// Policy is none, quarantine or reject ("" without a record); for a
	// subdomain covered by its organizational domain's record, the sp= one.
	Policy string `json:"policy"`
	Record string `json:"record"`
	// SPFAligned is true when SPF passed for a domain aligned with the From:
	// domain under the record's aspf mode (RFC 7489 §3.1.2).
	SPFAligned bool `json:"spf_aligned"`
	// OrgDomain is the organizational domain used for relaxed alignment and
	// the fallback lookup (RFC 7489 §3.2, §6.6.3).
	OrgDomain string `json:"org_domain,omitempty"`
}

// Listing is the answer of one blocklist zone.
type Listing struct {
	Zone string `json:"zone"`
	// Kind is "ip" (RFC 5782 §2) or "domain" (§3).
	Kind  string `json:"kind"`
	Query string `json:"query"`
	// Listed is true only for a real listing, never for a refusal.
	Listed bool     `json:"listed"`
	Codes  []string `json:"codes"`
	// Meaning explains the codes (in the report's language).
	Meaning string `json:"meaning"`
	Status  Status `json:"status"`

	meaning text
}

// Finding is one verdict for people.
type Finding struct {
	ID          string   `json:"id"`
	Status      Status   `json:"status"`
	Summary     string   `json:"summary"`
	Meaning     string   `json:"meaning"`
	Consequence string   `json:"consequence,omitempty"`
	Actions     []string `json:"actions"`

	summary, meaning, consequence text
	actions                       []text
}

// Report is the outcome of Check.
type Report struct {
	IP       string   `json:"ip"`
	IPSource IPSource `json:"ip_source"`
	// Local is set when IP cannot be the address receivers see (IsLocal).
	Local    bool       `json:"local"`
	PTR      []string   `json:"ptr"`
	FCrDNS   bool       `json:"fcrdns"`
	HELO     HELOCheck  `json:"helo"`
	SPF      SPFCheck   `json:"spf"`
	DMARC    DMARCCheck `json:"dmarc"`
	DNSBL    []Listing  `json:"dnsbl"`
	Findings []Finding  `json:"findings"`
}

// text is a bilingual text with its arguments, formatted by Localize.
type text struct {
	t    lang.Text
	args []any
}

func tx(t lang.Text, args ...any) text { return text{t, args} }

func (t text) in(l lang.Lang) string {
	if t.t.EN == "" {
		return ""
	}
	return t.t.Format(l, t.args...)
}

// Localize fills the people-facing strings (summaries, meanings, actions,
// blocklist meanings) in l. Check returns the report in English.
func (r *Report) Localize(l lang.Lang) {
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Summary, f.Meaning, f.Consequence = f.summary.in(l), f.meaning.in(l), f.consequence.in(l)
		f.Actions = make([]string, len(f.actions))
		for j, a := range f.actions {
			f.Actions[j] = a.in(l)
		}
	}
	for i := range r.DNSBL {
		r.DNSBL[i].Meaning = r.DNSBL[i].meaning.in(l)
	}
}

// Worst returns the most serious status of the findings: Fail, then
// CouldNotCheck, then Warning, then Pass.
func (r *Report) Worst() Status {
	worst := Pass
	rank := map[Status]int{Pass: 0, Warning: 1, CouldNotCheck: 2, Fail: 3}
	for _, f := range r.Findings {
		if rank[f.Status] > rank[worst] {
			worst = f.Status
		}
	}
	return worst
}

func (r *Report) add(id string, st Status, summary, meaning, consequence text, actions ...text) {
	r.Findings = append(r.Findings, Finding{ID: id, Status: st, summary: summary, meaning: meaning, consequence: consequence, actions: actions})
}

// ErrNoIP is returned by Check when Input.IP is not set.
var ErrNoIP = errors.New("sendercheck: no IP address to check")

// Check runs every check for in and returns the report, localized in
// English. It fails only on unusable input (no IP, bad DNS server); DNS
// failures become CouldNotCheck findings.
func Check(ctx context.Context, in Input, opts Options) (*Report, error) {
	if !in.IP.IsValid() {
		return nil, ErrNoIP
	}
	client, err := mxlookup.NewClient(opts.DNS)
	if err != nil {
		return nil, fmt.Errorf("sendercheck: %w", err)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	par := opts.Parallel
	if par <= 0 {
		par = DefaultParallel
	}
	c := &checker{in: in, res: newDNSResolver(client, par)}
	c.normalize()
	rep := c.run(ctx)
	rep.Localize(lang.EN)
	return rep, nil
}

// checker holds one Check's state.
type checker struct {
	in  Input
	res *dnsResolver

	ip         netip.Addr
	helo       string // lower case, no trailing dot, "" if none
	heloLit    bool   // HELO is an address literal
	mailDomain string // MAIL FROM domain, "" for the null sender
	fromDomain string
}

func (c *checker) normalize() {
	c.ip = c.in.IP.Unmap()
	if c.in.Source == "" {
		c.in.Source = Given
	}
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(c.in.HELO)), ".")
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		c.heloLit = true
	}
	c.helo = h
	addr := strings.Trim(strings.TrimSpace(c.in.MailFrom), "<>")
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		c.mailDomain = strings.TrimSuffix(strings.ToLower(addr[i+1:]), ".")
	}
	c.fromDomain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(c.in.FromDomain)), ".")
	if c.fromDomain == "" {
		c.fromDomain = c.mailDomain
	}
	if c.in.DNSBL == nil {
		c.in.DNSBL = DefaultDNSBL
	}
	if c.in.DBL == nil {
		c.in.DBL = DefaultDBL
	}
}

func (c *checker) run(ctx context.Context) *Report {
	rep := &Report{IP: c.ip.String(), IPSource: c.in.Source, Local: IsLocal(c.ip), PTR: []string{}, DNSBL: []Listing{}}
	if rep.Local {
		rep.add("egress_local", Warning, tx(txtLocalSummary, rep.IP), tx(txtLocalMeaning), tx(txtLocalConsequence), tx(txtLocalAction))
		// Nothing else is asked: a session to a server on the same network
		// (or a test on loopback) must not cost DNS queries, and the checks
		// that do not depend on the IP mean little without it.
		return rep
	}

	var (
		wg   sync.WaitGroup
		ptr  ptrResult
		helo heloResult
		spfR spfResult
		dm   dmarcResult
		bl   []Listing
	)
	if !rep.Local {
		wg.Go(func() { ptr = c.checkPTR(ctx) })
		wg.Go(func() { spfR = c.checkSPF(ctx) })
		wg.Go(func() { bl = append(bl, c.checkDNSBL(ctx)...) })
	}
	if c.helo != "" {
		wg.Go(func() { helo = c.lookupHELO(ctx) })
	}
	if c.fromDomain != "" {
		wg.Go(func() { dm = c.lookupDMARC(ctx) })
	}
	var dbl []Listing
	wg.Go(func() { dbl = c.checkDBL(ctx) })
	wg.Wait()

	if !rep.Local {
		ptr.report(rep, c)
	}
	if c.helo != "" {
		helo.report(rep, c, ptr)
	}
	if !rep.Local {
		spfR.report(rep)
	}
	if c.fromDomain != "" {
		dm.report(rep, spfR)
	}
	reportListings(rep, append(bl, dbl...))
	return rep
}

// safe escapes a string from the network for display.
func safe(s string) string { return transcript.EscapeString(s) }

// sameName compares host names without case or trailing dot.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

func containsIP(addrs []netip.Addr, ip netip.Addr) bool {
	return slices.ContainsFunc(addrs, func(a netip.Addr) bool { return a.Unmap() == ip })
}

// In returns a copy of r localized in l, leaving r as it is, for a report
// written in another language than the one r was localized in.
func (r *Report) In(l lang.Lang) *Report {
	c := *r
	c.PTR = slices.Clone(r.PTR)
	c.DNSBL = slices.Clone(r.DNSBL)
	c.Findings = slices.Clone(r.Findings)
	for i := range c.DNSBL {
		c.DNSBL[i].Codes = slices.Clone(r.DNSBL[i].Codes)
	}
	c.Localize(l)
	return &c
}
