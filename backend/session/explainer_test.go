package session

import (
	"bufio"
	"context"
	"net"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/transcript"
)

// gate holds every evaluation until it opens.
type gate struct {
	ch   chan struct{}
	once sync.Once
}

func (g *gate) open() { g.once.Do(func() { close(g.ch) }) }

// holdEvaluations makes the evaluator wait at a gate before each step, as a
// slow first load of the knowledge base would. Tests here do not run in
// parallel, so the package-level hook is theirs alone.
func holdEvaluations(t *testing.T) *gate {
	g := &gate{ch: make(chan struct{})}
	evalHook = func(Step) { <-g.ch }
	t.Cleanup(func() { g.open(); evalHook = nil })
	return g
}

// liveLog records OnStep and OnHostStep calls (host -1 for Run and for the
// shared resolve step of RunAllMX) and the replies the client read.
type liveLog struct {
	mu      sync.Mutex
	steps   []hostStep
	replies []string
}

type hostStep struct {
	h int
	s Step
}

func (l *liveLog) attach(o *Options) {
	o.OnStep = func(s Step) { l.add(-1, s) }
	o.OnHostStep = l.add
	o.OnEntry = func(e transcript.Entry) { l.entry(e) }
	o.OnHostEntry = func(_ int, e transcript.Entry) { l.entry(e) }
}

func (l *liveLog) add(h int, s Step) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps = append(l.steps, hostStep{h, s})
}

func (l *liveLog) entry(e transcript.Entry) {
	if e.Dir != transcript.Server {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.replies = append(l.replies, e.Text)
}

// explained counts the step events that carried an explanation.
func (l *liveLog) explained() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.steps {
		if e.s.Evaluation != nil || e.s.Diagnosis != nil {
			n++
		}
	}
	return n
}

// read counts the replies read that start with prefix.
func (l *liveLog) read(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.replies {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// runBoth runs Run, or RunAllMX when all is set, and returns the Results.
func runBoth(ctx context.Context, t *testing.T, o Options, all bool) []*Result {
	if all {
		rs, err := RunAllMX(ctx, o)
		if err != nil {
			t.Error(err)
		}
		return rs
	}
	r, err := Run(ctx, o)
	if err != nil {
		t.Error(err)
	}
	return []*Result{r}
}

// goRun starts the session and makes sure it is over before the test ends,
// even a failed one: the cleanup opens the gate first.
func goRun(t *testing.T, g *gate, o Options, all bool) <-chan []*Result {
	done := make(chan []*Result, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		done <- runBoth(context.Background(), t, o, all)
	}()
	t.Cleanup(func() {
		g.open()
		select {
		case <-finished:
		case <-time.After(hangGuard):
			t.Error("the session never ended")
		}
	})
	return done
}

// TestWireDoesNotWaitForExplanations holds every evaluation and checks that
// the session still talks to the server to the end (the server reads QUIT,
// the client reads the 221 of RFC 5321 §4.1.1.10), that nothing streamed
// claims an explanation meanwhile, and that once the evaluator goes on the
// Result and the last event of each step carry exactly what an unhindered
// session produces.
func TestWireDoesNotWaitForExplanations(t *testing.T) {
	userUnknown := smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
	cases := []struct {
		name  string
		all   bool
		setup func(t *testing.T) (Options, []*tap)
	}{
		{name: "lockstep, one recipient refused (RFC 5321 §4.2.2)", setup: func(t *testing.T) (Options, []*tap) {
			s := startServer(t, nil)
			s.rcptErr["nobody@mx.test"] = userUnknown
			return opts(s.Addr, "nobody@mx.test", "rcpt@mx.test"), []*tap{s.tap}
		}},
		{name: "pipelined, DATA refused as a consequence (RFC 2920 §3.1)", setup: func(t *testing.T) (Options, []*tap) {
			s := startServer(t, nil)
			s.rcptErr["rcpt@mx.test"] = userUnknown
			o := opts(s.Addr)
			o.Pipelining = true
			return o, []*tap{s.tap}
		}},
		{name: "BDAT in one flight (RFC 3030 §4.2)", setup: func(t *testing.T) (Options, []*tap) {
			s := startServer(t, nil)
			o := opts(s.Addr)
			o.Pipelining, o.Chunking, o.ChunkSize = true, true, 64
			return o, []*tap{s.tap}
		}},
		{name: "failover after a 421 greeting (RFC 5321 §3.1)", setup: func(t *testing.T) (Options, []*tap) {
			srvs, port := serversOnOnePort(t, "127.0.0.1", "127.0.0.2")
			srvs[1].tap.setGreeting("421 4.3.2 Too busy, try later\r\n")
			dns := startDNS(t,
				"fabrikam.test. 300 IN MX 5 busy.fabrikam.test.",
				"fabrikam.test. 300 IN MX 10 ok.fabrikam.test.",
				"busy.fabrikam.test. 300 IN A 127.0.0.2",
				"ok.fabrikam.test. 300 IN A 127.0.0.1",
			)
			return mxOpts(dns, port, "user@fabrikam.test"), []*tap{srvs[0].tap}
		}},
		{name: "every MX host", all: true, setup: func(t *testing.T) (Options, []*tap) {
			srvs, port := serversOnOnePort(t, "127.0.0.1", "127.0.0.2")
			srvs[1].rcptErr["user@fabrikam.test"] = userUnknown
			dns := startDNS(t,
				"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
				"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
				"mx1.fabrikam.test. 300 IN A 127.0.0.1",
				"mx2.fabrikam.test. 300 IN A 127.0.0.2",
			)
			return mxOpts(dns, port, "user@fabrikam.test"), []*tap{srvs[0].tap, srvs[1].tap}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain, taps := tc.setup(t)
			g := holdEvaluations(t)
			o := plain
			var live liveLog
			live.attach(&o)
			var quits []<-chan struct{}
			for _, tp := range taps {
				quits = append(quits, tp.await("QUIT\r\n"))
			}
			done := goRun(t, g, o, tc.all)
			for _, q := range quits {
				select {
				case <-q:
				case <-time.After(hangGuard):
					t.Fatal("the server never read QUIT while the evaluations were held: the wire waits for them")
				}
			}
			// The 221 is the last thing read; QUIT only goes after the
			// earlier replies (the final dot's, in lockstep) were read.
			deadline := time.Now().Add(hangGuard)
			for live.read("221 ") < len(taps) {
				select {
				case rs := <-done:
					t.Fatalf("Run returned while its evaluations were held: %v", rs)
				default:
				}
				if time.Now().After(deadline) {
					t.Fatal("the client never read the 221 while the evaluations were held")
				}
				runtime.Gosched()
			}
			if n := live.explained(); n != 0 {
				t.Errorf("%d step events carried an explanation while none was worked out", n)
			}
			select {
			case <-done:
				t.Fatal("Run returned before its steps were explained")
			default:
			}
			g.open()
			var got []*Result
			select {
			case got = <-done:
			case <-time.After(hangGuard):
				t.Fatal("Run did not return once the evaluations went on")
			}

			want := runBoth(context.Background(), t, plain, tc.all)
			if len(got) != len(want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			for h := range got {
				gr, w := got[h], want[h]
				if !reflect.DeepEqual(steps(gr), steps(w)) {
					t.Fatalf("result %d steps %q, want %q", h, steps(gr), steps(w))
				}
				for k, s := range gr.Steps {
					if s.Reply != nil && s.Evaluation == nil {
						t.Errorf("result %d step %d (%s) has a reply and no explanation", h, k, s.Name)
					}
					if !reflect.DeepEqual(s.Diagnosis, w.Steps[k].Diagnosis) || !reflect.DeepEqual(s.Evaluation, w.Steps[k].Evaluation) {
						t.Errorf("result %d step %d (%s) explained as %+v, want %+v", h, k, s.Name, s.Evaluation, w.Steps[k].Evaluation)
					}
				}
				if !reflect.DeepEqual(gr.Verdict, w.Verdict) || gr.ExitCode != w.ExitCode {
					t.Errorf("result %d verdict %+v exit %d, want %+v exit %d", h, gr.Verdict, gr.ExitCode, w.Verdict, w.ExitCode)
				}
			}
			checkLive(t, &live, got, tc.all)
		})
	}
}

// checkLive checks what a consumer keeping the latest event per step ID
// ends up with: each step started as running, and its last event is the
// step as the Result has it, explanation included.
func checkLive(t *testing.T, live *liveLog, rs []*Result, all bool) {
	t.Helper()
	live.mu.Lock()
	defer live.mu.Unlock()
	type key struct{ h, id int }
	last := map[key]Step{}
	for _, e := range live.steps {
		k := key{e.h, e.s.ID}
		if _, seen := last[k]; !seen && e.s.Status != StatusRunning {
			t.Errorf("host %d step %d (%s) first streamed as %s, not running", e.h, e.s.ID, e.s.Name, e.s.Status)
		}
		last[k] = e.s
	}
	n := 0
	for h, r := range rs {
		for _, s := range r.Steps {
			k := key{-1, s.ID}
			if all && s.Name != StepResolve {
				k.h = h
			}
			l, ok := last[k]
			if !ok {
				t.Errorf("host %d step %d (%s) never streamed", h, s.ID, s.Name)
				continue
			}
			n++
			if l.Name != s.Name || l.Status != s.Status || !reflect.DeepEqual(l.Evaluation, s.Evaluation) {
				t.Errorf("host %d step %d last streamed as %s/%s %+v, result %s/%s %+v",
					h, s.ID, l.Name, l.Status, l.Evaluation, s.Name, s.Status, s.Evaluation)
			}
		}
	}
	if all {
		n -= len(rs) - 1 // the shared resolve step streams once
	}
	if n != len(last) {
		t.Errorf("%d steps streamed, the results have %d", len(last), n)
	}
}

// explainers counts the evaluator goroutines alive.
func explainers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "session.(*explainer).loop")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// A session cancelled while its evaluations are held still returns every
// explanation, and leaves no evaluator goroutine behind.
func TestCancelWhileExplaining(t *testing.T) {
	gotEHLO := make(chan struct{})
	addr := rawServer(t, func(c net.Conn, r *bufio.Reader) {
		_, _ = c.Write([]byte("220 raw.test ESMTP\r\n"))
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
		close(gotEHLO)
		// No reply: only the cancel ends the wait, by closing.
		_, _ = r.ReadString('\n')
	})
	g := holdEvaluations(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan *Result, 1)
	go func() {
		r, err := Run(ctx, opts(addr))
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	t.Cleanup(func() { g.open(); <-done })
	select {
	case <-gotEHLO:
	case <-time.After(hangGuard):
		t.Fatal("EHLO never reached the server while the evaluations were held")
	}
	cancel()
	g.open()
	var r *Result
	select {
	case r = <-done:
		done <- r // for the cleanup
	case <-time.After(hangGuard):
		t.Fatal("Run did not return after the cancel")
	}
	if b := r.Step(StepBanner); b == nil || b.Evaluation == nil || b.Evaluation.Code != 220 {
		t.Errorf("banner %+v", b)
	}
	if e := r.Step(StepEHLO); e == nil || e.Failure != FailCanceled || e.Evaluation == nil {
		t.Errorf("ehlo %+v", e)
	}
	// finish waited for the evaluator; its goroutine is on its way out.
	deadline := time.Now().Add(hangGuard)
	for explainers() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d evaluator goroutines left after the session", explainers())
		}
		runtime.Gosched()
	}
}
