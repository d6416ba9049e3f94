package session

import (
	"bufio"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/message"
	"smtpprobe/backend/transcript"
)

// readWith returns the first server read that contains s.
func readWith(reads []string, s string) string {
	for _, r := range reads {
		if strings.Contains(r, s) {
			return r
		}
	}
	return ""
}

func TestPipelining(t *testing.T) {
	s := startServer(t, nil)
	s.rcptErr["nobody@mx.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
	o := opts(s.Addr, "nobody@mx.test", "rcpt@mx.test")
	o.Pipelining = true
	r := run(t, o)
	want := []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", "rcpt:failed:550",
		"rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
	// Replies are attributed to their own commands (RFC 2920 §3.2).
	if rc := r.Steps[5]; rc.Recipient != "nobody@mx.test" || rc.Reply.Enhanced != "5.1.1" {
		t.Errorf("rejected rcpt step %+v", rc)
	}
	if rc := r.Steps[6]; rc.Recipient != "rcpt@mx.test" || rc.Reply.Code != 250 {
		t.Errorf("accepted rcpt step %+v", rc)
	}
	reads := s.tap.Reads()
	first := readWith(reads, "MAIL FROM")
	if want := "MAIL FROM:<sender@client.test> SIZE="; !strings.HasPrefix(first, want) ||
		!strings.HasSuffix(first, "\r\nRCPT TO:<nobody@mx.test>\r\nRCPT TO:<rcpt@mx.test>\r\nDATA\r\n") {
		t.Errorf("first flight %q: want MAIL, both RCPTs and DATA in one write", first)
	}
	second := readWith(reads, "QUIT")
	if !strings.HasPrefix(second, "From: ") || !strings.HasSuffix(second, "Hello.\r\n.\r\nQUIT\r\n") {
		t.Errorf("second flight %q: want the message, the final dot and QUIT in one write", second)
	}
	if len(s.Data()) != 1 || r.ExitCode != exitcode.Permanent {
		t.Errorf("messages %d exit %d", len(s.Data()), r.ExitCode)
	}
}

func TestPipeliningNoRecipientAccepted(t *testing.T) {
	s := startServer(t, nil)
	s.rcptErr["rcpt@mx.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
	o := opts(s.Addr)
	o.Pipelining = true
	r := run(t, o)
	// go-smtp answers DATA with 502 when no recipient stands; the client
	// must not send the message (RFC 2920 §3.1).
	want := []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", "rcpt:failed:550",
		"data:failed:502", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if strings.Contains(s.tap.Received(), "Hello.") || len(s.Data()) != 0 {
		t.Error("the message went out although no recipient was accepted")
	}
	// The rcpt step keeps its own explanation; DATA's refusal is explained
	// as a consequence of it, not as "commands out of order".
	if ev := r.Step(StepRcpt).Evaluation; ev == nil || ev.Enhanced != "5.1.1" || ev.Rule == "session.consequence" {
		t.Errorf("rcpt evaluation %+v", ev)
	}
	if ev := r.Step(StepData).Evaluation; ev == nil || ev.Rule != "session.consequence" ||
		!strings.Contains(ev.Summary, "no recipient was accepted") || len(ev.Actions) != 1 {
		t.Errorf("data evaluation %+v", ev)
	}
	if v := r.Verdict; v == nil || v.Step != "rcpt" {
		t.Errorf("verdict %+v, want it on the rcpt step", v)
	}
}

func TestBDAT(t *testing.T) {
	body := strings.Repeat("chunked line with a . and CRLF\n", 10) + ".leading dot is not stuffed with BDAT\n"
	for _, pipelining := range []bool{false, true} {
		t.Run(fmt.Sprintf("pipelining=%v", pipelining), func(t *testing.T) {
			s := startServer(t, nil)
			o := opts(s.Addr)
			o.Body = body
			o.Chunking = true
			o.Pipelining = pipelining
			o.ChunkSize = 100
			r := run(t, o)
			if !r.OK {
				t.Fatalf("steps %q", steps(r))
			}
			d := s.Data()
			if len(d) != 1 || !strings.HasSuffix(string(d[0]), "\r\n\r\n"+message.NormalizeBody(body)) {
				t.Fatalf("server got %q", d)
			}
			var bdats []Step
			for _, st := range r.Steps {
				if st.Name == StepBDAT {
					bdats = append(bdats, st)
				}
				if st.Name == StepData || st.Name == StepDataEnd {
					t.Errorf("%s step with BDAT", st.Name)
				}
			}
			n := (len(d[0]) + 99) / 100
			if len(bdats) != n {
				t.Fatalf("%d bdat steps, want %d", len(bdats), n)
			}
			for i, b := range bdats {
				last := i == n-1
				if strings.HasSuffix(b.Command, " LAST") != last || b.Status != StatusOK {
					t.Errorf("bdat %d: %+v", i, b)
				}
			}
			received := s.tap.Received()
			if strings.Contains(received, "\r\n..leading") || strings.Contains(received, "DATA\r\n") {
				t.Error("BDAT data was dot-stuffed or DATA was sent")
			}
			if pipelining {
				// MAIL, RCPT, every BDAT with its chunk and QUIT in one
				// flight (RFC 3030 §4.2).
				first := readWith(s.tap.Reads(), "MAIL FROM")
				if !strings.Contains(first, "RCPT TO:") || !strings.Contains(first, " LAST\r\n") || !strings.HasSuffix(first, "QUIT\r\n") {
					t.Errorf("one flight expected, first read %q", first)
				}
			}
		})
	}
}

// oldServer speaks RFC 821 only: no EHLO, no extensions.
func oldServer(c net.Conn, br *bufio.Reader) {
	fmt.Fprint(c, "220 old.test SMTP\r\n")
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return
		}
		switch w := strings.ToUpper(strings.Fields(l + " x")[0]); w {
		case "EHLO":
			fmt.Fprint(c, "500 Command unrecognized\r\n")
		case "HELO", "MAIL", "RCPT":
			fmt.Fprint(c, "250 ok\r\n")
		case "DATA":
			fmt.Fprint(c, "354 go ahead\r\n")
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			fmt.Fprint(c, "250 queued\r\n")
		case "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 no\r\n")
		}
	}
}

func TestExtensionsNotOffered(t *testing.T) {
	o := opts(rawServer(t, oldServer))
	o.Pipelining, o.Chunking, o.Notify = true, true, []string{"failure"}
	o.Body = "café\n" // 8bit text without 8BITMIME goes quoted-printable
	r := run(t, o)
	want := []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:warning:500", "helo:ok:250", "mail:ok:250",
		"rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) || !r.OK {
		t.Fatalf("steps %q, want %q", got, want)
	}
	var codes []string
	for _, w := range r.Warnings {
		codes = append(codes, w.Code)
	}
	if want := []string{"dsn-not-offered", "pipelining-not-offered", "chunking-not-offered"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("warnings %q, want %q", codes, want)
	}
	if m := r.Step(StepMail).Command; m != "MAIL FROM:<sender@client.test>" {
		t.Errorf("MAIL %q: no SIZE, BODY or DSN without EHLO", m)
	}
	if !transcriptHas(r.Transcript, "C", "Content-Transfer-Encoding: quoted-printable") {
		t.Error("8bit body not encoded for a server without 8BITMIME")
	}
}

// TestPipeliningByDefaultNotOffered: pipelining as the product default
// falls back to lock-step quietly; only an explicit request is warned about.
func TestPipeliningByDefaultNotOffered(t *testing.T) {
	for _, tc := range []struct {
		name     string
		byDef    bool
		wantWarn bool
	}{{"explicit", false, true}, {"default", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts(rawServer(t, oldServer))
			o.Pipelining, o.PipeliningByDefault = true, tc.byDef
			r := run(t, o)
			if !r.OK {
				t.Fatalf("steps %q", steps(r))
			}
			warned := false
			for _, w := range r.Warnings {
				warned = warned || w.Code == "pipelining-not-offered"
			}
			if warned != tc.wantWarn || transcriptHas(r.Transcript, transcript.Info, "PIPELINING") != tc.wantWarn {
				t.Errorf("warned %v (transcript %v), want %v: %+v", warned, transcriptHas(r.Transcript, transcript.Info, "PIPELINING"), tc.wantWarn, r.Warnings)
			}
		})
	}
}
