package session

import (
	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/smtpwire"
)

// evaluator keeps what the reply evaluator needs to know about the session
// so far (server software, TLS, authentication), so each step can be
// explained the moment it ends and the live view shows the explanation.
type evaluator struct {
	banner, ehlo *smtpwire.Reply
	software     diagnose.Software
	authed       bool
}

// outcomeOf maps a step to the evaluator's input. A rejection is explained
// from its reply; every other failure kind (timeouts, refused connections,
// protocol errors...) wins over a reply, as diagnose.Outcome documents.
func outcomeOf(s Step) diagnose.Outcome {
	o := diagnose.Outcome{Step: string(s.Name), Recipient: s.Recipient, Reply: s.Reply, Status: string(s.Status)}
	// An AUTH failure with a reply (535 5.7.8...) is explained from the
	// reply, like a rejection; without one it is a client-side refusal.
	fromReply := s.Failure == FailRejected || (isAuthFailure(s.Failure) && s.Reply != nil)
	if s.Failure != "" && !fromReply && (s.Status == StatusFailed || s.Status == StatusWarning) {
		o.Failure = string(s.Failure)
		o.Detail = s.Error
	}
	return o
}

// evaluate explains step s in the session's language, or returns nil for a
// step with nothing to explain (skipped, or done without a reply).
func (v *evaluator) evaluate(s Step, tls bool, e *engine) *diagnose.LocalizedEvaluation {
	if s.Status == StatusSkipped || s.Status == StatusRunning {
		return nil
	}
	switch {
	case s.Name == StepBanner && s.Reply != nil:
		v.banner, v.ehlo = s.Reply, nil
		v.software = diagnose.GuessSoftware(v.banner, v.ehlo)
	case (s.Name == StepEHLO || s.Name == StepHELO) && s.Reply != nil && s.Reply.Class() == 2:
		v.ehlo = s.Reply
		v.software = diagnose.GuessSoftware(v.banner, v.ehlo)
	}
	o := outcomeOf(s)
	ctx := diagnose.Context{TLS: tls, AuthUsed: v.authed, Software: v.software}
	var ev diagnose.Evaluation
	switch {
	case o.Failure != "":
		ev = diagnose.EvaluateFailure(o.Step, o.Failure, o.Detail, ctx)
	case o.Reply != nil:
		ev = diagnose.Evaluate(o.Step, o.Reply, ctx)
	default:
		return nil
	}
	if s.Name == StepAuth && s.Status == StatusOK {
		v.authed = true
	}
	loc := ev.Localize(e.l)
	return &loc
}

// verdict is the headline for the whole session, in the session's language.
func verdict(r *Result, e *engine) *diagnose.LocalizedHeadline {
	outcomes := make([]diagnose.Outcome, 0, len(r.Steps))
	for _, s := range r.Steps {
		outcomes = append(outcomes, outcomeOf(s))
	}
	h := diagnose.Verdict(outcomes).Localize(e.l)
	// The Result's exit code is authoritative (it ranks every failed step);
	// the headline must not tell scripts something else.
	h.ExitCode = r.ExitCode
	return &h
}
