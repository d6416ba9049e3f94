package session

import (
	"context"
	"testing"
)

// BenchmarkSession runs a full session (connect, EHLO, MAIL, RCPT, DATA,
// the message, QUIT) against a go-smtp server on loopback.
func BenchmarkSession(b *testing.B) {
	for _, bc := range []struct {
		name       string
		pipelining bool
		chunking   bool
	}{{"lockstep", false, false}, {"pipelined", true, false}, {"pipelined-bdat", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s := startServer(b, nil)
			o := opts(s.Addr, "one@mx.test", "two@mx.test")
			o.Body = "A short test message.\nSecond line.\n"
			o.Pipelining, o.Chunking = bc.pipelining, bc.chunking
			b.ReportAllocs()
			for b.Loop() {
				r, err := Run(context.Background(), o)
				if err != nil || !r.OK {
					b.Fatalf("session failed: %v %v", err, steps(r))
				}
			}
		})
	}
}
