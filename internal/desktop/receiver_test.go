package desktop

import (
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sendMail delivers one message with the standard library's client, a
// second, independent SMTP implementation talking to the receiver.
func sendMail(t *testing.T, addr, from string, to []string) error {
	t.Helper()
	msg := "Subject: Prueba de flujo\r\n\r\nHola.\r\n"
	return smtp.SendMail(addr, nil, from, to, []byte(msg))
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second) // hang guard only
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReceiverBindings(t *testing.T) {
	a, rec := newTestApp(t)
	st, err := a.Receiver.StartReceiver(ReceiverRequest{Addr: "127.0.0.1:0", RejectRcpt: `^nobody@`, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Receiver.StopReceiver()
	if !st.Running || st.Host != "127.0.0.1" || st.Port == 0 {
		t.Fatalf("status = %+v", st)
	}
	addr := net.JoinHostPort(st.Host, strconv.Itoa(st.Port))
	if err := sendMail(t, addr, "admin@fabrikam.test", []string{"user@contoso.test"}); err != nil {
		t.Fatal(err)
	}
	// RFC 5321 §4.2.2 / RFC 3463: the rehearsal rejects with 550 5.1.1.
	err = sendMail(t, addr, "admin@fabrikam.test", []string{"nobody@contoso.test"})
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("rejected recipient: %v", err)
	}
	waitFor(t, "two closed connections", func() bool {
		s := a.Receiver.ReceiverState()
		return len(s.Connections) == 2 && !s.Connections[0].Open && !s.Connections[1].Open
	})
	s := a.Receiver.ReceiverState()
	if len(s.Messages) != 1 || s.Messages[0].Subject != "Prueba de flujo" || s.Messages[0].Rcpts[0] != "user@contoso.test" {
		t.Fatalf("messages = %+v", s.Messages)
	}
	if len(s.Connections[0].Lines) == 0 || !strings.HasPrefix(s.Connections[0].Lines[0], "S: 220") {
		t.Errorf("transcript = %q", s.Connections[0].Lines)
	}
	waitFor(t, "a change event", func() bool { return len(rec.named(EventReceiverChanged)) >= 2 })

	a.Receiver.StopReceiver()
	if a.Receiver.ReceiverState().Running {
		t.Fatal("still running after StopReceiver")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("port still open after StopReceiver")
	}
}

func TestReceiverBadInput(t *testing.T) {
	a, _ := newTestApp(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for name, req := range map[string]ReceiverRequest{
		"bad regexp":   {Addr: "127.0.0.1:0", RejectRcpt: "(", Lang: "es"},
		"port in use":  {Addr: busy.Addr().String(), Lang: "es"},
		"banner delay": {Addr: "127.0.0.1:0", BannerDelayMS: -1, Lang: "es"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := a.Receiver.StartReceiver(req)
			if err == nil {
				t.Fatal("accepted")
			}
			req.Lang = "en"
			_, errEN := a.Receiver.StartReceiver(req)
			if errEN == nil || errEN.Error() == err.Error() {
				t.Errorf("same text in both languages: %v", err)
			}
			if a.Receiver.ReceiverState().Running {
				t.Error("running after a failed start")
			}
		})
	}
}

func TestStartDemoFallsBackToAFreePort(t *testing.T) {
	a, _ := newTestApp(t)
	// Whether or not 2525 is free on this machine, the demo must start.
	hold, _ := net.Listen("tcp", "127.0.0.1:2525")
	if hold != nil {
		defer hold.Close()
	}
	st, err := a.Receiver.StartDemo("en")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown()
	if !st.Running || st.Host != "127.0.0.1" {
		t.Fatalf("demo = %+v", st)
	}
	if hold != nil && st.Port == 2525 {
		t.Fatal("demo claims the busy port")
	}
	if err := sendMail(t, st.Addr, "demo@smtpprobe.localhost", []string{"you@smtpprobe.localhost"}); err != nil {
		t.Fatal(err)
	}
}

func TestThrottleCoalescesAndDeliversTheLast(t *testing.T) {
	calls := make(chan struct{}, 100)
	th := newThrottle(20*time.Millisecond, func() { calls <- struct{}{} })
	for range 50 {
		th.poke()
	}
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("no call after pokes")
	}
	th.poke()
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("the poke after a call was lost")
	}
	th.stop()
	th.poke()
	time.Sleep(50 * time.Millisecond)
	if n := len(calls); n != 0 {
		t.Fatalf("%d calls after stop", n)
	}
}
