// Package dnstest runs a real DNS server on the loopback interface for tests
// and benchmarks, so code that resolves names can be exercised end to end
// without ever touching a real DNS server.
//
// A Server answers from records written in zone-file syntax, over UDP and TCP
// on the same 127.0.0.1 port, like a recursive resolver would:
//
//	srv, err := dnstest.Start(
//		"fabrikam.test. 300 IN MX 10 mail1.fabrikam.test.",
//		"fabrikam.test. 300 IN MX 20 mail2.fabrikam.test.",
//		"mail1.fabrikam.test. 300 IN A 192.0.2.10",
//		"mail2.fabrikam.test. 300 IN AAAA 2001:db8::20",
//	)
//	if err != nil { ... }
//	defer srv.Close()
//	// point the code under test at srv.Addr(), e.g. "127.0.0.1:40123"
//
// Answers follow the usual rules: the records of the asked type at the asked
// name; a CNAME at the name is followed inside the zone (as a recursive
// resolver does) and the whole chain is returned; a name with no records of
// its own and none below it gets NXDOMAIN; a name that exists without records
// of the asked type gets NOERROR with an empty answer (NODATA).
//
// UDP answers are truncated (TC bit) to the requester's EDNS0 buffer size, or
// 512 octets without EDNS0 (RFC 1035 §4.2.1, RFC 6891 §6.2.5), so large
// answers force the client to retry over TCP exactly as on the Internet.
//
// Knobs make the server misbehave the way real ones do: SetRcode (answer
// SERVFAIL, REFUSED... to everything), SetNameRcode (to one name only), SetDrop
// (never answer), SetDelay (answer late), SetTruncateUDP (set TC and drop the
// records on every UDP answer) and SetRewrite (edit each answer before it is
// sent, for hostile replies). Every query is logged (Queries, QueryCount), so
// a test can prove that a query was, or was not, sent.
//
// All methods are safe for concurrent use.
package dnstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// maxChase bounds how many CNAMEs the server follows for one answer, so a
// zone with a CNAME loop still gets an answer (the looping chain) instead of
// spinning.
const maxChase = 16

// Query is one query the server received.
type Query struct {
	// Name is the query name as received (presentation format, lower case).
	Name string
	// Type is the query type, e.g. dns.TypeMX.
	Type uint16
	// Net is "udp" or "tcp".
	Net string
}

// Server is a DNS server on 127.0.0.1 serving a fixed set of records. Create
// one with Start and stop it with Close.
type Server struct {
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	// closed is closed by Close so that delayed handlers return at once.
	closed    chan struct{}
	closeOnce sync.Once

	mu          sync.Mutex
	records     map[string][]dns.RR // by lower-case owner name
	rcode       int                 // -1: answer normally
	nameRcode   map[string]int      // lower-case name -> rcode
	drop        bool
	delay       time.Duration
	truncateUDP bool
	noChase     bool
	rewrite     func(req, resp *dns.Msg)
	queries     []Query
}

// Start parses the records (one resource record in zone-file syntax per
// string, with fully qualified names) and starts a server for them on
// 127.0.0.1, over UDP and TCP on the same port. The caller must Close it.
func Start(records ...string) (*Server, error) {
	s := &Server{
		closed:    make(chan struct{}),
		records:   make(map[string][]dns.RR),
		rcode:     -1,
		nameRcode: make(map[string]int),
	}
	if err := s.Add(records...); err != nil {
		return nil, err
	}
	pc, ln, err := listenPair()
	if err != nil {
		return nil, err
	}
	s.addr = pc.LocalAddr().String()

	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serveUDP), NotifyStartedFunc: notify, UDPSize: dns.MaxMsgSize}
	s.tcp = &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.serveTCP), NotifyStartedFunc: notify}
	errs := make(chan error, 2)
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		go func() { errs <- srv.ActivateAndServe() }()
	}
	for range 2 {
		select {
		case <-started:
		case err := <-errs:
			pc.Close()
			ln.Close()
			return nil, fmt.Errorf("dnstest: starting server: %w", err)
		}
	}
	return s, nil
}

// listenPair binds UDP on 127.0.0.1:0 and then TCP on the same port, retrying
// with a new port when another process already holds that TCP port.
func listenPair() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, fmt.Errorf("dnstest: listening on UDP: %w", err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("dnstest: no free port for both UDP and TCP: %w", lastErr)
}

// Add parses more records (zone-file syntax) and serves them from now on.
func (s *Server) Add(records ...string) error {
	parsed := make([]dns.RR, 0, len(records))
	for _, r := range records {
		rr, err := dns.NewRR(r)
		if err != nil {
			return fmt.Errorf("dnstest: parsing record %q: %w", r, err)
		}
		if rr == nil {
			return fmt.Errorf("dnstest: record %q is empty", r)
		}
		parsed = append(parsed, rr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rr := range parsed {
		name := strings.ToLower(rr.Header().Name)
		s.records[name] = append(s.records[name], rr)
	}
	return nil
}

// Addr returns the "127.0.0.1:port" address the server listens on, for both
// UDP and TCP.
func (s *Server) Addr() string { return s.addr }

// Close stops the server and waits for its listeners to shut down. Calling it
// more than once is harmless.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = errors.Join(s.udp.ShutdownContext(ctx), s.tcp.ShutdownContext(ctx))
	})
	return err
}

// SetRcode makes the server answer every query with this response code and
// no records (dns.RcodeServerFailure, dns.RcodeRefused...). A negative value
// restores normal answers.
func (s *Server) SetRcode(rcode int) {
	s.mu.Lock()
	s.rcode = rcode
	s.mu.Unlock()
}

// SetNameRcode makes the server answer every query for name (any type) with
// this response code and no records; a negative rcode removes the override.
func (s *Server) SetNameRcode(name string, rcode int) {
	name = strings.ToLower(dns.Fqdn(name))
	s.mu.Lock()
	if rcode < 0 {
		delete(s.nameRcode, name)
	} else {
		s.nameRcode[name] = rcode
	}
	s.mu.Unlock()
}

// SetDrop makes the server read queries and never answer them, like a
// firewalled or overloaded resolver.
func (s *Server) SetDrop(drop bool) {
	s.mu.Lock()
	s.drop = drop
	s.mu.Unlock()
}

// SetDelay makes the server wait d before each answer. Close cuts the wait
// short.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// SetTruncateUDP makes every UDP answer an empty one with the TC bit set, so
// the client must ask again over TCP; TCP answers stay complete.
func (s *Server) SetTruncateUDP(on bool) {
	s.mu.Lock()
	s.truncateUDP = on
	s.mu.Unlock()
}

// SetCNAMEChase turns off (false) or back on (true) following CNAMEs inside
// the zone. Without it the server answers like an authoritative server whose
// CNAME target lives elsewhere: with the CNAME alone, and the client must ask
// again for the target.
func (s *Server) SetCNAMEChase(on bool) {
	s.mu.Lock()
	s.noChase = !on
	s.mu.Unlock()
}

// SetRewrite installs f to edit every answer just before it is sent (after
// truncation), e.g. to change the question or inject records; nil removes it.
// f runs on the server's goroutines and must not block.
func (s *Server) SetRewrite(f func(req, resp *dns.Msg)) {
	s.mu.Lock()
	s.rewrite = f
	s.mu.Unlock()
}

// Queries returns a copy of every query received so far, in arrival order.
func (s *Server) Queries() []Query {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Query(nil), s.queries...)
}

// QueryCount returns how many queries the server has received.
func (s *Server) QueryCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queries)
}

func (s *Server) serveUDP(w dns.ResponseWriter, req *dns.Msg) { s.serve(w, req, "udp") }
func (s *Server) serveTCP(w dns.ResponseWriter, req *dns.Msg) { s.serve(w, req, "tcp") }

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg, network string) {
	s.mu.Lock()
	if len(req.Question) > 0 {
		q := req.Question[0]
		s.queries = append(s.queries, Query{Name: strings.ToLower(q.Name), Type: q.Qtype, Net: network})
	}
	drop, delay, rewrite := s.drop, s.delay, s.rewrite
	resp := s.answerLocked(req, network)
	s.mu.Unlock()

	if drop {
		// Not writing anything leaves the client waiting for its timeout.
		return
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.closed:
			t.Stop()
			return
		}
	}
	if rewrite != nil {
		rewrite(req, resp)
	}
	// The client may have given up already; a failed write is its problem.
	_ = w.WriteMsg(resp)
}

// answerLocked builds the response to req. s.mu must be held.
func (s *Server) answerLocked(req *dns.Msg, network string) *dns.Msg {
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.RecursionAvailable = true
	if len(req.Question) != 1 {
		resp.Rcode = dns.RcodeFormatError
		return resp
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	switch {
	case s.rcode >= 0:
		resp.Rcode = s.rcode
		return resp
	case s.hasNameRcodeLocked(name):
		resp.Rcode = s.nameRcode[name]
		return resp
	}

	seen := map[string]bool{}
	for range maxChase {
		seen[name] = true
		matched := false
		for _, rr := range s.records[name] {
			if rr.Header().Rrtype == q.Qtype || q.Qtype == dns.TypeANY {
				resp.Answer = append(resp.Answer, withOwner(rr, name, q.Name))
				matched = true
			}
		}
		if matched || q.Qtype == dns.TypeCNAME {
			break
		}
		cname := s.cnameLocked(name)
		if cname == nil {
			if len(s.records[name]) == 0 && !s.hasDescendantLocked(name) {
				resp.Rcode = dns.RcodeNameError
			}
			break
		}
		resp.Answer = append(resp.Answer, withOwner(cname, name, q.Name))
		name = strings.ToLower(cname.Target)
		if s.noChase || seen[name] {
			break
		}
		if rc, ok := s.nameRcode[name]; ok {
			resp.Rcode = rc
			break
		}
	}

	if network == "udp" {
		if s.truncateUDP {
			resp.Answer, resp.Ns, resp.Extra = nil, nil, nil
			resp.Truncated = true
		} else {
			size := dns.MinMsgSize
			if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
				size = int(opt.UDPSize())
			}
			resp.Truncate(size)
		}
	}
	return resp
}

func (s *Server) hasNameRcodeLocked(name string) bool {
	_, ok := s.nameRcode[name]
	return ok
}

func (s *Server) cnameLocked(name string) *dns.CNAME {
	for _, rr := range s.records[name] {
		if c, ok := rr.(*dns.CNAME); ok {
			return c
		}
	}
	return nil
}

// hasDescendantLocked reports whether some record lives below name, which
// makes name an empty non-terminal: it exists, so the answer is NODATA rather
// than NXDOMAIN (RFC 8020).
func (s *Server) hasDescendantLocked(name string) bool {
	suffix := "." + name
	if name == "." {
		suffix = "."
	}
	for owner := range s.records {
		if owner != name && strings.HasSuffix(owner, suffix) {
			return true
		}
	}
	return false
}

// withOwner returns a copy of rr whose owner name keeps the spelling the
// client used when it is the name that was asked (DNS names compare without
// case, and clients check the echo).
func withOwner(rr dns.RR, lowerName, asked string) dns.RR {
	c := dns.Copy(rr)
	if strings.ToLower(asked) == lowerName {
		c.Header().Name = asked
	}
	return c
}
