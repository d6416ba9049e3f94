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
	case isAny(err, errnoRefused):
		return FailRefused
	case isAny(err, errnoReset):
		return FailReset
	case isAny(err, errnoUnreachable):
		return FailUnreachable
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return FailClosed
	case errors.As(err, &ne) && ne.Timeout():
		return FailTimeout
	}
	return FailNetwork
}

func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
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
// for and for how long when it timed out.
func describe(f Failure, what string, timeout time.Duration, err error) lang.Text {
	switch f {
	case FailCanceled:
		return lang.Text{EN: "cancelled by the user", ES: "cancelado por el usuario"}
	case FailTimeout:
		return lang.Text{
			EN: fmt.Sprintf("%s: no answer within %s", what, timeout),
			ES: fmt.Sprintf("%s: sin respuesta en %s", what, timeout),
		}
	case FailRefused:
		return lang.Text{
			EN: "connection refused: nothing listens on that port, or a firewall rejects the connection",
			ES: "conexión rechazada: nada escucha en ese puerto, o un firewall rechaza la conexión",
		}
	case FailReset:
		return lang.Text{EN: what + ": the connection was reset by the server or a device in between",
			ES: what + ": el servidor o un equipo intermedio reinició la conexión"}
	case FailUnreachable:
		return lang.Text{EN: "no route to the host: " + err.Error(), ES: "no hay ruta al host: " + err.Error()}
	case FailClosed:
		return lang.Text{EN: what + ": the server closed the connection", ES: what + ": el servidor cerró la conexión"}
	case FailProtocol:
		var pe *smtpwire.ProtocolError
		if errors.As(err, &pe) {
			return lang.Text{EN: pe.Localize(lang.EN), ES: pe.Localize(lang.ES)}
		}
	}
	return lang.Text{EN: what + ": " + err.Error(), ES: what + ": " + err.Error()}
}
