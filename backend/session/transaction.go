package session

import (
	"fmt"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/smtpwire"
)

// txn is one mail transaction: MAIL, RCPT for each recipient, the message
// with DATA or BDAT, and QUIT.
type txn struct {
	e     *engine
	mail  string
	rcpts []string
	data  []byte // the built message, CRLF only, not dot-stuffed
}

var (
	whyNoRcpt = lang.Text{EN: "no recipient was accepted, so no message is sent", ES: "no se aceptó ningún destinatario, así que no se envía mensaje"}
	whyNoMail = lang.Text{EN: "MAIL FROM was refused", ES: "MAIL FROM fue rechazado"}
	whyNoLink = lang.Text{EN: "no reply: the connection failed before", ES: "sin respuesta: la conexión falló antes"}
)

func (t *txn) ok(i int) bool {
	s := t.e.res.Steps[i]
	return s.Status == StatusOK || s.Status == StatusWarning
}

// lockstep sends one command and waits for its reply before the next.
func (t *txn) lockstep(chunking bool) {
	e, p := t.e, t.e.p
	i := e.begin(StepMail, t.mail, "")
	if !e.send(i, p.t.Mail, t.mail) {
		return
	}
	if _, ok := e.await(i, waitingFor("MAIL FROM"), p.t.Mail, 250); !ok || e.closed {
		return
	}
	if !t.ok(i) {
		for k := range t.rcpts {
			e.skip(StepRcpt, p.to[k].Display(), whyNoMail)
		}
		e.quit()
		return
	}
	if e.stopHere(StepMail) {
		return
	}
	accepted := 0
	for k, cmd := range t.rcpts {
		i := e.begin(StepRcpt, cmd, p.to[k].Display())
		if !e.send(i, p.t.Rcpt, cmd) {
			return
		}
		// 251 and 252 are successes too (RFC 5321 §3.4, §4.2.2); a
		// rejected recipient does not stop the others.
		if _, ok := e.await(i, waitingFor("RCPT TO"), p.t.Rcpt, 250, 251, 252); !ok || e.closed {
			return
		}
		if t.ok(i) {
			accepted++
		}
	}
	if e.stopHere(StepRcpt) {
		return
	}
	if accepted == 0 {
		e.skip(StepData, "", whyNoRcpt)
		e.quit()
		return
	}
	if chunking {
		for _, c := range t.chunks() {
			i := e.begin(StepBDAT, c.cmd, "")
			if !t.sendChunk(i, c) {
				return
			}
			if _, ok := e.await(i, waitingFor("BDAT"), c.timeout, 250); !ok || e.closed {
				return
			}
			if !t.ok(i) {
				break
			}
		}
		e.quit()
		return
	}
	i = e.begin(StepData, "DATA", "")
	if !e.send(i, p.t.Command, "DATA") {
		return
	}
	if _, ok := e.await(i, waitingFor("DATA"), p.t.Data, 354); !ok || e.closed {
		return
	}
	if !t.ok(i) {
		e.quit()
		return
	}
	if t.stopInData() {
		return
	}
	j := e.begin(StepDataEnd, ".", "")
	if !t.sendMessage(j) {
		return
	}
	if _, ok := e.await(j, txtWaitDot, p.t.FinalDot, 250); !ok || e.closed {
		return
	}
	e.quit()
}

// stopInData handles stop-after data: after a 354 every byte is message
// text, QUIT included, so the only way out that delivers nothing is to close
// the connection; the server must then discard the message
// (RFC 5321 §4.1.1.4).
func (t *txn) stopInData() bool {
	e := t.e
	if e.p.o.StopAfter != StepData {
		return false
	}
	e.info(lang.Text{
		EN: "Stopping after DATA as asked: closing the connection without sending the message (the server must discard it, RFC 5321 §4.1.1.4)",
		ES: "Parada tras DATA, como se pidió: se cierra la conexión sin enviar el mensaje (el servidor debe descartarlo, RFC 5321 §4.1.1.4)",
	})
	e.drop()
	e.skip(StepQuit, "", lang.Text{EN: "after a 354 a QUIT would be taken as message text", ES: "tras un 354 un QUIT se tomaría como texto del mensaje"})
	return true
}

// sendMessage writes the dot-stuffed message and its final dot for step j.
func (t *txn) sendMessage(j int) bool {
	e := t.e
	if err := e.conn.WriteData(message.EncodeDATA(t.data), e.p.t.DataBlock); err != nil {
		e.ioFail(j, txtSendMessage, e.p.t.DataBlock, err)
		return false
	}
	return true
}

type chunk struct {
	cmd     string
	data    []byte
	timeout time.Duration
}

// chunks splits the message for BDAT (RFC 3030 §2): no dot-stuffing, the
// size counted exactly, LAST on the final chunk.
func (t *txn) chunks() []chunk {
	p := t.e.p
	size := p.o.ChunkSize
	if size <= 0 {
		size = DefaultChunkSize
	}
	var cs []chunk
	for rest := t.data; ; {
		n := min(len(rest), size)
		c := chunk{cmd: fmt.Sprintf("BDAT %d", n), data: rest[:n], timeout: p.t.DataBlock}
		rest = rest[n:]
		if len(rest) == 0 {
			c.cmd += " LAST"
			c.timeout = p.t.FinalDot
			cs = append(cs, c)
			return cs
		}
		cs = append(cs, c)
	}
}

// sendChunk sends a BDAT command and its chunk in one write: the data
// follows the command without waiting for a reply (RFC 3030 §2).
func (t *txn) sendChunk(i int, c chunk) bool {
	e := t.e
	err := e.conn.Queue(smtpwire.Command{Line: c.cmd})
	if err == nil {
		e.conn.QueueData(c.data)
		err = e.conn.Flush(e.p.t.DataBlock)
	}
	if err != nil {
		e.ioFail(i, txtSendChunk, e.p.t.DataBlock, err)
		return false
	}
	return true
}

// pending is a step whose command has gone out and whose reply is awaited.
type pending struct {
	i       int
	what    lang.Text
	timeout time.Duration
	codes   []int
	isRcpt  bool
	isQuit  bool
}

// abandon ends the steps of a flight that will get no reply.
func (t *txn) abandon(fl []pending) {
	for _, f := range fl {
		t.e.abandonSteps(f.i)
	}
}

// pipelined sends commands in flights without waiting (RFC 2920 §3.1):
// MAIL, every RCPT and DATA together, then the message, its final dot and
// QUIT; with BDAT, everything up to QUIT in one flight. Replies are read in
// order and attributed to their commands.
func (t *txn) pipelined(chunking bool) {
	e, p := t.e, t.e.p
	stop := p.o.StopAfter
	var flight []pending
	fail := func(err error) {
		e.ioFail(flight[0].i, txtSendPipelined, p.t.DataBlock, err)
		t.abandon(flight[1:])
	}
	add := func(name StepName, cmd, rcpt string, what lang.Text, timeout time.Duration, codes ...int) error {
		i := e.begin(name, cmd, rcpt)
		flight = append(flight, pending{i: i, what: what, timeout: timeout, codes: codes, isRcpt: name == StepRcpt, isQuit: name == StepQuit})
		return e.conn.Queue(smtpwire.Command{Line: cmd})
	}
	var err error
	queue := func(name StepName, cmd, rcpt string, what lang.Text, timeout time.Duration, codes ...int) {
		if err == nil {
			err = add(name, cmd, rcpt, what, timeout, codes...)
		}
	}
	queue(StepMail, t.mail, "", waitingFor("MAIL FROM"), p.t.Mail, 250)
	if stop != StepMail {
		for k, cmd := range t.rcpts {
			queue(StepRcpt, cmd, p.to[k].Display(), waitingFor("RCPT TO"), p.t.Rcpt, 250, 251, 252)
		}
	}
	dataIdx := -1
	switch {
	case stop == StepMail || stop == StepRcpt:
		e.info(lang.Text{EN: "Stopping after %s as asked", ES: "Parada tras %s, como se pidió"}, stop)
		queue(StepQuit, "QUIT", "", waitingFor("QUIT"), p.t.Command, 221)
	case chunking:
		// BDAT carries its data right behind the command, so the chunks
		// and QUIT go in the same flight (RFC 3030 §4.2).
		for _, c := range t.chunks() {
			queue(StepBDAT, c.cmd, "", waitingFor("BDAT"), c.timeout, 250)
			if err == nil {
				e.conn.QueueData(c.data)
			}
		}
		queue(StepQuit, "QUIT", "", waitingFor("QUIT"), p.t.Command, 221)
	default:
		queue(StepData, "DATA", "", waitingFor("DATA"), p.t.Data, 354)
		dataIdx = flight[len(flight)-1].i
	}
	if err == nil {
		err = e.conn.Flush(p.t.DataBlock)
	}
	if err != nil {
		fail(err)
		return
	}
	accepted, mailOK := 0, false
	for k, f := range flight {
		if f.isQuit {
			e.readQuit(f.i)
			return
		}
		if _, ok := e.await(f.i, f.what, f.timeout, f.codes...); !ok || e.closed {
			t.abandon(flight[k+1:])
			return
		}
		switch {
		case k == 0:
			mailOK = t.ok(f.i)
		case f.isRcpt && t.ok(f.i):
			accepted++
		}
	}
	if dataIdx < 0 {
		return
	}
	if !t.ok(dataIdx) {
		e.quit()
		return
	}
	if t.stopInData() {
		return
	}
	j := e.begin(StepDataEnd, ".", "")
	if !mailOK || accepted == 0 {
		// The server took DATA though no transaction stands: send the
		// final dot alone so that nothing is delivered (RFC 2920 §3.1).
		e.warn("data-without-recipients", lang.Text{
			EN: "The server accepted DATA without an accepted sender and recipient; sending an empty message end",
			ES: "El servidor aceptó DATA sin remitente y destinatario aceptados; se envía un fin de mensaje vacío",
		})
		if err := e.conn.WriteData([]byte(".\r\n"), p.t.DataBlock); err != nil {
			e.ioFail(j, txtSendDot, p.t.DataBlock, err)
			return
		}
		if _, ok := e.await(j, txtWaitDot, p.t.FinalDot, 250); !ok || e.closed {
			return
		}
		e.quit()
		return
	}
	// The message, its final dot and QUIT go in the second flight.
	e.conn.QueueData(message.EncodeDATA(t.data))
	q := e.begin(StepQuit, "QUIT", "")
	_ = e.conn.Queue(smtpwire.Command{Line: "QUIT"}) // a constant line is never refused
	if err := e.conn.Flush(p.t.DataBlock); err != nil {
		e.ioFail(j, txtSendMessage, p.t.DataBlock, err)
		e.abandonSteps(q)
		return
	}
	if _, ok := e.await(j, txtWaitDot, p.t.FinalDot, 250); !ok {
		e.abandonSteps(q)
		return
	}
	if e.closed {
		e.abandonSteps(q)
		return
	}
	e.readQuit(q)
}
