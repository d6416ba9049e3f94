// Package scriptserver is a TCP server for tests that plays byte-exact
// scripts against a client: send these bytes, wait, expect a command, close
// half-way through a reply, stop reading, reset the connection. It exists to
// point SMTP Probe at servers that break the protocol on purpose, which a
// real SMTP server library will not do.
//
// A Server listens on 127.0.0.1:0 and plays the same script on every
// connection it accepts. It records everything each client sent and how many
// connections were accepted, so a test can assert that invalid input never
// reached the network ("the server sees no connection at all"):
//
//	srv := scriptserver.Start(t,
//		scriptserver.Send("220 mx.test ESMTP\r\n"),
//		scriptserver.Expect("EHLO "),
//		scriptserver.Send("250 mx.test\r\n"),
//		scriptserver.Expect("QUIT"),
//		scriptserver.Send("221 bye\r\n"),
//	)
//	... run the client against srv.Addr() ...
//	if err := srv.Wait(5 * time.Second); err != nil { t.Fatal(err) }
//
// Every blocking step ends when the Server closes (tb.Cleanup closes it), and
// every read has a deadline (DefaultReadTimeout), so a script can never hang a
// test.
package scriptserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultReadTimeout bounds each read of a script step, so that a client
// that never sends what the script expects fails the script instead of
// hanging the test.
const DefaultReadTimeout = 10 * time.Second

// maxLine bounds a line read by Expect: a client flooding the server must
// not make the test itself use unbounded memory.
const maxLine = 1 << 20

// Step is one action of a script. Build steps with the functions of this
// package (Send, Expect, Close...).
type Step struct {
	name string
	run  func(*Conn) error
}

// String names the step for error messages.
func (s Step) String() string { return s.name }

// Run runs the step on c, so that a Func step can reuse the others.
func (s Step) Run(c *Conn) error { return s.run(c) }

// Func returns a step that runs f, for actions the package does not offer.
// name appears in script errors.
func Func(name string, f func(*Conn) error) Step { return Step{name: name, run: f} }

// Server accepts connections on a loopback port and plays its script on
// each one.
type Server struct {
	ln     net.Listener
	script []Step
	quit   chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	accepted int
	conns    []*Conn
	errs     []error
	finished int
	changed  chan struct{} // closed and replaced on every state change
	closed   bool
}

// Start listens on 127.0.0.1:0 and plays script on every accepted
// connection. The server is closed by tb.Cleanup.
func Start(tb testing.TB, script ...Step) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("scriptserver: listening: %v", err)
	}
	s := &Server{ln: ln, script: script, quit: make(chan struct{}), changed: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	tb.Cleanup(s.Close)
	return s
}

// Addr returns the "127.0.0.1:port" the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port returns the port the server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Accepted returns how many connections were accepted so far.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Received returns everything the clients sent so far, in the order of the
// connections, as read from the wire (after TLS, the decrypted bytes).
func (s *Server) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b []byte
	for _, c := range s.conns {
		b = append(b, c.received()...)
	}
	return b
}

// Err returns the script errors so far (an Expect that did not match, a
// write that failed...), joined, or nil.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

// Wait waits until the script has finished on every accepted connection and
// at least one connection was accepted, or timeout passes, and returns the
// script errors. It does not close the server.
func (s *Server) Wait(timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		ready := s.accepted > 0 && s.finished == s.accepted
		ch := s.changed
		s.mu.Unlock()
		if ready {
			return s.Err()
		}
		select {
		case <-ch:
		case <-t.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			return fmt.Errorf("scriptserver: script still running after %s (%d accepted, %d finished): %w",
				timeout, s.accepted, s.finished, errors.Join(s.errs...))
		}
	}
}

// Close stops accepting, closes every connection (ending any step that
// blocks) and waits for the scripts to return. It is safe to call twice.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.quit)
	conns := append([]*Conn(nil), s.conns...)
	s.mu.Unlock()
	_ = s.ln.Close()
	for _, c := range conns {
		_ = c.Close()
	}
	s.wg.Wait()
}

func (s *Server) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &Conn{nc: nc, raw: nc, quit: s.quit, ReadTimeout: DefaultReadTimeout}
		c.br = bufio.NewReader(readerFunc(c.read))
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.accepted++
		s.conns = append(s.conns, c)
		s.signal()
		s.mu.Unlock()
		s.wg.Add(1)
		go s.play(c)
	}
}

// play runs the script on c and closes c when the script ends: a script that
// wants the connection kept open ends with a blocking step (StopReading,
// Sleep).
func (s *Server) play(c *Conn) {
	defer s.wg.Done()
	var err error
	for k, st := range s.script {
		if err = st.run(c); err != nil {
			err = fmt.Errorf("scriptserver: step %d (%s): %w", k+1, st.name, err)
			break
		}
	}
	_ = c.Close()
	s.mu.Lock()
	if err != nil {
		s.errs = append(s.errs, err)
	}
	s.finished++
	s.signal()
	s.mu.Unlock()
}

// Conn is one accepted connection, as seen by a script step.
type Conn struct {
	nc   net.Conn // the current conn: TCP, or TLS after StartTLS
	raw  net.Conn // the TCP conn
	br   *bufio.Reader
	quit chan struct{}

	// ReadTimeout bounds each read (DefaultReadTimeout).
	ReadTimeout time.Duration

	mu   sync.Mutex
	recv []byte
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// read reads from the current conn with the read deadline, recording what
// the client sent.
func (c *Conn) read(p []byte) (int, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(c.ReadTimeout))
	n, err := c.nc.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.recv = append(c.recv, p[:n]...)
		c.mu.Unlock()
	}
	return n, err
}

func (c *Conn) received() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.recv...)
}

// NetConn returns the current connection (TLS after StartTLS).
func (c *Conn) NetConn() net.Conn { return c.nc }

// ReadLine reads one line from the client, CRLF included, up to 1 MiB.
func (c *Conn) ReadLine() ([]byte, error) {
	var line []byte
	for {
		part, err := c.br.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxLine {
			return line, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, err
	}
}

// Write writes p to the client.
func (c *Conn) Write(p []byte) (int, error) {
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.ReadTimeout))
	return c.nc.Write(p)
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// wait sleeps for d, returning early with an error when the server closes.
func (c *Conn) wait(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-c.quit:
		return errServerClosed
	}
}

var errServerClosed = errors.New("server closed")

// Send writes b to the client at once.
func Send(b string) Step { return SendBytes([]byte(b)) }

// SendBytes writes b to the client at once.
func SendBytes(b []byte) Step {
	return Step{name: "send " + quote(b), run: func(c *Conn) error {
		if _, err := c.Write(b); err != nil {
			return fmt.Errorf("writing: %w", err)
		}
		return nil
	}}
}

// SendSlowly writes b one byte at a time, waiting interval before each byte,
// the way a tarpitting server does. It ends early, without error, when the
// client goes away or the server closes: a slow server being abandoned is
// the point.
func SendSlowly(b []byte, interval time.Duration) Step {
	return Step{name: "send slowly " + quote(b), run: func(c *Conn) error {
		for k := range b {
			if c.wait(interval) != nil {
				return nil
			}
			if _, err := c.Write(b[k : k+1]); err != nil {
				return nil
			}
		}
		return nil
	}}
}

// SendForever writes line again and again at full speed until the client
// stops reading or goes away, or the server closes. It never fails.
func SendForever(line string) Step {
	return Step{name: "send forever " + quote([]byte(line)), run: func(c *Conn) error {
		// Many lines per write, so the flood is limited by the client, not
		// by system calls.
		chunk := bytes.Repeat([]byte(line), max(1, 32<<10/max(1, len(line))))
		for {
			select {
			case <-c.quit:
				return nil
			default:
			}
			// A short deadline: a client that stopped reading must not keep
			// this step blocked past the test.
			_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := c.nc.Write(chunk); err != nil {
				return nil
			}
		}
	}}
}

// Expect reads one line from the client and fails the script unless it
// starts with prefix (byte-exact, case-sensitive).
func Expect(prefix string) Step {
	return Step{name: "expect " + strconv.Quote(prefix), run: func(c *Conn) error {
		line, err := c.ReadLine()
		if err != nil {
			return fmt.Errorf("reading a line (got %s): %w", quote(line), err)
		}
		if !bytes.HasPrefix(line, []byte(prefix)) {
			return fmt.Errorf("got %s, want a line starting with %q", quote(line), prefix)
		}
		return nil
	}}
}

// ExpectData reads message data up to and including the terminating
// CRLF.CRLF (RFC 5321 §4.1.1.4).
func ExpectData() Step {
	return Step{name: "expect data", run: func(c *Conn) error {
		prev := []byte("\r\n") // DATA ended with CRLF, so "." first is the end
		for {
			line, err := c.ReadLine()
			if err != nil {
				return fmt.Errorf("reading message data: %w", err)
			}
			if bytes.Equal(line, []byte(".\r\n")) && bytes.HasSuffix(prev, []byte("\r\n")) {
				return nil
			}
			prev = line
		}
	}}
}

// ReadBytes reads exactly n bytes from the client (a BDAT chunk, or part of
// a message when the script means to cut it short).
func ReadBytes(n int) Step {
	return Step{name: "read " + strconv.Itoa(n) + " bytes", run: func(c *Conn) error {
		if _, err := io.CopyN(io.Discard, c.br, int64(n)); err != nil {
			return fmt.Errorf("reading %d bytes: %w", n, err)
		}
		return nil
	}}
}

// ExpectEOF reads until the client closes its side, and fails the script
// when that does not happen within the read timeout.
func ExpectEOF() Step {
	return Step{name: "expect EOF", run: func(c *Conn) error {
		_, err := io.Copy(io.Discard, c.br)
		if err != nil && !isClosed(err) {
			return fmt.Errorf("waiting for the client to close: %w", err)
		}
		return nil
	}}
}

// Sleep waits d (ending early when the server closes).
func Sleep(d time.Duration) Step {
	return Step{name: "sleep " + d.String(), run: func(c *Conn) error {
		_ = c.wait(d)
		return nil
	}}
}

// Close closes the connection.
func Close() Step {
	return Step{name: "close", run: func(c *Conn) error { return c.Close() }}
}

// CloseWrite half-closes the connection: the client reads EOF, but the
// server could still read (TCP FIN, RFC 9293 §3.6).
func CloseWrite() Step {
	return Step{name: "close write", run: func(c *Conn) error {
		tc, ok := c.raw.(*net.TCPConn)
		if !ok {
			return errors.New("not a TCP connection")
		}
		return tc.CloseWrite()
	}}
}

// Reset aborts the connection: SO_LINGER 0 then close sends a TCP RST, so
// the client sees "connection reset by peer".
func Reset() Step {
	return Step{name: "reset", run: func(c *Conn) error {
		tc, ok := c.raw.(*net.TCPConn)
		if !ok {
			return errors.New("not a TCP connection")
		}
		if err := tc.SetLinger(0); err != nil {
			return fmt.Errorf("setting SO_LINGER 0: %w", err)
		}
		return tc.Close()
	}}
}

// StopReading keeps the connection open and never reads from it again, until
// the server closes. The receive buffer is shrunk first, so a client that
// writes soon finds its writes blocked and its write deadline fires.
func StopReading() Step {
	return Step{name: "stop reading", run: func(c *Conn) error {
		if tc, ok := c.raw.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		<-c.quit
		return nil
	}}
}

// StartTLS switches the connection to TLS as a server with cert (the bytes
// of the 220 reply must have been sent by an earlier step). The handshake
// error, if any, fails the script: a test that expects the client to abort
// the handshake checks the client side instead.
func StartTLS(cert tls.Certificate) Step {
	return Step{name: "start TLS", run: func(c *Conn) error {
		if n := c.br.Buffered(); n > 0 {
			// The client pipelined bytes after STARTTLS: in a real server
			// that is the command injection flaw (CVE-2011-0411).
			return fmt.Errorf("%d plaintext bytes buffered after STARTTLS", n)
		}
		tc := tls.Server(c.raw, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		_ = tc.SetDeadline(time.Now().Add(c.ReadTimeout))
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		_ = tc.SetDeadline(time.Time{})
		c.nc = tc
		c.br.Reset(readerFunc(c.read))
		return nil
	}}
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET)
}

// quote shows bytes in a step name or an error, shortened.
func quote(b []byte) string {
	if len(b) > 60 {
		return strconv.Quote(string(b[:60])) + "..."
	}
	return strconv.Quote(string(b))
}
