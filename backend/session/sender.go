package session

import (
	"context"
	"net/netip"
	"strings"
	"sync"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/sendercheck"
)

// SenderChecks runs the sender checks (package sendercheck) beside a
// session without ever holding the session back: Observe, chained into
// Options.OnStep, only notes what the steps show and starts the checks on
// their own goroutine as soon as a server reply echoes the client's address
// (Exchange "Hello [ip]", Gmail "at your service, [ip]", a "Client host [ip]
// blocked" rejection). Finish, called after the session, starts them with
// the connection's local address when no reply named one, waits for them
// and puts the report in Result.Sender.
type SenderChecks struct {
	ctx  context.Context
	in   sendercheck.Input
	opts sendercheck.Options

	mu      sync.Mutex
	started bool
	done    chan struct{}
	rep     *sendercheck.Report
}

// NewSenderChecks prepares the checks of in (IP and Source are filled in
// from the session) with opts; ctx bounds them.
func NewSenderChecks(ctx context.Context, in sendercheck.Input, opts sendercheck.Options) *SenderChecks {
	return &SenderChecks{ctx: ctx, in: in, opts: opts, done: make(chan struct{})}
}

// Observe looks at one step as OnStep reports it. It never blocks.
func (s *SenderChecks) Observe(st Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	if (st.Name == StepEHLO || st.Name == StepHELO) && s.in.HELO == "" {
		if _, name, ok := strings.Cut(st.Command, " "); ok {
			s.in.HELO = name
		}
	}
	if st.Reply == nil {
		return
	}
	if ip, ok := sendercheck.EgressFromReply(st.Reply.Lines...); ok {
		s.startLocked(ip, sendercheck.FromServer)
	}
}

func (s *SenderChecks) startLocked(ip netip.Addr, src sendercheck.IPSource) {
	s.started = true
	in := s.in
	in.IP, in.Source = ip, src
	go func() {
		defer close(s.done)
		rep, err := sendercheck.Check(s.ctx, in, s.opts)
		if err == nil {
			s.rep = rep
		}
	}()
}

// Finish waits for the checks (starting them with r's local address when
// no reply echoed one) and sets r.Sender. A session that never connected
// gets no sender checks. It may be called for several results (every MX
// host): they share one report.
func (s *SenderChecks) Finish(r *Result) {
	s.mu.Lock()
	if !s.started {
		ap, err := netip.ParseAddrPort(r.LocalAddr)
		if err != nil {
			s.mu.Unlock()
			return
		}
		s.startLocked(ap.Addr().Unmap(), sendercheck.FromLocal)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-s.ctx.Done():
		return
	}
	r.Sender = s.rep
}

// Attach chains Observe into o's OnStep and OnHostStep, keeping the
// callbacks already there.
func (s *SenderChecks) Attach(o *Options) {
	step, hostStep := o.OnStep, o.OnHostStep
	o.OnStep = func(st Step) {
		s.Observe(st)
		if step != nil {
			step(st)
		}
	}
	o.OnHostStep = func(h int, st Step) {
		s.Observe(st)
		if hostStep != nil {
			hostStep(h, st)
		}
	}
}

// FinishAll is Finish for every result (nil ones skipped), leaving each
// report localized in l; it returns the shared report, nil when no session
// connected.
func (s *SenderChecks) FinishAll(results []*Result, l lang.Lang) *sendercheck.Report {
	var rep *sendercheck.Report
	for _, r := range results {
		if r == nil {
			continue
		}
		s.Finish(r)
		if r.Sender != nil {
			r.Sender = r.Sender.In(l)
			rep = r.Sender
		}
	}
	return rep
}
