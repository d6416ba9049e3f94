package report

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
)

// backend is a go-smtp backend that rejects the recipients it is told to.
type backend struct{ rcptErr map[string]error }

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &sess{b: b}, nil }

type sess struct{ b *backend }

func (s *sess) Reset()                                    {}
func (s *sess) Logout() error                             { return nil }
func (s *sess) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *sess) Rcpt(to string, _ *smtp.RcptOptions) error { return s.b.rcptErr[to] }
func (s *sess) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// startServer runs a real go-smtp server on a loopback port and returns its
// address.
func startServer(t *testing.T, rcptErr map[string]error) string {
	t.Helper()
	srv := smtp.NewServer(&backend{rcptErr: rcptErr})
	srv.Domain = "mx.test"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.EnableDSN = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// fixedStart is the start time every golden result is given.
var fixedStart = time.Date(2026, 11, 29, 3, 43, 0, 0, time.UTC)

// runSession runs the real engine against a fresh server and makes the
// Result stable for golden files: times become fixed, the port and the
// local address are returned so the output can have them replaced.
func runSession(t *testing.T, l lang.Lang, rcptErr map[string]error, mod func(*session.Options)) (*session.Result, []string) {
	t.Helper()
	addr := startServer(t, rcptErr)
	o := session.Options{
		From:      "admin@contoso.test",
		To:        []string{"user@fabrikam.test"},
		Server:    addr,
		HELO:      "probe.contoso.test",
		Subject:   "Test from Contoso",
		Body:      "This is a test message.\n.leading dot\n",
		Date:      fixedStart,
		MessageID: "<fixed@probe.contoso.test>",
		Lang:      l,
		Timeouts:  session.Timeouts{Connect: 5 * time.Second, Banner: 5 * time.Second, Command: 5 * time.Second, Mail: 5 * time.Second, Rcpt: 5 * time.Second, Data: 5 * time.Second, DataBlock: 5 * time.Second, FinalDot: 5 * time.Second},
	}
	if mod != nil {
		mod(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := session.Run(ctx, o)
	if err != nil {
		t.Fatalf("session.Run: %v", err)
	}
	stabilise(r)
	_, port, _ := net.SplitHostPort(addr)
	return r, []string{r.LocalAddr, "LOCAL", port, "PORT"}
}

// stabilise replaces every time and duration with values derived from the
// order of events, so that golden files do not change from run to run.
func stabilise(r *session.Result) {
	r.Started = fixedStart
	r.Duration = 42 * time.Millisecond
	r.DurationMS = 42
	for i := range r.Transcript {
		e := &r.Transcript[i]
		e.Elapsed = time.Duration(e.Seq) * time.Millisecond
		e.ElapsedMS = float64(e.Seq)
		e.Time = fixedStart.Add(e.Elapsed)
	}
	for i := range r.Steps {
		s := &r.Steps[i]
		s.Started = fixedStart.Add(time.Duration(s.ID) * time.Millisecond)
		s.Duration = time.Millisecond / 2
		s.DurationMS = 0.5
	}
}

// normalise applies replacement pairs (old, new, ...) to a rendered report.
func normalise(s string, pairs []string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != "" {
			s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
		}
	}
	return s
}
