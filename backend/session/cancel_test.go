package session

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
)

// hangGuard bounds waits that only a bug would make long; nothing asserts
// on how fast things are.
const hangGuard = 5 * time.Second

func TestCancelDuringData(t *testing.T) {
	s := startServer(t, nil)
	inData := make(chan struct{})
	sawClose := make(chan error, 1)
	s.dataHook = func(c *smtp.Conn) {
		// The whole message is in; instead of answering the final dot the
		// server waits on the socket to see what the client does.
		close(inData)
		_ = c.Conn().SetReadDeadline(time.Now().Add(2 * hangGuard))
		_, err := c.Conn().Read(make([]byte, 1))
		sawClose <- err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := opts(s.Addr)
	o.Timeouts.FinalDot = time.Hour // only the cancel can end the wait
	done := make(chan *Result, 1)
	go func() {
		r, err := Run(ctx, o)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	select {
	case <-inData:
	case <-time.After(hangGuard):
		t.Fatal("the message never reached the server")
	}
	cancel()
	select {
	case err := <-sawClose:
		if !errors.Is(err, io.EOF) {
			t.Errorf("server read %v, want EOF (the client closed)", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("the server did not see the connection close")
	}
	var r *Result
	select {
	case r = <-done:
	case <-time.After(hangGuard):
		t.Fatal("Run did not return after cancel")
	}
	de := r.Step(StepDataEnd)
	if de == nil || de.Status != StatusFailed || de.Failure != FailCanceled || r.ExitCode != exitcode.Protocol {
		t.Fatalf("data_end %+v exit %d; steps %q", de, r.ExitCode, steps(r))
	}
	if q := r.Step(StepQuit); q != nil && q.Status != StatusSkipped {
		t.Errorf("QUIT after cancel: %+v", q)
	}
}

func TestCancelWhileWaitingForBanner(t *testing.T) {
	started := make(chan struct{})
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		close(started)
		_, _ = br.ReadByte() // silent until the client goes
	})
	ctx, cancel := context.WithCancel(context.Background())
	o := opts(addr)
	o.Timeouts.Banner = time.Hour
	o.OnStep = func(s Step) {
		if s.Name == StepBanner && s.Status == StatusRunning {
			go func() { <-started; cancel() }()
		}
	}
	done := make(chan *Result, 1)
	go func() { r, _ := Run(ctx, o); done <- r }()
	select {
	case r := <-done:
		if b := r.Step(StepBanner); b == nil || b.Failure != FailCanceled || b.ErrorText == nil || b.ErrorText.ES == "" {
			t.Errorf("banner %+v", b)
		}
	case <-time.After(hangGuard):
		cancel()
		t.Fatal("Run did not return after cancel")
	}
}

func TestCancelBeforeStart(t *testing.T) {
	s := startServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Run(ctx, opts(s.Addr))
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Step(StepConnect); c == nil || c.Failure != FailCanceled || r.OK {
		t.Errorf("connect %+v", c)
	}
}
