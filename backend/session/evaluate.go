package session

import (
	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
)

// evaluator keeps what the reply evaluator needs to know about the session
// so far (server software, TLS, authentication). It sees the steps in the
// order they ended, so each explanation has the context the session had
// when that step ended.
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

// explains reports whether evaluate has something to say about s: the
// steps it returns nil for (skipped, or done without a reply) need no
// explanation, so their end is reported at once.
func explains(s Step) bool {
	if s.Status == StatusSkipped || s.Status == StatusRunning {
		return false
	}
	o := outcomeOf(s)
	return o.Failure != "" || o.Reply != nil
}

// evaluate explains step s in both languages, or returns nil for a step with
// nothing to explain (skipped, or done without a reply). tls and cons are
// what the session knew when s ended: whether the connection was encrypted,
// and whether s only follows from an earlier refusal (see consequenceOf).
func (v *evaluator) evaluate(s Step, tls bool, cons consequence) *diagnose.Evaluation {
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
	cons.rewrite(&ev)
	return &ev
}

// verdict is the headline for the whole session.
func verdict(r *Result) *diagnose.Headline {
	outcomes := make([]diagnose.Outcome, 0, len(r.Steps))
	for _, s := range r.Steps {
		outcomes = append(outcomes, outcomeOf(s))
	}
	h := diagnose.Verdict(outcomes)
	// The Result's exit code is authoritative (it ranks every failed step);
	// the headline must not tell scripts something else.
	h.ExitCode = r.ExitCode
	return &h
}

// Texts of a DATA or BDAT refusal that only follows from the envelope.
var (
	txtNoRcptSummary = lang.Text{
		EN: "Refused as a consequence: no recipient was accepted",
		ES: "Rechazado como consecuencia: no se aceptó ningún destinatario",
	}
	txtNoMailSummary = lang.Text{
		EN: "Refused as a consequence: the sender was refused",
		ES: "Rechazado como consecuencia: se rechazó el remitente",
	}
	txtConsequenceCause = lang.Text{
		EN: "With pipelining the message command goes out together with MAIL FROM and RCPT TO, before their replies; with no transaction standing the server must refuse it. The real problem is the refusal above.",
		ES: "Con pipelining el comando del mensaje sale junto con MAIL FROM y RCPT TO, antes de sus respuestas; sin una transacción en pie el servidor debe rechazarlo. El problema real es el rechazo anterior.",
	}
	txtConsequenceAction = lang.Text{
		EN: "Fix what the MAIL FROM or RCPT TO reply says; this reply needs nothing of its own.",
		ES: "Corrija lo que dice la respuesta a MAIL FROM o RCPT TO; esta respuesta no requiere nada por sí misma.",
	}
)

// consequence says whether a refused DATA or BDAT only follows from an
// earlier refusal in its transaction.
type consequence int

const (
	ownRefusal    consequence = iota // the reply stands on its own
	afterMail                        // MAIL FROM was refused
	afterAllRcpts                    // every RCPT TO was refused
)

// consequenceOf tells whether step s, a refused DATA or BDAT, only follows
// from a refused MAIL FROM or from every RCPT TO of the same transaction
// being refused (RFC 2920 §3.1: the client pipelines DATA and the server
// answers 554 or 503). steps are the session's steps when s ended. It runs
// on the session's goroutine, which owns steps, and walks back only through
// the transaction: no copy of the steps goes to the evaluator.
func consequenceOf(s Step, steps []Step) consequence {
	if (s.Name != StepData && s.Name != StepBDAT) || s.Status != StatusFailed || s.Reply == nil {
		return ownRefusal
	}
	// Walk back through this transaction: its BDATs and RCPTs, then MAIL.
	mailFailed, rcpts, rcptOK := false, 0, false
walk:
	for i := len(steps) - 1; i >= 0; i-- {
		switch st := steps[i]; st.Name {
		case StepData, StepBDAT:
		case StepRcpt:
			rcpts++
			rcptOK = rcptOK || st.Status == StatusOK || st.Status == StatusWarning
		case StepMail:
			mailFailed = st.Status == StatusFailed
			break walk
		default:
			break walk
		}
	}
	switch {
	case mailFailed:
		return afterMail
	case rcpts > 0 && !rcptOK:
		return afterAllRcpts
	}
	return ownRefusal
}

// rewrite turns the evaluation of a refusal that only follows from an
// earlier one into a pointer to that one: read alone such a reply says
// "commands out of order", which would send the user after the wrong
// problem.
func (c consequence) rewrite(ev *diagnose.Evaluation) {
	switch c {
	case afterMail:
		ev.Summary = txtNoMailSummary
	case afterAllRcpts:
		ev.Summary = txtNoRcptSummary
	default:
		return
	}
	ev.Causes = append([]lang.Text{txtConsequenceCause}, ev.Causes...)
	ev.Actions = []lang.Text{txtConsequenceAction}
	ev.References = append([]string{"RFC 2920 §3.1"}, ev.References...)
	ev.Rule = "session.consequence"
}
