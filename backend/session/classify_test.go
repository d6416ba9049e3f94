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
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/neterrno"
	"smtpprobe/backend/smtpwire"
)

func TestClassify(t *testing.T) {
	op := func(err error) error {
		return fmt.Errorf("reading reply: %w", &net.OpError{Op: "read", Net: "tcp", Err: err})
	}
	tests := []struct {
		name string
		err  error
		want Failure
	}{
		{"refused", op(os.NewSyscallError("connect", neterrno.Errors(neterrno.Refused)[0])), FailRefused},
		{"reset", op(os.NewSyscallError("read", neterrno.Errors(neterrno.Reset)[0])), FailReset},
		{"unreachable", op(os.NewSyscallError("connect", neterrno.Errors(neterrno.Unreachable)[0])), FailUnreachable},
		{"deadline", op(os.ErrDeadlineExceeded), FailTimeout},
		{"dial timeout", context.DeadlineExceeded, FailTimeout},
		{"EOF", fmt.Errorf("reading reply: %w", io.EOF), FailClosed},
		{"EOF mid-reply", fmt.Errorf("reading reply: %w", io.ErrUnexpectedEOF), FailClosed},
		{"protocol", fmt.Errorf("reading reply: %w", &smtpwire.ProtocolError{Rule: "RFC 5321 §4.2"}), FailProtocol},
		{"tls alert", fmt.Errorf("TLS handshake: %w", tls.AlertError(40)), FailTLS},
		{"not TLS", fmt.Errorf("TLS handshake: %w", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), FailTLS},
		{"unknown CA", fmt.Errorf("TLS handshake: %w", x509.UnknownAuthorityError{}), FailTLS},
		{"other", errors.New("something else"), FailNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(context.Background(), tt.err); got != tt.want {
				t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := classify(ctx, op(net.ErrClosed)); got != FailCanceled {
		t.Errorf("a cancelled context gives %s, want canceled", got)
	}
}

func TestClassifyDNS(t *testing.T) {
	tests := []struct {
		err  error
		want Failure
	}{
		{mxlookup.ErrNXDomain, FailDNSNXDomain},
		{mxlookup.ErrNullMX, FailDNSNullMX},
		{mxlookup.ErrNoMailHost, FailDNSNoHost},
		{mxlookup.ErrNoAddress, FailDNSNoHost},
		{mxlookup.ErrAllServersFailed, FailDNSTemporary},
		{mxlookup.ErrNoResolver, FailDNSTemporary},
	}
	for _, tt := range tests {
		if got := classifyDNS(context.Background(), fmt.Errorf("x: %w", tt.err)); got != tt.want {
			t.Errorf("classifyDNS(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	rej := func(code int) Step {
		return Step{Name: StepRcpt, Status: StatusFailed, Failure: FailRejected, Reply: &smtpwire.Reply{Code: code}}
	}
	tests := []struct {
		name  string
		steps []Step
		want  int
	}{
		{"all ok", []Step{{Status: StatusOK}, {Status: StatusWarning}, {Status: StatusSkipped}}, exitcode.OK},
		{"5xx permanent", []Step{rej(550)}, exitcode.Permanent},
		{"4xx temporary", []Step{rej(452)}, exitcode.Temporary},
		{"5xx wins over 4xx", []Step{rej(452), rej(550)}, exitcode.Permanent},
		{"connect refused", []Step{{Name: StepConnect, Status: StatusFailed, Failure: FailRefused}}, exitcode.Connect},
		{"connect timeout", []Step{{Name: StepConnect, Status: StatusFailed, Failure: FailTimeout}}, exitcode.Connect},
		{"mid-session timeout", []Step{{Name: StepMail, Status: StatusFailed, Failure: FailTimeout}}, exitcode.Protocol},
		{"protocol wins", []Step{rej(550), {Name: StepData, Status: StatusFailed, Failure: FailProtocol}}, exitcode.Protocol},
		{"failed-over connect is a warning", []Step{{Name: StepConnect, Status: StatusWarning, Failure: FailRefused}, {Status: StatusOK}}, exitcode.OK},
		{"NXDOMAIN", []Step{{Name: StepResolve, Status: StatusFailed, Failure: FailDNSNXDomain}}, exitcode.Permanent},
		{"DNS temporary", []Step{{Name: StepResolve, Status: StatusFailed, Failure: FailDNSTemporary}}, exitcode.Temporary},
		{"SMTPUTF8 missing", []Step{{Name: StepMail, Status: StatusFailed, Failure: FailNeedsSMTPUTF8}}, exitcode.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Steps: tt.steps}
			r.finish()
			if r.ExitCode != tt.want || r.OK != (tt.want == exitcode.OK) {
				t.Errorf("exit %d ok %v, want %d", r.ExitCode, r.OK, tt.want)
			}
		})
	}
	a, b := &Result{ExitCode: exitcode.Temporary}, &Result{ExitCode: exitcode.Connect}
	if got := CombinedExitCode([]*Result{b, a, nil}); got != exitcode.Temporary {
		t.Errorf("CombinedExitCode = %d", got)
	}
}
