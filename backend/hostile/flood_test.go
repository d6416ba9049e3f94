package hostile_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// TestEndlessReply: a server that sends continuation lines at full speed,
// forever. The reader stops at its caps (200 lines, 64 KiB a reply), the
// step fails as a protocol violation and the session's memory stays
// bounded.
func TestEndlessReply(t *testing.T) {
	cases := []struct {
		name string
		line string
		step session.StepName
		pre  []S
	}{
		{"banner, short lines (line cap)", "220-flood\r\n", session.StepBanner, nil},
		{"banner, long lines (byte cap)", "220-" + longText(1500) + "\r\n", session.StepBanner, nil},
		{"EHLO reply", "250-FLOOD\r\n", session.StepEHLO, join(banner, []S{expect("EHLO")})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := scriptserver.Start(t, append(c.pre, scriptserver.SendForever(c.line))...)
			before := heapInUse()
			r := run(t, context.Background(), opts(srv))
			after := heapInUse()
			want{failed: c.step, failures: []session.Failure{fProtocol}, exit: exitcode.Protocol,
				verdicts: []string{"protocol_violation"}}.check(t, r)
			var lines, raw int
			for _, e := range r.Transcript {
				if e.Dir == transcript.Server {
					lines++
					raw += len(e.Raw)
				}
			}
			// The banner (if any) plus one reply read up to its cap and the
			// line that broke it.
			if lines > smtpwire.MaxReplyLines+2 {
				t.Errorf("transcript keeps %d server lines, more than the %d-line cap", lines, smtpwire.MaxReplyLines)
			}
			if raw > smtpwire.MaxReplyBytes+2*smtpwire.MaxLineLength+100 {
				t.Errorf("transcript keeps %d raw server bytes, more than the %d-byte cap", raw, smtpwire.MaxReplyBytes)
			}
			// A sanity bound, not a measurement: the flood itself is
			// unbounded, so anything that kept it would blow far past this.
			grown := int64(after) - int64(before)
			if grown > 32<<20 {
				t.Errorf("heap grew by %d MiB during an endless reply", grown>>20)
			}
			t.Logf("kept %d server lines, %d raw bytes; heap in use grew by %d KiB", lines, raw, grown>>10)
		})
	}
}

func longText(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestSlowServer: one byte every 10 s. The step timeout (300 ms here) must
// fire: the reply deadline covers the whole reply, not each byte.
func TestSlowServer(t *testing.T) {
	for _, c := range []struct {
		name   string
		script []S
		step   session.StepName
	}{
		{"banner", []S{scriptserver.SendSlowly([]byte("220 mx.test\r\n"), 10*time.Second)}, session.StepBanner},
		// The first bytes come at once, the rest drip: a per-read deadline
		// would be reset by each byte and never fire.
		{"banner, first bytes fast", []S{send("220-mx"), scriptserver.SendSlowly([]byte(".test\r\n220 ok\r\n"), 100*time.Millisecond)}, session.StepBanner},
		{"mail", join(banner, ehlo, []S{expect("MAIL"), scriptserver.SendSlowly([]byte("250 ok\r\n"), 10*time.Second)}), session.StepMail},
	} {
		t.Run(c.name, func(t *testing.T) {
			scenario{script: c.script, opts: short, want: want{failed: c.step, failures: []session.Failure{fTimeout}, exit: exitcode.Protocol}}.run(t)
		})
	}
}

// TestCancelSlowServer: cancelling a session stuck on a slow server ends it
// at once: Run returns, the step is FailCanceled and the server sees the
// connection closed.
func TestCancelSlowServer(t *testing.T) {
	srv := scriptserver.Start(t, send("2"), scriptserver.ExpectEOF())
	r, latency := runCanceled(t, srv)
	want{failed: session.StepBanner, failures: []session.Failure{session.FailCanceled}, exit: exitcode.Protocol,
		verdicts: []string{"canceled"}}.check(t, r)
	// ExpectEOF fails the script unless the client closes within its read
	// timeout; the hang guard keeps this from waiting that long.
	if err := srv.Wait(hangGuard); err != nil {
		t.Errorf("server did not see the connection closed: %v", err)
	}
	t.Logf("Run returned %s after the cancel", latency)
}

// TestCancelExitCodesAgree: the exit code of a cancelled session is the
// same in the Result and in its verdict, so the CLI and the app agree.
func TestCancelExitCodesAgree(t *testing.T) {
	srv := scriptserver.Start(t, send("2"), scriptserver.ExpectEOF())
	r, _ := runCanceled(t, srv)
	if r.Verdict.ExitCode != r.ExitCode {
		t.Errorf("verdict %q says exit %d, the Result %d", r.Verdict.Verdict, r.Verdict.ExitCode, r.ExitCode)
	}
}

// runCanceled runs a session against srv with a long banner timeout and
// cancels it 200 ms into the banner wait. It returns the Result and how
// long Run took to return after the cancel.
func runCanceled(t *testing.T, srv *scriptserver.Server) (*session.Result, time.Duration) {
	o := opts(srv)
	o.Timeouts.Banner = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var at time.Time
	o.OnStep = func(s session.Step) {
		if s.Name == session.StepBanner && s.Status == session.StatusRunning {
			time.AfterFunc(200*time.Millisecond, func() { at = time.Now(); cancel() })
		}
	}
	r := run(t, ctx, o)
	return r, time.Since(at)
}
