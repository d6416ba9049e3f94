package sendercheck

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// DefaultDNSBL are widely used public IP blocklist zones (RFC 5782 §2).
var DefaultDNSBL = []string{
	"zen.spamhaus.org",
	"bl.spamcop.net",
	"b.barracudacentral.org",
	"psbl.surriel.com",
	"bl.mailspike.net",
}

// DefaultDBL are widely used public domain blocklist zones (RFC 5782 §3).
var DefaultDBL = []string{
	"dbl.spamhaus.org",
	"multi.surbl.org",
}

// maxZones bounds the zones asked in one Check, whatever the user lists.
const maxZones = 32

// ipQuery is the RFC 5782 §2.1 (IPv4: octets reversed) or §2.4 (IPv6:
// nibbles reversed) name of ip in zone.
func ipQuery(ip netip.Addr, zone string) string {
	rev, _ := dns.ReverseAddr(ip.String())
	rev = strings.TrimSuffix(rev, "in-addr.arpa.")
	rev = strings.TrimSuffix(rev, "ip6.arpa.")
	return rev + dns.Fqdn(zone)
}

func (c *checker) checkDNSBL(ctx context.Context) []Listing {
	var qs []Listing
	for _, z := range zones(c.in.DNSBL) {
		qs = append(qs, Listing{Zone: z, Kind: "ip", Query: strings.TrimSuffix(ipQuery(c.ip, z), ".")})
	}
	return c.ask(ctx, qs)
}

func (c *checker) checkDBL(ctx context.Context) []Listing {
	var domains []string
	for _, d := range []string{c.mailDomain, c.fromDomain, c.helo} {
		if d == "" || c.heloLit && d == c.helo || !strings.Contains(d, ".") {
			continue
		}
		if _, ok := dns.IsDomainName(d); !ok || slices.Contains(domains, d) {
			continue
		}
		domains = append(domains, d)
	}
	var qs []Listing
	for _, z := range zones(c.in.DBL) {
		for _, d := range domains {
			qs = append(qs, Listing{Zone: z, Kind: "domain", Query: d + "." + z})
		}
	}
	return c.ask(ctx, qs)
}

// zones cleans a user's list: lower case, no trailing dot, no duplicates,
// at most maxZones valid names.
func zones(in []string) []string {
	var out []string
	for _, z := range in {
		z = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(z)), ".")
		if _, ok := dns.IsDomainName(z); !ok || z == "" || !strings.Contains(z, ".") || slices.Contains(out, z) {
			continue
		}
		out = append(out, z)
		if len(out) == maxZones {
			break
		}
	}
	return out
}

// ask queries the A records of every listing concurrently (the resolver
// bounds how many at once) and classifies the answers.
func (c *checker) ask(ctx context.Context, qs []Listing) []Listing {
	var wg sync.WaitGroup
	for i := range qs {
		wg.Go(func() {
			l := &qs[i]
			l.Codes = []string{}
			rrs, err := c.res.query(ctx, l.Query, dns.TypeA)
			switch {
			case isNotFound(err):
				l.Status = Pass // RFC 5782 §2.1: NXDOMAIN is "not listed"
				l.meaning = tx(txtNotListed)
				return
			case err != nil:
				l.Status = CouldNotCheck
				l.meaning = tx(txtZoneError, safe(err.Error()))
				return
			}
			var addrs []netip.Addr
			for _, rr := range rrs {
				if a, ok := rr.(*dns.A); ok {
					if ip, ok := netip.AddrFromSlice(a.A); ok {
						addrs = append(addrs, ip.Unmap())
					}
				}
			}
			classify(l, addrs)
		})
	}
	wg.Wait()
	return qs
}

// loopback127 is where RFC 5782 §2.1 puts listing codes.
var loopback127 = netip.MustParsePrefix("127.0.0.0/8")

// classify sets the status, codes and meaning of a listing from its A
// records. Codes outside 127/8 are not listings: a resolver that rewrites
// NXDOMAIN to an advertising page answers so. Spamhaus answers
// 127.255.255.252 (typo in the zone), .254 (query through a public or open
// resolver) and .255 (too many queries) when it refuses to answer; DBL
// answers 127.0.1.255 for IP queries: those are "could not check".
func classify(l *Listing, addrs []netip.Addr) {
	if len(addrs) == 0 {
		l.Status = Pass
		l.meaning = tx(txtNotListed)
		return
	}
	var refused, bogus bool
	var meanings []string
	for _, ip := range addrs {
		l.Codes = append(l.Codes, ip.String())
		switch {
		case !loopback127.Contains(ip):
			bogus = true
		case refusedCode(l.Zone, ip):
			refused = true
		default:
			l.Listed = true
			if m := codeMeaning(l.Zone, ip); m != "" && !slices.Contains(meanings, m) {
				meanings = append(meanings, m)
			}
		}
	}
	slices.Sort(l.Codes)
	l.Codes = slices.Compact(l.Codes)
	switch {
	case l.Listed:
		l.Status = Fail
		if len(meanings) == 0 {
			l.meaning = tx(txtListedGeneric)
		} else {
			l.meaning = tx(txtListedAs, strings.Join(meanings, "; "))
		}
	case refused:
		l.Status = CouldNotCheck
		l.meaning = tx(txtZoneRefused)
	case bogus:
		l.Status = CouldNotCheck
		l.meaning = tx(txtZoneBogus)
	}
}

func isSpamhaus(zone string) bool {
	return zone == "spamhaus.org" || strings.HasSuffix(zone, ".spamhaus.org") || strings.HasSuffix(zone, ".spamhaus.net")
}

func refusedCode(zone string, ip netip.Addr) bool {
	b := ip.As4()
	if b[1] == 255 && b[2] == 255 && (b[3] == 252 || b[3] == 254 || b[3] == 255) {
		return true // Spamhaus's codes; no other list lists with them
	}
	return isSpamhaus(zone) && b[1] == 0 && b[2] == 1 && b[3] == 255
}

// codeMeaning names a listing code (Spamhaus's published return codes; the
// others list with 127.0.0.2 and say nothing more).
func codeMeaning(zone string, ip netip.Addr) string {
	b := ip.As4()
	if !isSpamhaus(zone) {
		return ""
	}
	if b[2] == 0 {
		switch b[3] {
		case 2:
			return "SBL (Spamhaus Block List: known spam source)"
		case 3:
			return "CSS (Spamhaus CSS: snowshoe or low-reputation sending)"
		case 4, 5, 6, 7:
			return "XBL (Exploits Block List: infected or hijacked machine)"
		case 9:
			return "DROP (hijacked or criminal network)"
		case 10, 11:
			return "PBL (Policy Block List: end-user address that should not send directly)"
		}
	}
	if b[2] == 1 {
		switch {
		case b[3] == 2:
			return "DBL spam domain"
		case b[3] == 4:
			return "DBL phishing domain"
		case b[3] == 5:
			return "DBL malware domain"
		case b[3] == 6:
			return "DBL botnet C&C domain"
		case b[3] >= 102 && b[3] <= 106:
			return "DBL abused legitimate domain"
		}
	}
	return ""
}

// reportListings adds the blocklist findings: one fail per listing, one
// could_not_check per refused or failed zone, and one pass when every zone
// answered "not listed".
func reportListings(rep *Report, ls []Listing) {
	rep.DNSBL = ls
	clean := true
	for _, l := range ls {
		switch l.Status {
		case Fail:
			clean = false
			cons := tx(txtListedConsequence, l.Zone)
			act := tx(txtDelistAction, l.Zone)
			if isSpamhaus(l.Zone) && slices.ContainsFunc(l.Codes, func(c string) bool { return c == "127.0.0.10" || c == "127.0.0.11" }) {
				act = tx(txtPBLAction)
			}
			rep.add("dnsbl_listed", Fail, tx(txtListedSummary, l.Query, l.Zone, strings.Join(l.Codes, ", ")), l.meaning, cons, act)
		case CouldNotCheck:
			clean = false
			rep.add("dnsbl_unchecked", CouldNotCheck, tx(txtUncheckedSummary, l.Zone), l.meaning, text{}, tx(txtZoneResolverAction))
		}
	}
	if clean && len(ls) > 0 {
		rep.add("dnsbl", Pass, tx(txtCleanSummary, len(ls)), tx(txtCleanMeaning), text{})
	}
}
