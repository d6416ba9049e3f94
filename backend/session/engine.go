package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

// engine runs one session: one Result, one connection at a time.
type engine struct {
	ctx    context.Context
	p      *plan
	res    *Result
	rec    *smtpwire.Recorder
	conn   *smtpwire.Conn
	onStep func(Step)
	l      lang.Lang
	// x explains the steps beside the session and reports them to onStep:
	// the wire never waits for an explanation.
	x *explainer

	host string
	// exts maps each EHLO keyword, upper case, to its parameters.
	exts map[string]string
	// closed is set once the connection is gone (server closed it, a fatal
	// error, or a stop that closes without QUIT): no QUIT is attempted.
	closed bool
	// retryClear is set when an opportunistic STARTTLS handshake failed:
	// attempt connects again to the same address with clear set, which
	// skips STARTTLS (see fallBack).
	retryClear bool
	clear      bool
}

func newEngine(ctx context.Context, p *plan, start time.Time, onEntry func(transcript.Entry), onStep func(Step)) *engine {
	return &engine{
		ctx: ctx,
		p:   p,
		res: &Result{
			Extensions: []string{},
			Steps:      []Step{},
			Warnings:   []Warning{},
			StopAfter:  p.o.StopAfter,
			Started:    start,
			Server:     Server{Port: p.port},
		},
		rec:    smtpwire.NewRecorder(start, onEntry),
		onStep: onStep,
		l:      p.o.Lang,
		x:      newExplainer(p.o.Lang, onStep),
	}
}

// finish completes the Result: explanations, transcript, totals, verdict.
// It returns once every step is explained and reported, so no evaluation
// outlives the session.
func (e *engine) finish() *Result {
	if e.conn != nil {
		_ = e.conn.Close()
	}
	e.x.close(e.res.Steps)
	e.res.Transcript = e.rec.Entries()
	e.res.Duration = time.Since(e.res.Started)
	e.res.DurationMS = ms(e.res.Duration)
	e.res.finish()
	e.res.Headline = verdict(e.res)
	loc := e.res.Headline.Localize(e.l)
	e.res.Verdict = &loc
	return e.res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// info adds a note to the transcript in the session's language.
func (e *engine) info(t lang.Text, args ...any) { e.rec.Info(t.Format(e.l, args...)) }

func (e *engine) warn(code string, t lang.Text) {
	e.res.Warnings = append(e.res.Warnings, Warning{Code: code, Text: t})
	e.rec.Info(t.In(e.l))
}

// begin starts a step and reports it; it returns the step's index.
func (e *engine) begin(name StepName, cmd, rcpt string) int {
	s := Step{
		ID: len(e.res.Steps) + 1, Name: name, Host: e.host, Command: transcript.EscapeString(cmd),
		Recipient: rcpt, Status: StatusRunning, Started: time.Now(),
	}
	e.res.Steps = append(e.res.Steps, s)
	e.emit(len(e.res.Steps) - 1)
	return len(e.res.Steps) - 1
}

// emit reports step i as it is now.
func (e *engine) emit(i int) {
	if e.onStep != nil {
		e.x.report(i, e.live(i))
	}
}

// live is a copy of step i for OnStep, which the caller may keep.
func (e *engine) live(i int) Step {
	s := e.res.Steps[i]
	if s.Reply != nil {
		r := *s.Reply
		r.Lines = append([]string(nil), r.Lines...)
		s.Reply = &r
	}
	return s
}

// end finishes step i and hands it to the evaluator, which reports its end
// with the explanation; the session goes on meanwhile.
func (e *engine) end(i int, st Status, f Failure, why *lang.Text) {
	s := &e.res.Steps[i]
	s.Status = st
	s.Failure = f
	if why != nil {
		t := *why
		s.ErrorText = &t
		s.Error = t.EN
	}
	s.Duration = time.Since(s.Started)
	s.DurationMS = ms(s.Duration)
	j := job{i: i, s: *s, tls: e.conn != nil && e.conn.TLS(), cons: consequenceOf(*s, e.res.Steps), deferred: explains(*s)}
	var live Step
	if e.onStep != nil {
		live = e.live(i)
	}
	e.x.submit(j, live)
}

// skip records a step that was not run, and why.
func (e *engine) skip(name StepName, rcpt string, why lang.Text) {
	i := e.begin(name, "", rcpt)
	e.end(i, StatusSkipped, "", &why)
}

// ioFail ends step i after a network or protocol error and drops the
// connection: after a timeout or a broken reply the conversation cannot
// safely go on.
func (e *engine) ioFail(i int, what lang.Text, timeout time.Duration, err error) {
	f := classify(e.ctx, err)
	why := describe(f, what, timeout, err)
	e.end(i, StatusFailed, f, &why)
	e.drop()
}

// abandonSteps ends running steps that will get no reply.
func (e *engine) abandonSteps(idx ...int) {
	for _, i := range idx {
		if e.res.Steps[i].Status == StatusRunning {
			e.end(i, StatusSkipped, "", &whyNoLink)
		}
	}
}

// drop closes the connection without QUIT.
func (e *engine) drop() {
	if e.conn != nil {
		_ = e.conn.Close()
	}
	e.closed = true
}

// send writes commands and reports write errors on step i.
func (e *engine) send(i int, timeout time.Duration, cmds ...string) bool {
	cs := make([]smtpwire.Command, len(cmds))
	for k, c := range cmds {
		cs[k] = smtpwire.Command{Line: c}
	}
	if err := e.conn.WriteCommands(timeout, cs...); err != nil {
		e.ioFail(i, sending(firstWord(cmds[0])), timeout, err)
		return false
	}
	return true
}

// await reads the reply for step i, stores it and judges it against the
// expected codes (the first one is the usual reply). It returns the reply
// and false when the conversation cannot go on (an I/O failure or a reply
// that makes no sense here, after which the connection is dropped).
func (e *engine) await(i int, what lang.Text, timeout time.Duration, okCodes ...int) (smtpwire.Reply, bool) {
	r, err := e.conn.ReadReply(timeout)
	if err != nil {
		e.ioFail(i, what, timeout, err)
		return r, false
	}
	e.res.Steps[i].Reply = &r
	switch {
	case contains(okCodes, r.Code):
		e.end(i, StatusOK, "", nil)
	case r.Class() == okCodes[0]/100:
		why := lang.Text{
			EN: fmt.Sprintf("unusual reply code %d (expected %d)", r.Code, okCodes[0]),
			ES: fmt.Sprintf("código de respuesta poco habitual %d (se esperaba %d)", r.Code, okCodes[0]),
		}
		e.end(i, StatusWarning, "", &why)
	case r.Class() == 4 || r.Class() == 5:
		why := lang.Text{
			EN: "the server refused it: " + r.String(),
			ES: "el servidor lo rechazó: " + r.String(),
		}
		e.end(i, StatusFailed, FailRejected, &why)
		if r.Code == 421 {
			// 421: the server is closing the channel (RFC 5321 §3.8).
			e.drop()
		}
	default:
		why := lang.Text{
			EN: fmt.Sprintf("%s: unexpected reply %d (expected %d)", what.EN, r.Code, okCodes[0]),
			ES: fmt.Sprintf("%s: respuesta inesperada %d (se esperaba %d)", what.ES, r.Code, okCodes[0]),
		}
		e.end(i, StatusFailed, FailProtocol, &why)
		e.drop()
		return r, false
	}
	return r, true
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

// outcome of one connection attempt.
type outcome int

const (
	done   outcome = iota // the session ran (successfully or not)
	moveOn                // try the next address or host
)

// attempt runs the session against one address. last says whether no other
// address will be tried, which makes a failure that would move on final.
// When an opportunistic STARTTLS handshake fails, it connects once more and
// runs the session without STARTTLS.
func (e *engine) attempt(t Target, ip netip.Addr, last bool) outcome {
	e.clear, e.retryClear = false, false
	out := e.connectAndTalk(t, ip, last)
	if e.retryClear && e.ctx.Err() == nil {
		e.clear, e.retryClear = true, false
		e.info(lang.Text{EN: "Reconnecting to %s [%s] without STARTTLS (opportunistic TLS: one plaintext retry)",
			ES: "Reconectando con %s [%s] sin STARTTLS (TLS oportunista: un reintento sin cifrar)"}, t.Host, ip)
		out = e.connectAndTalk(t, ip, last)
	}
	return out
}

// connectAndTalk opens one connection to ip and runs the session on it.
func (e *engine) connectAndTalk(t Target, ip netip.Addr, last bool) outcome {
	e.host = t.Host
	e.res.Server = Server{Host: t.Host, IP: ip.String(), Port: e.p.port, MXPreference: t.Preference}
	e.res.Extensions = []string{}
	if !e.clear {
		// The plaintext retry keeps the report of the handshake that failed.
		e.res.TLS, e.res.PeerCertificates = nil, nil
	}
	e.exts = nil
	e.closed = false

	addr := net.JoinHostPort(ip.String(), strconv.Itoa(e.p.port))
	ver := 4
	if ip.Is6() && !ip.Is4In6() {
		ver = 6
	}
	e.info(lang.Text{EN: "Connecting to %s [%s] port %d (IPv%d)", ES: "Conectando con %s [%s] puerto %d (IPv%d)"},
		t.Host, ip, e.p.port, ver)
	i := e.begin(StepConnect, "", "")
	dctx, cancel := context.WithTimeout(e.ctx, e.p.t.Connect)
	nc, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	cancel()
	if err != nil {
		f := classify(e.ctx, err)
		why := describe(f, connectingTo(addr), e.p.t.Connect, err)
		if f == FailCanceled || last {
			e.end(i, StatusFailed, f, &why)
			return done
		}
		// Not the verdict yet: another server may take the message.
		e.end(i, StatusWarning, f, &why)
		e.info(lang.Text{EN: "%s; trying the next server", ES: "%s; se prueba el siguiente servidor"}, why.In(e.l))
		return moveOn
	}
	e.conn = smtpwire.NewConn(nc, e.rec)
	stop := context.AfterFunc(e.ctx, func() { _ = e.conn.Close() })
	defer stop()
	e.res.LocalAddr = nc.LocalAddr().String()
	e.res.IPVersion = ver
	e.end(i, StatusOK, "", nil)
	e.info(lang.Text{EN: "Connected from %s to %s", ES: "Conectado desde %s a %s"}, nc.LocalAddr(), nc.RemoteAddr())

	if e.p.tls == TLSImplicit && !e.implicitTLS() {
		return done
	}
	if e.p.o.StopAfter == StepConnect {
		e.info(lang.Text{EN: "Stopping after connect: closing without sending anything",
			ES: "Parada tras connect: se cierra sin enviar nada"})
		e.drop()
		return done
	}
	return e.converse(last)
}

// converse runs the SMTP dialogue on an open connection.
func (e *engine) converse(last bool) outcome {
	i := e.begin(StepBanner, "", "")
	r, ok := e.await(i, txtWaitGreeting, e.p.t.Banner, 220)
	if !ok {
		// A server that hangs up, resets or stays silent before its greeting
		// gave no session at all: like a refused connection, a sender tries
		// the next MX (RFC 5321 §5.1).
		s := &e.res.Steps[i]
		if !last && e.ctx.Err() == nil && s.Reply == nil &&
			(s.Failure == FailClosed || s.Failure == FailReset || s.Failure == FailTimeout) {
			s.Status = StatusWarning
			e.emit(i)
			e.info(lang.Text{EN: "No greeting from this server (%s); trying the next server",
				ES: "Este servidor no saludó (%s); se prueba el siguiente servidor"}, s.Failure)
			return moveOn
		}
		return done
	}
	if r.Class() == 4 || r.Class() == 5 {
		// A 421 or 554 greeting means "not here" (RFC 5321 §3.1); a sender
		// moves on. The client should still QUIT after a 554.
		e.quit()
		if !last && e.ctx.Err() == nil {
			e.res.Steps[i].Status = StatusWarning
			e.emit(i)
			e.info(lang.Text{EN: "The server refused the session (%d); trying the next server",
				ES: "El servidor rechazó la sesión (%d); se prueba el siguiente servidor"}, r.Code)
			return moveOn
		}
		return done
	}
	if e.stopHere(StepBanner) {
		return done
	}
	if !e.hello() {
		return done
	}
	// STARTTLS belongs to the greeting phase: stopping after EHLO still
	// shows the extensions offered over TLS and the certificate.
	if !e.startTLS() {
		return done
	}
	if e.stopHere(StepEHLO) {
		return done
	}
	if !e.auth() {
		return done
	}
	e.transaction()
	return done
}

// stopHere ends the session with QUIT when the user asked to stop after s.
func (e *engine) stopHere(s StepName) bool {
	if e.p.o.StopAfter != s {
		return false
	}
	e.info(lang.Text{EN: "Stopping after %s as asked", ES: "Parada tras %s, como se pidió"}, s)
	e.quit()
	return true
}

// quit sends QUIT and reads the 221. A failed QUIT is only a warning: by then
// the verdict is in.
func (e *engine) quit() {
	if e.closed {
		e.skip(StepQuit, "", lang.Text{EN: "the connection is already closed", ES: "la conexión ya está cerrada"})
		return
	}
	i := e.begin(StepQuit, "QUIT", "")
	if !e.send(i, e.p.t.Command, "QUIT") {
		e.demote(i)
		return
	}
	e.readQuit(i)
}

func (e *engine) readQuit(i int) {
	r, err := e.conn.ReadReply(e.p.t.Command)
	e.drop()
	if err != nil {
		f := classify(e.ctx, err)
		why := describe(f, waitingFor("QUIT"), e.p.t.Command, err)
		// By QUIT the verdict is in: a garbled or missing 221 is only
		// worth a warning; a user's cancel still counts.
		st := StatusWarning
		if f == FailCanceled {
			st = StatusFailed
		}
		e.end(i, st, f, &why)
		return
	}
	e.res.Steps[i].Reply = &r
	if r.Code != 221 {
		why := lang.Text{EN: "QUIT answered with " + r.String(), ES: "QUIT respondido con " + r.String()}
		e.end(i, StatusWarning, "", &why)
		return
	}
	e.end(i, StatusOK, "", nil)
}

// demote turns a failed QUIT into a warning unless the user cancelled.
func (e *engine) demote(i int) {
	if s := &e.res.Steps[i]; s.Status == StatusFailed && s.Failure != FailCanceled {
		s.Status = StatusWarning
		e.emit(i)
	}
}

// hello sends EHLO, falling back to HELO when the server does not know EHLO
// (500 or 502, RFC 5321 §4.1.4), and records the extensions.
func (e *engine) hello() bool {
	name := e.p.helo
	if name == "" {
		if ap, err := netip.ParseAddrPort(e.conn.LocalAddr().String()); err == nil {
			name = addrLiteral(ap.Addr())
		}
	}
	cmd := "EHLO " + name
	i := e.begin(StepEHLO, cmd, "")
	if !e.send(i, e.p.t.Command, cmd) {
		return false
	}
	r, ok := e.await(i, waitingFor("EHLO"), e.p.t.Command, 250)
	if !ok {
		return false
	}
	if r.Code == 500 || r.Code == 502 {
		e.res.Steps[i].Status = StatusWarning
		e.res.Steps[i].Failure = ""
		why := lang.Text{EN: "the server does not know EHLO; falling back to HELO (no extensions)",
			ES: "el servidor no conoce EHLO; se usa HELO (sin extensiones)"}
		e.res.Steps[i].ErrorText, e.res.Steps[i].Error = &why, why.EN
		e.emit(i)
		cmd = "HELO " + name
		i = e.begin(StepHELO, cmd, "")
		if !e.send(i, e.p.t.Command, cmd) {
			return false
		}
		if _, ok := e.await(i, waitingFor("HELO"), e.p.t.Command, 250); !ok {
			return false
		}
		e.exts = map[string]string{}
	} else if r.Class() == 2 {
		e.parseExtensions(r)
	}
	if e.res.Steps[i].Status == StatusFailed {
		if !e.closed {
			e.quit()
		}
		return false
	}
	return true
}

// parseExtensions reads the EHLO keywords (RFC 5321 §4.1.1.1): the first
// line is the greeting, each further line a keyword and its parameters.
// Keywords are compared case-insensitively.
func (e *engine) parseExtensions(r smtpwire.Reply) {
	e.exts = map[string]string{}
	for _, l := range r.Lines[1:] {
		kw, params, _ := strings.Cut(l, " ")
		if kw == "" {
			continue
		}
		e.exts[strings.ToUpper(kw)] = params
		e.res.Extensions = append(e.res.Extensions, l)
	}
}

func (e *engine) has(ext string) bool { _, ok := e.exts[ext]; return ok }

// transaction runs MAIL, RCPT, DATA or BDAT and QUIT.
func (e *engine) transaction() {
	p := e.p
	built, err := message.Build(p.msg, message.Options{EightBitMIME: e.has("8BITMIME"), SMTPUTF8: e.has("SMTPUTF8")})
	if err == nil && p.needUTF8 && !e.has("SMTPUTF8") {
		err = lang.NewFieldError("address", "", lang.KindNeedsExtension, lang.Text{
			EN: "has a non-ASCII local part, which needs SMTPUTF8, and the server does not offer it (RFC 6531)",
			ES: "tiene una parte local no ASCII, que necesita SMTPUTF8, y el servidor no lo ofrece (RFC 6531)",
		})
	}
	if err != nil {
		i := e.begin(StepMail, "", "")
		var fe *lang.FieldError
		why := lang.Text{EN: err.Error(), ES: err.Error()}
		f := FailProtocol
		if errors.As(err, &fe) {
			why = lang.Text{EN: fe.Localize(lang.EN), ES: fe.Localize(lang.ES)}
			if fe.Kind == lang.KindNeedsExtension {
				f = FailNeedsSMTPUTF8
			}
		}
		e.end(i, StatusFailed, f, &why)
		e.quit()
		return
	}
	e.res.MessageID = built.MessageID

	dsn := dsnNone
	if p.usesDSN() {
		if e.has("DSN") || p.o.ForceDSN {
			dsn = dsnAll
		}
		if !e.has("DSN") {
			t := lang.Text{EN: "The server does not offer DSN (RFC 3461): the delivery notification parameters are left out",
				ES: "El servidor no ofrece DSN (RFC 3461): se omiten los parámetros de notificación de entrega"}
			if p.o.ForceDSN {
				t = lang.Text{EN: "The server does not offer DSN (RFC 3461); sending the notification parameters anyway, as asked",
					ES: "El servidor no ofrece DSN (RFC 3461); se envían los parámetros de notificación igualmente, como se pidió"}
			}
			e.warn("dsn-not-offered", t)
		}
	}
	var params []string
	if built.EightBit {
		params = append(params, "BODY=8BITMIME")
	}
	if p.needUTF8 || built.SMTPUTF8 {
		params = append(params, "SMTPUTF8")
	}
	size := int64(-1)
	if v, ok := e.exts["SIZE"]; ok {
		size = int64(len(built.Data))
		if max, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && max > 0 && size > max {
			e.warn("size-over-limit", lang.Text{
				EN: fmt.Sprintf("The message (%d bytes) is larger than the server's SIZE limit (%d bytes); sending it anyway to see the reply", size, max),
				ES: fmt.Sprintf("El mensaje (%d bytes) supera el límite SIZE del servidor (%d bytes); se envía igualmente para ver la respuesta", size, max),
			})
		}
	}
	pipelining := p.o.Pipelining && e.has("PIPELINING")
	if p.o.Pipelining && !pipelining && !p.o.PipeliningByDefault {
		e.warn("pipelining-not-offered", lang.Text{EN: "The server does not offer PIPELINING (RFC 2920): commands go one at a time",
			ES: "El servidor no ofrece PIPELINING (RFC 2920): los comandos van de uno en uno"})
	}
	chunking := p.o.Chunking && e.has("CHUNKING")
	if p.o.Chunking && !chunking {
		e.warn("chunking-not-offered", lang.Text{EN: "The server does not offer CHUNKING (RFC 3030): the message goes with DATA",
			ES: "El servidor no ofrece CHUNKING (RFC 3030): el mensaje va con DATA"})
	}
	if chunking && p.o.StopAfter == StepData {
		chunking = false
		e.warn("chunking-stop-data", lang.Text{EN: "Stopping after DATA needs the DATA command, so BDAT is not used",
			ES: "Parar tras DATA requiere el comando DATA, así que no se usa BDAT"})
	}

	mail := p.mailCommand(dsn, size, params...)
	rcpts := make([]string, len(p.to))
	for k, mb := range p.to {
		rcpts[k] = p.rcptCommand(mb, dsn)
	}
	tx := &txn{e: e, mail: mail, rcpts: rcpts, data: built.Data}
	switch {
	case pipelining:
		tx.pipelined(chunking)
	default:
		tx.lockstep(chunking)
	}
}
