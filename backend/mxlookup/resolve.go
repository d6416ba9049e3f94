package mxlookup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"smtpprobe/backend/lang"
)

// ednsSize is the UDP payload size we advertise (EDNS0, RFC 6891): 1232
// octets fits in every common path MTU without fragmentation (DNS flag day
// 2020); larger answers come truncated and are fetched over TCP.
const ednsSize = 1232

// errBadResponse marks a reply that does not answer our question.
var errBadResponse = errors.New("reply does not match the question")

// Attempt is one exchange with one DNS server.
type Attempt struct {
	// Server is the server address, "host:port".
	Server string `json:"server"`
	// Net is "udp" or "tcp".
	Net string `json:"net"`
	// Rcode is the response code received, or -1 when no usable reply came.
	Rcode int `json:"rcode"`
	// Truncated is set when a UDP reply had the TC bit (the query is then
	// repeated over TCP as a separate Attempt).
	Truncated bool `json:"truncated,omitempty"`
	// Forged counts UDP datagrams skipped because their id did not match
	// the query or they did not parse (stray, late or forged, RFC 5452 §9.1); when no
	// genuine answer came before the deadline the query is repeated over
	// TCP.
	Forged int `json:"forged,omitempty"`
	// Err is what went wrong when no usable reply came (timeout, refused
	// connection, malformed reply), else nil.
	Err error `json:"-"`
	// RTT is the time from sending the query to the end of the exchange.
	RTT time.Duration `json:"-"`
}

// Describe says in one short phrase what the server answered.
func (a Attempt) Describe(l lang.Lang) string {
	switch {
	case a.Err != nil:
		var ne net.Error
		switch {
		case errors.As(a.Err, &ne) && ne.Timeout(), errors.Is(a.Err, context.DeadlineExceeded):
			return txtAttemptTimeout.fmt().In(l)
		case errors.Is(a.Err, context.Canceled):
			return txtAttemptCanceled.fmt().In(l)
		case errors.Is(a.Err, errBadResponse):
			return txtAttemptMismatch.fmt().In(l)
		}
		return txtAttemptError.fmt(safe(a.Err.Error())).In(l)
	case a.Truncated:
		return txtAttemptTruncated.fmt().In(l)
	}
	return rcodeName(a.Rcode)
}

// rcodeName returns the mnemonic of a response code ("NOERROR", "SERVFAIL").
func rcodeName(rc int) string {
	if rc < 0 {
		return ""
	}
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// resolver sends queries to a list of servers in order, with the per-query
// timeout, moving on when one fails.
type resolver struct {
	servers      []string
	queryTimeout time.Duration
}

// exchange asks the servers in order for (name, qtype) until one gives a
// NOERROR or NXDOMAIN reply that matches the question. A truncated UDP reply
// is asked again over TCP to the same server (RFC 7766 §5).
func (r *resolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, Resolver, []Attempt, error) {
	var attempts []Attempt
	for _, srv := range r.servers {
		if ctxErr(ctx) != nil {
			break
		}
		for _, network := range []string{"udp", "tcp"} {
			msg, a := r.exchangeOne(ctx, srv, network, name, qtype)
			attempts = append(attempts, a)
			if a.Err != nil || a.Truncated {
				if a.Truncated || (network == "udp" && a.Forged > 0 && ctxErr(ctx) == nil) {
					// Same server over TCP: an off-path forger
					// cannot answer inside a TCP stream.
					continue
				}
				break // next server
			}
			if a.Rcode == dns.RcodeSuccess || a.Rcode == dns.RcodeNameError {
				return msg, Resolver{Addr: srv, Net: network}, attempts, nil
			}
			break // SERVFAIL, REFUSED, ...: next server
		}
	}
	return nil, Resolver{}, attempts, &LookupError{
		Err:      ErrAllServersFailed,
		Name:     safeName(name),
		Query:    dns.TypeToString[qtype],
		Attempts: attempts,
		Cause:    ctxErr(ctx),
	}
}

// exchangeOne sends one query to one server and reads its reply. It honours
// ctx for both its deadline and cancellation: the socket deadline is set
// from the per-query timeout and moved to the past when ctx is cancelled.
func (r *resolver) exchangeOne(ctx context.Context, server, network, name string, qtype uint16) (_ *dns.Msg, a Attempt) {
	a = Attempt{Server: server, Net: network, Rcode: -1}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, r.queryTimeout)
	defer cancel()
	defer func() { a.RTT = time.Since(start) }()

	var d net.Dialer
	conn, err := d.DialContext(ctx, network, server)
	if err != nil {
		a.Err = fmt.Errorf("dialing %s/%s: %w", server, network, err)
		return nil, a
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		a.Err = fmt.Errorf("setting deadline: %w", err)
		return nil, a
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	q.SetEdns0(ednsSize, false)
	// Reading with the largest buffer lets us see (and reject) a server that
	// ignores our advertised size, instead of failing on a cut datagram.
	co := &dns.Conn{Conn: conn, UDPSize: dns.MaxMsgSize}
	if err := co.WriteMsg(q); err != nil {
		a.Err = fmt.Errorf("sending query: %w", ctxOr(ctx, err))
		return nil, a
	}
	for {
		resp, err := co.ReadMsg()
		if err == nil && resp.Id == q.Id {
			if !matches(q, resp) {
				a.Err = errBadResponse
				return nil, a
			}
			a.Rcode = resp.Rcode
			if resp.Truncated && network == "udp" {
				a.Truncated = true
			}
			return resp, a
		}
		var ne net.Error
		timeout := errors.As(err, &ne) && ne.Timeout()
		// Over UDP a stray, late or forged datagram is skipped until the
		// query's deadline, which bounds a spray of them: stopping after a
		// few would let a forger fail the lookup although the genuine
		// answer follows. Over TCP the stream is in order, so any mismatch
		// is fatal.
		if network == "tcp" || timeout || (err != nil && !isUnpackError(err)) {
			if err == nil {
				err = fmt.Errorf("reply id %d, want %d: %w", resp.Id, q.Id, errBadResponse)
			}
			a.Err = fmt.Errorf("reading reply: %w", ctxOr(ctx, err))
			return nil, a
		}
		a.Forged++
	}
}

// ctxErr is ctx.Err(), but already DeadlineExceeded when the deadline has
// passed: a socket deadline set from ctx can fire a moment before the
// context's own timer, and the caller must still learn it was the deadline.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// ctxOr prefers the context's error (deadline or cancel) over the socket
// error it caused, so the caller sees a timeout as a timeout.
func ctxOr(ctx context.Context, err error) error {
	if cerr := ctxErr(ctx); cerr != nil {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}

// isUnpackError reports whether err came from parsing a datagram, as opposed
// to from the socket.
func isUnpackError(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return !errors.As(err, &ne) && !errors.As(err, &oe)
}

// matches checks that resp is a reply to q: a response, to a standard query,
// about the same name, type and class (RFC 5452 §9.1), so a reply meant for
// another question is never taken as ours.
func matches(q, resp *dns.Msg) bool {
	if !resp.Response || resp.Opcode != dns.OpcodeQuery || len(resp.Question) != 1 {
		return false
	}
	want, got := q.Question[0], resp.Question[0]
	return got.Qtype == want.Qtype && got.Qclass == want.Qclass && strings.EqualFold(got.Name, want.Name)
}

// answer is the outcome of chase: the records of the asked type at the end
// of the CNAME chain, and how they were obtained.
type answer struct {
	rcode    int
	final    string   // owner of rrs: the last CNAME target, or the name asked
	chain    []string // CNAME targets followed, in order
	rrs      []dns.RR // records of the asked type owned by final (class IN)
	used     Resolver
	attempts []Attempt
}

// chase resolves (name, qtype), following CNAMEs: first inside each reply (a
// recursive resolver includes the chain), then with a new query when a reply
// ends on a CNAME without the target's records. It stops at MaxCNAMEChain
// aliases and on any name seen twice.
func (r *resolver) chase(ctx context.Context, name string, qtype uint16) (answer, error) {
	ans := answer{final: name}
	seen := map[string]bool{strings.ToLower(name): true}
	fail := func(err error) (answer, error) {
		return ans, &LookupError{Err: err, Name: safeName(ans.final), Query: dns.TypeToString[qtype], Chain: ans.chain, Attempts: ans.attempts}
	}
	for {
		msg, used, attempts, err := r.exchange(ctx, ans.final, qtype)
		ans.attempts = append(ans.attempts, attempts...)
		if err != nil {
			var le *LookupError
			if errors.As(err, &le) {
				le.Chain = ans.chain
				le.Attempts = ans.attempts
			}
			return ans, err
		}
		ans.used, ans.rcode = used, msg.Rcode
		advanced := false
		for {
			if rrs := ownedBy(msg.Answer, ans.final, qtype); len(rrs) > 0 {
				ans.rrs = rrs
				return ans, nil
			}
			cname := cnameOf(msg.Answer, ans.final)
			if cname == "" {
				break
			}
			if seen[strings.ToLower(cname)] {
				ans.chain = append(ans.chain, safeName(cname))
				return fail(ErrCNAMELoop)
			}
			if len(ans.chain) >= MaxCNAMEChain {
				return fail(ErrCNAMEDepth)
			}
			seen[strings.ToLower(cname)] = true
			ans.chain = append(ans.chain, safeName(cname))
			ans.final = cname
			advanced = true
		}
		// NXDOMAIN after a chain is about the last target (RFC 6604 §2.1).
		if msg.Rcode == dns.RcodeNameError || !advanced {
			return ans, nil
		}
		// The reply ended on a CNAME whose target it did not resolve: ask
		// for the target ourselves.
	}
}

// ownedBy returns the class IN records of type qtype owned by name.
func ownedBy(rrs []dns.RR, name string, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == qtype && h.Class == dns.ClassINET && strings.EqualFold(h.Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

// cnameOf returns the CNAME target of name in rrs, or "".
func cnameOf(rrs []dns.RR, name string) string {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && c.Hdr.Class == dns.ClassINET && strings.EqualFold(c.Hdr.Name, name) {
			return c.Target
		}
	}
	return ""
}
