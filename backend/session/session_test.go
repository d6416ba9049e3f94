package session

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/address"
	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/transcript"
)

var fixedDate = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// opts returns options for a session against addr with short timeouts: a
// broken test fails in seconds instead of the RFC's minutes.
func opts(addr string, to ...string) Options {
	if len(to) == 0 {
		to = []string{"rcpt@mx.test"}
	}
	// The go-smtp servers here offer no STARTTLS; without TLSNone every
	// result would carry the opportunistic "starttls-not-offered" warning,
	// which tls_test.go checks on its own.
	return Options{
		TLS:  TLSNone,
		From: "sender@client.test", To: to, Server: addr, HELO: "client.test",
		Subject: "Test", Body: "Hello.\n", Date: fixedDate, MessageID: "<fixed@client.test>",
		Timeouts: Timeouts{Connect: 5 * time.Second, Banner: 5 * time.Second, Command: 5 * time.Second,
			Mail: 5 * time.Second, Rcpt: 5 * time.Second, Data: 5 * time.Second, DataBlock: 5 * time.Second, FinalDot: 5 * time.Second},
	}
}

func run(t *testing.T, o Options) *Result {
	t.Helper()
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// steps summarises a result as "name:status" (and the reply code when
// there is one).
func steps(r *Result) []string {
	var out []string
	for _, s := range r.Steps {
		v := string(s.Name) + ":" + string(s.Status)
		if s.Reply != nil {
			v += fmt.Sprintf(":%d", s.Reply.Code)
		}
		out = append(out, v)
	}
	return out
}

func smtpErr(code int, enh smtp.EnhancedCode, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}

func TestRunOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		to       []string
		setup    func(*testServer)
		exit     int
		steps    []string
		events   []string
		failure  Failure
		enhanced string
	}{
		{
			name: "accepted end to end (RFC 5321 §3.3)",
			exit: exitcode.OK,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", "rcpt:ok:250",
				"data:ok:354", "data_end:ok:250", "quit:ok:221"},
			events: []string{"mail:sender@client.test", "rcpt:rcpt@mx.test", "data"},
		},
		{
			name:  "MAIL rejected 550 5.1.7 (RFC 3463 bad sender)",
			setup: func(s *testServer) { s.mailErr = smtpErr(550, smtp.EnhancedCode{5, 1, 7}, "Invalid sender") },
			exit:  exitcode.Permanent,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:failed:550",
				"rcpt:skipped", "quit:ok:221"},
			events: []string{"mail:sender@client.test"}, failure: FailRejected, enhanced: "5.1.7",
		},
		{
			name: "MAIL rejected 530 5.7.1 (authentication required)",
			setup: func(s *testServer) {
				s.mailErr = smtpErr(530, smtp.EnhancedCode{5, 7, 1}, "Client was not authenticated")
			},
			exit: exitcode.Permanent,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:failed:530",
				"rcpt:skipped", "quit:ok:221"},
			events: []string{"mail:sender@client.test"}, failure: FailRejected, enhanced: "5.7.1",
		},
		{
			name: "one RCPT rejected 550 5.1.1, the other still delivered",
			to:   []string{"nobody@mx.test", "rcpt@mx.test"},
			setup: func(s *testServer) {
				s.rcptErr["nobody@mx.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
			},
			exit: exitcode.Permanent,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250",
				"rcpt:failed:550", "rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"},
			events:  []string{"mail:sender@client.test", "rcpt:nobody@mx.test", "rcpt:rcpt@mx.test", "data"},
			failure: FailRejected, enhanced: "5.1.1",
		},
		{
			name: "RCPT 452 4.5.3 too many recipients: temporary, no DATA",
			setup: func(s *testServer) {
				s.rcptErr["rcpt@mx.test"] = smtpErr(452, smtp.EnhancedCode{4, 5, 3}, "Too many recipients")
			},
			exit: exitcode.Temporary,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250",
				"rcpt:failed:452", "data:skipped", "quit:ok:221"},
			events: []string{"mail:sender@client.test", "rcpt:rcpt@mx.test"}, failure: FailRejected, enhanced: "4.5.3",
		},
		{
			name:  "message refused 552 5.3.4 after the final dot",
			setup: func(s *testServer) { s.dataErr = smtpErr(552, smtp.EnhancedCode{5, 3, 4}, "Message too big") },
			exit:  exitcode.Permanent,
			steps: []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", "rcpt:ok:250",
				"data:ok:354", "data_end:failed:552", "quit:ok:221"},
			events: []string{"mail:sender@client.test", "rcpt:rcpt@mx.test", "data"}, failure: FailRejected, enhanced: "5.3.4",
		},
		{
			name:    "421 at the banner: the server closes, no QUIT (RFC 5321 §3.8)",
			setup:   func(s *testServer) { s.tap.setGreeting("421 4.3.2 Service not available\r\n") },
			exit:    exitcode.Temporary,
			steps:   []string{"resolve:skipped", "connect:ok", "banner:failed:421", "quit:skipped"},
			failure: FailRejected, enhanced: "4.3.2",
		},
		{
			name:    "554 at the banner: QUIT is still sent (RFC 5321 §3.1)",
			setup:   func(s *testServer) { s.tap.setGreeting("554 5.7.1 No SMTP service here\r\n") },
			exit:    exitcode.Permanent,
			steps:   []string{"resolve:skipped", "connect:ok", "banner:failed:554", "quit:ok:221"},
			failure: FailRejected, enhanced: "5.7.1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, nil)
			if tt.setup != nil {
				tt.setup(s)
			}
			r := run(t, opts(s.Addr, tt.to...))
			if got := steps(r); !reflect.DeepEqual(got, tt.steps) {
				t.Errorf("steps = %q\nwant    %q", got, tt.steps)
			}
			if r.ExitCode != tt.exit || r.OK != (tt.exit == 0) {
				t.Errorf("exit = %d ok = %v, want %d", r.ExitCode, r.OK, tt.exit)
			}
			if got := s.Events(); !reflect.DeepEqual(got, tt.events) {
				t.Errorf("server events = %q, want %q", got, tt.events)
			}
			if f := r.Failed(); tt.failure != "" {
				if f == nil || f.Failure != tt.failure || f.Reply == nil || f.Reply.Enhanced != tt.enhanced {
					t.Errorf("failed step = %+v, want failure %s with enhanced %s", f, tt.failure, tt.enhanced)
				} else if f.ErrorText == nil || f.ErrorText.ES == "" {
					t.Errorf("failed step has no Spanish explanation: %+v", f)
				}
			}
		})
	}
}

// TestStopAfter proves that the server sees nothing after the chosen step
// but QUIT.
func TestStopAfter(t *testing.T) {
	tests := []struct {
		stop     StepName
		commands []string // command verbs the server received, in order
		last     StepName
		events   []string
	}{
		{StepConnect, nil, StepConnect, nil},
		{StepBanner, []string{"QUIT"}, StepQuit, nil},
		{StepEHLO, []string{"EHLO", "QUIT"}, StepQuit, nil},
		{StepMail, []string{"EHLO", "MAIL", "QUIT"}, StepQuit, []string{"mail:sender@client.test"}},
		{StepRcpt, []string{"EHLO", "MAIL", "RCPT", "RCPT", "QUIT"}, StepQuit,
			[]string{"mail:sender@client.test", "rcpt:rcpt@mx.test", "rcpt:other@mx.test"}},
		// After 354 any byte would be message text, so the connection is
		// closed and the server never gets a message (go-smtp calls Data
		// at the DATA command; the message is checked below).
		{StepData, []string{"EHLO", "MAIL", "RCPT", "RCPT", "DATA"}, StepQuit,
			[]string{"mail:sender@client.test", "rcpt:rcpt@mx.test", "rcpt:other@mx.test", "data"}},
	}
	for _, pipelining := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/pipelining=%v", tt.stop, pipelining), func(t *testing.T) {
				s := startServer(t, nil)
				o := opts(s.Addr, "rcpt@mx.test", "other@mx.test")
				o.StopAfter = tt.stop
				o.Pipelining = pipelining
				r := run(t, o)
				if !r.OK || r.ExitCode != 0 {
					t.Errorf("not OK: %q", steps(r))
				}
				if last := r.Steps[len(r.Steps)-1].Name; last != tt.last {
					t.Errorf("last step %s, want %s: %q", last, tt.last, steps(r))
				}
				// The server may still be reading, or not yet have called
				// its session's Data, when Run returns.
				deadline := time.Now().Add(5 * time.Second)
				var verbs, events []string
				for {
					verbs, events = verbsOf(s.tap.Received()), s.Events()
					if (reflect.DeepEqual(verbs, tt.commands) && reflect.DeepEqual(events, tt.events)) || time.Now().After(deadline) {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				if !reflect.DeepEqual(verbs, tt.commands) {
					t.Errorf("server received %q, want %q", verbs, tt.commands)
				}
				if !reflect.DeepEqual(events, tt.events) {
					t.Errorf("server events %q, want %q", events, tt.events)
				}
				if d := s.Data(); len(d) != 0 {
					t.Errorf("the server stored a message: %q", d)
				}
				if r.StopAfter != tt.stop {
					t.Errorf("StopAfter = %q", r.StopAfter)
				}
			})
		}
	}
}

func verbsOf(received string) []string {
	var v []string
	for _, l := range strings.Split(received, "\r\n") {
		if l == "" {
			continue
		}
		w, _, _ := strings.Cut(l, " ")
		v = append(v, strings.ToUpper(w))
	}
	return v
}

// TestBodyOnTheWire proves dot-stuffing and CRLF normalisation: the server
// gets exactly the intended body, whatever line endings the user typed.
func TestBodyOnTheWire(t *testing.T) {
	bodies := map[string]string{
		"bare LF":                      "line one\nline two\n",
		"bare CR":                      "line one\rline two",
		"mixed endings":                "a\r\nb\nc\rd",
		"leading dots (§4.5.2)":        ".\n..\n.hidden\nend",
		"lone dot line mid-body":       "before\n.\nafter\n",
		"smuggling attempt \\n.\\r\\n": "x\n.\r\nMAIL FROM:<evil@x>\r\n",
		"empty":                        "",
	}
	for _, chunking := range []bool{false, true} {
		for name, body := range bodies {
			t.Run(fmt.Sprintf("%s/chunking=%v", name, chunking), func(t *testing.T) {
				s := startServer(t, nil)
				o := opts(s.Addr)
				o.Body = body
				o.Chunking = chunking
				r := run(t, o)
				if !r.OK {
					t.Fatalf("session failed: %q", steps(r))
				}
				d := s.Data()
				if len(d) != 1 {
					t.Fatalf("server got %d messages", len(d))
				}
				_, got, ok := strings.Cut(string(d[0]), "\r\n\r\n")
				if want := message.NormalizeBody(body); !ok || got != want {
					t.Errorf("server got body %q, want %q", got, want)
				}
				if strings.Contains(strings.ReplaceAll(string(d[0]), "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(string(d[0]), "\r\n", ""), "\r") {
					t.Errorf("bare CR or LF reached the server: %q", d[0])
				}
				if evs := s.Events(); len(evs) != 3 {
					t.Errorf("events %q: a smuggled command reached the server", evs)
				}
			})
		}
	}
}

func TestUTF8Subject(t *testing.T) {
	s := startServer(t, nil)
	o := opts(s.Addr)
	o.Subject = "Prueba de envío ✓ — café"
	o.Body = "Éste es el cuerpo.\n"
	r := run(t, o)
	if !r.OK {
		t.Fatalf("failed: %q", steps(r))
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(s.Data()[0])))
	if err != nil {
		t.Fatal(err)
	}
	raw := msg.Header.Get("Subject")
	if !isASCII(raw) {
		t.Errorf("Subject went out raw: %q (needs RFC 2047 without SMTPUTF8)", raw)
	}
	dec, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil || dec != o.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", dec, err, o.Subject)
	}
	// go-smtp offers 8BITMIME, so the body goes 8bit with BODY=8BITMIME
	// (RFC 6152).
	if m := r.Step(StepMail); !strings.Contains(m.Command, "BODY=8BITMIME") {
		t.Errorf("MAIL = %q, want BODY=8BITMIME", m.Command)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestSMTPUTF8(t *testing.T) {
	t.Run("not offered: nothing sent for the transaction (RFC 6531 §3.4)", func(t *testing.T) {
		s := startServer(t, nil)
		r := run(t, opts(s.Addr, "josé@mx.test"))
		m := r.Step(StepMail)
		if m == nil || m.Status != StatusFailed || m.Failure != FailNeedsSMTPUTF8 || r.ExitCode != exitcode.Permanent {
			t.Fatalf("steps %q, mail %+v", steps(r), m)
		}
		if !strings.Contains(m.Error, "SMTPUTF8") {
			t.Errorf("error %q does not say SMTPUTF8 is needed", m.Error)
		}
		if got := verbsOf(s.tap.Received()); !reflect.DeepEqual(got, []string{"EHLO", "QUIT"}) {
			t.Errorf("server received %q", got)
		}
	})
	t.Run("offered: SMTPUTF8 parameter sent", func(t *testing.T) {
		s := startServer(t, func(srv *smtp.Server) { srv.EnableSMTPUTF8 = true })
		r := run(t, opts(s.Addr, "josé@mx.test"))
		if !r.OK {
			t.Fatalf("steps %q", steps(r))
		}
		if len(s.mails) != 1 || !s.mails[0].UTF8 {
			t.Errorf("server MAIL options %+v, want UTF8", s.mails)
		}
		if ev := s.Events(); ev[1] != "rcpt:josé@mx.test" {
			t.Errorf("events %q", ev)
		}
	})
}

func TestDSN(t *testing.T) {
	dsn := func(o *Options) {
		o.Notify = []string{"success,failure"}
		o.Ret = "hdrs"
		o.EnvID = "test 42+x"
		o.ORCPT = true
	}
	t.Run("offered: parameters sent (RFC 3461 §4)", func(t *testing.T) {
		s := startServer(t, func(srv *smtp.Server) { srv.EnableDSN = true })
		o := opts(s.Addr)
		dsn(&o)
		r := run(t, o)
		if !r.OK || len(r.Warnings) != 0 {
			t.Fatalf("steps %q warnings %+v", steps(r), r.Warnings)
		}
		if m := s.mails[0]; m.Return != smtp.DSNReturnHeaders || m.EnvelopeID != "test 42+x" {
			t.Errorf("MAIL options %+v", m)
		}
		rc := s.rcpts[0]
		if !reflect.DeepEqual(rc.Notify, []smtp.DSNNotify{smtp.DSNNotifySuccess, smtp.DSNNotifyFailure}) ||
			rc.OriginalRecipient != "rcpt@mx.test" || rc.OriginalRecipientType != smtp.DSNAddressTypeRFC822 {
			t.Errorf("RCPT options %+v", rc)
		}
		if c := r.Step(StepRcpt).Command; c != "RCPT TO:<rcpt@mx.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;rcpt@mx.test" {
			t.Errorf("RCPT command %q", c)
		}
	})
	t.Run("not offered: left out with a warning", func(t *testing.T) {
		s := startServer(t, nil)
		o := opts(s.Addr)
		dsn(&o)
		r := run(t, o)
		if !r.OK || len(r.Warnings) != 1 || r.Warnings[0].Code != "dsn-not-offered" || r.Warnings[0].Text.ES == "" {
			t.Fatalf("steps %q warnings %+v", steps(r), r.Warnings)
		}
		if got := s.tap.Received(); strings.Contains(got, "NOTIFY") || strings.Contains(got, "RET=") || strings.Contains(got, "ENVID") {
			t.Errorf("DSN parameters sent anyway: %q", got)
		}
	})
	t.Run("not offered but forced: sent, and the server's answer shown", func(t *testing.T) {
		s := startServer(t, nil)
		o := opts(s.Addr)
		dsn(&o)
		o.ForceDSN = true
		r := run(t, o)
		if got := s.tap.Received(); !strings.Contains(got, "RET=HDRS ENVID=test+2042+2Bx") {
			t.Errorf("forced DSN parameters not sent: %q", got)
		}
		if m := r.Step(StepMail); m.Status != StatusFailed || m.Reply == nil || m.Reply.Class() != 5 {
			t.Errorf("go-smtp without DSN should refuse RET=: %+v", m)
		}
	})
}

// TestBadInput proves that every invalid input is refused before any
// connection is made.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Options)
		field string
	}{
		{"no recipient", func(o *Options) { o.To = nil }, "to"},
		{"CRLF injection in MAIL FROM", func(o *Options) { o.From = "a@b.test>\r\nRCPT TO:<x@y.test" }, "from"},
		{"LF in recipient", func(o *Options) { o.To = []string{"a@b.test\nDATA"} }, "to"},
		{"NUL in recipient", func(o *Options) { o.To = []string{"a\x00@b.test"} }, "to"},
		{"angle bracket in local part", func(o *Options) { o.To = []string{"a>b@c.test"} }, "to"},
		{"local part over 64 (RFC 5321 §4.5.3.1.1)", func(o *Options) { o.To = []string{strings.Repeat("a", 65) + "@b.test"} }, "to"},
		{"path over 256 (§4.5.3.1.3)", func(o *Options) {
			o.To = []string{"a@" + strings.Repeat(strings.Repeat("b", 60)+".", 5) + "test"}
		}, "to"},
		{"EHLO name with space", func(o *Options) { o.HELO = "bad name" }, "helo"},
		{"EHLO bare IP (needs brackets)", func(o *Options) { o.HELO = "192.0.2.1" }, "helo"},
		{"EHLO CRLF", func(o *Options) { o.HELO = "a.test\r\nMAIL FROM:<x@y>" }, "helo"},
		{"subject with CRLF header injection", func(o *Options) { o.Subject = "hi\r\nBcc: victim@x.test" }, "Subject"},
		{"subject with control character", func(o *Options) { o.Subject = "a\x1bb" }, "Subject"},
		{"header name with colon", func(o *Options) { o.Headers = []message.Header{{Name: "X-A:B", Value: "v"}} }, ""},
		{"header value with LF", func(o *Options) { o.Headers = []message.Header{{Name: "X-Test", Value: "a\nb"}} }, "X-Test"},
		{"notify never with success (RFC 3461 §4.1)", func(o *Options) { o.Notify = []string{"never,success"} }, "notify"},
		{"notify unknown", func(o *Options) { o.Notify = []string{"always"} }, "notify"},
		{"ret unknown", func(o *Options) { o.Ret = "some" }, "ret"},
		{"envid with CR", func(o *Options) { o.EnvID = "a\rb" }, "envid"},
		{"envid too long once encoded", func(o *Options) { o.EnvID = strings.Repeat("+", 40) }, "envid"},
		{"stop-after unknown", func(o *Options) { o.StopAfter = "quit" }, "stop-after"},
		{"server with bad port", func(o *Options) { o.Server = "127.0.0.1:99999" }, "server"},
		{"server with empty port", func(o *Options) { o.Server = "mx.test:" }, "server"},
		{"server with CRLF", func(o *Options) { o.Server = "mx.test\r\n" }, "server"},
		{"port out of range", func(o *Options) { o.Server = "127.0.0.1"; o.Port = 70000 }, "port"},
		{"DNS server host name", func(o *Options) { o.DNSServers = []string{"dns.example"} }, "dns-server"},
		{"negative timeout", func(o *Options) { o.Timeouts.Banner = -time.Second }, "timeout"},
	}
	s := startServer(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(s.Addr)
			if tt.field != "server" && tt.field != "port" {
				o.Server = s.Addr
			}
			tt.edit(&o)
			var entries int
			o.OnEntry = func(transcript.Entry) { entries++ }
			r, err := Run(context.Background(), o)
			if err == nil || r != nil {
				t.Fatalf("Run accepted it: %v", err)
			}
			var fe *lang.FieldError
			if !errors.As(err, &fe) || !IsInputError(err) {
				t.Fatalf("error %T %v is not a FieldError", err, err)
			}
			if tt.field != "" && fe.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if fe.Reason.ES == "" {
				t.Errorf("no Spanish reason: %v", err)
			}
			if entries != 0 {
				t.Errorf("%d transcript entries streamed", entries)
			}
		})
	}
	if n := s.tap.Accepted(); n != 0 {
		t.Errorf("the server saw %d connections", n)
	}
}

func TestEHLOFallbackToHELO(t *testing.T) {
	// An old server that does not know EHLO (RFC 5321 §4.1.4): 502, then
	// HELO works.
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		fmt.Fprint(c, "220 old.test SMTP\r\n")
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch w := strings.ToUpper(strings.Fields(l)[0]); w {
			case "EHLO":
				fmt.Fprint(c, "502 5.5.1 Command not implemented\r\n")
			case "HELO":
				fmt.Fprint(c, "250 old.test\r\n")
			case "QUIT":
				fmt.Fprint(c, "221 bye\r\n")
				return
			}
		}
	})
	o := opts(addr)
	o.StopAfter = StepEHLO
	r := run(t, o)
	want := []string{"resolve:skipped", "connect:ok", "banner:ok:220", "ehlo:warning:502", "helo:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) || !r.OK {
		t.Errorf("steps %q, want %q", got, want)
	}
}

func TestHostileServers(t *testing.T) {
	tests := []struct {
		name    string
		handle  func(c net.Conn, br *bufio.Reader)
		step    StepName
		failure Failure
		inError []string
	}{
		{
			name:    "silent banner: timeout names the step and the wait",
			handle:  func(c net.Conn, br *bufio.Reader) { _, _ = br.ReadString('\n') },
			step:    StepBanner,
			failure: FailTimeout,
			inError: []string{"greeting", "300ms"},
		},
		{
			name: "endless multi-line banner is cut off by the reply limit",
			handle: func(c net.Conn, br *bufio.Reader) {
				for i := 0; i < 1000; i++ {
					if _, err := fmt.Fprint(c, "220-still talking\r\n"); err != nil {
						return
					}
				}
			},
			step:    StepBanner,
			failure: FailProtocol,
			inError: []string{"200 lines"},
		},
		{
			name:    "bare LF reply (RFC 5321 §2.3.8)",
			handle:  func(c net.Conn, br *bufio.Reader) { fmt.Fprint(c, "220 hi\n"); _, _ = br.ReadString('\n') },
			step:    StepBanner,
			failure: FailProtocol,
			inError: []string{"§2.3.8"},
		},
		{
			name: "EHLO reply changes code mid-way (§4.2.1)",
			handle: func(c net.Conn, br *bufio.Reader) {
				fmt.Fprint(c, "220 hi\r\n")
				_, _ = br.ReadString('\n')
				fmt.Fprint(c, "250-hi\r\n251 x\r\n")
				_, _ = br.ReadString('\n')
			},
			step:    StepEHLO,
			failure: FailProtocol,
			inError: []string{"§4.2.1"},
		},
		{
			name: "server hangs up after EHLO",
			handle: func(c net.Conn, br *bufio.Reader) {
				fmt.Fprint(c, "220 hi\r\n")
				_, _ = br.ReadString('\n')
			},
			step:    StepEHLO,
			failure: FailClosed,
		},
		{
			name: "354 to MAIL makes no sense",
			handle: func(c net.Conn, br *bufio.Reader) {
				fmt.Fprint(c, "220 hi\r\n")
				_, _ = br.ReadString('\n')
				fmt.Fprint(c, "250 hi\r\n")
				_, _ = br.ReadString('\n')
				fmt.Fprint(c, "354 go\r\n")
				_, _ = br.ReadString('\n')
			},
			step:    StepMail,
			failure: FailProtocol,
			inError: []string{"354"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(rawServer(t, tt.handle))
			o.Timeouts.Banner = 300 * time.Millisecond
			r := run(t, o)
			f := r.Failed()
			if f == nil || f.Name != tt.step || f.Failure != tt.failure {
				t.Fatalf("failed step %+v, want %s/%s; steps %q", f, tt.step, tt.failure, steps(r))
			}
			if r.ExitCode != exitcode.Protocol {
				t.Errorf("exit %d, want %d", r.ExitCode, exitcode.Protocol)
			}
			for _, w := range tt.inError {
				if !strings.Contains(f.Error, w) {
					t.Errorf("error %q does not mention %q", f.Error, w)
				}
			}
			if q := r.Step(StepQuit); q != nil && q.Status != StatusSkipped {
				t.Errorf("QUIT attempted on a broken connection: %+v", q)
			}
		})
	}
}

func TestConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := run(t, opts(addr))
	c := r.Step(StepConnect)
	if c == nil || c.Status != StatusFailed || c.Failure != FailRefused || r.ExitCode != exitcode.Connect {
		t.Fatalf("connect %+v exit %d", c, r.ExitCode)
	}
}

func TestLongLinesAreEncodedNotCut(t *testing.T) {
	// RFC 5321 §4.5.3.1.6: 998 octets a line at most; a longer line must be
	// encoded, never cut.
	s := startServer(t, nil)
	o := opts(s.Addr)
	o.Body = strings.Repeat("0123456789", 250) + "\nshort\n"
	r := run(t, o)
	if !r.OK {
		t.Fatalf("steps %q", steps(r))
	}
	d := string(s.Data()[0])
	for _, l := range strings.Split(d, "\r\n") {
		if len(l) > 998 {
			t.Fatalf("a %d-octet line reached the server", len(l))
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	dec, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil || string(dec) != message.NormalizeBody(o.Body) {
		t.Errorf("decoded body differs (%v): %.60q", err, dec)
	}
}

func TestDefaultHELO(t *testing.T) {
	s := startServer(t, nil)
	o := opts(s.Addr)
	o.HELO = ""
	o.StopAfter = StepEHLO
	r := run(t, o)
	got := strings.TrimPrefix(r.Step(StepEHLO).Command, "EHLO ")
	if want := defaultHELO(); want != "" && got != want || want == "" && got != "[127.0.0.1]" {
		t.Errorf("EHLO %q; host name gives %q, else the address literal [127.0.0.1] (RFC 5321 §4.1.4)", got, want)
	}
	if err := address.ValidateHELO(got); err != nil {
		t.Errorf("default EHLO name %q is not valid: %v", got, err)
	}
}
