package main

import (
	"bufio"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/sendercheck"
	"smtpprobe/internal/loopback"
)

// echoServer greets, answers EHLO like Exchange, naming the client
// 192.0.2.10 (not the loopback address it really connects from), and
// answers QUIT. It returns the address and a channel that gets each EHLO
// line the server read.
func echoServer(t *testing.T) (string, chan string) {
	ehlo := make(chan string, 4)
	addr := loopback.Listen(t, func(c net.Conn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		c.Write([]byte("220 mx.fabrikam.test ESMTP\r\n"))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(line, "EHLO "):
				ehlo <- strings.TrimSpace(line)
				c.Write([]byte("250-mx.fabrikam.test Hello [192.0.2.10]\r\n250 8BITMIME\r\n"))
			case strings.HasPrefix(line, "QUIT"):
				c.Write([]byte("221 bye\r\n"))
				return
			default:
				c.Write([]byte("502 5.5.2 not in this script\r\n"))
			}
		}
	})
	return addr, ehlo
}

func TestSendRunsSenderChecks(t *testing.T) {
	dnsSrv := startSenderZone(t)
	addr, ehlo := echoServer(t)
	code, out, errOut := runCLI("send", "--from", "a@fabrikam.test", "--to", "b@fabrikam.test", "--server", addr,
		"--helo", "mail.fabrikam.test", "--tls", "none", "--stop-after", "ehlo", "--dns-server", dnsSrv.Addr(), "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var doc struct {
		Sender *sendercheck.Report `json:"sender"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Sender
	if s == nil {
		t.Fatalf("no sender in\n%s", out)
	}
	if s.IP != "192.0.2.10" || s.IPSource != sendercheck.FromServer || !s.FCrDNS || s.SPF.Result != "pass" || !s.HELO.ResolvesToIP {
		t.Errorf("sender %+v", s)
	}
	if got := <-ehlo; got != "EHLO mail.fabrikam.test" {
		t.Errorf("server read %q", got)
	}
}

func TestSendSenderChecksTextAndOff(t *testing.T) {
	dnsSrv := startSenderZone(t)
	addr, _ := echoServer(t)
	args := []string{"send", "--from", "a@fabrikam.test", "--to", "b@fabrikam.test", "--server", addr,
		"--helo", "mail.fabrikam.test", "--tls", "none", "--stop-after", "ehlo", "--dns-server", dnsSrv.Addr(), "--lang", "es"}
	_, out, _ := runCLI(args...)
	if !strings.Contains(out, "Comprobaciones del remitente:") || !strings.Contains(out, "192.0.2.10 (tal como la vio el servidor)") {
		t.Errorf("no Spanish sender section:\n%s", out)
	}
	before := dnsSrv.QueryCount()
	_, out, _ = runCLI(append(args, "--no-sender-checks", "--json")...)
	if strings.Contains(out, `"sender"`) || dnsSrv.QueryCount() != before {
		t.Errorf("--no-sender-checks: %d queries, output\n%s", dnsSrv.QueryCount()-before, out)
	}
}
