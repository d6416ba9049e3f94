package receiver_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/session"
)

// startReceiver starts a receiver on a free loopback port and closes it when
// the test ends.
func startReceiver(t *testing.T, cfg receiver.Config) *receiver.Receiver {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	r, err := receiver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// sessionOpts aims our own session engine at the receiver, with short
// timeouts so a broken test fails in seconds.
func sessionOpts(r *receiver.Receiver, to ...string) session.Options {
	d := 5 * time.Second
	return session.Options{
		From: "chris@contoso.test", To: to, Server: r.Addr().String(), HELO: "contoso.test",
		Subject: "Prueba de Contoso", Body: "Éste es un mensaje de prueba\n", Notify: []string{"success", "failure"},
		Timeouts: session.Timeouts{Connect: d, Banner: d, Command: d, Mail: d, Rcpt: d, Data: d, DataBlock: d, FinalDot: d},
	}
}

func runSession(t *testing.T, o session.Options) *session.Result {
	t.Helper()
	res, err := session.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("session.Run: %v", err)
	}
	return res
}

// TestEngineToReceiver drives the receiver with SMTP Probe's own engine: the
// seed's session end to end, and each rehearsal behaviour as the engine and
// the evaluator see it.
func TestEngineToReceiver(t *testing.T) {
	t.Run("success, as in the seed", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{})
		res := runSession(t, sessionOpts(r, "kate@fabrikam.test"))
		if !res.OK || res.ExitCode != exitcode.OK {
			t.Fatalf("ok=%v exit=%d failed=%+v", res.OK, res.ExitCode, res.Failed())
		}
		msgs := r.Messages()
		if len(msgs) != 1 {
			t.Fatalf("receiver has %d messages, want 1", len(msgs))
		}
		m := msgs[0]
		if m.Envelope.From != "chris@contoso.test" || len(m.Envelope.Rcpts) != 1 || m.Envelope.Rcpts[0].Addr != "kate@fabrikam.test" {
			t.Errorf("envelope = %+v", m.Envelope)
		}
		if m.Subject != "Prueba de Contoso" {
			t.Errorf("subject = %q", m.Subject)
		}
		if !strings.Contains(string(m.Body), "Éste es un mensaje de prueba") {
			t.Errorf("body = %q", m.Body)
		}
	})

	t.Run("rejected recipient 550 5.1.1, the other delivered", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{RejectRcpt: regexp.MustCompile(`^nobody@`)})
		res := runSession(t, sessionOpts(r, "nobody@fabrikam.test", "kate@fabrikam.test"))
		if res.ExitCode != exitcode.Permanent {
			t.Fatalf("exit = %d, want %d", res.ExitCode, exitcode.Permanent)
		}
		var rejected *session.Step
		for i := range res.Steps {
			if res.Steps[i].Name == session.StepRcpt && res.Steps[i].Status == session.StatusFailed {
				rejected = &res.Steps[i]
			}
		}
		if rejected == nil || rejected.Reply == nil || rejected.Reply.Code != 550 || rejected.Reply.Enhanced != "5.1.1" {
			t.Fatalf("rejected rcpt step = %+v", rejected)
		}
		if rejected.Evaluation == nil || rejected.Evaluation.Enhanced != "5.1.1" {
			t.Errorf("no evaluation for the rejection: %+v", rejected.Evaluation)
		}
		if n := len(r.Messages()); n != 1 {
			t.Errorf("receiver stored %d messages, want 1 (for the accepted recipient)", n)
		}
	})

	t.Run("greylisted, then accepted on retry", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{Greylist: true})
		first := runSession(t, sessionOpts(r, "kate@fabrikam.test"))
		if first.ExitCode != exitcode.Temporary {
			t.Fatalf("first try exit = %d, want %d (451 4.7.1)", first.ExitCode, exitcode.Temporary)
		}
		rc := first.Step(session.StepRcpt)
		if rc == nil || rc.Reply == nil || rc.Reply.Code != 451 || rc.Evaluation == nil || rc.Evaluation.Class != "transient" {
			t.Fatalf("first rcpt = %+v", rc)
		}
		second := runSession(t, sessionOpts(r, "kate@fabrikam.test"))
		if !second.OK {
			t.Fatalf("retry failed: %+v", second.Failed())
		}
	})

	t.Run("AUTH required: 530 5.7.0 at MAIL", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{AuthUser: "probe", AuthPassword: "pw", RequireAuth: true, AllowInsecureAuth: true})
		res := runSession(t, sessionOpts(r, "kate@fabrikam.test"))
		m := res.Step(session.StepMail)
		if m == nil || m.Reply == nil || m.Reply.Code != 530 || res.ExitCode != exitcode.Permanent {
			t.Fatalf("mail step = %+v, exit %d", m, res.ExitCode)
		}
		if m.Evaluation == nil || len(m.Evaluation.Causes) == 0 {
			t.Errorf("530 not explained: %+v", m.Evaluation)
		}
		if len(r.Messages()) != 0 {
			t.Error("a message was stored although AUTH was required")
		}
	})

	t.Run("50 concurrent sessions", func(t *testing.T) {
		r := startReceiver(t, receiver.Config{})
		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o := sessionOpts(r, fmt.Sprintf("user%d@fabrikam.test", i))
				o.Subject = fmt.Sprintf("session %d", i)
				res, err := session.Run(context.Background(), o)
				if err != nil {
					errs <- err
					return
				}
				if !res.OK {
					errs <- fmt.Errorf("session %d failed at %+v", i, res.Failed())
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		msgs := r.Messages()
		if len(msgs) != n {
			t.Fatalf("receiver has %d messages, want %d", len(msgs), n)
		}
		for _, m := range msgs {
			var i int
			if _, err := fmt.Sscanf(m.Subject, "session %d", &i); err != nil || m.Envelope.Rcpts[0].Addr != fmt.Sprintf("user%d@fabrikam.test", i) {
				t.Errorf("message %q went to %+v: envelopes mixed up", m.Subject, m.Envelope.Rcpts)
			}
		}
	})
}
