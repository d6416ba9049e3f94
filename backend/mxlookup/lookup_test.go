package mxlookup

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup/dnstest"
)

// zone covers every case of issue 3. Names end in .test (RFC 2606).
var zone = []string{
	// Ordering and ties: 5 < 10 = 10 < 20, with the tie in server order.
	"fabrikam.test. 3600 IN MX 10 mail1.fabrikam.test.",
	"fabrikam.test. 3600 IN MX 20 mail2.fabrikam.test.",
	"fabrikam.test. 3600 IN MX 10 mail3.fabrikam.test.",
	"fabrikam.test. 3600 IN MX 5 mail0.fabrikam.test.",
	"mail0.fabrikam.test. 300 IN A 192.0.2.5",
	"mail1.fabrikam.test. 300 IN A 192.0.2.10",
	"mail1.fabrikam.test. 600 IN AAAA 2001:db8::10",
	"mail2.fabrikam.test. 300 IN A 192.0.2.20",
	"mail3.fabrikam.test. 300 IN AAAA 2001:db8::30", // AAAA only

	"null.test. 300 IN MX 0 .",
	"mixed.test. 300 IN MX 0 .",
	"mixed.test. 300 IN MX 10 mail1.fabrikam.test.",
	"implicit.test. 300 IN A 192.0.2.99",
	"implicit.test. 300 IN AAAA 2001:db8::99",
	"nodata.test. 300 IN TXT \"v=spf1 -all\"",

	"alias.test. 300 IN CNAME chain1.test.",
	"chain1.test. 300 IN CNAME real.test.",
	"real.test. 300 IN MX 10 mail1.fabrikam.test.",
	"loop.test. 300 IN CNAME loopb.test.",
	"loopb.test. 300 IN CNAME loop.test.",

	"cnamemx.test. 300 IN MX 10 mx-alias.cnamemx.test.",
	"mx-alias.cnamemx.test. 300 IN CNAME mail1.fabrikam.test.",
	"iplit.test. 300 IN MX 10 192.0.2.1.",
	`odd.test. 300 IN MX 10 mail\013\010evil.odd.test.`,
	`mail\013\010evil.odd.test. 300 IN A 192.0.2.77`,
	"xn--bcher-kva.test. 300 IN MX 10 xn--mail-bcher-feb.xn--bcher-kva.test.",
	"xn--mail-bcher-feb.xn--bcher-kva.test. 300 IN A 192.0.2.88",
	"nxhost.test. 300 IN MX 10 gone.nxhost.test.",
	"nxhost.test. 300 IN MX 20 mail2.fabrikam.test.",
	"failhost.test. 300 IN MX 10 broken.failhost.test.",
	"broken.failhost.test. 300 IN A 192.0.2.66",
}

func init() {
	// A chain of MaxCNAMEChain+2 aliases: too deep.
	for i := range MaxCNAMEChain + 2 {
		zone = append(zone, fmt.Sprintf("deep%d.test. 300 IN CNAME deep%d.test.", i, i+1))
	}
	// 50 MX records with names long enough that the answer exceeds our
	// 1232-octet EDNS0 buffer and must come over TCP.
	for i := range 50 {
		zone = append(zone,
			fmt.Sprintf("big.test. 300 IN MX %d mail-exchanger-%02d.big.test.", 100-i, i),
			fmt.Sprintf("mail-exchanger-%02d.big.test. 300 IN A 192.0.2.%d", i, 100+i))
	}
}

func startZone(t testing.TB) *dnstest.Server {
	t.Helper()
	s, err := dnstest.Start(zone...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func opts(servers ...string) Options {
	return Options{Servers: servers, Timeout: 5 * time.Second, QueryTimeout: 2 * time.Second}
}

func hostNames(hs []Host) []string {
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%d %s", h.Preference, h.Exchanger))
	}
	return out
}

func addrs(h Host) string {
	var out []string
	for _, a := range h.Addresses {
		out = append(out, a.IP.String())
	}
	return strings.Join(out, ",")
}

// RFC 5321 §5.1: hosts sorted by preference; equal preferences are equals.
func TestLookupOrderingAndTies(t *testing.T) {
	s := startZone(t)
	for _, in := range []string{"fabrikam.test", "fabrikam.test.", "FABRIKAM.Test"} {
		t.Run(in, func(t *testing.T) {
			res, err := Lookup(context.Background(), in, opts(s.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"5 mail0.fabrikam.test", "10 mail1.fabrikam.test", "10 mail3.fabrikam.test", "20 mail2.fabrikam.test"}
			if got := hostNames(res.Hosts); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("hosts = %v, want %v", got, want)
			}
			equal := []bool{false, true, true, false}
			wantAddrs := []string{"192.0.2.5", "192.0.2.10,2001:db8::10", "2001:db8::30", "192.0.2.20"}
			for i, h := range res.Hosts {
				if h.Equal != equal[i] {
					t.Errorf("%s Equal = %v", h.Exchanger, h.Equal)
				}
				if addrs(h) != wantAddrs[i] || h.Err != nil {
					t.Errorf("%s addresses = %s (err %v), want %s", h.Exchanger, addrs(h), h.Err, wantAddrs[i])
				}
				if h.TTL != 3600 {
					t.Errorf("%s MX TTL = %d", h.Exchanger, h.TTL)
				}
			}
			if ttl := res.Hosts[1].Addresses[1].TTL; ttl != 600 {
				t.Errorf("AAAA TTL = %d, want 600", ttl)
			}
			if res.Name.ASCII != "fabrikam.test." || res.Resolver != (Resolver{Addr: s.Addr(), Net: "udp"}) ||
				res.RcodeName() != "NOERROR" || res.NullMX || res.ImplicitMX || len(res.Warnings) != 0 || len(res.Attempts) != 1 {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestLookupCases(t *testing.T) {
	s := startZone(t)
	s.SetNameRcode("broken.failhost.test.", dns.RcodeServerFailure)

	tests := []struct {
		name      string
		domain    string
		wantErr   error // nil: success
		wantHosts []string
		check     func(t *testing.T, res Result)
	}{
		{"NXDOMAIN is permanent", "nope.test", ErrNXDomain, nil, func(t *testing.T, res Result) {
			if res.RcodeName() != "NXDOMAIN" {
				t.Errorf("rcode %s", res.RcodeName())
			}
		}},
		{"null MX RFC 7505", "null.test", ErrNullMX, nil, func(t *testing.T, res Result) {
			if !res.NullMX || len(res.Hosts) != 0 {
				t.Errorf("NullMX=%v hosts=%v", res.NullMX, res.Hosts)
			}
		}},
		{"null MX mixed with real MX is ignored RFC 7505 §3", "mixed.test", nil, []string{"10 mail1.fabrikam.test"}, func(t *testing.T, res Result) {
			if res.NullMX || !hasWarning(res, "null-mx-mixed") {
				t.Errorf("NullMX=%v warnings=%v", res.NullMX, res.Warnings)
			}
		}},
		{"implicit MX RFC 5321 §5.1", "implicit.test", nil, []string{"0 implicit.test"}, func(t *testing.T, res Result) {
			if !res.ImplicitMX || !res.Hosts[0].Implicit || addrs(res.Hosts[0]) != "192.0.2.99,2001:db8::99" || !hasWarning(res, "implicit-mx") {
				t.Errorf("implicit=%v host=%+v", res.ImplicitMX, res.Hosts[0])
			}
		}},
		{"NODATA: no MX, no address", "nodata.test", ErrNoMailHost, nil, func(t *testing.T, res Result) {
			if res.ImplicitMX || res.RcodeName() != "NOERROR" {
				t.Errorf("implicit=%v rcode=%s", res.ImplicitMX, res.RcodeName())
			}
		}},
		{"CNAME chain followed", "alias.test", nil, []string{"10 mail1.fabrikam.test"}, func(t *testing.T, res Result) {
			if strings.Join(res.CNAMEs, " ") != "chain1.test real.test" || !hasWarning(res, "domain-cname") {
				t.Errorf("CNAMEs=%v warnings=%v", res.CNAMEs, res.Warnings)
			}
		}},
		{"CNAME loop reported", "loop.test", ErrCNAMELoop, nil, nil},
		{"CNAME chain too deep", "deep0.test", ErrCNAMEDepth, nil, nil},
		{"MX target is a CNAME RFC 2181 §10.3", "cnamemx.test", nil, []string{"10 mx-alias.cnamemx.test"}, func(t *testing.T, res Result) {
			h := res.Hosts[0]
			if !h.HasFlag(FlagCNAME) || addrs(h) != "192.0.2.10,2001:db8::10" || !hasWarning(res, "mx-cname") {
				t.Errorf("host=%+v", h)
			}
		}},
		{"MX target is an IP literal", "iplit.test", nil, []string{"10 192.0.2.1"}, func(t *testing.T, res Result) {
			h := res.Hosts[0]
			if !h.HasFlag(FlagIPLiteral) || !errors.Is(h.Err, ErrIPLiteralTarget) || len(h.Addresses) != 0 || !hasWarning(res, "mx-ip-literal") {
				t.Errorf("host=%+v", h)
			}
		}},
		{"MX target with CR LF bytes is escaped", "odd.test", nil, []string{`10 mail\013\010evil.odd.test`}, func(t *testing.T, res Result) {
			h := res.Hosts[0]
			if !h.HasFlag(FlagOddName) || addrs(h) != "192.0.2.77" || strings.ContainsAny(h.Exchanger, "\r\n") {
				t.Errorf("host=%+v", h)
			}
		}},
		{"IDN domain to A-labels", "Bücher.test", nil, []string{"10 xn--mail-bcher-feb.xn--bcher-kva.test"}, func(t *testing.T, res Result) {
			if res.Name.ASCII != "xn--bcher-kva.test." || res.Name.Unicode != "bücher.test" || res.Name.Display() != "xn--bcher-kva.test (bücher.test)" {
				t.Errorf("name=%+v", res.Name)
			}
			if h := res.Hosts[0]; h.ExchangerUnicode != "mail-bücher.bücher.test" || addrs(h) != "192.0.2.88" {
				t.Errorf("host=%+v", h)
			}
		}},
		{"host that does not exist keeps its own error", "nxhost.test", nil, []string{"10 gone.nxhost.test", "20 mail2.fabrikam.test"}, func(t *testing.T, res Result) {
			if !errors.Is(res.Hosts[0].Err, ErrNXDomain) || res.Hosts[1].Err != nil {
				t.Errorf("errors %v, %v", res.Hosts[0].Err, res.Hosts[1].Err)
			}
		}},
		{"host whose address lookup SERVFAILs", "failhost.test", nil, []string{"10 broken.failhost.test"}, func(t *testing.T, res Result) {
			if err := res.Hosts[0].Err; !Temporary(err) || Permanent(err) {
				t.Errorf("host error %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Lookup(context.Background(), tt.domain, opts(s.Addr()))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && (!Permanent(err) || Temporary(err)) {
				t.Errorf("%v: Permanent=%v Temporary=%v", err, Permanent(err), Temporary(err))
			}
			if got := hostNames(res.Hosts); strings.Join(got, "|") != strings.Join(tt.wantHosts, "|") {
				t.Errorf("hosts = %q, want %q", got, tt.wantHosts)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func hasWarning(res Result, code string) bool {
	for _, w := range res.Warnings {
		if w.Code == code && w.Text.EN != "" && w.Text.ES != "" && w.Text.EN != w.Text.ES {
			return true
		}
	}
	return false
}

// RFC 1035 §4.2.1 / RFC 7766 §5: a truncated UDP answer is asked again over
// TCP, to the same server.
func TestLookupTruncationUsesTCP(t *testing.T) {
	t.Run("50 MX records exceed the EDNS0 buffer", func(t *testing.T) {
		s := startZone(t)
		res, err := Lookup(context.Background(), "big.test", opts(s.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hosts) != 50 || res.Resolver.Net != "tcp" {
			t.Fatalf("%d hosts via %s", len(res.Hosts), res.Resolver)
		}
		for i, h := range res.Hosts {
			wantName := fmt.Sprintf("mail-exchanger-%02d.big.test", 49-i)
			if h.Preference != uint16(51+i) || h.Exchanger != wantName || addrs(h) != fmt.Sprintf("192.0.2.%d", 149-i) {
				t.Errorf("host %d = %d %s %s", i, h.Preference, h.Exchanger, addrs(h))
			}
		}
		if len(res.Attempts) != 2 || !res.Attempts[0].Truncated || res.Attempts[1].Net != "tcp" {
			t.Errorf("attempts = %+v", res.Attempts)
		}
	})
	t.Run("server truncates everything over UDP", func(t *testing.T) {
		s := startZone(t)
		s.SetTruncateUDP(true)
		res, err := Lookup(context.Background(), "fabrikam.test", opts(s.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		if res.Resolver.Net != "tcp" || len(res.Hosts) != 4 || addrs(res.Hosts[0]) != "192.0.2.5" {
			t.Errorf("via %s: %v", res.Resolver, hostNames(res.Hosts))
		}
		var udp, tcp int
		for _, q := range s.Queries() {
			if q.Net == "udp" {
				udp++
			} else {
				tcp++
			}
		}
		if udp != tcp || udp == 0 {
			t.Errorf("%d UDP and %d TCP queries, want one TCP retry per UDP query", udp, tcp)
		}
	})
}

func TestLookupServerFallback(t *testing.T) {
	for _, rc := range []int{dns.RcodeServerFailure, dns.RcodeRefused} {
		t.Run(dns.RcodeToString[rc]+" then answer", func(t *testing.T) {
			bad, good := startZone(t), startZone(t)
			bad.SetRcode(rc)
			res, err := Lookup(context.Background(), "fabrikam.test", opts(bad.Addr(), good.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			if res.Resolver.Addr != good.Addr() || len(res.Attempts) != 2 || res.Attempts[0].Rcode != rc || res.Attempts[1].Rcode != dns.RcodeSuccess {
				t.Errorf("resolver %s, attempts %+v", res.Resolver, res.Attempts)
			}
			// Address queries go to the server that answered, not the broken one.
			if n := bad.QueryCount(); n != 1 {
				t.Errorf("broken server got %d queries, want 1", n)
			}
			if addrs(res.Hosts[0]) != "192.0.2.5" {
				t.Errorf("hosts %+v", res.Hosts)
			}
		})
	}

	t.Run("every server fails: temporary, each server named", func(t *testing.T) {
		a, b := startZone(t), startZone(t)
		a.SetRcode(dns.RcodeServerFailure)
		b.SetDrop(true)
		o := opts(a.Addr(), b.Addr())
		o.QueryTimeout = 200 * time.Millisecond
		res, err := Lookup(context.Background(), "fabrikam.test", o)
		var le *LookupError
		if !errors.As(err, &le) || !Temporary(err) || Permanent(err) || len(le.Attempts) != 2 {
			t.Fatalf("err = %v", err)
		}
		if res.Rcode != -1 || res.RcodeName() != "" || len(res.Attempts) != 2 {
			t.Errorf("result %+v", res)
		}
		for _, l := range []lang.Lang{lang.EN, lang.ES} {
			msg := Explain(err).In(l)
			if !strings.Contains(msg, a.Addr()+"/udp: SERVFAIL") || !strings.Contains(msg, b.Addr()+"/udp: ") {
				t.Errorf("%s: %s", l, msg)
			}
		}
		if !strings.Contains(Explain(err).ES, "tiempo agotado") || !strings.Contains(err.Error(), "timeout") {
			t.Errorf("timeout not explained: %v / %s", err, Explain(err).ES)
		}
	})

	t.Run("reply to another question is not accepted (RFC 5452 §9.1)", func(t *testing.T) {
		s := startZone(t)
		s.SetRewrite(func(_, resp *dns.Msg) { resp.Question[0].Name = "evil.test." })
		_, err := Lookup(context.Background(), "fabrikam.test", opts(s.Addr()))
		var le *LookupError
		if !errors.As(err, &le) || !errors.Is(le.Attempts[0].Err, errBadResponse) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("server that does not chase CNAMEs", func(t *testing.T) {
		s := startZone(t)
		s.SetCNAMEChase(false)
		res, err := Lookup(context.Background(), "alias.test", opts(s.Addr()))
		if err != nil || len(res.Hosts) != 1 || strings.Join(res.CNAMEs, " ") != "chain1.test real.test" {
			t.Fatalf("err %v, result %+v", err, res)
		}
		if _, err := Lookup(context.Background(), "loop.test", opts(s.Addr())); !errors.Is(err, ErrCNAMELoop) {
			t.Errorf("loop: %v", err)
		}
	})
}

// A server that never answers must not make Lookup outlive its timeout.
func TestLookupTimeoutHonoured(t *testing.T) {
	s := startZone(t)
	s.SetDrop(true)
	tests := []struct {
		name      string
		opts      Options
		wantCause error
	}{
		{"per-query timeout", Options{Servers: []string{s.Addr()}, Timeout: 10 * time.Second, QueryTimeout: 150 * time.Millisecond}, nil},
		{"total timeout", Options{Servers: []string{s.Addr(), s.Addr() /* deduplicated */}, Timeout: 150 * time.Millisecond}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Lookup(context.Background(), "fabrikam.test", tt.opts)
				done <- err
			}()
			select {
			case err := <-done:
				if !Temporary(err) {
					t.Errorf("err = %v, want temporary", err)
				}
				if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
					t.Errorf("err = %v, want it to wrap %v", err, tt.wantCause)
				}
			case <-time.After(9 * time.Second):
				t.Fatal("Lookup hung past its timeout")
			}
		})
	}

	t.Run("cancellation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := Lookup(ctx, "fabrikam.test", Options{Servers: []string{s.Addr()}})
			done <- err
		}()
		for s.QueryCount() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v", err)
			}
		case <-time.After(4 * time.Second):
			t.Fatal("Lookup ignored cancellation")
		}
	})
}

// Invalid names are refused before any query leaves the process.
func TestLookupInvalidNames(t *testing.T) {
	s := startZone(t)
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"only a dot", "."},
		{"space", "fabrikam .test"},
		{"leading space", " fabrikam.test"},
		{"tab", "fabrikam\t.test"},
		{"CRLF injection", "fabrikam.test\r\nRCPT TO:<x@y>"},
		{"bare LF", "fabrikam.test\n"},
		{"NUL", "fab\x00rikam.test"},
		{"DEL", "fab\x7frikam.test"},
		{"C1 control", "fab\u0085rikam.test"},
		{"bidi override", "fab\u202erikam.test"},
		{"invalid UTF-8", "fab\xffrikam.test"},
		{"label of 64 octets RFC 1035 §2.3.4", strings.Repeat("a", 64) + ".test"},
		{"name of 254 octets RFC 1035 §2.3.4", strings.Repeat("a.", 125) + "test"},
		{"huge input", strings.Repeat("a", 5000)},
		{"empty label", "fabrikam..test"},
		{"leading dot", ".fabrikam.test"},
		{"two trailing dots", "fabrikam.test.."},
		{"underscore RFC 5321 §4.1.2", "fab_rikam.test"},
		{"leading hyphen", "-fabrikam.test"},
		{"trailing hyphen", "fabrikam-.test"},
		{"at sign", "user@fabrikam.test"},
		{"IPv4 literal", "192.0.2.1"},
		{"IPv4 address literal", "[192.0.2.1]"},
		{"IPv6 literal", "2001:db8::1"},
		{"numeric TLD", "10.0.0"},
		{"bad punycode", "xn--zz.test"},
		{"IDN that maps to nothing valid", "fabrikam.te\u0301st\u0338\u0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Lookup(context.Background(), tt.in, opts(s.Addr()))
			var ne *NameError
			if !errors.As(err, &ne) || !errors.Is(err, ErrInvalidName) || !Usage(err) {
				t.Fatalf("err = %v, want a NameError", err)
			}
			if ne.Reason.EN == "" || ne.Reason.ES == "" || ne.Reason.EN == ne.Reason.ES {
				t.Errorf("reason %+v not in both languages", ne.Reason)
			}
			if strings.ContainsAny(err.Error()+Explain(err).ES, "\r\n\x00\x7f\u202e") {
				t.Errorf("raw hostile bytes echoed: %q", err.Error())
			}
			if _, err := LookupHost(context.Background(), tt.in, opts(s.Addr())); err == nil && tt.in != "192.0.2.1" && tt.in != "[192.0.2.1]" && tt.in != "2001:db8::1" {
				t.Errorf("LookupHost accepted %q", tt.in)
			}
		})
	}
	if n := s.QueryCount(); n != 0 {
		t.Errorf("%d queries sent for invalid names: %+v", n, s.Queries())
	}
}

func TestParseDomainAccepts(t *testing.T) {
	tests := []struct{ in, ascii, uni string }{
		{"fabrikam.com", "fabrikam.com.", "fabrikam.com"},
		{"fabrikam.com.", "fabrikam.com.", "fabrikam.com"},
		{"Mail.Fabrikam.COM", "mail.fabrikam.com.", "mail.fabrikam.com"},
		{"localhost", "localhost.", "localhost"},
		{"r3--sn-abc.example.com", "r3--sn-abc.example.com.", "r3--sn-abc.example.com"}, // "--" at 3-4 is fine in ASCII
		{"ＦＡＢＲＩＫＡＭ．ｃｏｍ", "fabrikam.com.", "fabrikam.com"},                               // UTS #46 width mapping
		{"españa.test", "xn--espaa-rta.test.", "españa.test"},
		{"xn--espaa-rta.test", "xn--espaa-rta.test.", "españa.test"},
		{strings.Repeat("a", 63) + ".test", strings.Repeat("a", 63) + ".test.", strings.Repeat("a", 63) + ".test"},
		{strings.Repeat("a.", 124) + "test", strings.Repeat("a.", 124) + "test.", strings.Repeat("a.", 124) + "test"}, // 252 octets
	}
	for _, tt := range tests {
		n, err := ParseDomain(tt.in)
		if err != nil || n.ASCII != tt.ascii || n.Unicode != tt.uni {
			t.Errorf("ParseDomain(%q) = %+v, %v; want %s %s", tt.in, n, err, tt.ascii, tt.uni)
		}
	}
}

func TestLookupHost(t *testing.T) {
	s := startZone(t)
	tests := []struct {
		in      string
		want    string
		wantErr error
		queries bool
	}{
		{"mail1.fabrikam.test", "192.0.2.10,2001:db8::10", nil, true},
		{"mail3.fabrikam.test.", "2001:db8::30", nil, true},
		{"mx-alias.cnamemx.test", "192.0.2.10,2001:db8::10", nil, true},
		{"gone.nxhost.test", "", ErrNXDomain, true},
		{"nodata.test", "", ErrNoAddress, true},
		{"loop.test", "", ErrCNAMELoop, true},
		{"192.0.2.7", "192.0.2.7", nil, false},
		{"[2001:db8::7]", "2001:db8::7", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			before := s.QueryCount()
			got, err := LookupHost(context.Background(), tt.in, opts(s.Addr()))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if a := addrs(Host{Addresses: got}); a != tt.want {
				t.Errorf("addresses %s, want %s", a, tt.want)
			}
			if sent := s.QueryCount() > before; sent != tt.queries {
				t.Errorf("queries sent: %v, want %v", sent, tt.queries)
			}
		})
	}
}

func TestParseServer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.53", "192.0.2.53:53"},
		{"192.0.2.53:5353", "192.0.2.53:5353"},
		{"2001:db8::53", "[2001:db8::53]:53"},
		{"[2001:db8::53]:5353", "[2001:db8::53]:5353"},
		{"::ffff:192.0.2.53", "192.0.2.53:53"},
		{"fe80::1%eth0", "[fe80::1%eth0]:53"},
		{"", ""},
		{"dns.example", ""},
		{"192.0.2.53:0", ""},
		{"192.0.2.53:65536", ""},
		{"192.0.2.53:dns", ""},
		{"192.0.2.53 ", ""},
		{"192.0.2.53\r\n", ""},
		{"[2001:db8::53]", ""},
		{"1.2.3.4.5", ""},
	}
	for _, tt := range tests {
		got, err := ParseServer(tt.in)
		if got != tt.want || (tt.want == "") != errors.Is(err, ErrInvalidServer) {
			t.Errorf("ParseServer(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := Lookup(context.Background(), "fabrikam.test", Options{Servers: []string{"dns.example"}}); !Usage(err) {
		t.Errorf("Lookup with a bad server: %v", err)
	}
}

func TestParseResolvConf(t *testing.T) {
	conf := `# generated
search fabrikam.test
nameserver 192.0.2.1
nameserver 192.0.2.1   # duplicate
nameserver 2001:db8::1
nameserver fe80::1%eth0
nameserver not-an-ip
options ndots:2
;nameserver 192.0.2.9
nameserver`
	got := strings.Join(parseResolvConf(strings.NewReader(conf)), " ")
	want := "192.0.2.1:53 [2001:db8::1]:53 [fe80::1%eth0]:53"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Windows ordering, tested as a pure function over adapter data.
func TestOrderAdapterServers(t *testing.T) {
	ip := netip.MustParseAddr
	tests := []struct {
		name     string
		adapters []adapter
		want     string
	}{
		{"down and gateway-less adapters skipped", []adapter{
			{Up: false, HasGateway: true, Metric: 1, DNS: []netip.Addr{ip("192.0.2.1")}},
			{Up: true, HasGateway: false, Metric: 1, DNS: []netip.Addr{ip("192.0.2.2")}},
			{Up: true, HasGateway: true, Metric: 50, DNS: []netip.Addr{ip("192.0.2.3"), ip("192.0.2.4")}},
		}, "192.0.2.3:53 192.0.2.4:53"},
		{"lowest metric first, ties in given order", []adapter{
			{Up: true, HasGateway: true, Metric: 50, DNS: []netip.Addr{ip("192.0.2.50")}},
			{Up: true, HasGateway: true, Metric: 0, DNS: []netip.Addr{ip("192.0.2.99")}},
			{Up: true, HasGateway: true, Metric: 25, DNS: []netip.Addr{ip("192.0.2.25")}},
			{Up: true, HasGateway: true, Metric: 25, DNS: []netip.Addr{ip("192.0.2.26")}},
		}, "192.0.2.25:53 192.0.2.26:53 192.0.2.50:53 192.0.2.99:53"},
		{"fec0::/10 defaults dropped (RFC 3879), duplicates once", []adapter{
			{Up: true, HasGateway: true, Metric: 10, DNS: []netip.Addr{ip("fec0:0:0:ffff::1"), ip("2001:db8::53"), ip("192.0.2.1")}},
			{Up: true, HasGateway: true, Metric: 20, DNS: []netip.Addr{ip("192.0.2.1"), {}, ip("0.0.0.0")}},
		}, "[2001:db8::53]:53 192.0.2.1:53"},
		{"nothing usable", []adapter{{Up: true}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(orderAdapterServers(tt.adapters), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExplainBothLanguages(t *testing.T) {
	s := startZone(t)
	for _, d := range []string{"nope.test", "null.test", "nodata.test", "loop.test", "deep0.test", "bad name"} {
		_, err := Lookup(context.Background(), d, opts(s.Addr()))
		e := Explain(err)
		if err == nil || e.EN == "" || e.ES == "" || e.EN == e.ES {
			t.Errorf("%s: err %v, explanation %+v", d, err, e)
		}
	}
	if e := Explain(ErrNoResolver); e.EN == e.ES {
		t.Errorf("ErrNoResolver: %+v", e)
	}
	// The Spanish text carries no English words of the sentinel, both name
	// the flag that fixes it, and a cause the system gave is kept.
	for _, err := range []error{ErrNoResolver, fmt.Errorf("%w: reading /etc/resolv.conf: permission denied", ErrNoResolver)} {
		e := Explain(err)
		if strings.Contains(e.ES, ErrNoResolver.Error()) || !strings.Contains(e.ES, "--dns-server") || !strings.Contains(e.EN, "--dns-server") {
			t.Errorf("Explain(%v) = %+v", err, e)
		}
	}
	if e := Explain(fmt.Errorf("%w: reading /etc/resolv.conf: permission denied", ErrNoResolver)); !strings.Contains(e.ES, "(reading /etc/resolv.conf: permission denied)") {
		t.Errorf("the cause is lost: %+v", e)
	}
}

func BenchmarkLookup(b *testing.B) {
	s := startZone(b)
	o := opts(s.Addr())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := Lookup(ctx, "fabrikam.test", o)
		if err != nil || len(res.Hosts) != 4 {
			b.Fatalf("%v %v", err, res.Hosts)
		}
	}
}
