// Command servers runs the loopback servers the browser end-to-end tests talk
// to: the built-in receiver (a go-smtp server) that rejects recipients
// starting with "nobody@" with 550 5.1.1, a tarpit that accepts connections
// and never greets (for cancel), and a miekg/dns server whose zone points the
// test domains at them. It prints one JSON line with the addresses, then runs
// until its standard input closes, so a test that dies takes it along.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"regexp"

	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/receiver"
)

type addrs struct {
	SMTP   string `json:"smtp"`
	Port   int    `json:"port"`
	Tarpit int    `json:"tarpit"`
	DNS    string `json:"dns"`
}

func main() {
	if err := run(); err != nil {
		log.Fatalf("e2e servers: %v", err)
	}
}

func run() error {
	r, err := receiver.New(receiver.Config{
		Addr:       "127.0.0.1:0",
		RejectRcpt: regexp.MustCompile(`^nobody@`),
	})
	if err != nil {
		return fmt.Errorf("receiver: %w", err)
	}
	if err := r.Start(context.Background()); err != nil {
		return fmt.Errorf("receiver: %w", err)
	}
	defer r.Close()

	tarpit, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("tarpit: %w", err)
	}
	defer tarpit.Close()
	go func() {
		for {
			c, err := tarpit.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()

	dns, err := dnstest.Start(
		"contoso.test. 300 IN MX 10 mx1.contoso.test.",
		"contoso.test. 300 IN MX 20 mx2.contoso.test.",
		"mx1.contoso.test. 300 IN A 127.0.0.1",
		"mx2.contoso.test. 300 IN A 127.0.0.1",
		"null.test. 300 IN MX 0 .",
	)
	if err != nil {
		return fmt.Errorf("dns: %w", err)
	}
	defer dns.Close()

	out := addrs{
		SMTP:   r.Addr().String(),
		Port:   r.Addr().(*net.TCPAddr).Port,
		Tarpit: tarpit.Addr().(*net.TCPAddr).Port,
		DNS:    dns.Addr(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}
