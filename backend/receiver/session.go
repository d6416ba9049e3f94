package receiver

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"smtpprobe/backend/transcript"
)

// maxGreylist bounds the greylist memory; a client cycling through random
// sender/recipient pairs could otherwise grow it without end.
const maxGreylist = 100000

// The rehearsal replies. go-smtp sends an *smtp.SMTPError as it is.
var (
	errRcptRejected = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Recipient address rejected: user unknown (rehearsal rule)"}
	errGreylisted   = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, please try again later (rehearsal)"}
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errSaveFull     = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Insufficient storage: the save folder's budget for this run is used up"}
	errSaveFailed   = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Requested action aborted: could not store the message"}
	errTooManyAuth  = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many authentication failures, closing connection"}
	errNoRecord     = errors.New("receiver: connection not recorded")
)

// backend adapts a Receiver to go-smtp.
type backend struct{ r *Receiver }

// NewSession runs at the first EHLO/HELO and again after STARTTLS.
func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	rc := findRecConn(c.Conn())
	if rc == nil {
		return nil, errNoRecord
	}
	_, isTLS := c.TLSConnectionState()
	return &session{r: b.r, c: rc, tls: isTLS}, nil
}

// findRecConn finds our wrapper under go-smtp's connection, which is a
// *tls.Conn around it after STARTTLS.
func findRecConn(nc net.Conn) *recConn {
	for {
		switch v := nc.(type) {
		case *recConn:
			return v
		case *tls.Conn:
			nc = v.NetConn()
		default:
			return nil
		}
	}
}

// session is one go-smtp session: from EHLO to QUIT or STARTTLS.
type session struct {
	r        *Receiver
	c        *recConn
	tls      bool
	authUser string

	from       string
	mailParams map[string]string
	rcpts      []Recipient
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	if s.r.cfg.AuthUser == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.r.cfg.AuthUser == "" {
		return nil, smtp.ErrAuthUnsupported
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(s.authenticate), nil
	case sasl.Login:
		return &loginServer{auth: func(user, pass string) error { return s.authenticate("", user, pass) }}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// authenticate checks credentials in constant time (RFC 4616 §6 for the
// identity rule: acting as another user is not allowed).
func (s *session) authenticate(identity, user, pass string) error {
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(s.r.cfg.AuthUser))
	okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(s.r.cfg.AuthPassword))
	if okUser&okPass != 1 || (identity != "" && identity != user) {
		s.r.count(func(st *Stats) { st.AuthFailures++ })
		cfg := s.r.cfg
		n, open := s.c.failedAuth(cfg.AuthFailureDelay)
		s.c.note(fmt.Sprintf("authentication failed (%d of %d allowed); answer delayed %s", n, cfg.MaxAuthFailures, cfg.AuthFailureDelay*time.Duration(n)))
		if open && n >= cfg.MaxAuthFailures {
			s.c.closeAfterReply()
			return errTooManyAuth
		}
		return smtp.ErrAuthFailed
	}
	s.authUser = user
	s.r.mu.Lock()
	s.c.rec.AuthUser = transcript.EscapeString(user)
	s.r.mu.Unlock()
	return nil
}

// loginServer is the server side of the LOGIN mechanism
// (draft-murchison-sasl-login), which go-sasl provides only as a client.
// Outlook and many devices still use it.
type loginServer struct {
	step int
	user string
	auth func(user, pass string) error
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		if resp == nil {
			l.step = 1
			return []byte("Username:"), false, nil
		}
		// An initial response carries the user name.
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	case 1:
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	case 2:
		l.step = 3
		return nil, true, l.auth(l.user, string(resp))
	}
	return nil, false, sasl.ErrUnexpectedClientResponse
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.r.cfg.RequireAuth && s.authUser == "" {
		s.r.count(func(st *Stats) { st.AuthRequired++ })
		return errAuthRequired
	}
	s.from = from
	s.rcpts = nil
	s.mailParams = mailParams(opts)
	return nil
}

func mailParams(o *smtp.MailOptions) map[string]string {
	if o == nil {
		return nil
	}
	p := map[string]string{}
	if o.Size > 0 {
		p["SIZE"] = fmt.Sprint(o.Size)
	}
	if o.Body != "" {
		p["BODY"] = string(o.Body)
	}
	if o.UTF8 {
		p["SMTPUTF8"] = ""
	}
	if o.RequireTLS {
		p["REQUIRETLS"] = ""
	}
	if o.Return != "" {
		p["RET"] = string(o.Return)
	}
	if o.EnvelopeID != "" {
		p["ENVID"] = o.EnvelopeID
	}
	if o.Auth != nil {
		p["AUTH"] = "<" + *o.Auth + ">"
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if re := s.r.cfg.RejectRcpt; re != nil && re.MatchString(to) {
		s.r.count(func(st *Stats) { st.RejectedRcpts++ })
		return errRcptRejected
	}
	if s.r.cfg.Greylist && !s.r.greylistPass(s.from, to, time.Now()) {
		s.r.count(func(st *Stats) { st.Greylisted++ })
		return errGreylisted
	}
	rc := Recipient{Addr: to}
	if opts != nil {
		p := map[string]string{}
		if len(opts.Notify) > 0 {
			n := make([]string, len(opts.Notify))
			for i, v := range opts.Notify {
				n[i] = string(v)
			}
			p["NOTIFY"] = strings.Join(n, ",")
		}
		if opts.OriginalRecipient != "" {
			p["ORCPT"] = string(opts.OriginalRecipientType) + ";" + opts.OriginalRecipient
		}
		if len(p) > 0 {
			rc.Params = p
		}
	}
	s.rcpts = append(s.rcpts, rc)
	return nil
}

// greylistPass reports whether the pair may pass: only when it was seen
// before, at least GreylistDelay ago. Addresses compare case-insensitively
// as most greylisting servers do.
func (r *Receiver) greylistPass(from, to string, now time.Time) bool {
	key := strings.ToLower(from) + "\x00" + strings.ToLower(to)
	r.mu.Lock()
	defer r.mu.Unlock()
	first, seen := r.greylist[key]
	if !seen {
		if len(r.greylist) >= maxGreylist {
			clear(r.greylist)
		}
		r.greylist[key] = now
		return false
	}
	return now.Sub(first) >= r.cfg.GreylistDelay
}

func (r *Receiver) count(f func(*Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

func (s *session) Data(rd io.Reader) error {
	// go-smtp's reader stops at MaxMessageBytes with ErrDataTooLarge, which
	// must be returned as it is to become the 552 reply.
	raw, err := io.ReadAll(rd)
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return se
		}
		return fmt.Errorf("read message: %w", err)
	}
	m := &Message{
		Time:     time.Now(),
		Envelope: Envelope{From: s.from, MailParams: s.mailParams, Rcpts: append([]Recipient(nil), s.rcpts...)},
		Raw:      raw,
		Size:     int64(len(raw)),
		AuthUser: s.authUser,
		TLS:      s.tls,
	}
	parseHeader(m)

	r := s.r
	r.mu.Lock()
	r.nextMsgID++
	m.ID = r.nextMsgID
	m.ConnID = s.c.rec.ID
	ehlo, remote := s.c.rec.EHLO, s.c.rec.Remote
	r.mu.Unlock()

	var reply error
	if r.cfg.SaveDir != "" {
		path, err := saveEML(r.cfg.SaveDir, r.cfg.Domain, ehlo, remote, m, r.reserveSave)
		switch {
		case errors.Is(err, errSaveBudget):
			m.SaveError = err.Error()
			s.c.note("message not saved: " + err.Error())
			reply = errSaveFull
		case err != nil:
			m.SaveError = err.Error()
			s.c.note("message not saved: " + transcript.EscapeString(err.Error()))
			reply = errSaveFailed
		}
		m.SavedPath = path
	}

	r.mu.Lock()
	r.addMessageLocked(m)
	if reply == nil {
		r.stats.Messages++
		s.c.rec.Messages++
	}
	r.emitLocked(Event{Kind: EventMessage, Time: m.Time, ConnID: m.ConnID, Message: ptr(*m)})
	r.mu.Unlock()
	return reply
}

// parseHeader fills Header, Subject and Body; a header net/mail cannot
// parse leaves the whole message as the body.
func parseHeader(m *Message) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		m.HeaderError = err.Error()
		m.Body = m.Raw
		return
	}
	m.Header = msg.Header
	body, _ := io.ReadAll(msg.Body) // a bytes.Reader cannot fail
	m.Body = body
	if bytes.HasSuffix(m.Raw, body) {
		// The body is the tail of Raw: keep one copy, which is the one
		// MaxStoredBytes counts.
		m.Body = m.Raw[len(m.Raw)-len(body):]
	}
	subj := msg.Header.Get("Subject")
	var dec mime.WordDecoder
	if d, err := dec.DecodeHeader(subj); err == nil {
		subj = d
	}
	m.Subject = transcript.EscapeString(subj)
}

func (s *session) Reset() {
	s.from, s.mailParams, s.rcpts = "", nil, nil
}

func (s *session) Logout() error { return nil }
