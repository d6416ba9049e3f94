package hostile_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// S is short for the script steps, which every scenario lists.
type S = scriptserver.Step

var (
	send   = scriptserver.Send
	expect = scriptserver.Expect
)

// hangGuard bounds every session of these tests. The timeouts in the
// Options are far shorter; the guard only turns a hang into a failure
// instead of a stuck test run. It is generous because a passing session
// never waits for it, while a loaded 2-core machine under -race once took
// more than 5 s to push TestServerStopsReading's 6 MB to its timeout.
const hangGuard = 60 * time.Second

// stepTimeout is the timeout of every step in opts: long enough that a
// loopback reply on a loaded machine under -race never hits it, short enough
// that two waits stay within hangGuard.
const stepTimeout = 2 * time.Second

// quickTimeout is the timeout of every step after short: for the scenarios
// whose point is that a timeout fires.
const quickTimeout = 300 * time.Millisecond

// short makes every step timeout quickTimeout.
func short(o *session.Options) {
	q := quickTimeout
	o.Timeouts.Banner, o.Timeouts.Command, o.Timeouts.Mail, o.Timeouts.Rcpt = q, q, q, q
	o.Timeouts.Data, o.Timeouts.DataBlock, o.Timeouts.FinalDot = q, q, q
}

// The parts of a normal conversation, for scripts to build on.
var (
	banner   = []S{send("220 mx.test ESMTP ready\r\n")}
	ehlo     = []S{expect("EHLO client.example\r\n"), send("250-mx.test hello\r\n250 8BITMIME\r\n")}
	mail     = []S{expect("MAIL FROM:<alice@example.com>"), send("250 2.1.0 sender ok\r\n")}
	rcpt     = []S{expect("RCPT TO:<bob@example.net>"), send("250 2.1.5 recipient ok\r\n")}
	data     = []S{expect("DATA\r\n"), send("354 go ahead\r\n")}
	dataEnd  = []S{scriptserver.ExpectData(), send("250 2.0.0 queued as 42\r\n")}
	quit     = []S{expect("QUIT\r\n"), send("221 2.0.0 bye\r\n")}
	throughR = join(banner, ehlo, mail, rcpt)
	full     = join(banner, ehlo, mail, rcpt, data, dataEnd, quit)
)

func join(parts ...[]S) []S {
	var s []S
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// opts returns Options for a session against srv with short timeouts.
func opts(srv *scriptserver.Server) session.Options {
	t := stepTimeout
	return session.Options{
		From:    "alice@example.com",
		To:      []string{"bob@example.net"},
		Server:  srv.Addr(),
		HELO:    "client.example",
		Subject: "hostile test",
		Body:    "Hello.\n",
		Timeouts: session.Timeouts{
			Connect: 2 * time.Second, Banner: t, Command: t, Mail: t, Rcpt: t, Data: t, DataBlock: t, FinalDot: t,
		},
	}
}

// run runs a session, failing the test if it does not return within
// hangGuard or rejects the input.
func run(t *testing.T, ctx context.Context, o session.Options) *session.Result {
	t.Helper()
	type out struct {
		r   *session.Result
		err error
	}
	ch := make(chan out, 1)
	go func() {
		r, err := session.Run(ctx, o)
		ch <- out{r, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			t.Fatalf("Run: %v", o.err)
		}
		checkInvariants(t, o.r)
		return o.r
	case <-time.After(hangGuard):
		t.Fatalf("Run did not return within %s", hangGuard)
	}
	return nil
}

// want is the expected outcome of a scenario.
type want struct {
	// failed is the first failed step ("" when the session must succeed).
	failed session.StepName
	// failures lists the acceptable failure kinds of that step (TCP can
	// report a close as EOF or as a reset, depending on what was unread).
	failures []session.Failure
	// exit is the expected exit code.
	exit int
	// verdicts lists the acceptable diagnose verdict keys ("" : any).
	verdicts []string
	// inTranscript are substrings some server (S) entry must contain.
	inTranscript []string
}

func (w want) check(t *testing.T, r *session.Result) {
	t.Helper()
	f := r.Failed()
	switch {
	case w.failed == "" && f != nil:
		t.Fatalf("step %s failed (%s: %s), want success\n%s", f.Name, f.Failure, f.Error, dump(r))
	case w.failed != "" && f == nil:
		t.Fatalf("no step failed, want %s to fail\n%s", w.failed, dump(r))
	case w.failed != "" && f.Name != w.failed:
		t.Fatalf("step %s failed (%s: %s), want %s\n%s", f.Name, f.Failure, f.Error, w.failed, dump(r))
	}
	if f != nil && len(w.failures) > 0 && !has(w.failures, f.Failure) {
		t.Errorf("failure = %q (%s), want one of %q", f.Failure, f.Error, w.failures)
	}
	if f != nil && f.Evaluation == nil {
		t.Errorf("failed step %s has no evaluation", f.Name)
	}
	if r.ExitCode != w.exit {
		t.Errorf("exit code = %d, want %d\n%s", r.ExitCode, w.exit, dump(r))
	}
	if len(w.verdicts) > 0 && !has(w.verdicts, r.Verdict.Verdict) {
		t.Errorf("verdict = %q (%s), want one of %q", r.Verdict.Verdict, r.Verdict.Title, w.verdicts)
	}
	for _, s := range w.inTranscript {
		if !inServer(r, s) {
			t.Errorf("no server line in the transcript contains %q\n%s", s, dump(r))
		}
	}
}

func has[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func inServer(r *session.Result, s string) bool {
	for _, e := range r.Transcript {
		if e.Dir == transcript.Server && strings.Contains(e.Text, s) {
			return true
		}
	}
	return false
}

// checkInvariants holds for every Result, whatever the server did.
func checkInvariants(t *testing.T, r *session.Result) {
	t.Helper()
	if r == nil {
		t.Fatal("nil Result")
	}
	if r.OK != (r.ExitCode == exitcode.OK) {
		t.Errorf("OK = %v with exit code %d", r.OK, r.ExitCode)
	}
	if r.Verdict == nil {
		t.Fatal("no verdict")
	}
	if r.Verdict.ExitCode != r.ExitCode {
		t.Errorf("verdict %q says exit %d, the Result %d", r.Verdict.Verdict, r.Verdict.ExitCode, r.ExitCode)
	}
	if r.OK && r.Verdict.Verdict == "" {
		t.Error("OK without a verdict key")
	}
	for _, s := range r.Steps {
		if s.Status == session.StatusRunning {
			t.Errorf("step %d %s still running in the Result", s.ID, s.Name)
		}
	}
	var raw int
	for _, e := range r.Transcript {
		if !displaySafe(e.Text) {
			t.Errorf("transcript entry %d is not display-safe: %q", e.Seq, e.Text)
		}
		if e.Dir == transcript.Server {
			raw += len(e.Raw)
			if len(e.Raw) > smtpwire.MaxLineLength {
				t.Errorf("transcript entry %d keeps %d raw bytes, more than a line may have", e.Seq, len(e.Raw))
			}
		}
	}
	// One reply can be read past its cap by at most one line before the
	// reader stops; a session reads a handful of replies.
	if max := 16 * (smtpwire.MaxReplyBytes + smtpwire.MaxLineLength); raw > max {
		t.Errorf("transcript keeps %d raw server bytes, more than %d", raw, max)
	}
}

// displaySafe reports whether s can be printed as is: valid UTF-8 with no
// control or bidirectional formatting characters.
func displaySafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f {
			return false
		}
	}
	return true
}

// dump shows a Result's steps and transcript for a failing assertion.
func dump(r *session.Result) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString("  step " + string(s.Name) + " " + string(s.Status) + " " + string(s.Failure) + " " + s.Error + "\n")
	}
	n := 0
	for _, e := range r.Transcript {
		if n++; n > 40 {
			b.WriteString("  ...\n")
			break
		}
		b.WriteString("  " + string(e.Dir) + ": " + e.Text + "\n")
	}
	if r.Verdict != nil {
		b.WriteString("  verdict " + r.Verdict.Verdict + ": " + r.Verdict.Title + "\n")
	}
	return b.String()
}
