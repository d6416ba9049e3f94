package diagnose

import (
	"strings"
	"testing"

	"smtpprobe/backend/smtpwire"
)

// BenchmarkEvaluate measures one evaluation of a typical multi-line reply
// and of a reply at the matching cap (every text rule runs over the first 4 KiB).
func BenchmarkEvaluate(b *testing.B) {
	gmail, err := ParseReply("550-5.7.1 [192.0.2.7] The IP you're using to send mail is not authorized to\n550 5.7.1 send email directly to our servers. - gsmtp")
	if err != nil {
		b.Fatal(err)
	}
	huge := &smtpwire.Reply{Code: 550, Lines: []string{strings.Repeat("x", 1<<20)}}
	b.Run("typical", func(b *testing.B) {
		for b.Loop() {
			Evaluate("rcpt", gmail, Context{})
		}
	})
	b.Run("1MiB-line", func(b *testing.B) {
		for b.Loop() {
			Evaluate("rcpt", huge, Context{})
		}
	})
}

func BenchmarkVerdict(b *testing.B) {
	var outs []Outcome
	for _, s := range []string{"220 mx.example ESMTP Postfix", "250 mx.example", "250 2.1.0 Ok", "250 2.1.5 Ok", "354 go", "250 2.0.0 Ok: queued as 1234", "221 2.0.0 Bye"} {
		r, err := ParseReply(s)
		if err != nil {
			b.Fatal(err)
		}
		outs = append(outs, Outcome{Reply: r})
	}
	for i, step := range []string{"banner", "ehlo", "mail", "rcpt", "data", "data_end", "quit"} {
		outs[i].Step = step
	}
	for b.Loop() {
		Verdict(outs)
	}
}
