package session

import (
	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
)

// localize returns ev in l. diagnose keeps one detail text, the step's
// English error; the step has it in both languages, so a Spanish
// evaluation does not quote English.
func localize(ev diagnose.Evaluation, s Step, l lang.Lang) diagnose.LocalizedEvaluation {
	loc := ev.Localize(l)
	if loc.Detail != "" && s.ErrorText != nil && l != lang.EN {
		loc.Detail = diagnose.Detail(s.ErrorText.In(l))
	}
	return loc
}
