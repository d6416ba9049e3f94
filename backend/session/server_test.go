package session

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"smtpprobe/internal/loopback"
)

// backend is a scriptable go-smtp backend that records what it was told.
type backend struct {
	mu sync.Mutex
	// Scripted answers.
	mailErr  error
	rcptErr  map[string]error // by recipient address
	dataErr  error
	dataHook func(c *smtp.Conn) // runs in Data after the message was read
	// Records.
	events []string // "mail:<from>", "rcpt:<to>", "data"
	mails  []smtp.MailOptions
	rcpts  []smtp.RcptOptions
	datas  [][]byte
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &sess{b: b, c: c}, nil }

func (b *backend) log(ev string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, ev)
}

func (b *backend) Events() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.events...)
}

func (b *backend) Data() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.datas...)
}

type sess struct {
	b *backend
	c *smtp.Conn
}

func (s *sess) Reset()        {}
func (s *sess) Logout() error { return nil }

func (s *sess) Mail(from string, o *smtp.MailOptions) error {
	s.b.log("mail:" + from)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if o != nil {
		s.b.mails = append(s.b.mails, *o)
	}
	return s.b.mailErr
}

func (s *sess) Rcpt(to string, o *smtp.RcptOptions) error {
	s.b.log("rcpt:" + to)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if o != nil {
		s.b.rcpts = append(s.b.rcpts, *o)
	}
	return s.b.rcptErr[to]
}

func (s *sess) Data(r io.Reader) error {
	s.b.log("data")
	d, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.datas = append(s.b.datas, d)
	hook := s.b.dataHook
	s.b.mu.Unlock()
	if hook != nil {
		hook(s.c)
	}
	return s.b.dataErr
}

// tap is a listener that counts connections, records every byte each
// connection received in the order its reads returned them, and can refuse
// sessions at the greeting before go-smtp sees them.
type tap struct {
	net.Listener
	mu       sync.Mutex
	accepted int
	reads    [][]byte // every Read's bytes, all connections
	greeting string   // when set, sent instead of the session, then close
	watches  []watch
}

// watch is a string the test waits for the server to have read.
type watch struct {
	s    string
	from int // the first read that counts
	seen chan struct{}
}

// await returns a channel closed once the server has read s in what it
// reads from now on, on any connection.
func (t *tap) await(s string) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := watch{s: s, from: len(t.reads), seen: make(chan struct{})}
	t.watches = append(t.watches, w)
	return w.seen
}

func (t *tap) Accept() (net.Conn, error) {
	for {
		c, err := t.Listener.Accept()
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		t.accepted++
		g := t.greeting
		t.mu.Unlock()
		if g != "" {
			_, _ = c.Write([]byte(g))
			if strings.HasPrefix(g, "554") {
				// Like a real server after a 554 greeting: answer QUIT
				// (RFC 5321 §3.1).
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				if l, err := bufio.NewReader(c).ReadString('\n'); err == nil && strings.EqualFold(strings.TrimSpace(l), "QUIT") {
					_, _ = c.Write([]byte("221 bye\r\n"))
				}
			}
			_ = c.Close()
			continue
		}
		return &tapConn{Conn: c, t: t}, nil
	}
}

func (t *tap) setGreeting(g string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.greeting = g
}

func (t *tap) Accepted() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.accepted
}

// Received returns everything the server read, all connections together.
func (t *tap) Received() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.Join(t.reads, nil))
}

// Reads returns each read separately.
func (t *tap) Reads() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, len(t.reads))
	for i, r := range t.reads {
		out[i] = string(r)
	}
	return out
}

// check closes the channels of the watches whose string has been read.
// Called with mu held.
func (t *tap) check() {
	if len(t.watches) == 0 {
		return
	}
	kept := t.watches[:0]
	for _, w := range t.watches {
		if bytes.Contains(bytes.Join(t.reads[w.from:], nil), []byte(w.s)) {
			close(w.seen)
			continue
		}
		kept = append(kept, w)
	}
	t.watches = kept
}

type tapConn struct {
	net.Conn
	t *tap
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.t.mu.Lock()
		c.t.reads = append(c.t.reads, append([]byte(nil), p[:n]...))
		c.t.check()
		c.t.mu.Unlock()
	}
	return n, err
}

// testServer is a real go-smtp server on loopback.
type testServer struct {
	*backend
	srv  *smtp.Server
	tap  *tap
	Addr string
	// auth is the AUTH backend when the server offers AUTH.
	auth *authBackend
}

// startServer starts a go-smtp server on ip:port ("127.0.0.1:0" for any
// port) with the backend; configure adjusts the server before it starts.
func startServerAt(t testing.TB, hostport string, configure func(*smtp.Server)) *testServer {
	t.Helper()
	be := &backend{rcptErr: map[string]error{}}
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 1 << 20
	if configure != nil {
		configure(srv)
	}
	ln, err := net.Listen("tcp", hostport)
	if err != nil {
		t.Fatalf("listen %s: %v", hostport, err)
	}
	tp := &tap{Listener: ln}
	go func() { _ = srv.Serve(tp) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &testServer{backend: be, srv: srv, tap: tp, Addr: ln.Addr().String()}
}

func startServer(t testing.TB, configure func(*smtp.Server)) *testServer {
	t.Helper()
	return startServerAt(t, "127.0.0.1:0", configure)
}

// rawServer runs handle for each connection on a plain loopback listener,
// for server behaviour go-smtp cannot produce (broken replies, silence,
// no EHLO).
func rawServer(t testing.TB, handle func(c net.Conn, r *bufio.Reader)) string {
	t.Helper()
	return loopback.Listen(t, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		handle(c, bufio.NewReader(c))
	})
}
