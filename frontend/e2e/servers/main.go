// Command servers runs the loopback servers the browser end-to-end tests talk
// to: the built-in receiver (a go-smtp server) that rejects recipients
// starting with "nobody@" with 550 5.1.1, a second receiver offering
// STARTTLS with a self-signed certificate for 127.0.0.1 (written as PEM to
// $SMTPPROBE_E2E_OPEN_FILE, the file the app's open dialog answers with in
// the tests), a tarpit that accepts connections and never greets (for
// cancel; also on 127.0.0.2 at the receiver's port, so "slow.test" has one
// MX that answers and one that hangs), and a miekg/dns server whose zone
// points the test domains at them. It prints one JSON line with the addresses, then runs
// until its standard input closes, so a test that dies takes it along.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"regexp"
	"strconv"

	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/receiver"
)

type addrs struct {
	SMTP   string `json:"smtp"`
	Port   int    `json:"port"`
	Tarpit int    `json:"tarpit"`
	DNS    string `json:"dns"`
	// TLSPort is the STARTTLS receiver; CAFile the PEM of its certificate
	// ("" when SMTPPROBE_E2E_OPEN_FILE is not set).
	TLSPort int    `json:"tls_port"`
	CAFile  string `json:"ca_file"`
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

	secure, err := receiver.New(receiver.Config{Addr: "127.0.0.1:0", TLS: true, TLSName: "[127.0.0.1]"})
	if err != nil {
		return fmt.Errorf("TLS receiver: %w", err)
	}
	if err := secure.Start(context.Background()); err != nil {
		return fmt.Errorf("TLS receiver: %w", err)
	}
	defer secure.Close()
	caFile := os.Getenv("SMTPPROBE_E2E_OPEN_FILE")
	if caFile != "" {
		if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw}), 0o600); err != nil {
			return fmt.Errorf("CA file: %w", err)
		}
	}

	tarpit, err := listenTarpit("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer tarpit.Close()
	port := r.Addr().(*net.TCPAddr).Port
	slow, err := listenTarpit(net.JoinHostPort("127.0.0.2", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer slow.Close()

	dns, err := dnstest.Start(
		"contoso.test. 300 IN MX 10 mx1.contoso.test.",
		"contoso.test. 300 IN MX 20 mx2.contoso.test.",
		"mx1.contoso.test. 300 IN A 127.0.0.1",
		"mx2.contoso.test. 300 IN A 127.0.0.1",
		"null.test. 300 IN MX 0 .",
		"slow.test. 300 IN MX 10 mx1.slow.test.",
		"slow.test. 300 IN MX 20 mx2.slow.test.",
		"mx1.slow.test. 300 IN A 127.0.0.1",
		"mx2.slow.test. 300 IN A 127.0.0.2",
		// Sender checks (sender.test.mjs): a clean sender and a listed one.
		"10.2.0.192.in-addr.arpa. 300 IN PTR mail.contoso.test.",
		"mail.contoso.test. 300 IN A 192.0.2.10",
		`contoso.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
		`_dmarc.contoso.test. 300 IN TXT "v=DMARC1; p=reject"`,
		"20.2.0.192.zen.spamhaus.org. 300 IN A 127.0.0.2",
	)
	if err != nil {
		return fmt.Errorf("dns: %w", err)
	}
	defer dns.Close()

	out := addrs{
		SMTP:    r.Addr().String(),
		Port:    port,
		Tarpit:  tarpit.Addr().(*net.TCPAddr).Port,
		DNS:     dns.Addr(),
		TLSPort: secure.Addr().(*net.TCPAddr).Port,
		CAFile:  caFile,
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// listenTarpit accepts connections on addr and never greets.
func listenTarpit(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tarpit: %w", err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	return l, nil
}
