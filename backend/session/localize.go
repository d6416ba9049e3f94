package session

import (
	"unicode/utf8"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// maxDetail bounds the detail of a localized evaluation, as diagnose bounds
// the one it keeps.
const maxDetail = 512

// localize returns ev in l. diagnose keeps one detail text, the step's
// English error; the step has it in both languages, so a Spanish
// evaluation does not quote English.
func localize(ev diagnose.Evaluation, s Step, l lang.Lang) diagnose.LocalizedEvaluation {
	loc := ev.Localize(l)
	if loc.Detail != "" && s.ErrorText != nil && l != lang.EN {
		d := transcript.EscapeString(s.ErrorText.In(l))
		if len(d) > maxDetail {
			cut := maxDetail
			for cut > 0 && !utf8.RuneStart(d[cut]) {
				cut--
			}
			d = d[:cut] + "…"
		}
		loc.Detail = d
	}
	return loc
}
