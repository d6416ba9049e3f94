package sendercheck

import (
	"context"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// ptrResult is the reverse DNS of the IP.
type ptrResult struct {
	names     []string
	confirmed string // first PTR name whose A/AAAA include the IP
	generic   string // first PTR name that looks generic
	err       error
}

func (c *checker) checkPTR(ctx context.Context) ptrResult {
	var r ptrResult
	names, err := c.res.LookupAddr(ctx, c.ip.String())
	if err != nil && !isNotFound(err) {
		r.err = err
		return r
	}
	for _, n := range names {
		n = strings.TrimSuffix(strings.ToLower(n), ".")
		r.names = append(r.names, n)
		if r.generic == "" && LooksGeneric(n, c.ip) {
			r.generic = n
		}
	}
	// RFC 1912 §2.1: a PTR name must resolve back to the address.
	for _, n := range r.names {
		addrs, err := c.res.LookupIPAddr(ctx, n)
		if err != nil {
			if isTemp(err) && r.err == nil && r.confirmed == "" {
				r.err = err
			}
			continue
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == c.ip {
				r.confirmed = n
				r.err = nil
				break
			}
		}
		if r.confirmed != "" {
			break
		}
	}
	return r
}

func (r ptrResult) report(rep *Report, c *checker) {
	rep.PTR = append([]string{}, r.names...)
	rep.FCrDNS = r.confirmed != ""
	switch {
	case r.err != nil && len(r.names) == 0:
		rep.add("ptr", CouldNotCheck, tx(txtPTRErrSummary, rep.IP), tx(txtPTRErrMeaning, safe(r.err.Error())), text{}, tx(txtDNSRetryAction))
	case len(r.names) == 0:
		rep.add("ptr", Fail, tx(txtPTRNoneSummary, rep.IP), tx(txtPTRNoneMeaning), tx(txtPTRConsequence), tx(txtPTRAction, rep.IP))
	case r.confirmed == "" && r.err != nil:
		rep.add("ptr", CouldNotCheck, tx(txtPTRErrSummary, rep.IP), tx(txtPTRErrMeaning, safe(r.err.Error())), text{}, tx(txtDNSRetryAction))
	case r.confirmed == "":
		rep.add("ptr", Fail, tx(txtPTRUnconfSummary, rep.IP, strings.Join(r.names, ", ")), tx(txtPTRUnconfMeaning), tx(txtPTRConsequence), tx(txtPTRUnconfAction, r.names[0], rep.IP))
	default:
		rep.add("ptr", Pass, tx(txtPTROKSummary, rep.IP, r.confirmed), tx(txtPTROKMeaning), text{})
	}
	if r.generic != "" {
		rep.add("ptr_generic", Warning, tx(txtGenericSummary, r.generic), tx(txtGenericMeaning), tx(txtGenericConsequence), tx(txtGenericAction))
	}
}

// genericWords are label words ISPs use for pools of customer addresses.
var genericWords = map[string]bool{
	"dyn": true, "dynamic": true, "dhcp": true, "pool": true, "ppp": true, "pppoe": true,
	"dsl": true, "adsl": true, "xdsl": true, "vdsl": true, "cable": true, "cpe": true,
	"dial": true, "dialup": true, "broadband": true, "bb": true, "cust": true, "customer": true,
	"client": true, "clients": true, "res": true, "resi": true, "residential": true, "home": true,
	"ftth": true, "fttx": true, "fiber": true, "fibre": true, "mobile": true, "wireless": true,
	"user": true, "users": true, "unassigned": true, "nat": true, "cgnat": true,
}

var wordSplit = regexp.MustCompile(`[^a-z]+`)

// LooksGeneric reports whether a PTR name looks like an ISP's name for a pool
// of customer addresses rather than a mail server's: it spells the address
// out ("203-0-113-5.dyn.example.net", "host5.113.0.203.example.net",
// "cb007105.example.net") or has a word such as dyn, dhcp, pool, dsl, cable
// or cust in the labels below the registered domain. Receivers such as
// Spamhaus PBL users and many Postfix setups treat such senders as
// residential.
func LooksGeneric(name string, ip netip.Addr) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	labels := strings.Split(name, ".")
	host := name
	if len(labels) > 2 {
		host = strings.Join(labels[:len(labels)-2], ".")
	}
	if ip.Is4() {
		b := ip.As4()
		oct := make([]string, 4)
		for i, x := range b {
			oct[i] = strconv.Itoa(int(x))
		}
		digits := regexp.MustCompile(`\d+`).FindAllString(host, -1)
		// Three or four of the octets, in either order, as separate numbers.
		if hasRun(digits, oct, 3) || hasRun(digits, []string{oct[3], oct[2], oct[1], oct[0]}, 3) {
			return true
		}
		hex := strings.ToLower(strconv.FormatUint(uint64(b[0])<<24|uint64(b[1])<<16|uint64(b[2])<<8|uint64(b[3]), 16))
		if len(hex) == 8 && strings.Contains(host, hex) {
			return true
		}
	}
	for _, w := range wordSplit.Split(host, -1) {
		if genericWords[w] {
			return true
		}
	}
	return false
}

// hasRun reports whether want[k:k+n] appears consecutively in got for some k.
func hasRun(got, want []string, n int) bool {
	for k := 0; k+n <= len(want); k++ {
		for i := 0; i+n <= len(got); i++ {
			ok := true
			for j := range n {
				if strings.TrimLeft(got[i+j], "0") != strings.TrimLeft(want[k+j], "0") && got[i+j] != want[k+j] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// heloResult is what the EHLO name resolves to.
type heloResult struct {
	addrs []netip.Addr
	err   error
}

func (c *checker) lookupHELO(ctx context.Context) heloResult {
	var r heloResult
	if c.heloLit {
		if ip, err := netip.ParseAddr(strings.TrimPrefix(strings.Trim(c.helo, "[]"), "ipv6:")); err == nil {
			r.addrs = []netip.Addr{ip.Unmap()}
		}
		return r
	}
	addrs, err := c.res.LookupIPAddr(ctx, c.helo)
	r.err = err
	for _, a := range addrs {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			r.addrs = append(r.addrs, ip.Unmap())
		}
	}
	return r
}

func (r heloResult) report(rep *Report, c *checker, ptr ptrResult) {
	name := safe(c.helo)
	h := HELOCheck{Name: name, ResolvesToIP: containsIP(r.addrs, c.ip)}
	for _, a := range r.addrs {
		h.Addresses = append(h.Addresses, a.String())
	}
	for _, p := range ptr.names {
		if sameName(p, c.helo) {
			h.MatchesPTR = true
		}
	}
	rep.HELO = h
	switch {
	case c.heloLit:
		rep.add("helo", Warning, tx(txtHELOLiteralSummary, name), tx(txtHELOMeaning), tx(txtHELOConsequence), tx(txtHELOAction, ptrOr(ptr, rep.IP)))
	case !strings.Contains(c.helo, "."):
		rep.add("helo", Warning, tx(txtHELONotFQDNSummary, name), tx(txtHELOMeaning), tx(txtHELOConsequence), tx(txtHELOAction, ptrOr(ptr, rep.IP)))
	case r.err != nil && isTemp(r.err):
		rep.add("helo", CouldNotCheck, tx(txtHELOErrSummary, name), tx(txtHELOErrMeaning, safe(r.err.Error())), text{}, tx(txtDNSRetryAction))
	case len(r.addrs) == 0:
		rep.add("helo", Fail, tx(txtHELONoAddrSummary, name), tx(txtHELOMeaning), tx(txtHELONoAddrConsequence), tx(txtHELOAction, ptrOr(ptr, rep.IP)))
	case rep.Local:
		// The IP is not the one receivers see: comparing it says nothing.
		rep.add("helo", Pass, tx(txtHELOResolvesSummary, name), tx(txtHELOMeaning), text{})
	case !h.ResolvesToIP:
		rep.add("helo", Warning, tx(txtHELOOtherIPSummary, name, rep.IP), tx(txtHELOMeaning), tx(txtHELOConsequence), tx(txtHELOAction, ptrOr(ptr, rep.IP)))
	case !h.MatchesPTR && len(ptr.names) > 0:
		rep.add("helo", Warning, tx(txtHELONoPTRMatchSummary, name, strings.Join(ptr.names, ", ")), tx(txtHELOMeaning), tx(txtHELOConsequence), tx(txtHELOAction, ptrOr(ptr, rep.IP)))
	default:
		rep.add("helo", Pass, tx(txtHELOOKSummary, name, rep.IP), tx(txtHELOMeaning), text{})
	}
}

// ptrOr names what the EHLO name should be: the confirmed PTR name, else a
// placeholder built on the IP.
func ptrOr(ptr ptrResult, ip string) string {
	if ptr.confirmed != "" {
		return ptr.confirmed
	}
	return "mail.example.com (" + ip + ")"
}
