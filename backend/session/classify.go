package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/neterrno"
	"smtpprobe/backend/smtpwire"
)

// classify maps an error from the network or the reply reader to a failure
// kind. A cancelled context wins over whatever the closed socket reported.
func classify(ctx context.Context, err error) Failure {
	var (
		pe   *smtpwire.ProtocolError
		te   tls.RecordHeaderError
		ae   tls.AlertError
		ne   net.Error
		cver *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
	)
	switch {
	case ctx.Err() != nil:
		return FailCanceled
	case errors.As(err, &pe):
		return FailProtocol
	case errors.As(err, &te), errors.As(err, &ae), errors.As(err, &cver),
		errors.As(err, &ua), errors.As(err, &he), errors.As(err, &ci):
		return FailTLS
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return FailTimeout
	case neterrno.Of(err) == neterrno.Refused:
		return FailRefused
	case neterrno.Of(err) == neterrno.Reset:
		return FailReset
	case neterrno.Of(err) == neterrno.Unreachable:
		return FailUnreachable
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return FailClosed
	case errors.As(err, &ne) && ne.Timeout():
		return FailTimeout
	}
	return FailNetwork
}

// classifyDNS maps a resolver error to a failure kind.
func classifyDNS(ctx context.Context, err error) Failure {
	switch {
	case ctx.Err() != nil:
		return FailCanceled
	case errors.Is(err, mxlookup.ErrNXDomain):
		return FailDNSNXDomain
	case errors.Is(err, mxlookup.ErrNullMX):
		return FailDNSNullMX
	case errors.Is(err, mxlookup.ErrAllServersFailed), errors.Is(err, mxlookup.ErrNoResolver):
		return FailDNSTemporary
	case mxlookup.Temporary(err):
		return FailDNSTemporary
	}
	return FailDNSNoHost
}

// describe explains a failed wait in both languages, naming what was waited
// for (what, in both languages too: a Spanish text must not quote an English
// phrase) and for how long when it timed out.
func describe(f Failure, what lang.Text, timeout time.Duration, err error) lang.Text {
	switch f {
	case FailCanceled:
		return lang.Text{EN: "cancelled by the user", ES: "cancelado por el usuario"}
	case FailTimeout:
		return lang.Text{
			EN: fmt.Sprintf("%s: no answer within %s", what.EN, timeout),
			ES: fmt.Sprintf("%s: sin respuesta en %s", what.ES, timeout),
		}
	case FailRefused:
		return lang.Text{
			EN: "connection refused: nothing listens on that port, or a firewall rejects the connection",
			ES: "conexión rechazada: nada escucha en ese puerto, o un firewall rechaza la conexión",
		}
	case FailReset:
		return lang.Text{EN: what.EN + ": the connection was reset by the server or a device in between",
			ES: what.ES + ": el servidor o un equipo intermedio reinició la conexión"}
	case FailUnreachable:
		return lang.Text{EN: "no route to the host: " + err.Error(), ES: "no hay ruta al host: " + err.Error()}
	case FailClosed:
		return lang.Text{EN: what.EN + ": the server closed the connection", ES: what.ES + ": el servidor cerró la conexión"}
	case FailProtocol:
		var pe *smtpwire.ProtocolError
		if errors.As(err, &pe) {
			return lang.Text{EN: pe.Localize(lang.EN), ES: pe.Localize(lang.ES)}
		}
	}
	// The system's own words stay as they are (they name the errno), but
	// inside a sentence of the session's language.
	return lang.Text{EN: what.EN + ": " + err.Error(), ES: what.ES + ": error de red (" + err.Error() + ")"}
}

// Texts naming what a failed wait or write was doing (see describe).
var (
	txtWaitGreeting  = lang.Text{EN: "waiting for the greeting", ES: "esperando el saludo"}
	txtWaitDot       = lang.Text{EN: "waiting for the reply to the final dot", ES: "esperando la respuesta al punto final"}
	txtSendMessage   = lang.Text{EN: "sending the message", ES: "enviando el mensaje"}
	txtSendChunk     = lang.Text{EN: "sending a BDAT chunk", ES: "enviando un bloque BDAT"}
	txtSendPipelined = lang.Text{EN: "sending the pipelined commands", ES: "enviando los comandos en pipelining"}
	txtSendDot       = lang.Text{EN: "sending the final dot", ES: "enviando el punto final"}
	txtAuthExchange  = lang.Text{EN: "during the AUTH exchange", ES: "durante el intercambio AUTH"}
)

// waitingFor names the wait for the reply to cmd ("MAIL FROM").
func waitingFor(cmd string) lang.Text {
	return lang.Text{EN: "waiting for the reply to " + cmd, ES: "esperando la respuesta a " + cmd}
}

// sending names the write of cmd.
func sending(cmd string) lang.Text {
	return lang.Text{EN: "sending " + cmd, ES: "enviando " + cmd}
}

// connectingTo names the connect to addr.
func connectingTo(addr string) lang.Text {
	return lang.Text{EN: "connecting to " + addr, ES: "conectando con " + addr}
}
