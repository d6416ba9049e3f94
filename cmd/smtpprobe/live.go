package main

import (
	"fmt"
	"io"
	"sync"

	"smtpprobe/backend/transcript"
)

// maxLiveBacklog is how much printed transcript may wait for a terminal that
// does not keep up before the session waits for it: far more than a normal
// session's transcript, so only a terminal stopped for good (Ctrl+S, a pipe
// nobody reads) ever slows the wire, and memory stays bounded even then.
const maxLiveBacklog = 4 << 20

// livePrinter prints transcript lines as they happen, from a goroutine of its
// own, so that the session never waits for the terminal: a Windows console
// takes tens of microseconds a line, a terminal being scrolled far more.
// Lines that pile up while the terminal is busy go out in one write.
type livePrinter struct {
	w      io.Writer
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool
	done   chan struct{}
}

// newLivePrinter starts printing to w; close stops it after the last line.
func newLivePrinter(w io.Writer) *livePrinter {
	p := &livePrinter{w: w, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	go p.loop()
	return p
}

// entry queues one transcript line.
func (p *livePrinter) entry(prefix string, e transcript.Entry) {
	p.mu.Lock()
	for len(p.buf) > maxLiveBacklog && !p.closed {
		p.cond.Wait()
	}
	p.buf = appendEntry(p.buf, prefix, e)
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *livePrinter) loop() {
	defer close(p.done)
	var spare []byte
	for {
		p.mu.Lock()
		for len(p.buf) == 0 && !p.closed {
			p.cond.Wait()
		}
		if len(p.buf) == 0 {
			p.mu.Unlock()
			return
		}
		out := p.buf
		p.buf = spare[:0]
		p.cond.Broadcast() // room again for an entry waiting on the backlog
		p.mu.Unlock()
		// A failed write (a closed pipe) is not the session's failure; the
		// result still decides the exit code, as with fmt.Fprintf before.
		_, _ = p.w.Write(out)
		spare = out
	}
}

// close prints what is queued and stops; it may be called more than once.
func (p *livePrinter) close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
	<-p.done
}

// printEntry prints one transcript line of a finished session (a stored run).
func printEntry(w io.Writer, prefix string, e transcript.Entry) {
	_, _ = w.Write(appendEntry(nil, prefix, e))
}

// appendEntry formats one transcript line: elapsed time, then C: (sent),
// S: (received) or * (a note).
func appendEntry(b []byte, prefix string, e transcript.Entry) []byte {
	dir := "* "
	switch e.Dir {
	case transcript.Client:
		dir = "C:"
	case transcript.Server:
		dir = "S:"
	}
	return fmt.Appendf(b, "%s%9.1f ms %s %s\n", prefix, e.ElapsedMS, dir, e.Text)
}
