package session

import (
	"crypto/x509"
	"time"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/sendercheck"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// StepName names a step of a session. The names are part of the JSON schema.
type StepName string

// The steps, in the order a session runs them. rcpt appears once per
// recipient; bdat once per chunk when the message goes with BDAT (RFC 3030),
// in which case data and data_end do not appear. tls is the implicit TLS
// handshake after connect; starttls (with its handshake) and a second ehlo,
// then auth, come between ehlo and mail.
const (
	StepResolve  StepName = "resolve"
	StepConnect  StepName = "connect"
	StepBanner   StepName = "banner"
	StepEHLO     StepName = "ehlo"
	StepHELO     StepName = "helo"
	StepTLS      StepName = "tls" // the implicit TLS handshake (RFC 8314)
	StepSTARTTLS StepName = "starttls"
	StepAuth     StepName = "auth"
	StepMail     StepName = "mail"
	StepRcpt     StepName = "rcpt"
	StepData     StepName = "data"
	StepBDAT     StepName = "bdat"
	StepDataEnd  StepName = "data_end"
	StepQuit     StepName = "quit"
)

// Status is the verdict of a step.
type Status string

// The statuses. Running only appears in OnStep calls for a step that has
// started; a Result never holds it.
const (
	StatusRunning Status = "running"
	StatusOK      Status = "ok"
	StatusWarning Status = "warning"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
)

// Failure classifies why a step failed, for the reply evaluator and scripts.
type Failure string

// The failure kinds.
const (
	// FailRefused: the server host refused the TCP connection (nothing
	// listens on the port, or a firewall rejects it).
	FailRefused Failure = "refused"
	// FailTimeout: nothing (or not enough) came back within the step's
	// timeout.
	FailTimeout Failure = "timeout"
	// FailReset: the connection was reset by the peer.
	FailReset Failure = "reset"
	// FailUnreachable: no route to the host or network.
	FailUnreachable Failure = "unreachable"
	// FailClosed: the server closed the connection.
	FailClosed Failure = "closed"
	// FailCanceled: the user cancelled the session.
	FailCanceled Failure = "canceled"
	// FailProtocol: the server broke the protocol (see the step's error for
	// the rule), or answered with a code that makes no sense at this point.
	FailProtocol Failure = "protocol"
	// FailTLS: the TLS handshake failed.
	FailTLS Failure = "tls"
	// FailRejected: the server answered with a 4xx or 5xx reply; the
	// reply's code says which.
	FailRejected Failure = "rejected"
	// FailNeedsSMTPUTF8: an address has a UTF-8 local part and the server
	// does not offer SMTPUTF8 (RFC 6531), so nothing was sent for it.
	FailNeedsSMTPUTF8 Failure = "needs_smtputf8"
	// FailDNSNXDomain: the domain does not exist.
	FailDNSNXDomain Failure = "dns_nxdomain"
	// FailDNSNullMX: the domain publishes a null MX (RFC 7505).
	FailDNSNullMX Failure = "dns_null_mx"
	// FailDNSNoHost: the domain or server host has no MX and no address.
	FailDNSNoHost Failure = "dns_no_host"
	// FailDNSTemporary: no DNS server gave a usable answer.
	FailDNSTemporary Failure = "dns_temporary"
	// FailNetwork: any other network error.
	FailNetwork Failure = "network"
)

// Step is one step of a session.
type Step struct {
	// ID numbers the steps of one Result from 1; OnStep reports the start and
	// the end of a step with the same ID.
	ID int `json:"id"`
	// Name is the step.
	Name StepName `json:"name"`
	// Host is the server host the step ran against, when it has one.
	Host string `json:"host,omitempty"`
	// Command is the command line sent, escaped (and masked for secrets).
	// For data it is "DATA"; for bdat "BDAT n [LAST]".
	Command string `json:"command,omitempty"`
	// Recipient is the address of a rcpt step.
	Recipient string `json:"recipient,omitempty"`
	// Reply is the server's reply, when one came.
	Reply *smtpwire.Reply `json:"reply,omitempty"`
	// Status is the verdict.
	Status Status `json:"status"`
	// Failure classifies a failed (or failed-over) step.
	Failure Failure `json:"failure,omitempty"`
	// Error explains a failure or a warning, or says why a step was
	// skipped, in English.
	Error string `json:"error,omitempty"`
	// ErrorText is Error in both languages.
	ErrorText *lang.Text `json:"error_text,omitempty"`
	// Started is when the step started.
	Started time.Time `json:"started"`
	// Duration is how long the step took.
	Duration time.Duration `json:"-"`
	// DurationMS is Duration in milliseconds.
	DurationMS float64 `json:"duration_ms"`
	// Evaluation explains the step's reply or failure in the session's
	// language: meaning, likely causes, what to try next.
	Evaluation *diagnose.LocalizedEvaluation `json:"evaluation,omitempty"`
	// Diagnosis is Evaluation in both languages, for a caller that shows the
	// step again in another language (the desktop app's language switch)
	// without evaluating it a second time without the session's context.
	Diagnosis *diagnose.Evaluation `json:"-"`
}

// Server identifies the server a Result talked to.
type Server struct {
	// Host is the host name (the MX target, or the --server host).
	Host string `json:"host"`
	// IP is the address connected to (or last tried).
	IP string `json:"ip,omitempty"`
	// Port is the TCP port.
	Port int `json:"port"`
	// MXPreference is the MX preference of Host, when it came from MX
	// records.
	MXPreference *uint16 `json:"mx_preference,omitempty"`
}

// Warning is a note for people about the session.
type Warning struct {
	// Code identifies the kind of warning, e.g. "dsn-not-offered".
	Code string `json:"code"`
	// Text is the warning in both languages.
	Text lang.Text `json:"text"`
}

// Result is the authoritative record of one session with one server.
//
// JSON schema (these names are fixed; later versions only add fields):
//
//	ok            bool    every step that ran succeeded (warnings allowed)
//	exit_code     int     see package exitcode
//	server        {host, ip, port, mx_preference}
//	local_addr    string  local "ip:port" of the connection
//	ip_version    int     4 or 6
//	extensions    [string] EHLO keywords with their parameters, as advertised
//	steps         [{id, name, host, command, recipient,
//	                reply {code, enhanced, lines}, status, failure, error,
//	                error_text {en, es}, started, duration_ms}]
//	transcript    [{seq, time, elapsed_ms, dir, text, tls, raw}]
//	warnings      [{code, text {en, es}}]; "tls-fallback-plaintext" says an
//	              opportunistic STARTTLS handshake failed and the session
//	              went on without TLS on a second connection to the same
//	              address (its starttls step is a warning with failure
//	              "tls_fallback_plaintext"; steps then hold both connections)
//	stop_after    string  the step the user asked to stop after, if any
//	started       time    when the session started
//	duration_ms   float   how long the whole session took
//	message_id    string  Message-ID of the message sent, if one was built
//	tls           {version, cipher_suite, server_name, verified, skip_verify,
//	               name_matches, problem, chain} the TLS handshake, if any
//	              (after a plaintext fallback: the handshake that failed)
//	verdict       {verdict, severity, class, step, recipient, title, cause,
//	               actions, accepted, rejected, exit_code, evaluation}
//	              the session's headline (package diagnose)
//
// Each step may also carry "evaluation": {class, code, enhanced, severity,
// summary, meaning, causes, actions, references, ...} explaining its reply
// or failure, in the language of Options.Lang.
type Result struct {
	OK         bool               `json:"ok"`
	ExitCode   int                `json:"exit_code"`
	Server     Server             `json:"server"`
	LocalAddr  string             `json:"local_addr,omitempty"`
	IPVersion  int                `json:"ip_version,omitempty"`
	Extensions []string           `json:"extensions"`
	Steps      []Step             `json:"steps"`
	Transcript []transcript.Entry `json:"transcript"`
	Warnings   []Warning          `json:"warnings"`
	StopAfter  StepName           `json:"stop_after,omitempty"`
	Started    time.Time          `json:"started"`
	Duration   time.Duration      `json:"-"`
	DurationMS float64            `json:"duration_ms"`
	MessageID  string             `json:"message_id,omitempty"`
	// TLS describes the TLS handshake (version, cipher, certificate chain,
	// verification), when one was attempted.
	TLS *tlsreport.Report `json:"tls,omitempty"`
	// PeerCertificates is the chain the server presented, leaf first, for
	// saving it (tlsreport.SavePEM); it is in TLS in readable form.
	PeerCertificates []*x509.Certificate `json:"-"`
	// Verdict is the one-line headline for the session with its most likely
	// cause, in the session's language.
	Verdict *diagnose.LocalizedHeadline `json:"verdict,omitempty"`
	// Headline is Verdict in both languages (see Step.Diagnosis).
	Headline *diagnose.Headline `json:"-"`
	// Sender holds the sender checks (egress IP, reverse DNS, EHLO name,
	// SPF, DMARC, blocklists) when they ran beside the session; the shape is
	// documented in docs/sender.md.
	Sender *sendercheck.Report `json:"sender,omitempty"`
}

// Step returns the first step named n, or nil.
func (r *Result) Step(n StepName) *Step {
	for i := range r.Steps {
		if r.Steps[i].Name == n {
			return &r.Steps[i]
		}
	}
	return nil
}

// Failed returns the first failed step, or nil.
func (r *Result) Failed() *Step {
	for i := range r.Steps {
		if r.Steps[i].Status == StatusFailed {
			return &r.Steps[i]
		}
	}
	return nil
}

// finish computes OK and ExitCode from the steps: the session is OK when no
// step failed. Otherwise the code follows the failures that are causes, not
// consequences (see followsFailure): a 454 to the only RCPT TO followed by a
// 554 to the pipelined DATA exits 3, as the 454 alone does in lock-step.
// Among several causes (recipients refused independently, a message refused
// after one recipient was accepted) the worst decides: a protocol problem
// (5) over a permanent rejection (1) over a temporary one (3); connection
// failures give 4 only when no server was ever reached.
func (r *Result) finish() {
	r.OK = true
	code := exitcode.OK
	for k, s := range r.Steps {
		if s.Status != StatusFailed {
			continue
		}
		r.OK = false
		if followsFailure(r.Steps, k) {
			continue
		}
		if c := s.exitCode(); exitRank(c) > exitRank(code) {
			code = c
		}
	}
	if !r.OK && code == exitcode.OK {
		code = exitcode.Protocol
	}
	r.ExitCode = code
}

// followsFailure reports whether the failure of steps[k] only follows from an
// earlier failure on the same connection, so that it must not decide the
// exit code:
//   - anything after a failure that ended the connection (a timeout, a
//     reset, a protocol error, a 421: RFC 5321 §3.8, §4.2.1);
//   - QUIT after any failure: by then the verdict is in;
//   - RCPT TO, DATA, BDAT or the message end after a refused MAIL FROM, and
//     DATA, BDAT or the message end after every RCPT TO was refused: with
//     pipelining these went out before the refusals came back and the server
//     had to refuse them too (RFC 2920 §3.1; asConsequence explains them so);
//   - the message end or a later BDAT chunk after a refused DATA or BDAT.
//
// Recipients are refused independently of each other, so every failed RCPT
// TO of a transaction whose MAIL FROM succeeded is a cause.
func followsFailure(steps []Step, k int) bool {
	s := steps[k]
	inTxn := s.Name == StepRcpt || isMessageStep(s.Name)
	rcpts, rcptOK := 0, false
	for j := k - 1; j >= 0; j-- {
		p := steps[j]
		if p.Status == StatusFailed {
			switch {
			case s.Name == StepQuit, endsConnection(p):
				return true
			case inTxn && p.Name == StepMail:
				return true
			case isMessageStep(s.Name) && isMessageStep(p.Name):
				return true
			}
		}
		switch p.Name {
		case StepRcpt:
			rcpts++
			rcptOK = rcptOK || p.Status == StatusOK || p.Status == StatusWarning
		case StepMail:
			// MAIL FROM opens the transaction: nothing before it decides
			// about the recipients.
			if isMessageStep(s.Name) && rcpts > 0 && !rcptOK {
				return true
			}
			inTxn = false
		case StepConnect:
			// A new connection (the next MX, or the plaintext retry after a
			// failed STARTTLS handshake) starts afresh.
			return false
		}
	}
	return false
}

// isMessageStep reports whether n carries the message: DATA, its end, or a
// BDAT chunk.
func isMessageStep(n StepName) bool { return n == StepData || n == StepDataEnd || n == StepBDAT }

// endsConnection reports whether failed step s left no conversation to go
// on with: anything but a 4xx or 5xx reply, or a 421 (the server is closing
// the channel, RFC 5321 §3.8).
func endsConnection(s Step) bool {
	if s.Failure == FailRejected || (isAuthFailure(s.Failure) && s.Failure != FailAuthPlaintext && s.Failure != FailAuthUnverified) {
		return s.Reply != nil && s.Reply.Code == 421
	}
	return true
}

// CombinedExitCode is the exit code of several results (every-MX mode): the
// worst of them, ranked as within one Result.
func CombinedExitCode(rs []*Result) int {
	code := exitcode.OK
	for _, r := range rs {
		if r != nil && exitRank(r.ExitCode) > exitRank(code) {
			code = r.ExitCode
		}
	}
	return code
}

func exitRank(c int) int {
	switch c {
	case exitcode.Protocol:
		return 4
	case exitcode.Permanent:
		return 3
	case exitcode.Temporary:
		return 2
	case exitcode.Connect:
		return 1
	}
	return 0
}

func (s Step) exitCode() int {
	if c, ok := authExitCode(s); ok {
		return c
	}
	switch s.Failure {
	case FailRejected:
		if s.Reply != nil && s.Reply.Class() == 4 {
			return exitcode.Temporary
		}
		return exitcode.Permanent
	case FailNeedsSMTPUTF8, FailDNSNXDomain, FailDNSNullMX, FailDNSNoHost:
		return exitcode.Permanent
	case FailDNSTemporary:
		return exitcode.Temporary
	case FailRefused, FailUnreachable:
		return exitcode.Connect
	case FailTimeout, FailReset, FailNetwork, FailClosed:
		if s.Name == StepConnect {
			return exitcode.Connect
		}
		return exitcode.Protocol
	}
	return exitcode.Protocol
}
