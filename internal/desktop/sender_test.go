package desktop

import (
	"strings"
	"testing"

	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/sendercheck"
)

// TestSenderChecks runs the binding against a DNS server on loopback:
// forward-confirmed PTR (RFC 1912 §2.1), SPF pass (RFC 7208), a user zone
// list, errors in the asked language.
func TestSenderChecks(t *testing.T) {
	srv, err := dnstest.Start(
		"10.2.0.192.in-addr.arpa. 300 IN PTR mail.fabrikam.test.",
		"mail.fabrikam.test. 300 IN A 192.0.2.10",
		`fabrikam.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
		"10.2.0.192.own.bl.test. 300 IN A 127.0.0.2",
	)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	a, _ := newTestApp(t)
	res := a.Sender.Check(SenderRequest{IP: " 192.0.2.10 ", HELO: "mail.fabrikam.test", From: "a@fabrikam.test",
		DNSServer: srv.Addr(), DNSBL: []string{"own.bl.test"}, DBL: []string{"dbl.test"}, Lang: "es"})
	r := res.Report
	if res.Error != "" || r == nil {
		t.Fatalf("%+v", res)
	}
	if !r.FCrDNS || r.SPF.Result != "pass" || len(r.DNSBL) != 3 || !r.DNSBL[0].Listed || r.Worst() != sendercheck.Fail {
		t.Errorf("report %+v", r)
	}
	if !strings.Contains(r.Findings[0].Summary, "resuelve de vuelta") {
		t.Errorf("not in Spanish: %q", r.Findings[0].Summary)
	}
	for _, tt := range []struct{ req SenderRequest }{
		{SenderRequest{Lang: "en"}},
		{SenderRequest{IP: "nope\r\n", Lang: "es"}},
		{SenderRequest{IP: "192.0.2.10", DNSServer: "dns.example", Lang: "en"}},
	} {
		if got := a.Sender.Check(tt.req); got.Report != nil || got.Error == "" || strings.ContainsAny(got.Error, "\r\n") {
			t.Errorf("%+v: %+v", tt.req, got)
		}
	}
}

// TestStartTestHasSenderChecks: a session on loopback gets the sender
// checks of its local address, marked private (no DNS query is needed).
func TestStartTestHasSenderChecks(t *testing.T) {
	_, host, port := startReceiver(t, receiver.Config{})
	a, _ := newTestApp(t)
	req := baseRequest(host, port)
	req.Lang = "es"
	res, err := a.Sessions.StartTest("s-sender", req)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Sender
	if r == nil || r.IP != "127.0.0.1" || r.IPSource != sendercheck.FromLocal || !r.Local || len(r.Findings) != 1 ||
		r.Findings[0].ID != "egress_local" || !strings.Contains(r.Findings[0].Summary, "privada") {
		t.Fatalf("sender = %+v", r)
	}
}
