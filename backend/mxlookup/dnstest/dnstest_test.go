package dnstest

import (
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func ask(t *testing.T, s *Server, network, name string, qtype uint16, edns bool) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	if edns {
		q.SetEdns0(4096, false)
	}
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(q, s.Addr())
	if err != nil {
		t.Fatalf("%s query %s: %v", network, name, err)
	}
	return r
}

func TestAnswers(t *testing.T) {
	s, err := Start(
		"fabrikam.test. 300 IN MX 10 mail1.fabrikam.test.",
		"mail1.fabrikam.test. 300 IN A 192.0.2.10",
		"alias.fabrikam.test. 300 IN CNAME mail1.fabrikam.test.",
		"loop1.fabrikam.test. 300 IN CNAME loop2.fabrikam.test.",
		"loop2.fabrikam.test. 300 IN CNAME loop1.fabrikam.test.",
		"deep.sub.contoso.test. 300 IN TXT \"x\"",
	)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	tests := []struct {
		name      string
		qname     string
		qtype     uint16
		wantRcode int
		wantLen   int
	}{
		{"records of the type (RFC 1034 §4.3.2)", "fabrikam.test.", dns.TypeMX, dns.RcodeSuccess, 1},
		{"case-insensitive owner (RFC 4343)", "FABRIKAM.test.", dns.TypeMX, dns.RcodeSuccess, 1},
		{"NODATA for another type", "fabrikam.test.", dns.TypeA, dns.RcodeSuccess, 0},
		{"NXDOMAIN for unknown name", "nope.fabrikam.test.", dns.TypeMX, dns.RcodeNameError, 0},
		{"empty non-terminal is NODATA (RFC 8020)", "sub.contoso.test.", dns.TypeA, dns.RcodeSuccess, 0},
		{"CNAME chased in zone", "alias.fabrikam.test.", dns.TypeA, dns.RcodeSuccess, 2},
		{"CNAME loop stops", "loop1.fabrikam.test.", dns.TypeA, dns.RcodeSuccess, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ask(t, s, "udp", tt.qname, tt.qtype, false)
			if r.Rcode != tt.wantRcode || len(r.Answer) != tt.wantLen {
				t.Errorf("rcode %s, %d answers; want %s, %d:\n%v", dns.RcodeToString[r.Rcode], len(r.Answer), dns.RcodeToString[tt.wantRcode], tt.wantLen, r)
			}
		})
	}
}

func TestKnobs(t *testing.T) {
	var recs []string
	for i := range 60 {
		recs = append(recs, dnsMX(i))
	}
	s, err := Start(recs...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// RFC 1035 §4.2.1: 512 octets over UDP without EDNS0; 60 MX do not fit.
	if r := ask(t, s, "udp", "big.test.", dns.TypeMX, false); !r.Truncated || len(r.Answer) >= 60 {
		t.Errorf("UDP without EDNS0: truncated=%v with %d answers, want TC and fewer than 60", r.Truncated, len(r.Answer))
	}
	if r := ask(t, s, "tcp", "big.test.", dns.TypeMX, false); r.Truncated || len(r.Answer) != 60 {
		t.Errorf("TCP: truncated=%v with %d answers, want all 60", r.Truncated, len(r.Answer))
	}

	s.SetTruncateUDP(true)
	if r := ask(t, s, "udp", "big.test.", dns.TypeMX, true); !r.Truncated || len(r.Answer) != 0 {
		t.Errorf("SetTruncateUDP: truncated=%v with %d answers", r.Truncated, len(r.Answer))
	}
	s.SetTruncateUDP(false)

	s.SetRcode(dns.RcodeServerFailure)
	if r := ask(t, s, "udp", "big.test.", dns.TypeMX, true); r.Rcode != dns.RcodeServerFailure {
		t.Errorf("SetRcode: got %s", dns.RcodeToString[r.Rcode])
	}
	s.SetRcode(-1)
	s.SetNameRcode("big.test", dns.RcodeRefused)
	if r := ask(t, s, "udp", "big.test.", dns.TypeMX, true); r.Rcode != dns.RcodeRefused {
		t.Errorf("SetNameRcode: got %s", dns.RcodeToString[r.Rcode])
	}
	s.SetNameRcode("big.test", -1)

	s.SetDrop(true)
	c := &dns.Client{Timeout: 200 * time.Millisecond}
	q := new(dns.Msg)
	q.SetQuestion("big.test.", dns.TypeMX)
	if _, _, err := c.Exchange(q, s.Addr()); err == nil {
		t.Error("SetDrop: got an answer")
	}
	s.SetDrop(false)

	n := s.QueryCount()
	qs := s.Queries()
	if n != len(qs) || n < 6 || qs[1].Net != "tcp" || qs[0].Type != dns.TypeMX || qs[0].Name != "big.test." {
		t.Errorf("query log: count %d, %+v", n, qs)
	}
}

func TestCloseCutsDelay(t *testing.T) {
	s, err := Start("a.test. 1 IN A 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s.SetDelay(time.Hour)
	go func() {
		c := &dns.Client{Timeout: 10 * time.Second}
		q := new(dns.Msg)
		q.SetQuestion("a.test.", dns.TypeA)
		c.Exchange(q, s.Addr())
	}()
	for s.QueryCount() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan error)
	go func() { done <- s.Close() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Close hung on a delayed answer")
	}
}

func TestBadRecord(t *testing.T) {
	if _, err := Start("fabrikam.test. IN MX notanumber mail."); err == nil {
		t.Fatal("Start accepted a malformed record")
	}
}

func dnsMX(i int) string {
	return "big.test. 300 IN MX " + itoa(i) + " mail" + itoa(i) + ".big.test."
}

func itoa(i int) string { return strconv.Itoa(i) }
