package hostile_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

const (
	fClosed   = session.FailClosed
	fReset    = session.FailReset
	fTimeout  = session.FailTimeout
	fProtocol = session.FailProtocol
	fRejected = session.FailRejected
)

// scenario is one hostile server and what the session must make of it.
type scenario struct {
	name   string
	script []S
	opts   func(*session.Options)
	want   want
	// step, when set, is the step the scenario is about.
	step session.StepName
	// received, when set, checks what the server got.
	received func(t *testing.T, got string)
}

func (sc scenario) run(t *testing.T) *session.Result {
	t.Helper()
	srv := scriptserver.Start(t, sc.script...)
	o := opts(srv)
	if sc.opts != nil {
		sc.opts(&o)
	}
	r := run(t, context.Background(), o)
	sc.want.check(t, r)
	if sc.received != nil {
		srv.Close()
		sc.received(t, string(srv.Received()))
	}
	return r
}

func noQuit(t *testing.T, got string) {
	t.Helper()
	if strings.Contains(got, "QUIT") {
		t.Errorf("the client sent QUIT on a connection the server closed (421, RFC 5321 §3.8):\n%q", got)
	}
}

// TestBrokenReplies covers replies that break RFC 5321 §4.2 or the reader's
// limits. Each ends the session at the step that got the reply, as a
// protocol failure (exit 5), with the offending line in the transcript.
func TestBrokenReplies(t *testing.T) {
	proto := want{failed: session.StepBanner, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol,
		verdicts: []string{"protocol_violation"}}
	withLine := func(w want, s string) want { w.inTranscript = []string{s}; return w }
	cases := []scenario{
		// RFC 5321 §4.2.1: every line of a multi-line reply has the same code.
		{name: "continuation with another code §4.2.1", script: []S{send("220-mx.test\r\n221 mx.test\r\n")},
			want: withLine(proto, "221 mx.test")},
		{name: "garbage line §4.2", script: []S{send("hello there\r\n")}, want: withLine(proto, "hello there")},
		{name: "code 22X §4.2", script: []S{send("22X mx.test\r\n")}, want: withLine(proto, "22X mx.test")},
		{name: "code 220OK §4.2.1", script: []S{send("220OK\r\n")}, want: withLine(proto, "220OK")},
		{name: "four-digit code 2200 §4.2", script: []S{send("2200 x\r\n")}, want: withLine(proto, "2200 x")},
		// §4.2: the first digit is 2 to 5.
		{name: "code 699 §4.2", script: []S{send("699 x\r\n")}, want: withLine(proto, "699 x")},
		{name: "code 100 §4.2", script: []S{send("100 x\r\n")}, want: withLine(proto, "100 x")},
		// §2.3.8: lines end with CRLF; a bare CR is not a line end either.
		{name: "bare LF §2.3.8", script: []S{send("220 mx.test\n")}, want: proto},
		{name: "bare CR inside §2.3.8", script: []S{send("220 mx\rfake\r\n")}, want: proto},
		// The reader's caps: 2,000 bytes a line, 200 lines, 64 KiB a reply.
		{name: "2001-byte line", script: []S{send("220 " + strings.Repeat("x", 2001-6) + "\r\n")}, want: proto},
		{name: "201 lines", script: []S{send(strings.Repeat("220-x\r\n", 200) + "220 x\r\n")}, want: proto},
		{name: "65 KiB reply", script: []S{send(strings.Repeat("220-"+strings.Repeat("y", 1000)+"\r\n", 66) + "220 y\r\n")}, want: proto},
		// Garbage after a good banner, in the EHLO reply.
		{name: "garbage EHLO reply §4.2", script: join(banner, []S{expect("EHLO"), send("250 ok\r\n250-late\r\nxyz\r\n")}),
			want: want{failed: session.StepMail, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol}},
		// An EHLO with 1,000 extension lines breaks the 200-line cap.
		{name: "EHLO with 1000 extensions", script: join(banner, []S{expect("EHLO"), send(manyExtensions(1000))}),
			want: want{failed: session.StepEHLO, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol, verdicts: []string{"protocol_violation"}}},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) { sc.run(t) })
	}
}

func manyExtensions(n int) string {
	var b strings.Builder
	b.WriteString("250-mx.test\r\n")
	for i := 0; i < n-1; i++ {
		b.WriteString("250-X-EXT" + strings.Repeat("A", i%7) + "\r\n")
	}
	b.WriteString("250 8BITMIME\r\n")
	return b.String()
}

// TestLegalOddReplies covers replies that look odd but are legal: the
// session must go on and succeed.
func TestLegalOddReplies(t *testing.T) {
	ok := want{exit: exitcode.OK, verdicts: []string{"accepted"}}
	cases := []scenario{
		// RFC 5321 §4.2: Reply-code [ SP textstring ] CRLF, the text is optional.
		{name: "250 with no text §4.2", script: join(banner, []S{expect("EHLO"), send("250\r\n")}, mail, rcpt, data, dataEnd, quit), want: ok},
		{name: "220 with no text §4.2", script: join([]S{send("220\r\n")}, ehlo, mail, rcpt, data, dataEnd, quit), want: ok},
		{name: "2000-byte line", script: join([]S{send("220 " + strings.Repeat("x", 2000-6) + "\r\n")}, ehlo, mail, rcpt, data, dataEnd, quit), want: ok},
		{name: "200 lines", script: join([]S{send(strings.Repeat("220-x\r\n", 199) + "220 x\r\n")}, ehlo, mail, rcpt, data, dataEnd, quit), want: ok},
		// RFC 5321 §2.4: extension keywords are case-insensitive.
		{name: "lowercase keywords §2.4", script: join(banner,
			[]S{expect("EHLO"), send("250-mx.test\r\n250-starttls\r\n250-auth plain login\r\n250-8bitmime\r\n250 pipelining\r\n")},
			[]S{expect("MAIL FROM:<alice@example.com> BODY=8BITMIME"), expect("RCPT TO:"), expect("DATA"),
				send("250 ok\r\n250 ok\r\n354 go\r\n")}, dataEnd, quit),
			// TLS off: the engine does recognise the lowercase starttls and
			// would upgrade, which this plain script does not play.
			opts: func(o *session.Options) { o.Pipelining = true; o.Body = "Größe\n"; o.TLS = session.TLSNone },
			want: ok},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			r := sc.run(t)
			for _, w := range r.Warnings {
				if w.Code == "pipelining-not-offered" {
					t.Errorf("lowercase pipelining not recognised: %s", w.Text.EN)
				}
			}
		})
	}
}

// TestHostileBytesInReplies sends NUL, ESC sequences, U+202E and invalid
// UTF-8 in a legal reply: the session goes on, the transcript text is
// escaped for the screen and the raw export keeps the exact bytes.
func TestHostileBytesInReplies(t *testing.T) {
	line := "220 mx\x00.test \x1b[31mred\x1b[0m \u202etxt.exe \xff\xfe end\r\n"
	srv := scriptserver.Start(t, join([]S{send(line)}, ehlo, mail, rcpt, data, dataEnd, quit)...)
	r := run(t, context.Background(), opts(srv))
	want{exit: exitcode.OK, verdicts: []string{"accepted"}}.check(t, r)
	var found bool
	for _, e := range r.Transcript {
		if string(e.Raw) != line {
			continue
		}
		found = true
		for _, bad := range []string{"\x00", "\x1b", "\u202e", "\xff"} {
			if strings.Contains(e.Text, bad) {
				t.Errorf("transcript text keeps %q: %q", bad, e.Text)
			}
		}
		for _, shown := range []string{`\x00`, `\x1B[31m`, `\u{202E}`, `\xFF\xFE`} {
			if !strings.Contains(e.Text, shown) {
				t.Errorf("transcript text %q does not show %s", e.Text, shown)
			}
		}
	}
	if !found {
		t.Errorf("no transcript entry keeps the exact raw bytes %q\n%s", line, dump(r))
	}
	if b := r.Step(session.StepBanner); b == nil || b.Reply == nil || !displaySafe(strings.Join(b.Reply.Lines, "")) {
		t.Errorf("banner reply lines are not display-safe: %+v", b)
	}
}

// TestEnhancedCodes: an enhanced status code whose class contradicts the
// reply code, or that breaks the RFC 3463 §2 syntax, is not an enhanced
// code (RFC 2034 §4); the reply code alone decides.
func TestEnhancedCodes(t *testing.T) {
	for _, text := range []string{"550 2.1.1 contradicts", "550 -5.+1.1 malformed", "550 5.1234.1 too many digits", "550 5.1 short"} {
		t.Run(text, func(t *testing.T) {
			sc := scenario{
				script: join(banner, ehlo, mail, []S{expect("RCPT TO:"), send(text + "\r\n")}, quit),
				want:   want{failed: session.StepRcpt, failures: []session.Failure{fRejected}, exit: exitcode.Permanent},
			}
			r := sc.run(t)
			if e := r.Failed().Reply.Enhanced; e != "" {
				t.Errorf("Enhanced = %q, want none", e)
			}
		})
	}
	t.Run("550 5.1.1 valid", func(t *testing.T) {
		sc := scenario{
			script: join(banner, ehlo, mail, []S{expect("RCPT TO:"), send("550 5.1.1 no such user\r\n")}, quit),
			want:   want{failed: session.StepRcpt, failures: []session.Failure{fRejected}, exit: exitcode.Permanent, verdicts: []string{"recipient_unknown"}},
		}
		if e := sc.run(t).Failed().Reply.Enhanced; e != "5.1.1" {
			t.Errorf("Enhanced = %q, want 5.1.1", e)
		}
	})
}

// TestUnsolicitedReply: a server that sends a second reply before any
// command shifts every later reply onto the wrong command. Whatever the
// engine makes of it, the session must not be reported OK and the stray
// reply must be in the transcript.
func TestUnsolicitedReply(t *testing.T) {
	srv := scriptserver.Start(t, join([]S{send("220 mx.test\r\n250 unsolicited\r\n")}, ehlo, mail, rcpt, data, dataEnd, quit)...)
	r := run(t, context.Background(), opts(srv))
	if r.OK {
		t.Fatalf("a session with an unsolicited reply was reported OK\n%s", dump(r))
	}
	if !inServer(r, "250 unsolicited") {
		t.Errorf("the unsolicited reply is not in the transcript\n%s", dump(r))
	}
}

// TestUnsolicitedReplyDetected: the stray reply is already buffered when the
// client is about to send EHLO, so it can be caught there (as
// smtpwire.Conn.UpgradeTLS does for STARTTLS) instead of being taken as the
// reply to EHLO, with every later reply attributed to the wrong command.
func TestUnsolicitedReplyDetected(t *testing.T) {
	srv := scriptserver.Start(t, join([]S{send("220 mx.test\r\n250 unsolicited\r\n")}, ehlo, mail, rcpt, data, dataEnd, quit)...)
	r := run(t, context.Background(), opts(srv))
	want{failed: session.StepEHLO, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol,
		inTranscript: []string{"250 unsolicited"}}.check(t, r)
}

// Test421AtEachStep: 421 means the server is closing the channel
// (RFC 5321 §3.8): the step fails as a temporary rejection (exit 3) and
// the client sends nothing more.
func Test421AtEachStep(t *testing.T) {
	r421 := []S{send("421 4.3.2 shutting down\r\n"), scriptserver.Close()}
	cases := []struct {
		name   string
		step   session.StepName
		script []S
	}{
		{"banner", session.StepBanner, r421},
		{"ehlo", session.StepEHLO, join(banner, []S{expect("EHLO")}, r421)},
		{"mail", session.StepMail, join(banner, ehlo, []S{expect("MAIL")}, r421)},
		{"rcpt", session.StepRcpt, join(banner, ehlo, mail, []S{expect("RCPT")}, r421)},
		{"data", session.StepData, join(throughR, []S{expect("DATA")}, r421)},
		{"data_end", session.StepDataEnd, join(throughR, data, []S{scriptserver.ExpectData()}, r421)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scenario{script: c.script, received: noQuit,
				want: want{failed: c.step, failures: []session.Failure{fRejected}, exit: exitcode.Temporary}}.run(t)
		})
	}
}

// Test554Banner: a 554 greeting refuses the session; the client still
// sends QUIT (RFC 5321 §3.1) and exits 1.
func Test554Banner(t *testing.T) {
	scenario{
		script: []S{send("554 5.7.1 no SMTP service here\r\n"), expect("QUIT\r\n"), send("221 bye\r\n")},
		want:   want{failed: session.StepBanner, failures: []session.Failure{fRejected}, exit: exitcode.Permanent},
		received: func(t *testing.T, got string) {
			if got != "QUIT\r\n" {
				t.Errorf("server received %q, want only QUIT", got)
			}
		},
	}.run(t)
}

// TestConnectionFaults covers servers that close, reset or half-close the
// connection at awkward moments.
func TestConnectionFaults(t *testing.T) {
	closedOrReset := []session.Failure{fClosed, fReset}
	cases := []scenario{
		{name: "banner without CRLF then close", script: []S{send("220 mx.test"), scriptserver.Close()},
			want: want{failed: session.StepBanner, failures: []session.Failure{fClosed}, exit: exitcode.Protocol,
				verdicts: []string{"blocked_before_banner"}, inTranscript: []string{"220 mx.test"}}},
		{name: "banner without CRLF kept open", script: []S{send("220 mx.test"), scriptserver.Sleep(time.Minute)}, opts: short,
			want: want{failed: session.StepBanner, failures: []session.Failure{fTimeout}, exit: exitcode.Protocol,
				verdicts: []string{"banner_timeout"}}},
		{name: "close before banner", script: []S{scriptserver.Close()},
			want: want{failed: session.StepBanner, failures: []session.Failure{fClosed}, exit: exitcode.Protocol,
				verdicts: []string{"blocked_before_banner"}}},
		{name: "reset mid-reply", script: join(banner, []S{expect("EHLO"), send("250-mx.test\r\n250-SIZE"), scriptserver.Reset()}),
			want: want{failed: session.StepEHLO, failures: []session.Failure{fReset}, exit: exitcode.Protocol}},
		// The server sends FIN but keeps reading (RFC 9293 §3.6): the client
		// reads EOF and must not wait for the reply forever.
		{name: "half-closed after banner", script: join(banner, []S{scriptserver.CloseWrite(), expect("EHLO"), scriptserver.Sleep(time.Minute)}),
			want: want{failed: session.StepEHLO, failures: []session.Failure{fClosed}, exit: exitcode.Protocol}},
		{name: "close after RCPT", script: join(banner, ehlo, mail, []S{expect("RCPT"), scriptserver.Close()}),
			want: want{failed: session.StepRcpt, failures: closedOrReset, exit: exitcode.Protocol}},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) { sc.run(t) })
	}
}

// TestDeliveryStatusUnknown: once DATA got its 354, a connection lost before
// the reply to the final dot leaves the fate of the message unknown. The
// Result must never report success.
func TestDeliveryStatusUnknown(t *testing.T) {
	big := strings.Repeat("a line of the body that makes it long enough to be cut\n", 4000)
	cases := []scenario{
		{name: "close after 354", script: join(throughR, data, []S{scriptserver.Close()})},
		{name: "close mid-body", script: join(throughR, data, []S{scriptserver.ReadBytes(1000), scriptserver.Close()}),
			opts: func(o *session.Options) { o.Body = big }},
		{name: "close after the final dot", script: join(throughR, data, []S{scriptserver.ExpectData(), scriptserver.Close()})},
		{name: "reset after the final dot", script: join(throughR, data, []S{scriptserver.ExpectData(), scriptserver.Reset()})},
		{name: "silence after the final dot", opts: short, script: join(throughR, data, []S{scriptserver.ExpectData(), scriptserver.Sleep(time.Minute)})},
		// RFC 2920: the final dot and QUIT go in one flight.
		{name: "pipelined, close after the final dot", opts: func(o *session.Options) { o.Pipelining = true },
			script: join(banner, []S{expect("EHLO"), send("250-mx.test\r\n250 PIPELINING\r\n"), expect("MAIL"), expect("RCPT"), expect("DATA"),
				send("250 ok\r\n250 ok\r\n354 go\r\n"), scriptserver.ExpectData(), scriptserver.Close()})},
		// RFC 3030: the last chunk got no reply.
		{name: "BDAT LAST, close before the reply", step: session.StepBDAT, opts: func(o *session.Options) { o.Chunking = true },
			script: join(banner, []S{expect("EHLO"), send("250-mx.test\r\n250 CHUNKING\r\n")}, mail, rcpt, []S{readChunk(), scriptserver.Close()})},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			step := session.StepDataEnd
			if sc.step != "" {
				step = sc.step
			}
			sc.want = want{failed: step, failures: []session.Failure{fClosed, fReset, fTimeout}, exit: exitcode.Protocol}
			r := sc.run(t)
			if r.OK || r.Verdict.Verdict == "accepted" {
				t.Errorf("delivery status unknown reported as success: ok=%v verdict=%q", r.OK, r.Verdict.Verdict)
			}
		})
	}
}

// TestDeliveryStatusUnknownVerdict: the headline must say that the fate of
// the message is unknown (it may have been delivered: sending again may
// duplicate it), not just "connection closed".
func TestDeliveryStatusUnknownVerdict(t *testing.T) {
	for _, tail := range [][]S{{scriptserver.Close()}, {scriptserver.Sleep(time.Minute)}} {
		srv := scriptserver.Start(t, join(throughR, data, []S{scriptserver.ExpectData()}, tail)...)
		o := opts(srv)
		short(&o)
		r := run(t, context.Background(), o)
		if r.Verdict.Verdict != "delivery_status_unknown" {
			t.Errorf("verdict = %q (%s), want delivery_status_unknown", r.Verdict.Verdict, r.Verdict.Title)
		}
	}
}

// readChunk reads a "BDAT n [LAST]" command and its n octets (RFC 3030 §2).
func readChunk() S {
	return scriptserver.Func("read a BDAT chunk", func(c *scriptserver.Conn) error {
		line, err := c.ReadLine()
		if err != nil {
			return err
		}
		f := strings.Fields(string(line))
		if len(f) < 2 || f[0] != "BDAT" {
			return fmt.Errorf("got %q, want BDAT", line)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("BDAT size %q: %w", f[1], err)
		}
		return scriptserver.ReadBytes(n).Run(c)
	})
}

// TestServerStopsReading: the server takes DATA and then never reads the
// message; the write deadline (DataBlock) must fire.
func TestServerStopsReading(t *testing.T) {
	r := scenario{
		script: join(throughR, data, []S{scriptserver.StopReading()}),
		opts:   func(o *session.Options) { short(o); o.Body = strings.Repeat(strings.Repeat("b", 998)+"\n", 6<<10) }, // 6 MB: more than the 4 MB a loopback send buffer grows to
		want:   want{failed: session.StepDataEnd, failures: []session.Failure{fTimeout}, exit: exitcode.Protocol},
	}.run(t)
	t.Run("transcript shows only what was sent", func(t *testing.T) {
		for _, e := range r.Transcript {
			if e.Dir == transcript.Client && string(e.Raw) == ".\r\n" {
				t.Fatalf("entry %d records the final dot as sent, but the write failed", e.Seq)
			}
		}
	})
}

// TestWrongReplyForStep: a reply of a class that makes no sense for the
// command (RFC 5321 §4.3.2 lists what each command may get) ends the session
// as a protocol failure. After DATA answered with 250 the message must not
// be sent: the server is not reading message text.
func TestWrongReplyForStep(t *testing.T) {
	body := func(t *testing.T, got string) {
		if strings.Contains(got, "Subject:") {
			t.Errorf("the message was sent although DATA was not answered 354:\n%q", got)
		}
	}
	cases := []scenario{
		{name: "MAIL answered 354", step: session.StepMail, script: join(banner, ehlo, []S{expect("MAIL"), send("354 go\r\n"), scriptserver.ExpectEOF()})},
		{name: "RCPT answered 354", step: session.StepRcpt, script: join(banner, ehlo, mail, []S{expect("RCPT"), send("354 go\r\n"), scriptserver.ExpectEOF()})},
		{name: "DATA answered 250", step: session.StepData, script: join(throughR, []S{expect("DATA"), send("250 ok\r\n"), scriptserver.ExpectEOF()}), received: body},
		{name: "final dot answered 354", step: session.StepDataEnd, script: join(throughR, data, []S{scriptserver.ExpectData(), send("354 again\r\n"), scriptserver.ExpectEOF()})},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			sc.want = want{failed: sc.step, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol}
			r := sc.run(t)
			if r.OK {
				t.Error("reported OK")
			}
		})
	}
}

// TestEarlyReplyNotTakenAsAcceptance: a reply that arrives before the
// message was even sent cannot be the reply to the final dot. A server
// (or a middlebox) that sends "250" right behind its 354 and then never
// answers the real final dot must not make the session report the message
// accepted.
func TestEarlyReplyNotTakenAsAcceptance(t *testing.T) {
	cases := []scenario{
		{name: "lockstep", script: join(throughR, []S{expect("DATA"), send("354 go\r\n250 2.0.0 queued before any data\r\n"),
			scriptserver.ExpectData(), scriptserver.Sleep(time.Minute)})},
		{name: "pipelined", opts: func(o *session.Options) { o.Pipelining = true },
			script: join(banner, []S{expect("EHLO"), send("250-mx.test\r\n250 PIPELINING\r\n"), expect("MAIL"), expect("RCPT"), expect("DATA"),
				send("250 ok\r\n250 ok\r\n354 go\r\n250 2.0.0 queued before any data\r\n"), scriptserver.ExpectData(), scriptserver.Sleep(time.Minute)})},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			srv := scriptserver.Start(t, sc.script...)
			o := opts(srv)
			short(&o)
			if sc.opts != nil {
				sc.opts(&o)
			}
			r := run(t, context.Background(), o)
			if r.OK || r.Verdict.Verdict == "accepted" {
				t.Fatalf("a 250 sent before the message was taken as its acceptance: ok=%v verdict=%q\n%s", r.OK, r.Verdict.Verdict, dump(r))
			}
		})
	}
}

// TestPipelinedSilence: the server answers only the first command of a
// pipelined flight (RFC 2920 §3.1) and then goes quiet. The first unanswered
// step times out and nothing after it is reported as done.
func TestPipelinedSilence(t *testing.T) {
	r := scenario{
		opts: func(o *session.Options) { short(o); o.Pipelining = true },
		script: join(banner, []S{expect("EHLO"), send("250-mx.test\r\n250 PIPELINING\r\n"), expect("MAIL"), expect("RCPT"), expect("DATA"),
			send("250 ok\r\n"), scriptserver.Sleep(time.Minute)}),
		want: want{failed: session.StepRcpt, failures: []session.Failure{fTimeout}, exit: exitcode.Protocol},
	}.run(t)
	if d := r.Step(session.StepData); d == nil || d.Status != session.StatusSkipped {
		t.Errorf("DATA step = %+v, want skipped (it never got a reply)", d)
	}
}

// TestQuitFaults: once the message is accepted, what happens at QUIT does
// not change the verdict (RFC 5321 §4.1.1.10: the transaction is complete);
// a server that closes without its 221 is common and only worth a warning.
func TestQuitFaults(t *testing.T) {
	ok := want{exit: exitcode.OK, verdicts: []string{"accepted"}}
	cases := []scenario{
		{name: "close instead of 221", want: ok, script: join(throughR, data, dataEnd, []S{expect("QUIT"), scriptserver.Close()})},
		{name: "reset instead of 221", want: ok, script: join(throughR, data, dataEnd, []S{expect("QUIT"), scriptserver.Reset()})},
		{name: "silence instead of 221", want: ok, opts: short, script: join(throughR, data, dataEnd, []S{expect("QUIT"), scriptserver.Sleep(time.Minute)})},
		{name: "QUIT answered 500", want: ok, script: join(throughR, data, dataEnd, []S{expect("QUIT"), send("500 what\r\n")})},
	}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			r := sc.run(t)
			if q := r.Step(session.StepQuit); q == nil || q.Status != session.StatusWarning {
				t.Errorf("QUIT step = %+v, want a warning", q)
			}
		})
	}
}

// TestQuitGarbage: a QUIT answered with a line that is not a reply, after
// the message was accepted. The message stands: the session is OK with a
// warning on QUIT, and the Result and its verdict agree on exit 0.
func TestQuitGarbage(t *testing.T) {
	srv := scriptserver.Start(t, join(throughR, data, dataEnd, []S{expect("QUIT"), send("garbage\r\n")})...)
	r := run(t, context.Background(), opts(srv))
	if s := r.Step(session.StepDataEnd); s == nil || s.Reply == nil || s.Reply.Class() != 2 {
		t.Fatal("the message was not accepted")
	}
	want{exit: exitcode.OK, verdicts: []string{"accepted"}}.check(t, r)
	if q := r.Step(session.StepQuit); q == nil || q.Status != session.StatusWarning {
		t.Errorf("QUIT step = %+v, want a warning", q)
	}
}
