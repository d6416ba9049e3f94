package mxlookup

import (
	"context"
	"errors"
	"testing"

	"github.com/miekg/dns"

	"smtpprobe/backend/mxlookup/dnstest"
)

func TestClientQuery(t *testing.T) {
	srv, err := dnstest.Start(
		`fabrikam.test. 300 IN TXT "v=spf1 -all"`,
		"alias.fabrikam.test. 300 IN CNAME fabrikam.test.",
		"10.2.0.192.in-addr.arpa. 300 IN PTR mail.fabrikam.test.",
	)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := NewClient(Options{Servers: []string{srv.Addr()}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name  string
		qname string
		qtype uint16
		rcode int
		n     int
	}{
		{"TXT", "fabrikam.test", dns.TypeTXT, dns.RcodeSuccess, 1},
		{"CNAME followed (RFC 1034 §3.6.2)", "alias.fabrikam.test.", dns.TypeTXT, dns.RcodeSuccess, 1},
		{"PTR", "10.2.0.192.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, 1},
		{"NODATA", "fabrikam.test.", dns.TypeA, dns.RcodeSuccess, 0},
		{"NXDOMAIN is an answer", "nx.fabrikam.test.", dns.TypeA, dns.RcodeNameError, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := c.Query(ctx, tt.qname, tt.qtype)
			if err != nil || a.Rcode != tt.rcode || len(a.Records) != tt.n || a.Resolver.Addr != srv.Addr() {
				t.Errorf("%+v, %v", a, err)
			}
		})
	}
	srv.SetRcode(dns.RcodeServerFailure)
	if _, err := c.Query(ctx, "fabrikam.test.", dns.TypeTXT); !errors.Is(err, ErrAllServersFailed) {
		t.Errorf("SERVFAIL: %v, want ErrAllServersFailed", err)
	}
	if _, err := NewClient(Options{Servers: []string{"dns.example"}}); !errors.Is(err, ErrInvalidServer) {
		t.Errorf("host name as server: %v", err)
	}
}
