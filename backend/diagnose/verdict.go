package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// Outcome mirrors one step of a session, so that a session engine's caller
// can map its steps in a few lines.
type Outcome struct {
	// Step is the step name (see Steps).
	Step string
	// Recipient is the address of a "rcpt" step.
	Recipient string
	// Reply is the server's reply, nil when the step failed without one.
	Reply *smtpwire.Reply
	// Failure is the failure kind (see FailureKinds) when the step got no
	// reply, or failed after it (STARTTLS answered 220, then the handshake
	// failed); it wins over Reply.
	Failure string
	// Detail is the low-level error text of a failure.
	Detail string
	// TLS reports whether the step ran inside TLS. STARTTLS accepted with a
	// 2xx reply turns it on for the following steps anyway; set it for
	// implicit TLS (port 465).
	TLS bool
	// Status is the engine's own word for the step. Only "skipped" (and
	// "not_run") is read: such steps are ignored. Success and failure are
	// read from Reply and Failure.
	Status string
}

// Headline is the one-line verdict for a whole session, in both languages.
type Headline struct {
	// Verdict is the headline key ("accepted", "recipient_unknown"...).
	Verdict string `json:"verdict"`
	// Severity grades the session.
	Severity Severity `json:"severity"`
	// Class is the class of the deciding reply or failure.
	Class Class `json:"class"`
	// Step is the step that decided the verdict.
	Step string `json:"step,omitempty"`
	// Recipient is the recipient the verdict is about, for recipient
	// verdicts.
	Recipient string `json:"recipient,omitempty"`
	// Title is the headline itself.
	Title lang.Text `json:"title"`
	// Cause is the most likely cause (for a success: what the server said).
	Cause lang.Text `json:"cause"`
	// Actions are what to try next.
	Actions []lang.Text `json:"actions"`
	// Accepted and Rejected list the recipients by fate.
	Accepted []string `json:"accepted"`
	Rejected []string `json:"rejected"`
	// ExitCode is the smtpprobe exit code the session deserves (package
	// exitcode).
	ExitCode int `json:"exit_code"`
	// Evaluation is the evaluation that decided the verdict, if any.
	Evaluation *Evaluation `json:"evaluation,omitempty"`
}

// LocalizedHeadline is a Headline in one language, flat, for JSON output.
type LocalizedHeadline struct {
	Verdict   string   `json:"verdict"`
	Severity  Severity `json:"severity"`
	Class     Class    `json:"class"`
	Step      string   `json:"step,omitempty"`
	Recipient string   `json:"recipient,omitempty"`
	Title     string   `json:"title"`
	Cause     string   `json:"cause"`
	Actions   []string `json:"actions"`
	Accepted  []string `json:"accepted"`
	Rejected  []string `json:"rejected"`
	ExitCode  int      `json:"exit_code"`
}

// Localize returns the headline in language l.
func (h Headline) Localize(l lang.Lang) LocalizedHeadline {
	return LocalizedHeadline{
		Verdict:   h.Verdict,
		Severity:  h.Severity,
		Class:     h.Class,
		Step:      h.Step,
		Recipient: h.Recipient,
		Title:     h.Title.In(l),
		Cause:     h.Cause.In(l),
		Actions:   texts(h.Actions, l),
		Accepted:  nonNil(h.Accepted),
		Rejected:  nonNil(h.Rejected),
		ExitCode:  h.ExitCode,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maxHeadlineActions keeps the headline short; the full list stays in the
// deciding evaluation.
const maxHeadlineActions = 3

// EvaluateOutcomes evaluates every step of a session, each in the context
// the session had reached: software guessed from banner and EHLO, TLS after
// an accepted STARTTLS, authentication after an accepted AUTH. Skipped steps
// and steps with neither a reply nor a failure get a zero Evaluation.
func EvaluateOutcomes(outcomes []Outcome) []Evaluation {
	evals := make([]Evaluation, len(outcomes))
	var banner, ehlo *smtpwire.Reply
	ctx := Context{Software: SoftwareOther}
	for i, o := range outcomes {
		if skipped(o) {
			continue
		}
		step := normStep(o.Step)
		c := ctx
		c.TLS = c.TLS || o.TLS
		// A failure wins over a reply: STARTTLS can be accepted with 220 and
		// then fail in the handshake.
		switch {
		case o.Failure != "":
			evals[i] = EvaluateFailure(step, o.Failure, o.Detail, c)
		case o.Reply != nil:
			evals[i] = Evaluate(step, o.Reply, c)
		}
		// What this step teaches applies to the steps after it.
		if o.Reply != nil && o.Failure == "" {
			switch step {
			case "banner":
				banner = o.Reply
				ctx.Software = GuessSoftware(banner, ehlo)
			case "ehlo", "helo":
				if o.Reply.Class() == 2 {
					ehlo = o.Reply
					ctx.Software = GuessSoftware(banner, ehlo)
				}
			case "starttls":
				if o.Reply.Class() == 2 {
					ctx.TLS = true
				}
			case "auth":
				if o.Reply.Class() == 2 {
					ctx.AuthUsed = true
				}
			}
		}
		ctx.TLS = ctx.TLS || o.TLS
	}
	return evals
}

func skipped(o Outcome) bool {
	s := strings.ToLower(o.Status)
	return s == "skipped" || s == "not_run" || (o.Reply == nil && o.Failure == "")
}

func failed(ev Evaluation) bool {
	return ev.Class == ClassTransient || ev.Class == ClassPermanent
}

// Verdict gives one headline for a whole session: the first failure that
// ended it decides, except that a refused DATA after every recipient was
// refused is blamed on the recipients, and a failed QUIT after the message
// was accepted changes nothing. A failure the session recovered from (EHLO
// refused, then HELO accepted) does not decide either.
func Verdict(outcomes []Outcome) Headline {
	evals := EvaluateOutcomes(outcomes)
	var (
		accepted, rejected []string
		firstRcptFail      = -1
		decisive           = -1
		messageAccepted    bool
		anyOK              bool
	)
	for i, o := range outcomes {
		if skipped(o) {
			continue
		}
		step := normStep(o.Step)
		ev := evals[i]
		// A refused recipient does not end the session; a RCPT that got no
		// reply at all (timeout, closed connection) does.
		if step == "rcpt" && o.Failure == "" {
			rcpt := shorten(transcript.EscapeString(o.Recipient), 320)
			if failed(ev) {
				rejected = append(rejected, rcpt)
				if firstRcptFail < 0 {
					firstRcptFail = i
				}
			} else if ev.Class == ClassSuccess {
				accepted = append(accepted, rcpt)
			}
			continue
		}
		if !failed(ev) {
			anyOK = true
			if ev.Class == ClassSuccess && (step == "data_end" || step == "bdat") {
				messageAccepted = true
			}
			continue
		}
		if step == "quit" && messageAccepted {
			continue
		}
		// An opportunistic STARTTLS whose handshake failed was followed by
		// a plaintext session on a new connection: that session decides.
		if o.Failure == "tls_fallback_plaintext" {
			continue
		}
		if recoveredAfter(outcomes, evals, i) {
			continue
		}
		decisive = i
		break
	}

	switch {
	case decisive >= 0:
		step := normStep(outcomes[decisive].Step)
		if (step == "data" || step == "bdat" || step == "data_end") && len(accepted) == 0 && firstRcptFail >= 0 {
			decisive = firstRcptFail
		}
		return fromEvaluation(evals[decisive], outcomes[decisive], accepted, rejected)
	case messageAccepted && len(rejected) > 0:
		return partial("accepted_partial", evals[firstRcptFail], outcomes[firstRcptFail], accepted, rejected)
	case messageAccepted:
		var last Evaluation
		for i := len(outcomes) - 1; i >= 0; i-- {
			if s := normStep(outcomes[i].Step); (s == "data_end" || s == "bdat") && evals[i].Class == ClassSuccess {
				last = evals[i]
				break
			}
		}
		return plain("accepted", &last, last.Summary, accepted, rejected)
	case firstRcptFail >= 0 && len(accepted) == 0:
		return fromEvaluation(evals[firstRcptFail], outcomes[firstRcptFail], accepted, rejected)
	case firstRcptFail >= 0:
		return partial("recipients_partial", evals[firstRcptFail], outcomes[firstRcptFail], accepted, rejected)
	case len(accepted) > 0:
		return plain("recipients_accepted", nil, lang.Text{}, accepted, rejected)
	case anyOK:
		return plain("server_reachable", nil, lang.Text{}, accepted, rejected)
	}
	return plain("no_result", nil, lang.Text{}, accepted, rejected)
}

// recoveredAfter reports whether the session went on successfully after the
// failed step i, at a step other than QUIT: then step i did not end it.
func recoveredAfter(outcomes []Outcome, evals []Evaluation, i int) bool {
	for j := i + 1; j < len(outcomes); j++ {
		s := normStep(outcomes[j].Step)
		if skipped(outcomes[j]) || s == "quit" {
			continue
		}
		if evals[j].Class == ClassSuccess || evals[j].Class == ClassIntermediate {
			return true
		}
	}
	return false
}

func fromEvaluation(ev Evaluation, o Outcome, accepted, rejected []string) Headline {
	k := kb()
	key := ev.Verdict
	if _, ok := k.verdicts[key]; !ok {
		key = "rejected_permanent"
		if ev.Class == ClassTransient {
			key = "deferred_temporary"
		}
	}
	h := plain(key, &ev, firstCause(ev), accepted, rejected)
	if normStep(o.Step) == "rcpt" {
		h.Recipient = shorten(transcript.EscapeString(o.Recipient), 320)
	}
	if ev.Failure == "" {
		// A reply decided: its class gives the exit code, as for every
		// command (4xx temporary, 5xx permanent).
		h.ExitCode = exitcode.Permanent
		if ev.Class == ClassTransient {
			h.ExitCode = exitcode.Temporary
		}
	}
	return h
}

func partial(key string, ev Evaluation, o Outcome, accepted, rejected []string) Headline {
	h := plain(key, &ev, lang.Text{
		EN: fmt.Sprintf("%s: %s", shorten(transcript.EscapeString(o.Recipient), 320), firstCause(ev).EN),
		ES: fmt.Sprintf("%s: %s", shorten(transcript.EscapeString(o.Recipient), 320), firstCause(ev).In(lang.ES)),
	}, accepted, rejected)
	h.ExitCode = exitcode.Permanent
	if ev.Class == ClassTransient {
		h.ExitCode = exitcode.Temporary
	}
	return h
}

func firstCause(ev Evaluation) lang.Text {
	if len(ev.Causes) > 0 && ev.Class != ClassSuccess {
		return ev.Causes[0]
	}
	return ev.Summary
}

// plain builds a headline from verdict key and an optional deciding
// evaluation.
func plain(key string, ev *Evaluation, cause lang.Text, accepted, rejected []string) Headline {
	k := kb()
	v := k.verdicts[key]
	h := Headline{
		Verdict:  key,
		Severity: v.Severity,
		Class:    ClassSuccess,
		Cause:    cause,
		Actions:  []lang.Text{},
		Accepted: nonNil(accepted),
		Rejected: nonNil(rejected),
		ExitCode: exitFor(v.Exit),
	}
	title := v.Title
	if ev != nil && (ev.Code != 0 || ev.Failure != "") {
		e := *ev
		h.Evaluation = &e
		h.Class = ev.Class
		h.Step = ev.Step
		if h.Severity == "" {
			h.Severity = ev.Severity
		}
		n := min(len(ev.Actions), maxHeadlineActions)
		h.Actions = slices.Clone(ev.Actions[:n])
	}
	if strings.Contains(title.EN, "%s") {
		label := k.steps[h.Step]
		if label.EN == "" {
			label = lang.Text{EN: h.Step, ES: h.Step}
		}
		title = lang.Text{EN: fmt.Sprintf(title.EN, label.EN), ES: fmt.Sprintf(title.In(lang.ES), label.In(lang.ES))}
	}
	h.Title = title
	if h.Severity == "" {
		h.Severity = SeverityInfo
	}
	return h
}

func exitFor(family string) int {
	switch family {
	case "permanent":
		return exitcode.Permanent
	case "temporary":
		return exitcode.Temporary
	case "connect":
		return exitcode.Connect
	case "protocol":
		return exitcode.Protocol
	}
	return exitcode.OK
}
