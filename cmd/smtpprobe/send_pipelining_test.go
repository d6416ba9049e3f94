package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
	"smtpprobe/internal/loopback"
)

// readTap records every Read the server side makes, so a test can see which
// commands reached the server in one flight.
type readTap struct {
	net.Listener
	mu    sync.Mutex
	reads []string
}

func (l *readTap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &tapReadConn{Conn: c, l: l}, nil
}

func (l *readTap) readWith(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.reads {
		if strings.Contains(r, s) {
			return r
		}
	}
	return ""
}

type tapReadConn struct {
	net.Conn
	l *readTap
}

func (c *tapReadConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.l.mu.Lock()
		c.l.reads = append(c.l.reads, string(p[:n]))
		c.l.mu.Unlock()
	}
	return n, err
}

// clientFirst reports whether, in the session's transcript, the client sent
// a line starting with later before the server answered the command
// starting with first: true means the commands went out in one flight.
func clientFirst(r session.Result, first, later string) bool {
	sent := false
	for _, e := range r.Transcript {
		switch {
		case e.Dir == "C" && strings.HasPrefix(e.Text, first):
			sent = true
		case sent && e.Dir == "C" && strings.HasPrefix(e.Text, later):
			return true
		case sent && e.Dir == "S":
			return false
		}
	}
	return false
}

// TestSendPipeliningDefault: a default send pipelines against a server that
// offers PIPELINING (go-smtp always does); --no-pipelining and
// --pipelining=false keep lock-step, one command and one reply.
func TestSendPipeliningDefault(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		pipelined bool
	}{
		{"default", nil, true},
		{"explicit", []string{"--pipelining"}, true},
		{"no-pipelining", []string{"--no-pipelining"}, false},
		{"pipelining=false", []string{"--pipelining=false"}, false},
		{"no-pipelining wins when last", []string{"--pipelining", "--no-pipelining"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := &sendBackend{}
			srv := smtp.NewServer(be)
			srv.Domain = "mx.test"
			srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			tap := &readTap{Listener: ln}
			go func() { _ = srv.Serve(tap) }()
			t.Cleanup(func() { _ = srv.Close() })
			addr := ln.Addr().String()
			args := append([]string{"--from", "a@client.test", "--to", "b@mx.test", "--to", "c@mx.test", "--server", addr,
				"--helo", "client.test", "--json"}, tc.args...)
			code, out, errs := runSendCLI(args...)
			if code != exitcode.OK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			r := decodeResult(t, out)
			if got := clientFirst(r, "MAIL FROM", "DATA"); got != tc.pipelined {
				t.Errorf("DATA before the reply to MAIL = %v, want %v", got, tc.pipelined)
			}
			first := tap.readWith("MAIL FROM")
			oneFlight := strings.Contains(first, "\r\nRCPT TO:<b@mx.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
			if oneFlight != tc.pipelined {
				t.Errorf("server read %q: MAIL, RCPTs and DATA in one read = %v, want %v", first, oneFlight, tc.pipelined)
			}
			if tc.pipelined && !strings.HasSuffix(tap.readWith("QUIT"), "\r\n.\r\nQUIT\r\n") {
				t.Errorf("second flight %q: want the final dot and QUIT together", tap.readWith("QUIT"))
			}
			for _, w := range r.Warnings {
				if w.Code == "pipelining-not-offered" {
					t.Errorf("warning %q from a server that offers PIPELINING", w.Code)
				}
			}
			if len(be.datas) != 1 {
				t.Errorf("server got %d messages", len(be.datas))
			}
		})
	}
}

// noPipeliningServer is an ESMTP server on loopback whose EHLO lists no
// PIPELINING; it answers each command line as it reads it.
func noPipeliningServer(t *testing.T) string {
	t.Helper()
	return loopback.Listen(t, serveNoPipelining)
}

func serveNoPipelining(c net.Conn) {
	br := bufio.NewReader(c)
	fmt.Fprint(c, "220 plain.test ESMTP\r\n")
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return
		}
		switch w := strings.ToUpper(strings.Fields(l + " x")[0]); w {
		case "EHLO":
			fmt.Fprint(c, "250-plain.test\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n")
		case "MAIL", "RCPT":
			fmt.Fprint(c, "250 2.1.0 ok\r\n")
		case "DATA":
			fmt.Fprint(c, "354 go ahead\r\n")
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
			}
			fmt.Fprint(c, "250 2.0.0 queued\r\n")
		case "QUIT":
			fmt.Fprint(c, "221 2.0.0 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 5.5.2 no\r\n")
		}
	}
}

// TestSendPipeliningNotOffered: against a server without PIPELINING the
// default send goes lock-step and says nothing about it; only an explicit
// --pipelining is warned about.
func TestSendPipeliningNotOffered(t *testing.T) {
	addr := noPipeliningServer(t)
	for _, tc := range []struct {
		name string
		args []string
		warn bool
	}{
		{"default", nil, false},
		{"explicit", []string{"--pipelining"}, true},
		{"no-pipelining", []string{"--no-pipelining"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--from", "a@client.test", "--to", "b@plain.test", "--server", addr, "--helo", "client.test",
				"--lang", "en"}, tc.args...)
			code, out, errs := runSendCLI(append(args, "--json")...)
			if code != exitcode.OK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			r := decodeResult(t, out)
			if clientFirst(r, "MAIL FROM", "RCPT TO") {
				t.Error("RCPT sent before the reply to MAIL to a server without PIPELINING")
			}
			warned := false
			for _, w := range r.Warnings {
				warned = warned || w.Code == "pipelining-not-offered"
			}
			if warned != tc.warn {
				t.Errorf("pipelining-not-offered warning = %v, want %v: %+v", warned, tc.warn, r.Warnings)
			}
			_, text, _ := runSendCLI(args...)
			if got := strings.Contains(text, "does not offer PIPELINING"); got != tc.warn {
				t.Errorf("text output mentions PIPELINING = %v, want %v:\n%s", got, tc.warn, text)
			}
		})
	}
}

// TestSendPipelinedRejection: a recipient refused inside a pipelined flight
// keeps its own explanation on the rcpt step, the refused DATA is explained
// as its consequence, and the verdict names the recipient.
func TestSendPipelinedRejection(t *testing.T) {
	addr, be, _ := startSendServer(t)
	be.reject = "nadie@mx.test"
	code, out, errs := runSendCLI("--from", "a@client.test", "--to", "nadie@mx.test", "--server", addr, "--helo", "client.test",
		"--lang", "en")
	if code != exitcode.Permanent {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitcode.Permanent, out, errs)
	}
	wantInOrder := []string{
		"C: MAIL FROM:<a@client.test>", "C: RCPT TO:<nadie@mx.test>", "C: DATA", "S: 250 ", "S: 550 5.1.1",
		"FAILED   rcpt", "-> Recipient does not exist",
		"FAILED   data", "-> Refused as a consequence: no recipient was accepted",
		"Verdict: Recipient does not exist", "Result: FAILED at rcpt",
	}
	rest := out
	for _, w := range wantInOrder {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("output lacks %q (in this order: %q):\n%s", w, wantInOrder, out)
		}
		rest = rest[i+len(w):]
	}
	if strings.Contains(out, "Commands out of order") || strings.Contains(out, "Invalid command") {
		t.Errorf("DATA's refusal explained on its own:\n%s", out)
	}
	if len(be.datas) != 0 {
		t.Errorf("the message went out: %q", be.datas)
	}
}

// TestSendProfilePipelining: --save-profile stores the effective pipelining
// (on by default, off with --no-pipelining), and --profile keeps the saved
// value unless --pipelining or --no-pipelining is given.
func TestSendProfilePipelining(t *testing.T) {
	addr, _, _ := startSendServer(t)
	dir := t.TempDir()
	base := []string{"--server", addr, "--from", "a@client.test", "--to", "b@mx.test", "--helo", "client.test",
		"--profile-dir", dir, "--json"}
	saved := func(name string) bool {
		t.Helper()
		entries, err := profile.NewStore(dir).List()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Profile != nil && e.Profile.Name == name {
				return e.Profile.Pipelining
			}
		}
		t.Fatalf("profile %q not saved", name)
		return false
	}
	for _, tc := range []struct {
		name string
		args []string
		want bool
	}{
		{"default", nil, true},
		{"lockstep", []string{"--no-pipelining"}, false},
		{"off", []string{"--pipelining=false"}, false},
	} {
		code, out, errs := runSendCLI(append(append(base, "--save-profile", tc.name), tc.args...)...)
		if code != exitcode.OK {
			t.Fatalf("%s: exit %d\n%s\n%s", tc.name, code, out, errs)
		}
		if got := saved(tc.name); got != tc.want {
			t.Errorf("%s: saved pipelining %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		profile   string
		args      []string
		pipelined bool
	}{
		{"default", nil, true},
		{"lockstep", nil, false},
		{"lockstep", []string{"--pipelining"}, true},
		{"default", []string{"--no-pipelining"}, false},
		{"default", []string{"--pipelining=false"}, false},
	} {
		args := append([]string{"--profile", tc.profile, "--profile-dir", dir, "--json"}, tc.args...)
		code, out, errs := runSendCLI(args...)
		if code != exitcode.OK {
			t.Fatalf("%q: exit %d\n%s\n%s", args, code, out, errs)
		}
		if got := clientFirst(decodeResult(t, out), "MAIL FROM", "RCPT TO"); got != tc.pipelined {
			t.Errorf("%q: pipelined %v, want %v", args, got, tc.pipelined)
		}
	}
}
