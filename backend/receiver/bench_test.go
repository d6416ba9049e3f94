package receiver

import (
	"context"
	"fmt"
	"net/smtp"
	"testing"
)

func benchReceiver(b *testing.B, cfg Config) *Receiver {
	b.Helper()
	cfg.Addr = "127.0.0.1:0"
	// Keep memory flat over many iterations.
	cfg.MaxMessages, cfg.MaxConnections = 10, 10
	r, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkSession is one whole plain session per iteration: connect,
// EHLO, MAIL, RCPT, DATA (1 KiB), QUIT.
func BenchmarkSession(b *testing.B) {
	r := benchReceiver(b, Config{})
	msg := []byte("Subject: bench\r\n\r\n" + fmt.Sprintf("%01024d\r\n", 0))
	b.ReportAllocs()
	for b.Loop() {
		if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionSTARTTLS adds STARTTLS, which costs two handshakes on the
// receiver's side (client and in-process bridge, see bridge.go).
func BenchmarkSessionSTARTTLS(b *testing.B) {
	r := benchReceiver(b, Config{TLS: true})
	cfg := trusting(r)
	b.ReportAllocs()
	for b.Loop() {
		c, err := smtp.Dial(r.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		if err := c.StartTLS(cfg); err != nil {
			b.Fatal(err)
		}
		if err := c.Mail("a@example.com"); err != nil {
			b.Fatal(err)
		}
		if err := c.Rcpt("b@example.org"); err != nil {
			b.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(w, "Subject: bench\r\n\r\n%01024d\r\n", 0)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := c.Quit(); err != nil {
			b.Fatal(err)
		}
	}
}
