package desktop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/receiver"
)

// receiverThrottle bounds how often ReceiverEvent fires: a busy receiver
// records a line per command, far more than a list needs to redraw.
const receiverThrottle = 200 * time.Millisecond

// ReceiverRequest configures the built-in receiver from the Receive tab.
type ReceiverRequest struct {
	// Addr is HOST:PORT; empty means 127.0.0.1:2525.
	Addr   string `json:"addr"`
	Domain string `json:"domain"`
	// RejectRcpt is a regular expression; matching recipients get
	// 550 5.1.1, to rehearse a rejected recipient.
	RejectRcpt    string `json:"reject_rcpt"`
	Greylist      bool   `json:"greylist"`
	BannerDelayMS int    `json:"banner_delay_ms"`
	TLS           bool   `json:"tls"`
	Lang          string `json:"lang"`
}

// ReceiverConn is one connection in the Receive tab.
type ReceiverConn struct {
	ID       int64    `json:"id"`
	Remote   string   `json:"remote"`
	Start    string   `json:"start"`
	Open     bool     `json:"open"`
	EHLO     string   `json:"ehlo"`
	TLS      bool     `json:"tls"`
	Messages int      `json:"messages"`
	Lines    []string `json:"lines"`
}

// ReceiverMessage is one accepted message in the Receive tab.
type ReceiverMessage struct {
	ID      int64    `json:"id"`
	ConnID  int64    `json:"conn_id"`
	Time    string   `json:"time"`
	From    string   `json:"from"`
	Rcpts   []string `json:"rcpts"`
	Subject string   `json:"subject"`
	Size    int64    `json:"size"`
	TLS     bool     `json:"tls"`
}

// ReceiverStatus is the receiver's state.
type ReceiverStatus struct {
	Running     bool              `json:"running"`
	Addr        string            `json:"addr"`
	Host        string            `json:"host"`
	Port        int               `json:"port"`
	Fingerprint string            `json:"fingerprint,omitempty"`
	Connections []ReceiverConn    `json:"connections"`
	Messages    []ReceiverMessage `json:"messages"`
}

// Receiver runs the built-in SMTP server of the Receive tab (one at a
// time) and the first-run demo.
type Receiver struct {
	life *lifetime
	emit Emitter

	mu  sync.Mutex
	r   *receiver.Receiver
	thr *throttle
}

// maxLinesShown caps the transcript lines sent per connection to the Receive
// tab; the full record stays in the receiver.
const maxLinesShown = 200

// StartReceiver starts the built-in SMTP server (stopping a running one
// first). Errors explain in req.Lang what to do, e.g. for a busy port 25.
func (a *Receiver) StartReceiver(req ReceiverRequest) (ReceiverStatus, error) {
	l := parseLang(req.Lang)
	cfg := receiver.Config{
		Addr:        strings.TrimSpace(req.Addr),
		Domain:      strings.TrimSpace(req.Domain),
		Greylist:    req.Greylist,
		TLS:         req.TLS,
		BannerDelay: time.Duration(req.BannerDelayMS) * time.Millisecond,
	}
	if cfg.Addr == "" {
		cfg.Addr = receiver.DefaultAddr
	}
	if req.BannerDelayMS < 0 || req.BannerDelayMS > 10*60*1000 {
		return ReceiverStatus{}, errors.New(lang.Text{
			EN: "the banner delay must be between 0 and 600000 ms",
			ES: "el retraso del saludo debe estar entre 0 y 600000 ms",
		}.In(l))
	}
	if req.RejectRcpt != "" {
		re, err := regexp.Compile(req.RejectRcpt)
		if err != nil {
			return ReceiverStatus{}, fmt.Errorf("%s: %w", lang.Text{
				EN: "the pattern of recipients to reject is not a valid regular expression",
				ES: "el patrón de destinatarios a rechazar no es una expresión regular válida",
			}.In(l), err)
		}
		cfg.RejectRcpt = re
	}
	a.StopReceiver()

	thr := newThrottle(receiverThrottle, func() { a.emit.Emit(EventReceiverChanged) })
	cfg.OnEvent = func(receiver.Event) { thr.poke() }
	r, err := receiver.New(cfg)
	if err != nil {
		thr.stop()
		return ReceiverStatus{}, fmt.Errorf("receiver: %w", err)
	}
	ctx, cancel := context.WithTimeout(a.life.context(), 10*time.Second)
	defer cancel()
	if err := r.Start(ctx); err != nil {
		thr.stop()
		var le *receiver.ListenError
		if errors.As(err, &le) {
			return ReceiverStatus{}, errors.New(le.Localize(l))
		}
		return ReceiverStatus{}, fmt.Errorf("receiver: %w", err)
	}
	a.mu.Lock()
	a.r, a.thr = r, thr
	a.mu.Unlock()
	a.emit.Emit(EventReceiverChanged)
	return a.ReceiverState(), nil
}

// StopReceiver stops the built-in server; its records are dropped.
func (a *Receiver) StopReceiver() {
	a.mu.Lock()
	r, thr := a.r, a.thr
	a.r, a.thr = nil, nil
	a.mu.Unlock()
	if r != nil {
		_ = r.Close()
		thr.stop()
		a.emit.Emit(EventReceiverChanged)
	}
}

// ReceiverState returns whether the receiver runs, where, and what it
// received.
func (a *Receiver) ReceiverState() ReceiverStatus {
	a.mu.Lock()
	r := a.r
	a.mu.Unlock()
	st := ReceiverStatus{Connections: []ReceiverConn{}, Messages: []ReceiverMessage{}}
	if r == nil {
		return st
	}
	st.Running = true
	if addr := r.Addr(); addr != nil {
		st.Addr = addr.String()
		if host, port, err := net.SplitHostPort(st.Addr); err == nil {
			st.Host = host
			st.Port, _ = strconv.Atoi(port)
		}
	}
	st.Fingerprint = r.CertificateFingerprint()
	for _, c := range r.Connections() {
		rc := ReceiverConn{
			ID: c.ID, Remote: c.Remote, Start: c.Start.Format(time.RFC3339),
			Open: c.Open(), EHLO: c.EHLO, TLS: c.TLS, Messages: c.Messages,
			Lines: []string{},
		}
		tr := c.Transcript
		if len(tr) > maxLinesShown {
			tr = tr[len(tr)-maxLinesShown:]
		}
		for _, e := range tr {
			rc.Lines = append(rc.Lines, string(e.Dir)+": "+e.Text)
		}
		st.Connections = append(st.Connections, rc)
	}
	for _, m := range r.Messages() {
		rm := ReceiverMessage{
			ID: m.ID, ConnID: m.ConnID, Time: m.Time.Format(time.RFC3339),
			From: m.Envelope.From, Subject: m.Subject, Size: m.Size, TLS: m.TLS,
			Rcpts: []string{},
		}
		for _, rc := range m.Envelope.Rcpts {
			rm.Rcpts = append(rm.Rcpts, rc.Addr)
		}
		st.Messages = append(st.Messages, rm)
	}
	return st
}

// throttle runs fn at most once per interval after poke, always once more
// after the last poke, so the final state is never missed.
type throttle struct {
	mu       sync.Mutex
	interval time.Duration
	fn       func()
	timer    *time.Timer
	last     time.Time
	stopped  bool
}

func newThrottle(interval time.Duration, fn func()) *throttle {
	return &throttle{interval: interval, fn: fn}
}

func (t *throttle) poke() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || t.timer != nil {
		return
	}
	wait := t.interval - time.Since(t.last)
	if wait < 0 {
		wait = 0
	}
	t.timer = time.AfterFunc(wait, func() {
		t.mu.Lock()
		t.timer = nil
		t.last = time.Now()
		stopped := t.stopped
		t.mu.Unlock()
		if !stopped {
			t.fn()
		}
	})
}

func (t *throttle) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

// StartDemo starts the built-in receiver for the first-run demo: on
// 127.0.0.1:2525 when free, else on any free loopback port, so a newcomer
// sees a whole successful session without a network. The frontend fills a
// profile aimed at the returned host and port.
func (a *Receiver) StartDemo(langCode string) (ReceiverStatus, error) {
	req := ReceiverRequest{Addr: receiver.DefaultAddr, Domain: receiver.DefaultDomain, Lang: langCode}
	st, err := a.StartReceiver(req)
	if err == nil {
		return st, nil
	}
	req.Addr = "127.0.0.1:0"
	return a.StartReceiver(req)
}
