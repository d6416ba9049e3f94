package session

import (
	"context"
	"fmt"
	"net/netip"

	"smtpprobe/backend/mxlookup"
)

// Target is one mail server to try: a host name with its addresses.
type Target struct {
	// Host is the host name (or the IP literal given by the user).
	Host string
	// Preference is the MX preference when the target came from MX records.
	Preference *uint16
	// Addrs are the addresses to try, in order.
	Addrs []netip.Addr
	// Err says why the host has no addresses, when it has none.
	Err error
}

// Resolver finds where to connect. The engine calls it from its own goroutine
// with the session's context.
type Resolver interface {
	// LookupMX returns the mail servers of an ASCII domain, best preference
	// first, each with its addresses, plus notes about the answer. The error
	// is set when the domain has no usable mail server at all.
	LookupMX(ctx context.Context, domain string) ([]Target, []Warning, error)
	// LookupHost returns the addresses of one host name.
	LookupHost(ctx context.Context, host string) ([]netip.Addr, error)
}

// MXResolver is the Resolver over package mxlookup, asking the DNS servers
// of Options (the system's when empty).
type MXResolver struct {
	Options mxlookup.Options
}

// LookupMX implements Resolver with mxlookup.Lookup.
func (r MXResolver) LookupMX(ctx context.Context, domain string) ([]Target, []Warning, error) {
	res, err := mxlookup.Lookup(ctx, domain, r.Options)
	var warns []Warning
	for _, w := range res.Warnings {
		warns = append(warns, Warning{Code: "dns-" + w.Code, Text: w.Text})
	}
	if err != nil {
		return nil, warns, fmt.Errorf("looking up the MX records of %s: %w", domain, err)
	}
	targets := make([]Target, 0, len(res.Hosts))
	for _, h := range res.Hosts {
		t := Target{Host: h.Exchanger, Err: h.Err}
		if !h.Implicit {
			p := h.Preference
			t.Preference = &p
		}
		for _, a := range h.Addresses {
			t.Addrs = append(t.Addrs, a.IP)
		}
		targets = append(targets, t)
	}
	return targets, warns, nil
}

// LookupHost implements Resolver with mxlookup.LookupHost.
func (r MXResolver) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	as, err := mxlookup.LookupHost(ctx, host, r.Options)
	if err != nil {
		return nil, fmt.Errorf("looking up the addresses of %s: %w", host, err)
	}
	ips := make([]netip.Addr, 0, len(as))
	for _, a := range as {
		ips = append(ips, a.IP)
	}
	return ips, nil
}
