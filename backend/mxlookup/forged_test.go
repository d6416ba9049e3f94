package mxlookup

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// forgedServer answers on one 127.0.0.1 port: over UDP every query gets
// forged datagrams (the wrong id, as an off-path attacker guessing ids
// sends, RFC 5452 §4) and then the genuine answer unless udpAnswers is
// false; over TCP it answers normally.
func forgedServer(t *testing.T, forged int, udpAnswers bool) string {
	t.Helper()
	answer := func(req *dns.Msg) *dns.Msg {
		resp := new(dns.Msg)
		resp.SetReply(req)
		resp.RecursionAvailable = true
		q := req.Question[0]
		switch q.Qtype {
		case dns.TypeMX:
			rr, _ := dns.NewRR(q.Name + " 300 IN MX 10 mail.fabrikam.test.")
			resp.Answer = append(resp.Answer, rr)
		case dns.TypeA:
			rr, _ := dns.NewRR(q.Name + " 300 IN A 192.0.2.10")
			resp.Answer = append(resp.Answer, rr)
		}
		return resp
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", ln.Addr().String())
	if err != nil {
		ln.Close()
		t.Skipf("UDP port of %s taken: %v", ln.Addr(), err)
	}
	tcp := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) { _ = w.WriteMsg(answer(req)) })}
	go func() { _ = tcp.ActivateAndServe() }()
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			req := new(dns.Msg)
			if req.Unpack(buf[:n]) != nil || len(req.Question) == 0 {
				continue
			}
			resp := answer(req)
			for i := range forged {
				fake := resp.Copy()
				fake.Id = req.Id + uint16(i) + 1
				b, _ := fake.Pack()
				_, _ = pc.WriteTo(b, from)
			}
			if udpAnswers {
				b, _ := resp.Pack()
				_, _ = pc.WriteTo(b, from)
			}
		}
	}()
	t.Cleanup(func() { pc.Close(); _ = tcp.Shutdown() })
	return ln.Addr().String()
}

// TestLookupSkipsForgedDatagrams: datagrams with the wrong id do not end
// the query, however many come before the genuine answer (RFC 5452 §9.1:
// accept only a matching id, keep waiting for it); when none matches
// before the query's deadline the same server is asked over TCP, which an
// off-path forger cannot answer.
func TestLookupSkipsForgedDatagrams(t *testing.T) {
	for _, c := range []struct {
		name       string
		forged     int
		udpAnswers bool
		net        string
	}{
		{"nine forged, then the answer", 9, true, "udp"},
		{"a hundred forged, then the answer", 100, true, "udp"},
		{"only forged: TCP", 12, false, "tcp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr := forgedServer(t, c.forged, c.udpAnswers)
			o := Options{Servers: []string{addr}, Timeout: 10 * time.Second, QueryTimeout: 500 * time.Millisecond}
			res, err := Lookup(context.Background(), "fabrikam.test", o)
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if len(res.Hosts) != 1 || res.Hosts[0].Exchanger != "mail.fabrikam.test" || res.Resolver.Net != c.net {
				t.Errorf("hosts %v via %+v, want mail.fabrikam.test over %s", hostNames(res.Hosts), res.Resolver, c.net)
			}
		})
	}
}
