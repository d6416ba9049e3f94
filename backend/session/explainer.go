package session

import (
	"sync"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
)

// evalHook, when set (by tests only), runs on the evaluator's goroutine
// before each step is evaluated: a test blocks it to show that the wire
// does not wait for explanations.
var evalHook func(Step)

// explainer evaluates the steps beside the session, so that no command
// waits for an explanation (the first evaluation also loads the diagnose
// knowledge base). The session hands it each step as it ends, in order; one
// goroutine evaluates them in that order, so the evaluator's context
// (server software, authentication) is built from the same steps as when
// the session evaluated them itself.
//
// It also reports steps to onStep, so that live events and explanations
// stay in order: a step whose end needs an explanation is reported once
// that explanation is in, with the step as the session last left it; any
// other report goes out at once and carries the explanation if there is
// one already. Reports are serialised.
type explainer struct {
	l      lang.Lang
	onStep func(Step)
	ev     evaluator // owned by the goroutine

	qmu     sync.Mutex
	qcond   sync.Cond
	queue   []job
	closed  bool
	started bool
	stopped chan struct{}

	mu    sync.Mutex // slots, and every call of onStep
	slots []slot
}

// job is one ended step for the evaluator, with what evaluate needs besides
// it, all taken when the step ended.
type job struct {
	i        int
	s        Step
	tls      bool
	cons     consequence
	deferred bool // the step's end is reported when this evaluation is in
}

// slot is what the explainer knows of one step.
type slot struct {
	live    Step // the step as last reported, without its explanation
	pending int  // jobs queued or being evaluated
	done    bool // an evaluation came back (possibly nil)
	diag    *diagnose.Evaluation
	loc     *diagnose.LocalizedEvaluation
}

func newExplainer(l lang.Lang, onStep func(Step)) *explainer {
	x := &explainer{l: l, onStep: onStep, stopped: make(chan struct{})}
	x.qcond.L = &x.qmu
	return x
}

// slot returns step i's slot, growing the list: in every-MX mode a host's
// Result starts with the shared steps, which this explainer never sees.
// Called with mu held.
func (x *explainer) slot(i int) *slot {
	for len(x.slots) <= i {
		x.slots = append(x.slots, slot{})
	}
	return &x.slots[i]
}

// report tells onStep that step i is now s (a copy the consumer may keep).
func (x *explainer) report(i int, s Step) {
	if x.onStep == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	sl := x.slot(i)
	sl.live = s
	if sl.pending == 0 && sl.done {
		s.Diagnosis, s.Evaluation = sl.diag, sl.loc
	}
	x.onStep(s)
}

// submit queues the evaluation of a step that just ended; live is the copy
// to report. It never waits for an evaluation.
func (x *explainer) submit(j job, live Step) {
	x.mu.Lock()
	sl := x.slot(j.i)
	sl.pending++
	if x.onStep != nil {
		sl.live = live
		if !j.deferred {
			x.onStep(live)
		}
	}
	x.mu.Unlock()

	x.qmu.Lock()
	x.queue = append(x.queue, j)
	if !x.started {
		x.started = true
		go x.loop()
	}
	x.qcond.Signal()
	x.qmu.Unlock()
}

// loop evaluates the queued steps in order until close, then what is left.
func (x *explainer) loop() {
	defer close(x.stopped)
	for {
		x.qmu.Lock()
		for len(x.queue) == 0 && !x.closed {
			x.qcond.Wait()
		}
		if len(x.queue) == 0 {
			x.qmu.Unlock()
			return
		}
		j := x.queue[0]
		x.queue[0] = job{}
		x.queue = x.queue[1:]
		x.qmu.Unlock()
		x.explain(j)
	}
}

func (x *explainer) explain(j job) {
	if evalHook != nil {
		evalHook(j.s)
	}
	d := x.ev.evaluate(j.s, j.tls, j.cons)
	var loc *diagnose.LocalizedEvaluation
	if d != nil {
		l := localize(*d, j.s, x.l)
		loc = &l
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	sl := x.slot(j.i)
	sl.pending--
	sl.done, sl.diag, sl.loc = true, d, loc
	if j.deferred && x.onStep != nil {
		s := sl.live
		if sl.pending == 0 {
			s.Diagnosis, s.Evaluation = d, loc
		}
		x.onStep(s)
	}
}

// close waits until every step handed over is evaluated and reported, and
// the goroutine is gone, then writes the explanations into steps: the
// Result carries them whatever the live view saw.
func (x *explainer) close(steps []Step) {
	x.qmu.Lock()
	x.closed = true
	started := x.started
	x.qcond.Signal()
	x.qmu.Unlock()
	if started {
		<-x.stopped
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.slots {
		if sl := &x.slots[i]; sl.done && i < len(steps) {
			steps[i].Diagnosis, steps[i].Evaluation = sl.diag, sl.loc
		}
	}
}
