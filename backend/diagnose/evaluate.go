package diagnose

import (
	"slices"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// Limits on hostile input: a server (or a paste) can send megabytes of reply
// text; matching and display only ever look at the start of it.
const (
	maxMatchText = 4 << 10
	maxDetail    = 512
)

// unknownFailure is the failure kind used for kinds the data does not know.
const unknownFailure = "unknown"

// Evaluate explains reply, the answer to step ("rcpt", "data_end"... see
// Steps), in the given context. A nil reply is evaluated as a failure of
// unknown kind.
func Evaluate(step string, reply *smtpwire.Reply, ctx Context) Evaluation {
	return kb().evaluate(step, reply, ctx)
}

func (k *knowledge) evaluate(step string, reply *smtpwire.Reply, ctx Context) Evaluation {
	if reply == nil {
		return k.evaluateFailure(step, unknownFailure, "no reply", ctx)
	}
	q := &query{step: normStep(step), code: reply.Code, ctx: ctx}
	if t, ok := parseTriple(reply.Enhanced); ok && t[0] == reply.Code/100 {
		q.enhanced, q.hasEnh = t, true
	}
	q.text = matchText(reply)

	var found []*entry
	// Once a specific entry (tiers 1–4) has said everything, the remaining
	// specific entries could only contribute text about another situation;
	// skipping them also saves running every text rule on every reply.
	complete := false
	for _, e := range k.replies {
		if complete && e.tier <= tierText {
			continue
		}
		if e.matches(q) {
			found = append(found, e)
			complete = complete || (e.tier <= tierText && e.Summary.EN != "" &&
				len(e.Causes) > 0 && len(e.Actions) > 0 && e.Verdict != "")
		}
	}
	ev := Evaluation{Step: q.step, Code: reply.Code, Class: classOf(reply.Code)}
	if q.hasEnh {
		ev.Enhanced = reply.Enhanced
	}
	used := map[*entry]bool{}
	fill(&ev, found, used)
	for _, e := range found {
		if e.Meaning.EN == "" {
			continue
		}
		if (e.tier == tierCode || e.tier >= tierClass) && ev.CodeMeaning.EN == "" {
			ev.CodeMeaning = e.Meaning
			used[e] = true
		}
		if q.hasEnh && ev.EnhancedMeaning.EN == "" &&
			(e.tier == tierVendorEnhanced || e.tier == tierRegistry || e.tier == tierSubject || e.tier == tierNoDetail) {
			ev.EnhancedMeaning = e.Meaning
			used[e] = true
		}
	}
	ev.References = references(found, used)
	if ev.Severity == "" {
		ev.Severity = severityOf(ev.Class)
	}
	return ev
}

// EvaluateFailure explains a step that ended without a reply: kind is one
// of FailureKinds ("refused", "tls_name_mismatch"...), detail the low-level
// error text, kept (escaped and shortened) for display.
func EvaluateFailure(step, kind, detail string, ctx Context) Evaluation {
	return kb().evaluateFailure(step, kind, detail, ctx)
}

func (k *knowledge) evaluateFailure(step, kind, detail string, ctx Context) Evaluation {
	kind = strings.ToLower(strings.TrimSpace(kind))
	if !slices.Contains(FailureKinds, kind) {
		kind = unknownFailure
	}
	q := &query{step: normStep(step), failure: kind, ctx: ctx}
	var found []*entry
	for _, e := range k.failures {
		if e.matches(q) {
			found = append(found, e)
		}
	}
	ev := Evaluation{Step: q.step, Failure: kind, Detail: Detail(detail)}
	ev.Class = ClassPermanent
	for _, e := range found {
		if e.Transient != nil {
			if *e.Transient {
				ev.Class = ClassTransient
			}
			break
		}
	}
	used := map[*entry]bool{}
	fill(&ev, found, used)
	for _, e := range found {
		if e.Meaning.EN != "" {
			ev.CodeMeaning = e.Meaning
			used[e] = true
			break
		}
	}
	ev.References = references(found, used)
	if ev.Severity == "" {
		ev.Severity = SeverityError
	}
	return ev
}

// fill takes the summary, severity and verdict from the first entry that has
// them, and the causes and actions from the first entry that has any. It
// marks the entries it used in used.
func fill(ev *Evaluation, found []*entry, used map[*entry]bool) {
	for _, e := range found {
		if ev.Rule == "" && e.Summary.EN != "" {
			ev.Rule = e.ID
			ev.Summary = e.Summary
			used[e] = true
		}
		if ev.Severity == "" && e.Severity != "" {
			ev.Severity = e.Severity
		}
		if ev.Verdict == "" && e.Verdict != "" {
			ev.Verdict = e.Verdict
		}
		if ev.Causes == nil && len(e.Causes) > 0 {
			ev.Causes = slices.Clone(e.Causes)
			used[e] = true
		}
		if ev.Actions == nil && len(e.Actions) > 0 {
			ev.Actions = slices.Clone(e.Actions)
			used[e] = true
		}
	}
	if ev.Causes == nil {
		ev.Causes = []lang.Text{}
	}
	if ev.Actions == nil {
		ev.Actions = []lang.Text{}
	}
}

// references gathers the references of the entries an evaluation is made of,
// most specific first: a rule that matched but said nothing is not cited.
func references(found []*entry, used map[*entry]bool) []string {
	refs := []string{}
	for _, e := range found {
		if !used[e] {
			continue
		}
		for _, r := range e.References {
			if !slices.Contains(refs, r) {
				refs = append(refs, r)
			}
		}
	}
	return refs
}

func normStep(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func classOf(code int) Class {
	switch code / 100 {
	case 2:
		return ClassSuccess
	case 3:
		return ClassIntermediate
	case 4:
		return ClassTransient
	}
	// Anything outside 2xx–4xx, including nonsense codes from a broken or
	// hostile server, is treated as a refusal: it is not an acceptance.
	return ClassPermanent
}

func severityOf(c Class) Severity {
	switch c {
	case ClassSuccess:
		return SeverityOK
	case ClassIntermediate:
		return SeverityInfo
	case ClassTransient:
		return SeverityWarning
	}
	return SeverityError
}

// matchText is the reply text the text rules look at: every line, enhanced
// codes included, capped so a huge reply costs no more than a small one.
func matchText(r *smtpwire.Reply) string {
	var sb strings.Builder
	for i, l := range r.Lines {
		if i > 0 {
			sb.WriteByte(' ')
		}
		// Continuation lines repeat the enhanced code ("550-5.7.1 ..."); it
		// would split phrases the text rules look for.
		if f, rest, ok := strings.Cut(l, " "); ok && enhancedRe.get().MatchString(f) {
			l = rest
		}
		if room := maxMatchText - sb.Len(); len(l) > room {
			sb.WriteString(shorten(l, room))
			break
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// Detail is text as an Evaluation keeps it in Detail: escaped for display
// and cut to the same bound. A caller that has the failure's text in
// another language puts it there with this.
func Detail(text string) string { return shorten(transcript.EscapeString(text), maxDetail) }

// shorten cuts s to at most n bytes without splitting a UTF-8 sequence and
// marks the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
