package smtpwire

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Command is one command line to send.
type Command struct {
	// Line is the command without its CRLF; Conn adds it.
	Line string
	// Masked, when not empty, is shown in the transcript instead of Line and
	// the raw bytes are not kept: for secrets such as AUTH responses.
	Masked string
}

// Conn is a client connection that records every line it reads and writes.
// Reads and writes each carry a deadline. Close may be called from any
// goroutine (e.g. when a context is cancelled) and makes any blocked read or
// write return at once; the other methods are for one goroutine.
type Conn struct {
	nc  net.Conn
	rr  *ReplyReader
	rec *Recorder
	tls bool
	out bytes.Buffer // the next flight, see Queue
	// pending are the transcript lines of the next flight, recorded only
	// once their bytes are written, so the transcript never shows as sent
	// what a stuck server never took.
	pending []pendingLine

	closeOnce sync.Once
	closeErr  error
	closedMu  sync.Mutex
	closed    bool
}

// pendingLine is a queued line: its text for the transcript, its raw bytes
// (nil when masked), and where it ends in the flight.
type pendingLine struct {
	text string
	raw  []byte
	end  int
}

// NewConn wraps nc; every line goes to rec.
func NewConn(nc net.Conn, rec *Recorder) *Conn {
	c := &Conn{nc: nc, rec: rec}
	c.rr = NewReplyReader(nc)
	c.rr.OnLine = c.recordRead
	return c
}

func (c *Conn) recordRead(raw []byte) {
	text := bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte("\n")), []byte("\r"))
	c.rec.Add(transcript.Server, transcript.Escape(text), raw, c.tls)
}

// Recorder returns the recorder of the connection.
func (c *Conn) Recorder() *Recorder { return c.rec }

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// RemoteAddr returns the remote network address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// TLS reports whether the connection has been switched to TLS.
func (c *Conn) TLS() bool { return c.tls }

// NetConn returns the current underlying connection (the TLS connection after
// UpgradeTLS), e.g. to read its TLS state.
func (c *Conn) NetConn() net.Conn { return c.nc }

// ReadReply reads one reply, which must arrive completely within timeout
// (no deadline when timeout <= 0): a server that drips an endless reply is cut
// off like a silent one.
func (c *Conn) ReadReply(timeout time.Duration) (Reply, error) {
	if err := c.nc.SetReadDeadline(deadline(timeout)); err != nil {
		return Reply{}, fmt.Errorf("setting read deadline: %w", err)
	}
	r, err := c.rr.ReadReply()
	if err != nil {
		return Reply{}, fmt.Errorf("reading reply: %w", err)
	}
	return r, nil
}

// Queue adds commands to the next flight without sending them: RFC 2920
// pipelining sends several commands (and message data) in one write and
// then reads the replies in order. Each command is checked first: a CR, LF
// or NUL inside a line would let it smuggle another command, so such a
// command is refused and nothing of this call is queued. Lines are recorded
// in the transcript by Flush, once their bytes are written.
func (c *Conn) Queue(cmds ...Command) error {
	for _, cmd := range cmds {
		if i := strings.IndexAny(cmd.Line, "\r\n\x00"); i >= 0 {
			return &ProtocolError{Rule: "RFC 5321 §2.3.8", Reason: lang.Text{
				EN: "refusing to send a command with CR, LF or NUL inside it",
				ES: "no se envía un comando que contiene CR, LF o NUL",
			}, Line: transcript.EscapeString(cmd.Line)}
		}
	}
	for _, cmd := range cmds {
		c.out.WriteString(cmd.Line)
		c.out.WriteString("\r\n")
		if cmd.Masked != "" {
			c.pending = append(c.pending, pendingLine{text: transcript.EscapeString(cmd.Masked), end: c.out.Len()})
		} else {
			c.pending = append(c.pending, pendingLine{text: transcript.EscapeString(cmd.Line), raw: []byte(cmd.Line + "\r\n"), end: c.out.Len()})
		}
	}
	return nil
}

// QueueData adds message data already prepared for the wire (dot-stuffed
// with its final dot for DATA, or a BDAT chunk) to the next flight. Each
// line becomes a transcript entry; a last line without CRLF (possible within
// a BDAT chunk) is recorded as it is.
func (c *Conn) QueueData(p []byte) {
	for rest := p; len(rest) > 0; {
		i := bytes.Index(rest, []byte("\r\n"))
		var line []byte
		if i < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:i+2], rest[i+2:]
		}
		c.out.Write(line)
		c.pending = append(c.pending, pendingLine{
			text: transcript.Escape(bytes.TrimSuffix(line, []byte("\r\n"))), raw: line, end: c.out.Len(),
		})
	}
}

// DataBlock is the size of the blocks Flush writes, each with its own
// deadline.
const DataBlock = 64 << 10

// Flush sends everything queued, in blocks of DataBlock bytes, each of
// which must be written within timeout (RFC 5321 §4.5.3.2.5: a slow but
// moving transfer is fine, a stuck one is not). The queue is emptied even
// when the write fails.
func (c *Conn) Flush(timeout time.Duration) error {
	p := c.out.Bytes()
	pending := c.pending
	defer func() {
		c.out.Reset()
		c.pending = c.pending[:0]
	}()
	if n := c.rr.Buffered(); n > 0 {
		// A reply already waiting would be taken as the answer to what we
		// are about to send: a server could fake "250 queued" this way.
		// Record what it sent, then refuse to go on.
		extra, _ := c.rr.br.Peek(n)
		c.recordRead(extra)
		return &ProtocolError{Rule: "RFC 5321 §4.2", Reason: lang.Text{
			EN: "the server sent a reply before the command it would answer was sent",
			ES: "el servidor envió una respuesta antes de que se enviara el comando al que respondería",
		}, Line: transcript.Escape(extra)}
	}
	written := 0
	for len(p) > 0 {
		n := min(len(p), DataBlock)
		if err := c.write(p[:n], timeout); err != nil {
			return err
		}
		p = p[n:]
		written += n
		// Lines enter the transcript once all their bytes went out.
		for len(pending) > 0 && pending[0].end <= written {
			c.rec.Add(transcript.Client, pending[0].text, pending[0].raw, c.tls)
			pending = pending[1:]
		}
	}
	return nil
}

// Buffered returns how many bytes the server sent that no reply read has
// consumed yet. Before a command is sent it must be zero: anything else is a
// reply to a command not yet sent (RFC 5321 §4.2: replies answer commands),
// which a hostile or broken server can use to fake an acceptance.
func (c *Conn) Buffered() int { return c.rr.Buffered() }

// WriteCommands queues the commands and flushes them in one write.
func (c *Conn) WriteCommands(timeout time.Duration, cmds ...Command) error {
	if err := c.Queue(cmds...); err != nil {
		return err
	}
	return c.Flush(timeout)
}

// WriteData queues p (see QueueData) and flushes it.
func (c *Conn) WriteData(p []byte, timeout time.Duration) error {
	c.QueueData(p)
	return c.Flush(timeout)
}

func (c *Conn) write(p []byte, timeout time.Duration) error {
	if err := c.nc.SetWriteDeadline(deadline(timeout)); err != nil {
		return fmt.Errorf("setting write deadline: %w", err)
	}
	if _, err := c.nc.Write(p); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	return nil
}

// ErrBufferedAfterUpgrade reports data the server sent after its reply to
// STARTTLS and before the handshake: it may be an injection (CVE-2011-0411).
var ErrBufferedAfterUpgrade = errors.New("server sent data before the TLS handshake")

// DiscardBuffered drops, and returns, whatever the server sent that no
// reply read has consumed. After the 220 to STARTTLS such bytes arrived in
// plaintext yet would be read as if they had come over TLS (the STARTTLS
// command injection, CVE-2011-0411): RFC 3207 §4.2 says the client must
// forget anything learnt before the handshake, so they are thrown away
// rather than parsed. At most max bytes are returned for display; all are
// dropped.
func (c *Conn) DiscardBuffered(max int) (shown []byte, n int) {
	n = c.rr.Buffered()
	if n == 0 {
		return nil, 0
	}
	b, _ := c.rr.br.Peek(n)
	shown = append([]byte(nil), b[:min(n, max)]...)
	_, _ = c.rr.br.Discard(n)
	return shown, n
}

// UpgradeTLS switches the connection to TLS: upgrade receives the plain
// connection and returns the secured one (performing the handshake). Lines
// after it are recorded with the TLS flag. It fails without calling upgrade
// when bytes are already buffered from the plain connection.
func (c *Conn) UpgradeTLS(upgrade func(net.Conn) (net.Conn, error)) error {
	if n := c.rr.Buffered(); n > 0 {
		return fmt.Errorf("%w (%d bytes)", ErrBufferedAfterUpgrade, n)
	}
	tc, err := upgrade(c.nc)
	if err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	c.closedMu.Lock()
	closed := c.closed
	c.nc = tc
	c.closedMu.Unlock()
	if closed {
		_ = tc.Close()
		return net.ErrClosed
	}
	c.rr.Reset(tc)
	c.tls = true
	return nil
}

// Close closes the connection. It is safe to call more than once and from
// any goroutine.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closedMu.Lock()
		c.closed = true
		nc := c.nc
		c.closedMu.Unlock()
		c.closeErr = nc.Close()
	})
	return c.closeErr
}

func deadline(timeout time.Duration) time.Time {
	if timeout <= 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}
