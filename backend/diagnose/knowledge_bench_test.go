package diagnose

import (
	"testing"

	"smtpprobe/backend/smtpwire"
)

// BenchmarkLoadKnowledge measures what the first kb() call costs: building
// the lookup maps around the generated entries. (Before knowledge_gen.go it
// parsed and validated data/*.json and compiled every text rule; the
// benchmark keeps its name so that the two can be compared.)
func BenchmarkLoadKnowledge(b *testing.B) {
	for b.Loop() {
		if k := generated(); len(k.replies) == 0 {
			b.Fatal("no entries")
		}
	}
}

// BenchmarkFirstEvaluate measures the first evaluation of a process that
// did not call Preload: loading the knowledge plus the text rules the reply
// reaches, compiled on first use. "unknown-5xx" reaches every text rule.
// "preload" is Preload itself (load and compile every rule), which callers
// run in the background.
func BenchmarkFirstEvaluate(b *testing.B) {
	replies := []struct{ name, text string }{
		{"banner", "220 mx.example ESMTP Postfix"},
		{"gmail-5.7.1", "550-5.7.1 [192.0.2.7] The IP you're using to send mail is not authorized to\n550 5.7.1 send email directly to our servers. - gsmtp"},
		{"unknown-5xx", "554 the frobnicator declined"},
	}
	for _, r := range replies {
		reply, err := ParseReply(r.text)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				k := fresh()
				b.StartTimer()
				first(k, reply)
			}
		})
	}
	b.Run("preload", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			k := fresh()
			b.StartTimer()
			for _, e := range k.replies {
				if e.rx != nil {
					e.textRule()
				}
			}
		}
	})
}

// first stands for the first kb() call (loading k is the generated() call
// fresh made, timed by BenchmarkLoadKnowledge) followed by an evaluation.
func first(k *knowledge, reply *smtpwire.Reply) Evaluation {
	return k.evaluate("rcpt", reply, Context{})
}
