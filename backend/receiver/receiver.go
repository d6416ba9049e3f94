// Package receiver is SMTP Probe's built-in SMTP server, built on
// github.com/emersion/go-smtp. Admins use it to check that mail can reach a
// machine at all, to rehearse failures (rejected recipients, greylisting,
// required authentication, a slow banner) and to work offline; the app's
// demo and end-to-end tests send to it.
//
// Every connection is recorded with a direction-tagged transcript and every
// accepted message with its envelope, header and body, in memory within
// caps and optionally as .eml files.
package receiver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/transcript"
)

// Defaults for the zero values of Config.
const (
	DefaultAddr               = "127.0.0.1:2525"
	DefaultDomain             = "smtpprobe.localhost"
	DefaultMaxMessageBytes    = 10 << 20
	DefaultMaxRecipients      = 100
	DefaultMaxOpen            = 200
	DefaultMaxConnections     = 1000
	DefaultMaxMessages        = 500
	DefaultMaxStoredBytes     = 256 << 20
	DefaultMaxTranscriptLines = 2000
	DefaultMaxTranscriptBytes = 1 << 20
	DefaultMaxTranscriptTotal = 64 << 20
	DefaultMaxSaveBytes       = 1 << 30
	DefaultReadTimeout        = 5 * time.Minute
	DefaultWriteTimeout       = time.Minute
	DefaultAuthFailureDelay   = time.Second
	DefaultMaxAuthFailures    = 3
	// eventQueueSize bounds the events waiting for OnEvent; beyond it
	// events are dropped and counted rather than slowing SMTP sessions.
	eventQueueSize = 10000
)

// Config configures a Receiver. The zero value listens on DefaultAddr and
// accepts everything.
type Config struct {
	// Addr is HOST:PORT to listen on; port 0 picks a free port.
	Addr string
	// Domain is the host name in the 220 banner and EHLO reply.
	Domain string

	// TLS offers STARTTLS (RFC 3207) with a self-signed certificate
	// generated at Start for TLSName (Domain when empty).
	TLS     bool
	TLSName string

	// AuthUser and AuthPassword, when both set, enable AUTH PLAIN
	// (RFC 4616) and AUTH LOGIN. AUTH is offered only inside TLS unless
	// AllowInsecureAuth is set.
	AuthUser          string
	AuthPassword      string
	AllowInsecureAuth bool
	// AuthFailureDelay holds back the reply to each failed AUTH, n times
	// over for the n-th failure of a connection, and MaxAuthFailures
	// failures end the connection with 421 4.7.0: together they keep a
	// client from trying thousands of passwords a second.
	AuthFailureDelay time.Duration
	MaxAuthFailures  int

	// MaxMessageBytes is the SIZE limit (RFC 1870); larger messages get
	// 552 5.3.4. MaxRecipients limits RCPT TO per message (452 4.5.3).
	MaxMessageBytes int64
	MaxRecipients   int
	// MaxOpen is how many connections may be open at once; more are
	// answered 421 4.7.0 and closed.
	MaxOpen int

	// Caps on the in-memory records; the oldest are dropped first.
	MaxConnections     int
	MaxMessages        int
	MaxStoredBytes     int64
	MaxTranscriptLines int
	// MaxTranscriptBytes caps one connection's transcript (text and raw
	// bytes); MaxTranscriptTotalBytes all kept transcripts, the oldest
	// closed connections dropped first.
	MaxTranscriptBytes      int64
	MaxTranscriptTotalBytes int64
	// MaxSaveBytes caps what SaveDir receives in this run; a message that
	// would pass it is refused with 452 4.3.1 rather than fill the disk.
	MaxSaveBytes int64

	// SaveDir, when set, receives each accepted message as an .eml file.
	// It must exist.
	SaveDir string

	// Rehearsal behaviours.
	//
	// RejectRcpt refuses matching recipients with 550 5.1.1.
	RejectRcpt *regexp.Regexp
	// Greylist answers 451 4.7.1 to the first RCPT of each sender and
	// recipient pair and accepts it once retried GreylistDelay or more
	// later.
	Greylist      bool
	GreylistDelay time.Duration
	// RequireAuth refuses MAIL FROM with 530 5.7.0 until the client has
	// authenticated; it needs AuthUser and AuthPassword.
	RequireAuth bool
	// BannerDelay holds the 220 banner back, as slow or tarpitting servers
	// do.
	BannerDelay time.Duration

	// ReadTimeout and WriteTimeout bound each command read and reply write
	// (RFC 5321 §4.5.3.2); DATA must complete within ReadTimeout.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// OnEvent, when set, receives events in order from a single goroutine,
	// so it may block briefly but not call Close. Events that do not fit in
	// the queue are dropped and counted in Stats.DroppedEvents.
	OnEvent func(Event)
}

// withDefaults fills zero values and checks the combination.
func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Domain == "" {
		c.Domain = DefaultDomain
	}
	if err := checkName(c.Domain); err != nil {
		return c, fmt.Errorf("receiver: domain: %w", err)
	}
	if c.TLSName == "" {
		c.TLSName = c.Domain
	}
	if err := checkName(c.TLSName); err != nil {
		return c, fmt.Errorf("receiver: TLS name: %w", err)
	}
	if (c.AuthUser == "") != (c.AuthPassword == "") {
		return c, errors.New("receiver: AUTH needs both a user and a password")
	}
	if c.RequireAuth && c.AuthUser == "" {
		return c, errors.New("receiver: RequireAuth needs AuthUser and AuthPassword")
	}
	if c.RequireAuth && !c.TLS && !c.AllowInsecureAuth {
		return c, errors.New("receiver: RequireAuth without TLS needs AllowInsecureAuth, or no client could ever authenticate")
	}
	if c.SaveDir != "" {
		fi, err := os.Stat(c.SaveDir)
		if err != nil {
			return c, fmt.Errorf("receiver: save folder: %w", err)
		}
		if !fi.IsDir() {
			return c, fmt.Errorf("receiver: save folder %s is not a folder", c.SaveDir)
		}
	}
	for _, d := range []*time.Duration{&c.GreylistDelay, &c.BannerDelay, &c.ReadTimeout, &c.WriteTimeout, &c.AuthFailureDelay} {
		if *d < 0 {
			return c, errors.New("receiver: durations must not be negative")
		}
	}
	setDefault(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	setDefault(&c.MaxRecipients, DefaultMaxRecipients)
	setDefault(&c.MaxOpen, DefaultMaxOpen)
	setDefault(&c.MaxConnections, DefaultMaxConnections)
	setDefault(&c.MaxMessages, DefaultMaxMessages)
	setDefault(&c.MaxStoredBytes, DefaultMaxStoredBytes)
	setDefault(&c.MaxTranscriptLines, DefaultMaxTranscriptLines)
	setDefault(&c.MaxTranscriptBytes, DefaultMaxTranscriptBytes)
	setDefault(&c.MaxTranscriptTotalBytes, DefaultMaxTranscriptTotal)
	setDefault(&c.MaxSaveBytes, DefaultMaxSaveBytes)
	setDefault(&c.ReadTimeout, DefaultReadTimeout)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	setDefault(&c.AuthFailureDelay, DefaultAuthFailureDelay)
	setDefault(&c.MaxAuthFailures, DefaultMaxAuthFailures)
	return c, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// checkName accepts a host name or address literal safe to put in a banner
// and a certificate: printable ASCII without spaces, as it goes on the wire.
func checkName(s string) error {
	if len(s) > 255 {
		return fmt.Errorf("%q is longer than 255 characters", s[:32]+"...")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7F {
			return fmt.Errorf("%q contains a space, control or non-ASCII character", s)
		}
	}
	return nil
}

// Receiver is a running SMTP server with its records. All methods are safe
// for concurrent use.
type Receiver struct {
	cfg      Config
	server   *smtp.Server
	cert     tls.Certificate
	leaf     *x509.Certificate
	outerTLS *tls.Config
	innerTLS *tls.Config // client side of the in-process STARTTLS bridge

	ln      net.Listener
	serveWG sync.WaitGroup // the accept loop
	connWG  sync.WaitGroup // per-connection helpers (bridges, timers)

	mu         sync.Mutex
	started    bool
	closing    bool
	live       map[*recConn]struct{}
	conns      []*Connection // oldest first; open ones are updated in place
	messages   []*Message    // oldest first
	stored     int64         // bytes of Raw held in messages
	scripts    int64         // transcript bytes held in conns
	saved      int64         // bytes written (or reserved) in SaveDir
	greylist   map[string]time.Time
	stats      Stats
	nextConnID int64
	nextMsgID  int64

	events     []Event
	eventsStop bool
	eventWake  chan struct{}
	eventsDone chan struct{}
	closeOnce  sync.Once
	closeErr   error
}

// New checks cfg and prepares a receiver; Start makes it listen.
func New(cfg Config) (*Receiver, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Receiver{
		cfg:        cfg,
		live:       make(map[*recConn]struct{}),
		greylist:   make(map[string]time.Time),
		eventWake:  make(chan struct{}, 1),
		eventsDone: make(chan struct{}),
	}
	if cfg.TLS {
		r.cert, r.leaf, err = newSelfSigned(cfg.TLSName, time.Now())
		if err != nil {
			return nil, fmt.Errorf("receiver: %w", err)
		}
		// TLS 1.2 is the floor: older versions are disabled in Go's
		// server and in current Exchange and Windows defaults.
		r.outerTLS = &tls.Config{Certificates: []tls.Certificate{r.cert}, MinVersion: tls.VersionTLS12}
		pool := x509.NewCertPool()
		pool.AddCert(r.leaf)
		// The in-process bridge (see bridge.go) verifies the same
		// certificate like any client would, so no verification is skipped.
		r.innerTLS = &tls.Config{RootCAs: pool, ServerName: strings.Trim(cfg.TLSName, "[]"), MinVersion: tls.VersionTLS13}
	}
	return r, nil
}

// Start listens and serves in the background. It returns once the socket is
// open, so Addr reports the real port when port 0 was asked for. ctx bounds
// only the start; call Close to stop. A failure to listen is a *ListenError.
func (r *Receiver) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started || r.closing {
		r.mu.Unlock()
		return errors.New("receiver: Start called twice or after Close")
	}
	r.started = true
	r.mu.Unlock()

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", r.cfg.Addr)
	if err != nil {
		return &ListenError{Addr: r.cfg.Addr, Reason: classifyListenError(err), Err: err}
	}

	s := smtp.NewServer(backend{r})
	s.Domain = r.cfg.Domain
	s.MaxMessageBytes = r.cfg.MaxMessageBytes
	s.MaxRecipients = r.cfg.MaxRecipients
	s.ReadTimeout = r.cfg.ReadTimeout
	s.WriteTimeout = r.cfg.WriteTimeout
	s.AllowInsecureAuth = r.cfg.AllowInsecureAuth
	// The seed procedure sends RCPT ... NOTIFY=success,failure, and
	// international addresses must reach the receiver to be tested.
	s.EnableDSN = true
	s.EnableSMTPUTF8 = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	if r.cfg.TLS {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{r.cert}, MinVersion: tls.VersionTLS13}
	}

	r.mu.Lock()
	if r.closing {
		// Close ran while we were opening the socket.
		r.mu.Unlock()
		ln.Close()
		return errors.New("receiver: closed during Start")
	}
	r.ln, r.server = ln, s
	r.serveWG.Add(1)
	r.mu.Unlock()

	go r.dispatch()
	go func() {
		defer r.serveWG.Done()
		// Serve returns when the listener closes, which only Close does.
		_ = s.Serve(&listener{Listener: ln, r: r})
	}()
	return nil
}

// Addr is the address the receiver listens on (nil before Start).
func (r *Receiver) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln == nil {
		return nil
	}
	return r.ln.Addr()
}

// Config returns the configuration in use, defaults filled in.
func (r *Receiver) Config() Config { return r.cfg }

// Certificate is the generated STARTTLS certificate, nil without TLS.
func (r *Receiver) Certificate() *x509.Certificate { return r.leaf }

// CertificateFingerprint is the certificate's SHA-256 in Fingerprint form,
// empty without TLS.
func (r *Receiver) CertificateFingerprint() string {
	if r.leaf == nil {
		return ""
	}
	return Fingerprint(r.leaf.Raw)
}

// Close stops listening, closes every open connection and waits for their
// goroutines and for pending events to be delivered. It is safe to call
// more than once.
func (r *Receiver) Close() error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closing = true
		ln, server := r.ln, r.server
		live := make([]*recConn, 0, len(r.live))
		for c := range r.live {
			live = append(live, c)
		}
		r.mu.Unlock()
		if server == nil {
			close(r.eventsDone)
			return
		}
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			r.closeErr = fmt.Errorf("receiver: close listener: %w", err)
		}
		r.serveWG.Wait()
		// Closing the sockets underneath go-smtp makes every session's
		// pending read or write fail at once, however slow the client.
		for _, c := range live {
			c.closeRaw()
		}
		// Shutdown waits for go-smtp's connection goroutines; with the
		// sockets closed they end promptly, the timeout is a safety net.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Shutdown also closes the listener again; that error is expected.
		if err := server.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) && r.closeErr == nil {
			r.closeErr = fmt.Errorf("receiver: wait for sessions: %w", err)
		}
		r.connWG.Wait()
		r.mu.Lock()
		r.eventsStop = true
		r.mu.Unlock()
		r.wakeDispatcher()
		<-r.eventsDone
	})
	return r.closeErr
}

// Connections returns copies of the recorded connections, oldest first.
func (r *Receiver) Connections() []Connection {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Connection, len(r.conns))
	for i, c := range r.conns {
		out[i] = c.copy()
	}
	return out
}

// Messages returns copies of the recorded messages, oldest first. Body and
// Raw share memory with the record; do not modify them.
func (r *Receiver) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, len(r.messages))
	for i, m := range r.messages {
		out[i] = *m
	}
	return out
}

// Stats returns the counters.
func (r *Receiver) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Open = len(r.live)
	return s
}

func (c *Connection) copy() Connection {
	out := *c
	out.Transcript = append([]transcript.Entry(nil), c.Transcript...)
	return out
}

// listener registers each accepted connection and turns away clients over
// MaxOpen, before go-smtp sees them.
type listener struct {
	net.Listener
	r *Receiver
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		raw, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if c := l.r.register(raw); c != nil {
			return c, nil
		}
	}
}

// register records a new connection, or refuses it (returning nil) when
// the receiver is closing or full.
func (r *Receiver) register(raw net.Conn) *recConn {
	now := time.Now()
	r.mu.Lock()
	if r.closing || len(r.live) >= r.cfg.MaxOpen {
		closing := r.closing
		if !closing {
			r.stats.Refused++
		}
		r.mu.Unlock()
		if !closing {
			_ = raw.SetWriteDeadline(now.Add(time.Second))
			_, _ = io.WriteString(raw, "421 4.7.0 Too many connections, try again later\r\n")
		}
		_ = raw.Close()
		return nil
	}
	r.nextConnID++
	rec := &Connection{
		ID:     r.nextConnID,
		Remote: raw.RemoteAddr().String(),
		Local:  raw.LocalAddr().String(),
		Start:  now,
	}
	c := newRecConn(r, raw, rec)
	r.live[c] = struct{}{}
	r.stats.Connections++
	r.conns = append(r.conns, rec)
	r.trimConnsLocked()
	r.emitLocked(Event{Kind: EventConnect, Time: now, ConnID: rec.ID, Conn: ptr(rec.copy())})
	r.mu.Unlock()
	return c
}

// trimConnsLocked drops the oldest closed connections beyond the cap. Open
// ones are kept: they are still being written to and the cap on open
// connections bounds them.
func (r *Receiver) trimConnsLocked() {
	for i := 0; (len(r.conns) > r.cfg.MaxConnections || r.scripts > r.cfg.MaxTranscriptTotalBytes) && i < len(r.conns); {
		if r.conns[i].Open() {
			i++
			continue
		}
		r.scripts -= r.conns[i].TranscriptBytes
		r.conns = append(r.conns[:i], r.conns[i+1:]...)
		r.stats.DroppedConnections++
	}
}

// reserveSave claims n bytes of the MaxSaveBytes budget, or reports that
// they do not fit.
func (r *Receiver) reserveSave(n int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved+n > r.cfg.MaxSaveBytes {
		return false
	}
	r.saved += n
	return true
}

// addMessageLocked stores m, dropping the oldest messages beyond the caps.
func (r *Receiver) addMessageLocked(m *Message) {
	r.messages = append(r.messages, m)
	r.stored += int64(len(m.Raw))
	for len(r.messages) > 1 && (len(r.messages) > r.cfg.MaxMessages || r.stored > r.cfg.MaxStoredBytes) {
		r.stored -= int64(len(r.messages[0].Raw))
		r.messages[0] = nil
		r.messages = r.messages[1:]
		r.stats.DroppedMessages++
	}
}

// emitLocked queues an event for OnEvent; r.mu must be held so events keep
// the order in which the records changed.
func (r *Receiver) emitLocked(e Event) {
	if r.cfg.OnEvent == nil {
		return
	}
	if len(r.events) >= eventQueueSize {
		r.stats.DroppedEvents++
		return
	}
	r.events = append(r.events, e)
	r.wakeDispatcher()
}

func (r *Receiver) wakeDispatcher() {
	select {
	case r.eventWake <- struct{}{}:
	default:
	}
}

// dispatch delivers queued events one at a time until Close, then drains.
func (r *Receiver) dispatch() {
	defer close(r.eventsDone)
	for {
		<-r.eventWake
		for {
			r.mu.Lock()
			batch := r.events
			r.events = nil
			done := r.eventsStop && len(batch) == 0
			r.mu.Unlock()
			if done {
				return
			}
			if len(batch) == 0 {
				break
			}
			for _, e := range batch {
				r.cfg.OnEvent(e)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
