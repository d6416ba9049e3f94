// Command netsmtpfloor is the floor that `smtpprobe send` is measured
// against in bench/run.sh: the same EHLO, MAIL, RCPT, DATA and QUIT to the
// same server, and nothing else, written with the standard library's
// net/smtp alone. It has no explanations, no transcript and no checks, so
// the time a whole process of it takes is what any Go SMTP client must
// spend; what smtpprobe takes beyond it is the cost of its product.
//
//	netsmtpfloor -server 127.0.0.1:2525 -from a@client.test -to b@bench.test \
//	    -helo client.test -subject bench -body-file body.txt [-starttls]
//
// -starttls upgrades the connection without checking the certificate.
// -starttls -check-chain also checks the chain against the system's trusted
// roots and goes on whatever the outcome, which is what `smtpprobe send --tls
// starttls --insecure-skip-verify` does against the receiver's self-signed
// certificate: the least any client that reports on a certificate must do.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netsmtpfloor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("netsmtpfloor", flag.ContinueOnError)
	server := fs.String("server", "", "server `HOST:PORT`")
	from := fs.String("from", "", "MAIL FROM address")
	to := fs.String("to", "", "RCPT TO address")
	helo := fs.String("helo", "localhost", "EHLO name")
	subject := fs.String("subject", "bench", "Subject header")
	bodyFile := fs.String("body-file", "", "file with the message body")
	starttls := fs.Bool("starttls", false, "require STARTTLS (certificate not verified)")
	checkChain := fs.Bool("check-chain", false, "with -starttls, check the chain against the system roots and go on whatever the outcome")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline for the whole session")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *server == "" || *from == "" || *to == "" || *bodyFile == "" {
		return fmt.Errorf("-server, -from, -to and -body-file are required")
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return err
	}
	conn, err := net.DialTimeout("tcp", *server, *timeout)
	if err != nil {
		return err
	}
	// A deadline on the connection keeps a stuck server from holding a
	// benchmark run forever; net/smtp has no timeouts of its own.
	if err := conn.SetDeadline(time.Now().Add(*timeout)); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(*server)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(*helo); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if *starttls {
		// #nosec G402 -- a benchmark against a self-signed loopback receiver.
		cfg := &tls.Config{ServerName: host, InsecureSkipVerify: true}
		chainChecked := false
		if *checkChain {
			cfg.VerifyConnection = func(cs tls.ConnectionState) error {
				roots, err := x509.SystemCertPool()
				if err != nil {
					return err
				}
				inter := x509.NewCertPool()
				for _, c := range cs.PeerCertificates[1:] {
					inter.AddCert(c)
				}
				// The outcome is not the point (the certificate is
				// self-signed); doing the work is.
				_, _ = cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
				chainChecked = true
				return nil
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
		if *checkChain && !chainChecked {
			return fmt.Errorf("STARTTLS: the chain was not checked")
		}
	}
	if err := c.Mail(*from); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(*to); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	msg := "From: <" + *from + ">\r\nTo: <" + *to + ">\r\nSubject: " + *subject +
		"\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n\r\n" +
		strings.ReplaceAll(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n", "\r\n")
	if _, err := io.WriteString(w, msg); err != nil {
		return fmt.Errorf("message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("final dot: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("QUIT: %w", err)
	}
	fmt.Println("250 queued")
	return nil
}
