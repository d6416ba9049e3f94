package scriptserver

import (
	"crypto/tls"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Fault is how an SMTP script (see SMTP) misbehaves at one point of the
// dialogue.
type Fault struct {
	// At is where: "banner", a command verb ("EHLO" also stands for HELO,
	// "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "QUIT"), or "dot"
	// for the reply to the message end. Empty: no fault.
	At string
	// Reply is the reply line given there instead of the usual one, without
	// CRLF. A 421 also ends the script (RFC 5321 §3.8).
	Reply string
	// Silent says nothing there and waits until the client closes: the
	// client's timeout fires.
	Silent bool
	// Reset aborts the connection there with a TCP RST.
	Reset bool
}

// SMTPOptions configures an SMTP script.
type SMTPOptions struct {
	// Fault is the one misbehaviour of the script.
	Fault Fault
	// Cert answers STARTTLS with a handshake; without it STARTTLS gets 454.
	Cert *tls.Certificate
	// Connected, when not nil, is closed by the test once the client's
	// connect has returned: a reset before the greeting waits for it, or it
	// would reset the connect itself.
	Connected <-chan struct{}
}

// SMTP returns a step that plays a small conforming SMTP server (EHLO offers
// PIPELINING, CHUNKING, STARTTLS and AUTH PLAIN; 503 for RCPT without MAIL,
// 554 5.5.1 for DATA or BDAT without a recipient, as RFC 2920 §3.1 asks of a
// server receiving pipelined commands) with o.Fault at one point. It reads
// line by line, so it serves lock-step and pipelined clients alike, and ends
// when the client closes or after QUIT.
func SMTP(o SMTPOptions) Step {
	f := o.Fault
	return Func("smtp", func(c *Conn) error {
		send := func(s string) error { _, err := c.Write([]byte(s + "\r\n")); return err }
		// hit plays the fault when step is where it is; done says the
		// script is over.
		hit := func(step string) (handled, done bool, err error) {
			if step != f.At || (f.Reply == "" && !f.Silent && !f.Reset) {
				return false, false, nil
			}
			switch {
			case f.Silent:
				return true, true, ExpectEOF().Run(c)
			case f.Reset:
				if step == "banner" && o.Connected != nil {
					select {
					case <-o.Connected:
					case <-time.After(c.ReadTimeout):
						return true, true, errors.New("the client never connected")
					}
				}
				return true, true, Reset().Run(c)
			}
			err = send(f.Reply)
			return true, strings.HasPrefix(f.Reply, "421"), err
		}
		if h, d, err := hit("banner"); h {
			if d || err != nil {
				return err
			}
		} else if err := send("220 mx.test ESMTP"); err != nil {
			return err
		}
		mail, rcpts := false, 0
		for {
			b, err := c.ReadLine()
			if err != nil {
				return nil // the client closed: the script is over
			}
			line := string(b)
			verb := strings.ToUpper(strings.Fields(line + " x")[0])
			if verb == "HELO" {
				verb = "EHLO"
			}
			if verb == "BDAT" {
				n, _ := strconv.Atoi(strings.Fields(line + " 0")[1])
				if err := ReadBytes(n).Run(c); err != nil {
					return nil
				}
			}
			if verb != "BDAT" && verb != "DATA" {
				if h, d, err := hit(verb); h {
					if d || err != nil || verb == "QUIT" {
						return err
					}
					continue
				}
			}
			switch verb {
			case "EHLO":
				err = send("250-mx.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-STARTTLS\r\n250 AUTH PLAIN")
			case "STARTTLS":
				if o.Cert == nil {
					err = send("454 4.7.0 TLS not available")
					break
				}
				if err = send("220 2.0.0 go ahead"); err == nil {
					err = StartTLS(*o.Cert).Run(c)
				}
			case "AUTH":
				err = send("235 2.7.0 Authentication successful")
			case "MAIL":
				mail = true
				err = send("250 2.1.0 ok")
			case "RCPT":
				if !mail {
					err = send("503 5.5.1 need MAIL first")
					break
				}
				rcpts++
				err = send("250 2.1.5 ok")
			case "DATA", "BDAT":
				if !mail || rcpts == 0 {
					err = send("554 5.5.1 no valid recipients")
					break
				}
				if h, d, e := hit(verb); h {
					if d || e != nil {
						return e
					}
					continue
				}
				if verb == "BDAT" {
					err = send("250 2.0.0 queued")
					break
				}
				if err = send("354 go ahead"); err != nil {
					return err
				}
				if err = ExpectData().Run(c); err != nil {
					return nil
				}
				if h, d, e := hit("dot"); h {
					if d || e != nil {
						return e
					}
					continue
				}
				err = send("250 2.0.0 queued")
			case "QUIT":
				_ = send("221 2.0.0 bye")
				return nil
			default:
				err = send("500 5.5.2 unknown command")
			}
			if err != nil {
				return err
			}
		}
	})
}
