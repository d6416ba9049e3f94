package sendercheck

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"smtpprobe/backend/mxlookup"
)

// Bounds on what one DNS answer may contribute: answers are hostile, and an
// answer with thousands of records or a megabyte of TXT must not become a
// megabyte of report.
const (
	maxRecords  = 32
	maxTXTBytes = 4096
	maxPTRNames = 10 // RFC 7208 §4.6.4 and §5.5: at most 10 PTR names are used
)

// errOversize reports a TXT answer larger than maxTXTBytes.
var errOversize = errors.New("answer too large")

// dnsResolver answers the lookups of the checks through mxlookup.Client, so
// every query goes to the servers the user chose (--dns-server) with the MX
// lookup's timeouts and reply checks, never to the system resolver behind
// net.DefaultResolver. It implements spf.DNSResolver and caches TXT answers,
// which the SPF evaluation and the lookup count both read.
type dnsResolver struct {
	c   *mxlookup.Client
	sem chan struct{} // bounds concurrent queries

	mu  sync.Mutex
	txt map[string]txtAnswer
}

type txtAnswer struct {
	txts []string
	err  error
}

func newDNSResolver(c *mxlookup.Client, parallel int) *dnsResolver {
	return &dnsResolver{c: c, sem: make(chan struct{}, parallel), txt: map[string]txtAnswer{}}
}

// query asks for (name, qtype) and maps the outcome to what net.Resolver
// returns, which spf.DNSResolver expects: *net.DNSError with IsNotFound for
// NXDOMAIN, IsTemporary when no server answered.
func (r *dnsResolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	if len(name) > 255 || strings.ContainsFunc(name, func(c rune) bool { return c <= ' ' || c >= 0x7f }) {
		return nil, &net.DNSError{Err: "invalid name", Name: safe(name)}
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, &net.DNSError{Err: ctx.Err().Error(), Name: safe(name), IsTemporary: true, IsTimeout: true}
	}
	ans, err := r.c.Query(ctx, name, qtype)
	<-r.sem
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: safe(name), IsTemporary: true, IsTimeout: ctx.Err() != nil}
	}
	if ans.Rcode == dns.RcodeNameError {
		return nil, &net.DNSError{Err: "no such host", Name: safe(name), IsNotFound: true}
	}
	rrs := ans.Records
	if len(rrs) > maxRecords {
		rrs = rrs[:maxRecords]
	}
	return rrs, nil
}

// LookupTXT returns the TXT records of name, each record's strings joined
// without separators (RFC 7208 §3.3).
func (r *dnsResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	key := strings.ToLower(dns.Fqdn(name))
	r.mu.Lock()
	if a, ok := r.txt[key]; ok {
		r.mu.Unlock()
		return a.txts, a.err
	}
	r.mu.Unlock()
	rrs, err := r.query(ctx, name, dns.TypeTXT)
	var txts []string
	total := 0
	for _, rr := range rrs {
		t := strings.Join(rr.(*dns.TXT).Txt, "")
		total += len(t)
		if total > maxTXTBytes {
			txts, err = nil, &net.DNSError{Err: errOversize.Error(), Name: safe(name)}
			break
		}
		txts = append(txts, t)
	}
	if !isTemp(err) {
		r.mu.Lock()
		r.txt[key] = txtAnswer{txts, err}
		r.mu.Unlock()
	}
	return txts, err
}

// LookupMX returns the MX records of name.
func (r *dnsResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	rrs, err := r.query(ctx, name, dns.TypeMX)
	var out []*net.MX
	for _, rr := range rrs {
		mx := rr.(*dns.MX)
		out = append(out, &net.MX{Host: mx.Mx, Pref: mx.Preference})
	}
	return out, err
}

// LookupIPAddr returns the A and AAAA records of host.
func (r *dnsResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	var out []net.IPAddr
	var firstErr error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		rrs, err := r.query(ctx, host, qt)
		if err != nil {
			if firstErr == nil || isTemp(err) {
				firstErr = err
			}
			continue
		}
		for _, rr := range rrs {
			switch v := rr.(type) {
			case *dns.A:
				out = append(out, net.IPAddr{IP: v.A})
			case *dns.AAAA:
				out = append(out, net.IPAddr{IP: v.AAAA})
			}
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if firstErr == nil {
		firstErr = &net.DNSError{Err: "no such host", Name: safe(host), IsNotFound: true}
	}
	return nil, firstErr
}

// LookupAddr returns the PTR names of addr, at most maxPTRNames, dropping
// any that is not a plausible host name.
func (r *dnsResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	rev, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: safe(addr)}
	}
	rrs, err := r.query(ctx, rev, dns.TypePTR)
	var names []string
	for _, rr := range rrs {
		n := rr.(*dns.PTR).Ptr
		if _, ok := dns.IsDomainName(n); !ok || strings.ContainsFunc(n, func(c rune) bool { return c <= ' ' || c >= 0x7f }) {
			continue
		}
		names = append(names, n)
		if len(names) == maxPTRNames {
			break
		}
	}
	return names, err
}

func isTemp(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.Temporary()
}

func isNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}
