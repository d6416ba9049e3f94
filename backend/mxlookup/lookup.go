// Package mxlookup finds the mail exchangers of a domain the way a sending
// mail server does, and shows everything "nslookup -type=mx" shows and what it
// hides: the resolver that answered and over which transport, the response
// code, preferences with ties, each exchanger's A and AAAA addresses with
// TTLs, implicit MX (RFC 5321 §5.1), null MX (RFC 7505), CNAME chains and
// loops, and exchangers that are IP literals, aliases or hold odd bytes.
//
// Lookup does the whole job for a domain; LookupHost resolves one host name
// through the same resolvers. Both talk to DNS servers directly with
// github.com/miekg/dns: the servers given in Options, or the system's
// (/etc/resolv.conf, or the adapters' DNS servers on Windows).
//
// Errors are checkable with errors.Is against the sentinel errors (ErrNXDomain,
// ErrNullMX, ErrAllServersFailed...) and classified by Permanent, Temporary
// and Usage. Texts meant for people (warnings, error explanations) come in
// English and Spanish as lang.Text; see Explain.
package mxlookup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Defaults and limits.
const (
	// DefaultTimeout bounds a whole Lookup, as "set timeout=20" does in the
	// procedure this replaces.
	DefaultTimeout = 20 * time.Second
	// DefaultQueryTimeout bounds one query to one server.
	DefaultQueryTimeout = 5 * time.Second
	// MaxCNAMEChain is how many CNAMEs are followed for one name before
	// giving up with ErrCNAMEDepth.
	MaxCNAMEChain = 8
	// MaxHosts is how many MX hosts get their addresses resolved; more are
	// reported and dropped with a warning.
	MaxHosts = 100
	// maxParallel bounds concurrent address queries.
	maxParallel = 16
)

// Options configure Lookup and LookupHost. The zero value uses the system's
// DNS servers and the default timeouts.
type Options struct {
	// Servers are the DNS servers to ask, in order: "host" or "host:port",
	// IPv4 or IPv6 address literals ("192.0.2.53", "[2001:db8::53]:5353",
	// "2001:db8::53"). Empty means the system's resolvers (SystemServers).
	Servers []string
	// Timeout bounds the whole call; 0 means DefaultTimeout.
	Timeout time.Duration
	// QueryTimeout bounds one query to one server; 0 means
	// DefaultQueryTimeout.
	QueryTimeout time.Duration
}

// Resolver identifies the DNS server that gave an answer and how.
type Resolver struct {
	// Addr is the server, "host:port".
	Addr string `json:"addr"`
	// Net is "udp" or "tcp" (TCP after a truncated UDP answer).
	Net string `json:"net"`
}

// String returns "addr/net", e.g. "192.0.2.53:53/udp".
func (r Resolver) String() string {
	if r.Addr == "" {
		return ""
	}
	return r.Addr + "/" + r.Net
}

// Address is one A or AAAA record of a host.
type Address struct {
	// IP is the address.
	IP netip.Addr `json:"ip"`
	// TTL is the record's time to live, in seconds.
	TTL uint32 `json:"ttl"`
}

// Flag marks something odd about an MX target.
type Flag string

// Flags of an MX target.
const (
	// FlagIPLiteral: the target is an IP address written as a name
	// ("192.0.2.1."); RFC 5321 §5.1 requires a host name. Not resolved.
	FlagIPLiteral Flag = "ip-literal"
	// FlagCNAME: the target is an alias; RFC 2181 §10.3 forbids MX records
	// pointing at a CNAME. Resolved through the alias anyway.
	FlagCNAME Flag = "cname"
	// FlagOddName: the target holds bytes outside letters, digits, hyphens
	// and dots (shown escaped, never raw).
	FlagOddName Flag = "odd-name"
)

// Host is one mail exchanger.
type Host struct {
	// Preference is the MX preference; lower is tried first.
	Preference uint16
	// Exchanger is the target host name in ASCII presentation format without
	// the trailing dot. Unusual bytes are escaped (\DDD), so it is always
	// safe to display.
	Exchanger string
	// ExchangerUnicode is the U-label form when the exchanger is an
	// internationalised name, else "".
	ExchangerUnicode string
	// TTL is the MX record's time to live, in seconds (0 for implicit MX).
	TTL uint32
	// Equal is set when another host has the same preference: senders pick
	// among equals at random (RFC 5321 §5.1), the listed order means nothing.
	Equal bool
	// Implicit is set for the implicit MX: the domain itself, used because
	// it has no MX records (RFC 5321 §5.1).
	Implicit bool
	// CNAMEs lists the aliases followed from Exchanger to its addresses.
	CNAMEs []string
	// Flags mark oddities of the target.
	Flags []Flag
	// Addresses are the host's A then AAAA records.
	Addresses []Address
	// Err says why the host has no addresses (nil when it has some). It
	// matches the sentinel errors: ErrNXDomain, ErrNoAddress,
	// ErrAllServersFailed, ErrCNAMELoop, ErrIPLiteralTarget...
	Err error

	// fqdn is the target exactly as received (presentation format, with
	// its escapes and trailing dot), which is what gets queried.
	fqdn string
}

// HasFlag reports whether the host carries f.
func (h Host) HasFlag(f Flag) bool { return slices.Contains(h.Flags, f) }

// Warning is a note about the answer, for people.
type Warning struct {
	// Code identifies the kind of warning, e.g. "null-mx-mixed".
	Code string `json:"code"`
	// Text is the warning in both languages.
	Text lang.Text `json:"text"`
}

// Result is everything learnt about a domain's mail exchangers.
type Result struct {
	// Name is the domain asked, in its typed, ASCII and Unicode forms.
	Name Name
	// Resolver is the server that answered the MX query and the transport.
	Resolver Resolver
	// Rcode is the response code of the MX answer (dns.RcodeSuccess,
	// dns.RcodeNameError), or -1 when no server answered.
	Rcode int
	// CNAMEs lists the aliases followed from the domain to its MX records.
	CNAMEs []string
	// NullMX is set when the domain publishes only the null MX "0 ."
	// (RFC 7505): it accepts no mail.
	NullMX bool
	// ImplicitMX is set when the domain has no MX records and its own
	// addresses are used (RFC 5321 §5.1); Hosts then has one Implicit host.
	ImplicitMX bool
	// Hosts are the mail exchangers sorted by preference, ties kept in the
	// order the server gave them and marked Equal.
	Hosts []Host
	// Warnings are notes about oddities found.
	Warnings []Warning
	// Attempts lists every exchange made for the MX query itself, including
	// failed servers before the one that answered.
	Attempts []Attempt
	// Elapsed is the time the whole lookup took.
	Elapsed time.Duration
}

// RcodeName returns the response code's mnemonic ("NOERROR", "NXDOMAIN"), or
// "" when no server answered.
func (r Result) RcodeName() string { return rcodeName(r.Rcode) }

// Lookup finds the mail exchangers of domain. The name is checked first
// (ParseDomain); an invalid one fails with ErrInvalidName before anything is
// sent. Then the MX records are asked from each server in turn until one
// answers, and the addresses of every exchanger are resolved concurrently
// through the same servers, the one that answered first.
//
// A Result is returned even with an error, holding what was learnt (the
// resolver, the attempts, the null MX flag...). The error is nil when the
// domain has mail exchangers, even if some of them have no address (see
// Host.Err); otherwise it matches ErrNXDomain, ErrNullMX or ErrNoMailHost
// (permanent), ErrAllServersFailed (temporary), ErrCNAMELoop or ErrCNAMEDepth,
// or ErrInvalidName, ErrInvalidServer or ErrNoResolver (usage).
func Lookup(ctx context.Context, domain string, opts Options) (res Result, err error) {
	start := time.Now()
	res.Rcode = -1
	defer func() { res.Elapsed = time.Since(start) }()

	name, err := ParseDomain(domain)
	if err != nil {
		return res, err
	}
	res.Name = name
	r, err := newResolver(opts)
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()

	ans, err := r.chase(ctx, name.ASCII, dns.TypeMX)
	res.Attempts = ans.attempts
	res.CNAMEs = ans.chain
	if err != nil {
		return res, err
	}
	res.Resolver, res.Rcode = ans.used, ans.rcode
	// Later queries go to the server that answered first: it is known to
	// work and it is the resolver the user is shown.
	r.prefer(ans.used.Addr)
	if len(ans.chain) > 0 {
		res.warn("domain-cname", txtWarnDomainCNAME.fmt(name.Display(), strings.Join(ans.chain, " -> ")))
	}
	if ans.rcode == dns.RcodeNameError {
		return res, &LookupError{Err: ErrNXDomain, Name: safeName(ans.final), Query: "MX", Chain: ans.chain, Attempts: ans.attempts}
	}

	mxs := collectMX(ans.rrs, &res)
	if res.NullMX {
		return res, &LookupError{Err: ErrNullMX, Name: safeName(ans.final), Query: "MX", Chain: ans.chain}
	}
	if len(mxs) == 0 {
		return res, lookupImplicit(ctx, r, ans.final, &res)
	}
	res.Hosts = mxs
	resolveHosts(ctx, r, res.Hosts)
	for _, h := range res.Hosts {
		res.warnHost(h)
	}
	return res, nil
}

// LookupHost resolves the A and AAAA records of one host name through the
// resolvers of opts (both queries at once, CNAMEs followed). An IP literal
// is returned as is, without a query. The error matches ErrInvalidName,
// ErrNXDomain, ErrNoAddress, ErrAllServersFailed, ErrCNAMELoop or
// ErrCNAMEDepth; when only one of the two queries failed, the addresses of
// the other are returned with a nil error.
func LookupHost(ctx context.Context, host string, opts Options) ([]Address, error) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && !strings.Contains(host, "%") {
		return []Address{{IP: ip.Unmap()}}, nil
	}
	name, err := ParseDomain(host)
	if err != nil {
		return nil, err
	}
	r, err := newResolver(opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	h := Host{Exchanger: strings.TrimSuffix(name.ASCII, ".")}
	resolveHost(ctx, r, &h, name.ASCII)
	return h.Addresses, h.Err
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func newResolver(opts Options) (*resolver, error) {
	servers := opts.Servers
	if len(servers) == 0 {
		sys, err := SystemServers()
		if err != nil {
			return nil, err
		}
		servers = sys
	} else {
		servers = make([]string, 0, len(opts.Servers))
		for _, s := range opts.Servers {
			addr, err := ParseServer(s)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(servers, addr) {
				servers = append(servers, addr)
			}
		}
	}
	qt := opts.QueryTimeout
	if qt <= 0 {
		qt = DefaultQueryTimeout
	}
	return &resolver{servers: servers, queryTimeout: qt}, nil
}

// prefer moves addr to the front of the server list.
func (r *resolver) prefer(addr string) {
	if i := slices.Index(r.servers, addr); i > 0 {
		r.servers = slices.Concat([]string{addr}, r.servers[:i], r.servers[i+1:])
	}
}

// collectMX turns MX records into hosts sorted by preference, handling the
// null MX: alone it makes the domain refuse mail; mixed with real records
// it is a misconfiguration and is ignored (RFC 7505 §3).
func collectMX(rrs []dns.RR, res *Result) []Host {
	var hosts []Host
	nulls := 0
	seen := map[string]bool{}
	for _, rr := range rrs {
		mx, ok := rr.(*dns.MX)
		if !ok {
			continue
		}
		if mx.Mx == "." {
			nulls++
			if mx.Preference != 0 {
				res.warn("null-mx-preference", txtWarnNullPref.fmt(mx.Preference))
			}
			continue
		}
		key := fmt.Sprintf("%d %s", mx.Preference, strings.ToLower(mx.Mx))
		if seen[key] {
			continue // the same record twice says nothing more
		}
		seen[key] = true
		hosts = append(hosts, newHost(mx))
	}
	if nulls > 0 && len(hosts) == 0 {
		res.NullMX = true
		return nil
	}
	if nulls > 0 {
		res.warn("null-mx-mixed", txtWarnNullMixed.fmt())
	}
	slices.SortStableFunc(hosts, func(a, b Host) int { return cmp.Compare(a.Preference, b.Preference) })
	for i := range hosts {
		if i > 0 && hosts[i-1].Preference == hosts[i].Preference {
			hosts[i-1].Equal, hosts[i].Equal = true, true
		}
	}
	if len(hosts) > MaxHosts {
		res.warn("too-many-mx", txtWarnTooMany.fmt(len(hosts), MaxHosts))
		hosts = hosts[:MaxHosts]
	}
	return hosts
}

func newHost(mx *dns.MX) Host {
	h := Host{Preference: mx.Preference, TTL: mx.Hdr.Ttl, Exchanger: safeName(mx.Mx), fqdn: mx.Mx}
	bare := strings.TrimSuffix(mx.Mx, ".")
	if _, err := netip.ParseAddr(bare); err == nil || looksNumeric(bare) {
		h.Flags = append(h.Flags, FlagIPLiteral)
		h.Err = &LookupError{Err: ErrIPLiteralTarget, Name: h.Exchanger, Query: "MX"}
	}
	if _, ok := checkLDH(strings.ToLower(bare)); !ok && !h.HasFlag(FlagIPLiteral) {
		h.Flags = append(h.Flags, FlagOddName)
	}
	if strings.Contains(strings.ToLower(bare), "xn--") && !h.HasFlag(FlagOddName) {
		if u, err := idnaDisplay(bare); err == nil && u != bare {
			h.ExchangerUnicode = u
		}
	}
	return h
}

// looksNumeric catches dotted numbers netip does not parse ("10.1.2",
// "192.168.001.010"): a name whose last label is all digits is no host name.
func looksNumeric(name string) bool {
	labels := strings.Split(name, ".")
	last := labels[len(labels)-1]
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// lookupImplicit applies RFC 5321 §5.1: with no MX records, the domain's own
// address records make an implicit MX of preference 0.
func lookupImplicit(ctx context.Context, r *resolver, final string, res *Result) error {
	h := Host{Exchanger: safeName(final), Implicit: true}
	resolveHost(ctx, r, &h, final)
	switch {
	case len(h.Addresses) > 0:
		res.ImplicitMX = true
		res.Hosts = []Host{h}
		res.warnHost(h)
		res.warn("implicit-mx", txtWarnImplicit.fmt(res.Name.Display()))
		return nil
	case errors.Is(h.Err, ErrNoAddress) || errors.Is(h.Err, ErrNXDomain):
		return &LookupError{Err: ErrNoMailHost, Name: safeName(final), Query: "MX"}
	}
	return h.Err
}

// resolveHosts resolves the addresses of every host that can be resolved, at
// most maxParallel at a time.
func resolveHosts(ctx context.Context, r *resolver, hosts []Host) {
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i := range hosts {
		if hosts[i].Err != nil {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			resolveHost(ctx, r, &hosts[i], hosts[i].fqdn)
		})
	}
	wg.Wait()
}

// resolveHost asks for A and AAAA at the same time and fills h.Addresses,
// h.CNAMEs and h.Err. Err stays nil when at least one family gave addresses.
func resolveHost(ctx context.Context, r *resolver, h *Host, fqdn string) {
	var a4, a6 answer
	var e4, e6 error
	var wg sync.WaitGroup
	wg.Go(func() { a4, e4 = r.chase(ctx, fqdn, dns.TypeA) })
	a6, e6 = r.chase(ctx, fqdn, dns.TypeAAAA)
	wg.Wait()

	for _, ans := range []answer{a4, a6} {
		for _, rr := range ans.rrs {
			var ip netip.Addr
			switch v := rr.(type) {
			case *dns.A:
				ip, _ = netip.AddrFromSlice(v.A.To4())
			case *dns.AAAA:
				ip, _ = netip.AddrFromSlice(v.AAAA.To16())
			}
			if ip.IsValid() {
				h.Addresses = append(h.Addresses, Address{IP: ip, TTL: rr.Header().Ttl})
			}
		}
	}
	chain := a4.chain
	if len(a6.chain) > len(chain) {
		chain = a6.chain
	}
	if len(chain) > 0 {
		h.CNAMEs = chain
		if !h.Implicit {
			h.Flags = append(h.Flags, FlagCNAME)
		}
	}
	if len(h.Addresses) > 0 {
		return
	}
	switch {
	case e4 != nil && !errors.Is(e4, ErrAllServersFailed):
		h.Err = e4 // loops and depth first: they explain everything
	case e6 != nil && !errors.Is(e6, ErrAllServersFailed):
		h.Err = e6
	case e4 != nil:
		h.Err = e4
	case e6 != nil:
		h.Err = e6
	case a4.rcode == dns.RcodeNameError:
		h.Err = &LookupError{Err: ErrNXDomain, Name: safeName(a4.final), Query: "A", Chain: a4.chain}
	default:
		h.Err = &LookupError{Err: ErrNoAddress, Name: safeName(a4.final), Query: "A/AAAA", Chain: a4.chain}
	}
}

func (r *Result) warn(code string, t lang.Text) {
	r.Warnings = append(r.Warnings, Warning{Code: code, Text: t})
}

// warnHost adds the warnings for a host's flags.
func (r *Result) warnHost(h Host) {
	for _, f := range h.Flags {
		switch f {
		case FlagIPLiteral:
			r.warn("mx-ip-literal", txtWarnIPLiteral.fmt(h.Exchanger))
		case FlagCNAME:
			r.warn("mx-cname", txtWarnCNAME.fmt(h.Exchanger, strings.Join(h.CNAMEs, " -> ")))
		case FlagOddName:
			r.warn("mx-odd-name", txtWarnOddName.fmt(h.Exchanger))
		}
	}
}

// safeName turns a DNS name in presentation format into display form,
// without the trailing dot. miekg/dns already writes unusual bytes as \DDD
// (RFC 1035 §5.1), which is the notation DNS admins know, so a name of
// printable ASCII is kept as is; anything else is escaped again.
func safeName(s string) string {
	if s != "." {
		s = strings.TrimSuffix(s, ".")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return safe(s)
		}
	}
	return s
}

func safe(s string) string { return transcript.EscapeString(s) }
