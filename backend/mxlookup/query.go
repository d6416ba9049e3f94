package mxlookup

import (
	"context"

	"github.com/miekg/dns"
)

// Client sends single queries through the DNS servers of Options, with the
// same per-query timeout, server fallback, TCP retry and reply checks as
// Lookup, for callers that need other record types (PTR, TXT, DNSBL A
// records) and must honour the same --dns-server as the MX lookup. It is
// safe for concurrent use.
type Client struct{ r *resolver }

// NewClient checks opts.Servers (or reads the system's) and returns a
// Client for them. opts.Timeout is not applied: each Query is bounded by its
// context and by opts.QueryTimeout per server.
func NewClient(opts Options) (*Client, error) {
	r, err := newResolver(opts)
	if err != nil {
		return nil, err
	}
	return &Client{r: r}, nil
}

// Answer is the outcome of one Query.
type Answer struct {
	// Rcode is the response code of the last reply (NOERROR or NXDOMAIN).
	Rcode int
	// Records are the class IN records of the asked type at the end of the
	// CNAME chain; empty with NOERROR is NODATA.
	Records []dns.RR
	// Resolver is the server that answered.
	Resolver Resolver
}

// Query asks for (name, qtype), name fully qualified, following CNAMEs. An
// error means no server gave a usable answer (it matches
// ErrAllServersFailed, ErrCNAMELoop or ErrCNAMEDepth); NXDOMAIN and NODATA
// are answers, not errors.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) (Answer, error) {
	ans, err := c.r.chase(ctx, dns.Fqdn(name), qtype)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Rcode: ans.rcode, Records: ans.rrs, Resolver: ans.used}, nil
}
