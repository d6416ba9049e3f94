package session

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/lang"
)

// TestStepsAreExplained runs real sessions and checks that each step carries
// its explanation in the session's language, streamed live through OnStep as
// well as in the Result, and that the session gets one headline (the seed's
// Step 4 table: 550 5.1.1 User unknown, 530 5.7.1, refused connections).
func TestStepsAreExplained(t *testing.T) {
	t.Run("RCPT 550 5.1.1 in Spanish", func(t *testing.T) {
		srv := startServer(t, nil)
		srv.rcptErr["nobody@mx.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
		o := opts(srv.Addr, "nobody@mx.test")
		o.Lang = lang.ES
		var mu sync.Mutex
		var live []Step
		o.OnStep = func(s Step) { mu.Lock(); live = append(live, s); mu.Unlock() }
		r := run(t, o)

		rc := r.Step(StepRcpt)
		if rc == nil || rc.Evaluation == nil {
			t.Fatalf("rcpt step has no evaluation: %+v", rc)
		}
		if rc.Evaluation.Code != 550 || rc.Evaluation.Enhanced != "5.1.1" || rc.Evaluation.Class != "permanent" {
			t.Errorf("rcpt evaluation = %+v", rc.Evaluation)
		}
		if !strings.Contains(strings.ToLower(rc.Evaluation.Summary+" "+strings.Join(rc.Evaluation.Causes, " ")), "destinatario") {
			t.Errorf("Spanish explanation expected, got summary %q causes %q", rc.Evaluation.Summary, rc.Evaluation.Causes)
		}
		if r.Verdict == nil || r.Verdict.Title == "" || r.Verdict.Step != "rcpt" {
			t.Fatalf("verdict = %+v, want a headline decided at rcpt", r.Verdict)
		}
		mu.Lock()
		defer mu.Unlock()
		streamed := false
		for _, s := range live {
			if s.Name == StepRcpt && s.Status == StatusFailed && s.Evaluation != nil && s.Evaluation.Summary == rc.Evaluation.Summary {
				streamed = true
			}
		}
		if !streamed {
			t.Error("the rcpt explanation was not streamed through OnStep when the step ended")
		}
	})

	t.Run("accepted session in English", func(t *testing.T) {
		srv := startServer(t, nil)
		r := run(t, opts(srv.Addr))
		if !r.OK || r.Verdict == nil || r.Verdict.Severity != "ok" {
			t.Fatalf("ok=%v verdict=%+v", r.OK, r.Verdict)
		}
		de := r.Step(StepDataEnd)
		if de == nil || de.Evaluation == nil || de.Evaluation.Class != "success" {
			t.Fatalf("data_end evaluation = %+v", de)
		}
		if sk := r.Step(StepResolve); sk == nil || sk.Evaluation != nil {
			t.Errorf("a skipped step must carry no evaluation: %+v", sk)
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		r := run(t, opts(addr))
		c := r.Step(StepConnect)
		if c == nil || c.Evaluation == nil || c.Evaluation.Failure != "refused" || len(c.Evaluation.Causes) == 0 {
			t.Fatalf("connect evaluation = %+v", c)
		}
		if r.Verdict == nil || r.Verdict.Step != "connect" {
			t.Fatalf("verdict = %+v", r.Verdict)
		}
	})
}
