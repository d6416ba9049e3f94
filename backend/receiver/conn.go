package receiver

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/transcript"
)

const (
	// maxPartialLine bounds a line kept while waiting for its CRLF. It is
	// above go-smtp's own 2000-byte limit, which ends the session first
	// for commands; within a message body it stops a line without CRLF
	// from growing the buffer without end.
	maxPartialLine = 4096
	// dataLinesShown is how many lines of each message appear in the
	// transcript; the rest are summarised in one note, since the message
	// itself is recorded separately.
	dataLinesShown = 30
	// masked replaces AUTH payloads in transcripts.
	masked = "****"
)

// recConn sits between go-smtp and the client socket. go-smtp's Server has
// no per-line hook, so the transcript is cut from the byte stream here, and
// it also carries the banner delay and the STARTTLS bridge (bridge.go).
type recConn struct {
	r   *Receiver
	raw net.Conn
	rec *Connection // guarded by r.mu

	closed    chan struct{}
	closeOnce sync.Once

	// mu guards everything below. Lock order: mu, then r.mu.
	mu          sync.Mutex
	bannerSent  bool
	cbuf, sbuf  []byte // partial client and server lines
	lastVerb    string // upper-case verb of the last client command
	inData      bool
	dataLines   int
	hiddenLines int
	hiddenBytes int64
	bdatLeft    int64 // BDAT chunk bytes still to come (RFC 3030)
	bdatTotal   int64
	maskNext    bool // the last reply was 334: the next line is SASL data
	// saslLeft is how many client lines after AUTH are SASL responses of
	// its mechanism, counted by position: a client that does not wait for
	// each 334 sends them before maskNext could be set.
	saslLeft     int
	authFailures int  // failed AUTH attempts on this connection
	closeAfter   bool // close once the reply being recorded is written
	// startTLS is set by a STARTTLS command until its reply: a command
	// pipelined after it would otherwise hide it from lastVerb.
	startTLS   bool
	tlsPending bool // STARTTLS was accepted; the next I/O starts the bridge
	inner      net.Conn
	inTLS      bool
}

func newRecConn(r *Receiver, raw net.Conn, rec *Connection) *recConn {
	return &recConn{r: r, raw: raw, rec: rec, closed: make(chan struct{})}
}

// Read is go-smtp reading from the client.
func (c *recConn) Read(p []byte) (int, error) {
	if in := c.innerConn(); in != nil {
		return in.Read(p)
	}
	n, err := c.raw.Read(p)
	if n > 0 {
		c.record(transcript.Client, p[:n])
	}
	return n, err
}

// Write is go-smtp replying to the client.
func (c *recConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	first := !c.bannerSent
	c.bannerSent = true
	c.mu.Unlock()
	if first && c.r.cfg.BannerDelay > 0 {
		c.note(fmt.Sprintf("banner delayed by %s (rehearsal)", c.r.cfg.BannerDelay))
		t := time.NewTimer(c.r.cfg.BannerDelay)
		select {
		case <-t.C:
		case <-c.closed:
			t.Stop()
			return 0, net.ErrClosed
		}
	}
	if in := c.innerConn(); in != nil {
		return in.Write(p)
	}
	n, err := c.raw.Write(p)
	if n > 0 {
		c.record(transcript.Server, p[:n])
	}
	if c.takeClose() {
		_ = c.Close()
	}
	return n, err
}

// takeClose reports, once, whether a reply just written was the last one
// (see closeAfterReply).
func (c *recConn) takeClose() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeAfter {
		c.closeAfter = false
		return true
	}
	return false
}

// innerConn returns the go-smtp end of the STARTTLS bridge once it exists,
// starting it on the first I/O after the 220 reply to STARTTLS.
func (c *recConn) innerConn() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tlsPending {
		c.tlsPending = false
		c.startBridgeLocked()
	}
	return c.inner
}

// Close ends the connection; go-smtp calls it when a session ends and
// Receiver.Close calls it to end sessions early.
func (c *recConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		c.mu.Lock()
		if c.inner != nil {
			c.inner.Close()
		}
		c.mu.Unlock()
		err = c.raw.Close()
		c.finish()
	})
	return err
}

func (c *recConn) closeRaw() { _ = c.Close() }

func (c *recConn) LocalAddr() net.Addr  { return c.raw.LocalAddr() }
func (c *recConn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

func (c *recConn) SetDeadline(t time.Time) error {
	if in := c.currentInner(); in != nil {
		return in.SetDeadline(t)
	}
	return c.raw.SetDeadline(t)
}

func (c *recConn) SetReadDeadline(t time.Time) error {
	if in := c.currentInner(); in != nil {
		return in.SetReadDeadline(t)
	}
	return c.raw.SetReadDeadline(t)
}

func (c *recConn) SetWriteDeadline(t time.Time) error {
	if in := c.currentInner(); in != nil {
		return in.SetWriteDeadline(t)
	}
	return c.raw.SetWriteDeadline(t)
}

func (c *recConn) currentInner() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inner
}

// finish records the end of the connection.
func (c *recConn) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cbuf) > 0 {
		c.partialLocked(transcript.Client, c.cbuf)
		c.cbuf = nil
	}
	if c.inData {
		c.addLocked(transcript.Info, nil, fmt.Sprintf("(connection closed before the end of the message; %d lines, %d bytes not shown)", c.hiddenLines, c.hiddenBytes), false)
	}
	if len(c.sbuf) > 0 {
		c.partialLocked(transcript.Server, c.sbuf)
		c.sbuf = nil
	}
	r := c.r
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.live, c)
	c.rec.End = now
	r.emitLocked(Event{Kind: EventDisconnect, Time: now, ConnID: c.rec.ID, Conn: ptr(c.rec.copy())})
	r.trimConnsLocked()
}

// note adds an Info line.
func (c *recConn) note(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(transcript.Info, nil, text, false)
}

// record feeds bytes seen on the wire (or inside TLS) to the line cutter.
func (c *recConn) record(dir transcript.Direction, p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if dir == transcript.Server {
		buf := append(c.sbuf, p...)
		for {
			i := bytes.Index(buf, []byte("\r\n"))
			if i < 0 {
				break
			}
			c.serverLineLocked(buf[:i+2])
			buf = buf[i+2:]
		}
		if len(buf) > maxPartialLine {
			c.partialLocked(transcript.Server, buf)
			buf = nil
		}
		c.sbuf = append([]byte(nil), buf...)
		return
	}
	buf := append(c.cbuf, p...)
	for len(buf) > 0 {
		if c.bdatLeft > 0 {
			n := min(int64(len(buf)), c.bdatLeft)
			c.bdatLeft -= n
			buf = buf[n:]
			if c.bdatLeft == 0 {
				c.addLocked(transcript.Info, nil, fmt.Sprintf("(BDAT chunk of %d bytes, not shown)", c.bdatTotal), false)
			}
			continue
		}
		i := bytes.Index(buf, []byte("\r\n"))
		if i < 0 {
			break
		}
		c.clientLineLocked(buf[:i+2])
		buf = buf[i+2:]
	}
	if len(buf) > maxPartialLine {
		c.partialLocked(transcript.Client, buf)
		buf = nil
	}
	c.cbuf = append([]byte(nil), buf...)
}

// partialLocked records bytes that did not end in CRLF: an overlong line or
// what was left when the connection closed.
func (c *recConn) partialLocked(dir transcript.Direction, buf []byte) {
	switch {
	case dir == transcript.Client && c.maskNext:
		c.addLocked(dir, nil, masked, false)
	case dir == transcript.Client && c.inData:
		// Part of a message: it is in the message record; count it.
		c.hiddenBytes += int64(len(buf))
	default:
		c.addLocked(dir, buf, "", true)
	}
}

// clientLineLocked records one client line (with its CRLF) and follows the
// SMTP state the receiver needs to read the next ones correctly.
func (c *recConn) clientLineLocked(raw []byte) {
	line := raw[:len(raw)-2]
	if c.inData {
		if string(line) == "." {
			c.inData = false
			if c.hiddenLines > 0 {
				c.addLocked(transcript.Info, nil, fmt.Sprintf("(%d more message lines, %d bytes, not shown)", c.hiddenLines, c.hiddenBytes), false)
			}
			c.addLocked(transcript.Client, raw, "", false)
			return
		}
		c.dataLines++
		if c.dataLines > dataLinesShown {
			c.hiddenLines++
			c.hiddenBytes += int64(len(raw))
			return
		}
		c.addLocked(transcript.Client, raw, "", false)
		return
	}
	if c.maskNext || c.saslLeft > 0 {
		// RFC 4954 §4: each line after a 334 challenge is a SASL
		// response, possibly a password; "*" cancels and is harmless.
		c.maskNext = false
		c.saslLeft = max(0, c.saslLeft-1)
		if string(line) != "*" {
			c.addLocked(transcript.Client, nil, masked, false)
			return
		}
		c.saslLeft = 0
	}
	fields := strings.Fields(string(line))
	verb := ""
	if len(fields) > 0 {
		verb = strings.ToUpper(fields[0])
	}
	c.lastVerb = verb
	if verb == "STARTTLS" {
		c.startTLS = true
	}
	switch verb {
	case "AUTH":
		c.saslLeft = saslResponses(fields[1:])
		if len(fields) > 2 {
			// The initial response (RFC 4954 §4) carries the credentials.
			c.addLocked(transcript.Client, nil, "AUTH "+transcript.EscapeString(fields[1])+" "+masked, false)
			return
		}
	case "EHLO", "HELO":
		name := ""
		if len(fields) > 1 {
			name = transcript.EscapeString(fields[1])
		}
		c.r.mu.Lock()
		c.rec.EHLO = name
		c.r.mu.Unlock()
	case "BDAT":
		// Mirror go-smtp's parsing: it reads the chunk exactly when the
		// size parses, even if it then refuses the command.
		if len(fields) == 2 || len(fields) == 3 {
			if n, err := strconv.ParseUint(fields[1], 10, 32); err == nil && n > 0 {
				c.addLocked(transcript.Client, raw, "", false)
				c.bdatLeft, c.bdatTotal = int64(n), int64(n)
				return
			}
		}
	}
	c.addLocked(transcript.Client, raw, "", false)
}

// saslResponses is how many lines follow "AUTH args" as SASL responses for
// the mechanisms the receiver offers (RFC 4616 PLAIN: one, none after an
// initial response; LOGIN: user and password, the user possibly initial).
// Other mechanisms are refused at once and take none.
func saslResponses(args []string) int {
	if len(args) == 0 {
		return 0
	}
	n := 0
	switch strings.ToUpper(args[0]) {
	case "PLAIN":
		n = 1
	case "LOGIN":
		n = 2
	}
	if len(args) > 1 {
		n = max(0, n-1)
	}
	return n
}

// serverLineLocked records one reply line (with its CRLF).
func (c *recConn) serverLineLocked(raw []byte) {
	c.addLocked(transcript.Server, raw, "", false)
	line := raw[:len(raw)-2]
	if len(line) < 4 || line[3] != ' ' {
		return // not the last line of a reply
	}
	code := string(line[:3])
	if code[0] == '4' || code[0] == '5' {
		// STARTTLS refused (454, 501, 502, 503): no bridge comes. A
		// 250 may still answer a command pipelined before it.
		c.startTLS = false
	}
	switch {
	case code == "334":
		c.maskNext = true
	case c.lastVerb == "AUTH":
		// The exchange is over: no more SASL lines come.
		c.maskNext, c.saslLeft = false, 0
	case code == "354" && c.lastVerb == "DATA":
		c.inData = true
		c.dataLines, c.hiddenLines, c.hiddenBytes = 0, 0, 0
	case code == "220" && c.startTLS && c.r.cfg.TLS && c.inner == nil:
		c.tlsPending, c.startTLS = true, false
	}
}

// addLocked appends a transcript entry. raw is the line as on the wire
// (nil for notes and masked lines); text, when set, replaces the escaped raw
// bytes; partial marks bytes that ended without CRLF.
func (c *recConn) addLocked(dir transcript.Direction, raw []byte, text string, partial bool) {
	if text == "" && raw != nil {
		text = transcript.Escape(bytes.TrimSuffix(raw, []byte("\r\n")))
		if partial {
			text += " (no CRLF)"
		}
	}
	now := time.Now()
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := c.rec
	size := int64(len(text) + len(raw))
	if len(rec.Transcript) >= r.cfg.MaxTranscriptLines || rec.TranscriptBytes+size > r.cfg.MaxTranscriptBytes {
		rec.TranscriptDropped++
		return
	}
	rec.TranscriptBytes += size
	r.scripts += size
	e := transcript.Entry{
		Seq:     len(rec.Transcript) + 1,
		Time:    now,
		Elapsed: now.Sub(rec.Start),
		Dir:     dir,
		Text:    text,
		TLS:     c.inTLS,
	}
	e.ElapsedMS = float64(e.Elapsed.Microseconds()) / 1000
	if raw != nil {
		e.Raw = append([]byte(nil), raw...)
	}
	rec.Transcript = append(rec.Transcript, e)
	r.emitLocked(Event{Kind: EventLine, Time: now, ConnID: rec.ID, Entry: &e})
}

// failedAuth counts a failed AUTH on the connection, waits n times delay
// for the n-th, and reports the count; false when the connection closed
// while waiting.
func (c *recConn) failedAuth(delay time.Duration) (int, bool) {
	c.mu.Lock()
	c.authFailures++
	n := c.authFailures
	c.mu.Unlock()
	t := time.NewTimer(delay * time.Duration(n))
	defer t.Stop()
	select {
	case <-t.C:
		return n, true
	case <-c.closed:
		return n, false
	}
}

// closeAfterReply closes the connection once the next reply is on the wire.
func (c *recConn) closeAfterReply() {
	c.mu.Lock()
	c.closeAfter = true
	c.mu.Unlock()
}
