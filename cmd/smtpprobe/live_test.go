package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/transcript"
)

// gateWriter is a terminal that takes nothing until open is closed, as a
// console does while the user holds its scroll bar or presses Ctrl+S.
type gateWriter struct {
	open chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (w *gateWriter) Write(p []byte) (int, error) {
	<-w.open
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// TestSendDoesNotWaitForTerminal: the session runs to QUIT while the terminal
// takes no output at all, and every transcript line still comes out, in
// order and before the report, once the terminal takes it.
func TestSendDoesNotWaitForTerminal(t *testing.T) {
	addr, be, _ := startSendServer(t)
	quit := make(chan struct{})
	var once sync.Once
	be.mu.Lock()
	be.onLogout = func() { once.Do(func() { close(quit) }) }
	be.mu.Unlock()

	out := &gateWriter{open: make(chan struct{})}
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"send", "--from", "a@client.test", "--to", "b@mx.test",
			"--server", addr, "--helo", "client.test", "--body", "hola", "--lang", "en"}, out, &errb)
	}()
	select {
	case <-quit:
	case code := <-done:
		t.Fatalf("send returned %d while its terminal took nothing: %s", code, errb.String())
	case <-time.After(30 * time.Second):
		close(out.open)
		t.Fatal("the session did not reach QUIT while the terminal was blocked: the wire waits for the terminal")
	}
	close(out.open)
	if code := <-done; code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.buf.String()
	last := -1
	for _, want := range []string{"S: 220 mx.test", "C: EHLO client.test", "C: MAIL FROM:<a@client.test>",
		"C: RCPT TO:<b@mx.test>", "C: DATA", "C: hola", "C: QUIT", "S: 221", "Steps:"} {
		i := strings.Index(text, want)
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order in:\n%s", want, text)
		}
		last = i
	}
}

// TestLivePrinterBacklogIsBounded: a terminal that never takes anything
// holds the printer at maxLiveBacklog, not at whatever the session sends.
func TestLivePrinterBacklogIsBounded(t *testing.T) {
	out := &gateWriter{open: make(chan struct{})}
	p := newLivePrinter(out)
	line := strings.Repeat("x", 1000)
	queued := make(chan int, 1)
	go func() {
		n := 0
		for ; n < 2*maxLiveBacklog/1000; n++ {
			p.entry("", transcriptEntry(line))
		}
		queued <- n
	}()
	// The writer goroutine holds at most one batch; the backlog may then
	// grow to maxLiveBacklog plus one line before entry waits.
	waitFor(t, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.buf) > maxLiveBacklog
	})
	select {
	case n := <-queued:
		t.Fatalf("all %d lines were queued for a terminal that takes nothing", n)
	default:
	}
	p.mu.Lock()
	if n := len(p.buf); n > maxLiveBacklog+len(line)+64 {
		t.Errorf("backlog %d bytes, more than the %d bound", n, maxLiveBacklog)
	}
	p.mu.Unlock()
	close(out.open)
	<-queued
	p.close()
	if got, want := strings.Count(out.buf.String(), "\n"), 2*maxLiveBacklog/1000; got != want {
		t.Errorf("%d lines printed, want %d", got, want)
	}
}

func transcriptEntry(text string) transcript.Entry {
	return transcript.Entry{Dir: transcript.Server, Text: text}
}

// waitFor polls cond until it holds, failing the test after 30 s; the
// condition is the readiness, the poll interval only spares the CPU.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}
