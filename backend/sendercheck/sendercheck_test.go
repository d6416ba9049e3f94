package sendercheck

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/mxlookup/dnstest"
)

// zone is the test DNS: 192.0.2.0/24 senders, fabrikam.test with a clean
// setup, and domains with every kind of SPF and DMARC record.
var zone = []string{
	// Reverse DNS.
	"10.2.0.192.in-addr.arpa. 300 IN PTR mail.fabrikam.test.",
	"12.2.0.192.in-addr.arpa. 300 IN PTR other.fabrikam.test.",
	"13.2.0.192.in-addr.arpa. 300 IN PTR 192-0-2-13.dyn.isp.test.",
	"a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 300 IN PTR mail6.fabrikam.test.",
	"mail.fabrikam.test. 300 IN A 192.0.2.10",
	"mail6.fabrikam.test. 300 IN AAAA 2001:db8::a",
	"other.fabrikam.test. 300 IN A 192.0.2.99",
	"192-0-2-13.dyn.isp.test. 300 IN A 192.0.2.13",
	// SPF (RFC 7208).
	`fabrikam.test. 300 IN TXT "v=spf1 include:_spf.fabrikam.test -all"`,
	`fabrikam.test. 300 IN TXT "google-site-verification=abc"`,
	`_spf.fabrikam.test. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"`,
	`mail.fabrikam.test. 300 IN TXT "v=spf1 a -all"`,
	`bounce.fabrikam.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
	`redirect.test. 300 IN TXT "v=spf1 redirect=fabrikam.test"`,
	`macro.test. 300 IN TXT "v=spf1 exists:%{i}._spf.macro.test -all"`,
	"192.0.2.10._spf.macro.test. 300 IN A 127.0.0.2",
	`soft.test. 300 IN TXT "v=spf1 ~all"`,
	`bad.test. 300 IN TXT "v=spf1 frobnicate ip4:192.0.2.10 -all"`,
	`void.test. 300 IN TXT "v=spf1 a:nx1.void.test a:nx2.void.test a:nx3.void.test ip4:192.0.2.10 -all"`,
	`many.test. 300 IN TXT "v=spf1 include:i1.many.test include:i2.many.test include:i3.many.test include:i4.many.test include:i5.many.test include:i6.many.test include:i7.many.test include:i8.many.test include:i9.many.test include:i10.many.test include:i11.many.test ip4:192.0.2.10 -all"`,
	`two.test. 300 IN TXT "v=spf1 -all"`,
	`two.test. 300 IN TXT "v=spf1 +all"`,
	// DMARC (RFC 7489).
	`_dmarc.fabrikam.test. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@fabrikam.test"`,
	`contoso.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
	`_dmarc.contoso.test. 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; aspf=s"`,
	`_dmarc.broken.test. 300 IN TXT "v=DMARC1; p=maybe"`,
	`broken.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
	// Blocklists (RFC 5782): .20 listed, .30 refused, .40 rewritten.
	"20.2.0.192.zen.spamhaus.org. 300 IN A 127.0.0.2",
	"20.2.0.192.zen.spamhaus.org. 300 IN A 127.0.0.10",
	"30.2.0.192.zen.spamhaus.org. 300 IN A 127.255.255.254",
	"40.2.0.192.zen.spamhaus.org. 300 IN A 198.51.100.1",
	"20.2.0.192.bl.test. 300 IN A 127.0.0.2",
	"spammy.test.dbl.spamhaus.org. 300 IN A 127.0.1.2",
	`spammy.test. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
}

func startZone(t *testing.T, extra ...string) *dnstest.Server {
	t.Helper()
	for i := 1; i <= 11; i++ {
		extra = append(extra, `i`+itoa(i)+`.many.test. 300 IN TXT "v=spf1 -all"`)
	}
	srv, err := dnstest.Start(append(slices.Clone(zone), extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func itoa(i int) string { return strconv.Itoa(i) }

func run(t *testing.T, srv *dnstest.Server, in Input) *Report {
	t.Helper()
	if in.DNSBL == nil {
		in.DNSBL = []string{"zen.spamhaus.org", "bl.test"}
	}
	if in.DBL == nil {
		in.DBL = []string{"dbl.spamhaus.org"}
	}
	rep, err := Check(context.Background(), in, Options{DNS: mxlookup.Options{Servers: []string{srv.Addr()}, QueryTimeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func finding(r *Report, id string) *Finding {
	for i := range r.Findings {
		if r.Findings[i].ID == id {
			return &r.Findings[i]
		}
	}
	return nil
}

func wantFinding(t *testing.T, r *Report, id string, st Status) *Finding {
	t.Helper()
	f := finding(r, id)
	if f == nil {
		t.Fatalf("no finding %q in %+v", id, r.Findings)
	}
	if f.Status != st {
		t.Errorf("finding %s: status %s (%s), want %s", id, f.Status, f.Summary, st)
	}
	if f.Summary == "" || f.Meaning == "" {
		t.Errorf("finding %s has no summary or meaning: %+v", id, f)
	}
	return f
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestCleanSender(t *testing.T) {
	srv := startZone(t)
	r := run(t, srv, Input{IP: ip("192.0.2.10"), Source: FromServer, HELO: "mail.fabrikam.test", MailFrom: "admin@fabrikam.test"})
	if r.IP != "192.0.2.10" || r.IPSource != FromServer || r.Local {
		t.Errorf("ip %s source %s local %v", r.IP, r.IPSource, r.Local)
	}
	if !slices.Equal(r.PTR, []string{"mail.fabrikam.test"}) || !r.FCrDNS {
		t.Errorf("PTR %v fcrdns %v", r.PTR, r.FCrDNS)
	}
	if !r.HELO.MatchesPTR || !r.HELO.ResolvesToIP {
		t.Errorf("HELO %+v", r.HELO)
	}
	s := r.SPF
	if s.Domain != "fabrikam.test" || s.Result != "pass" || s.Matched != "include:_spf.fabrikam.test" || s.Lookups != 1 ||
		s.Record != "v=spf1 include:_spf.fabrikam.test -all" {
		t.Errorf("SPF %+v", s)
	}
	if r.DMARC.Policy != "reject" || !r.DMARC.SPFAligned || r.DMARC.Domain != "fabrikam.test" {
		t.Errorf("DMARC %+v", r.DMARC)
	}
	for _, id := range []string{"ptr", "helo", "spf", "dmarc", "dnsbl"} {
		wantFinding(t, r, id, Pass)
	}
	if r.Worst() != Pass {
		t.Errorf("worst %s: %+v", r.Worst(), r.Findings)
	}
	// 2 IP zones + 1 DBL zone × 2 domains (fabrikam.test, mail.fabrikam.test).
	if len(r.DNSBL) != 4 {
		t.Errorf("%d blocklist queries: %+v", len(r.DNSBL), r.DNSBL)
	}
	for _, l := range r.DNSBL {
		if l.Listed || l.Status != Pass {
			t.Errorf("listing %+v", l)
		}
	}
	if want := "10.2.0.192.zen.spamhaus.org"; r.DNSBL[0].Query != want {
		t.Errorf("query %q, want %q (RFC 5782 §2.1)", r.DNSBL[0].Query, want)
	}
}

func TestIPv6Sender(t *testing.T) {
	srv := startZone(t)
	r := run(t, srv, Input{IP: ip("2001:db8::a"), HELO: "mail6.fabrikam.test", MailFrom: "a@fabrikam.test"})
	if !r.FCrDNS || r.SPF.Result != "pass" || r.IPSource != Given {
		t.Errorf("fcrdns %v spf %+v source %s", r.FCrDNS, r.SPF, r.IPSource)
	}
	// RFC 5782 §2.4: nibbles reversed.
	if want := "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org"; r.DNSBL[0].Query != want {
		t.Errorf("query %q, want %q", r.DNSBL[0].Query, want)
	}
}

func TestReverseDNS(t *testing.T) {
	srv := startZone(t)
	tests := []struct {
		name, ip string
		status   Status
		generic  bool
	}{
		{"no PTR: Gmail 550 5.7.25", "192.0.2.11", Fail, false},
		{"PTR not forward-confirmed (RFC 1912 §2.1)", "192.0.2.12", Fail, false},
		{"confirmed but generic", "192.0.2.13", Pass, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, srv, Input{IP: ip(tt.ip), MailFrom: "a@fabrikam.test"})
			f := wantFinding(t, r, "ptr", tt.status)
			if tt.status == Fail && (f.Consequence == "" || len(f.Actions) == 0) {
				t.Errorf("fail without consequence or action: %+v", f)
			}
			if got := finding(r, "ptr_generic") != nil; got != tt.generic {
				t.Errorf("ptr_generic %v, want %v", got, tt.generic)
			}
		})
	}
}

func TestHELO(t *testing.T) {
	srv := startZone(t)
	tests := []struct {
		helo   string
		status Status
	}{
		{"mail.fabrikam.test", Pass},
		{"MAIL.Fabrikam.test.", Pass},    // names compare without case (RFC 4343)
		{"other.fabrikam.test", Warning}, // resolves elsewhere
		{"nx.fabrikam.test", Fail},       // does not exist
		{"mailhost", Warning},            // not an FQDN (RFC 5321 §4.1.4)
		{"[192.0.2.10]", Warning},        // address literal
	}
	for _, tt := range tests {
		t.Run(tt.helo, func(t *testing.T) {
			r := run(t, srv, Input{IP: ip("192.0.2.10"), HELO: tt.helo, MailFrom: "a@fabrikam.test"})
			wantFinding(t, r, "helo", tt.status)
		})
	}
}

func TestSPF(t *testing.T) {
	srv := startZone(t)
	tests := []struct {
		name, from, helo string
		result           string
		status           Status
		matched          string
		lookups          int
	}{
		{"include (RFC 7208 §5.2)", "a@fabrikam.test", "", "pass", Pass, "include:_spf.fabrikam.test", 1},
		{"redirect (§6.1)", "a@redirect.test", "", "pass", Pass, "include:_spf.fabrikam.test", 2},
		{"macro %{i} (§7)", "a@macro.test", "", "pass", Pass, "exists:%{i}._spf.macro.test", 1},
		{"softfail", "a@soft.test", "", "softfail", Warning, "all", 0},
		{"no record", "a@nospf.test", "", "none", Warning, "", 0},
		{"syntax permerror (§4.6)", "a@bad.test", "", "permerror", Fail, "", 0},
		{"void lookups (§4.6.4)", "a@void.test", "", "permerror", Fail, "", 3},
		{"over 10 lookups (§4.6.4)", "a@many.test", "", "permerror", Fail, "", 11},
		{"two records (§4.5)", "a@two.test", "", "permerror", Fail, "", 0},
		{"null sender uses HELO (§2.3)", "<>", "mail.fabrikam.test", "pass", Pass, "a", 1},
		{"fail", "a@fabrikam.test", "", "fail", Fail, "all", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := "192.0.2.10"
			if tt.result == "fail" {
				addr = "198.51.100.9"
			}
			r := run(t, srv, Input{IP: ip(addr), HELO: tt.helo, MailFrom: tt.from})
			s := r.SPF
			if s.Result != tt.result || s.Matched != tt.matched || s.Lookups != tt.lookups {
				t.Errorf("SPF %+v; want result %s matched %q lookups %d", s, tt.result, tt.matched, tt.lookups)
			}
			wantFinding(t, r, "spf", tt.status)
		})
	}
}

func TestSPFOversizeTXT(t *testing.T) {
	big := `huge.test. 300 IN TXT "v=spf1 ip4:192.0.2.10"`
	var parts []string
	for range 20 {
		parts = append(parts, `"`+strings.Repeat("x", 250)+`"`)
	}
	big += " " + strings.Join(parts, " ")
	srv := startZone(t, big)
	r := run(t, srv, Input{IP: ip("192.0.2.10"), MailFrom: "a@huge.test"})
	if r.SPF.Result != "permerror" || len(r.SPF.Record) > maxTXTBytes {
		t.Errorf("oversize record: %+v", r.SPF)
	}
}

func TestDMARC(t *testing.T) {
	srv := startZone(t)
	tests := []struct {
		name, from, fromHdr string
		policy              string
		aligned             bool
		status              Status
	}{
		{"aligned, relaxed subdomain MAIL FROM (RFC 7489 §3.1.2)", "b@bounce.fabrikam.test", "fabrikam.test", "reject", true, Pass},
		{"strict alignment, subdomain From: uses sp= (§6.6.3)", "a@contoso.test", "news.contoso.test", "quarantine", false, Warning},
		{"other domain does not align", "a@soft.test", "fabrikam.test", "reject", false, Warning},
		{"no record", "a@soft.test", "soft.test", "", false, Warning},
		{"record that does not parse counts as none", "a@broken.test", "broken.test", "", false, Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, srv, Input{IP: ip("192.0.2.10"), MailFrom: tt.from, FromDomain: tt.fromHdr})
			if r.DMARC.Policy != tt.policy || r.DMARC.SPFAligned != tt.aligned {
				t.Errorf("DMARC %+v; want policy %q aligned %v", r.DMARC, tt.policy, tt.aligned)
			}
			f := wantFinding(t, r, "dmarc", tt.status)
			if tt.policy != "" && !strings.Contains(f.Meaning+f.Summary, "DKIM") {
				t.Errorf("DMARC finding does not say DKIM could not be judged: %+v", f)
			}
		})
	}
}

func TestBlocklists(t *testing.T) {
	srv := startZone(t)
	t.Run("listed with Spamhaus codes", func(t *testing.T) {
		r := run(t, srv, Input{IP: ip("192.0.2.20"), MailFrom: "a@spammy.test"})
		var zen, dbl *Listing
		for i, l := range r.DNSBL {
			switch {
			case l.Zone == "zen.spamhaus.org":
				zen = &r.DNSBL[i]
			case l.Zone == "dbl.spamhaus.org" && l.Query == "spammy.test.dbl.spamhaus.org":
				dbl = &r.DNSBL[i]
			}
		}
		if zen == nil || !zen.Listed || zen.Status != Fail || !slices.Equal(zen.Codes, []string{"127.0.0.10", "127.0.0.2"}) ||
			!strings.Contains(zen.Meaning, "SBL") || !strings.Contains(zen.Meaning, "PBL") {
			t.Errorf("zen: %+v", zen)
		}
		if dbl == nil || !dbl.Listed || !strings.Contains(dbl.Meaning, "DBL spam domain") || dbl.Kind != "domain" {
			t.Errorf("dbl: %+v", dbl)
		}
		n := 0
		for _, f := range r.Findings {
			if f.ID == "dnsbl_listed" {
				n++
				if f.Status != Fail {
					t.Errorf("listing finding %+v", f)
				}
			}
		}
		if n != 3 || finding(r, "dnsbl") != nil || r.Worst() != Fail {
			t.Errorf("%d listing findings, worst %s: %+v", n, r.Worst(), r.Findings)
		}
	})
	t.Run("refused 127.255.255.254 is could not check, not listed", func(t *testing.T) {
		r := run(t, srv, Input{IP: ip("192.0.2.30"), DNSBL: []string{"zen.spamhaus.org"}, DBL: []string{}})
		l := r.DNSBL[0]
		if l.Listed || l.Status != CouldNotCheck || !slices.Equal(l.Codes, []string{"127.255.255.254"}) {
			t.Errorf("%+v", l)
		}
		wantFinding(t, r, "dnsbl_unchecked", CouldNotCheck)
	})
	t.Run("answer outside 127/8 is could not check", func(t *testing.T) {
		r := run(t, srv, Input{IP: ip("192.0.2.40"), DNSBL: []string{"zen.spamhaus.org"}, DBL: []string{}})
		if l := r.DNSBL[0]; l.Listed || l.Status != CouldNotCheck {
			t.Errorf("%+v", l)
		}
	})
	t.Run("user zones are cleaned and bounded", func(t *testing.T) {
		zs := []string{"BL.test.", "bl.test", "bad zone", ""}
		for i := range 100 {
			zs = append(zs, "z"+itoa(i%100)+".example")
		}
		if got := zones(zs); len(got) != maxZones || got[0] != "bl.test" {
			t.Errorf("zones: %d %v", len(got), got[:3])
		}
	})
}

func TestLocalAddressSkipsIPChecks(t *testing.T) {
	srv := startZone(t)
	r := run(t, srv, Input{IP: ip("192.168.1.20"), Source: FromLocal, HELO: "mail.fabrikam.test", MailFrom: "a@fabrikam.test"})
	f := wantFinding(t, r, "egress_local", Warning)
	if len(f.Actions) == 0 || !r.Local {
		t.Errorf("%+v local %v", f, r.Local)
	}
	if q := srv.Queries(); len(q) > 0 {
		t.Errorf("%d queries for a private address, first %s", len(q), q[0].Name)
	}
	if finding(r, "ptr") != nil || finding(r, "spf") != nil {
		t.Errorf("IP checks ran for a private address: %+v", r.Findings)
	}
}

func TestDNSFailureIsCouldNotCheck(t *testing.T) {
	srv := startZone(t)
	srv.SetRcode(dns.RcodeServerFailure)
	r := run(t, srv, Input{IP: ip("192.0.2.10"), HELO: "mail.fabrikam.test", MailFrom: "a@fabrikam.test"})
	for _, id := range []string{"ptr", "helo", "spf", "dmarc", "dnsbl_unchecked"} {
		wantFinding(t, r, id, CouldNotCheck)
	}
	if r.Worst() != CouldNotCheck || r.SPF.Result != "temperror" {
		t.Errorf("worst %s, SPF %+v", r.Worst(), r.SPF)
	}
}

func TestDeadline(t *testing.T) {
	srv := startZone(t)
	srv.SetDrop(true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Check(ctx, Input{IP: ip("192.0.2.10"), MailFrom: "a@fabrikam.test", DBL: []string{}}, Options{DNS: mxlookup.Options{Servers: []string{srv.Addr()}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Worst() != CouldNotCheck {
		t.Errorf("cancelled check: worst %s", rep.Worst())
	}
}

func TestSpanish(t *testing.T) {
	srv := startZone(t)
	r := run(t, srv, Input{IP: ip("192.0.2.11"), MailFrom: "a@fabrikam.test"})
	en := *finding(r, "ptr")
	r.Localize(lang.ES)
	es := finding(r, "ptr")
	if es.Summary == en.Summary || !strings.Contains(es.Summary, "no tiene") || es.Actions[0] == en.Actions[0] {
		t.Errorf("es %+v\nen %+v", es, en)
	}
}

func TestNoIP(t *testing.T) {
	if _, err := Check(context.Background(), Input{}, Options{}); err != ErrNoIP {
		t.Errorf("err %v, want ErrNoIP", err)
	}
	if _, err := Check(context.Background(), Input{IP: ip("192.0.2.1")}, Options{DNS: mxlookup.Options{Servers: []string{"not a server"}}}); err == nil {
		t.Error("a bad DNS server was accepted")
	}
}
