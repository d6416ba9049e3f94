package session

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/smtpwire"
)

// failed, ok and warned build steps for the ranking table.
func failed(n StepName, f Failure, code int) Step {
	s := Step{Name: n, Status: StatusFailed, Failure: f}
	if code != 0 {
		s.Reply = &smtpwire.Reply{Code: code, Lines: []string{"x"}}
	}
	return s
}

func ok(n StepName) Step {
	return Step{Name: n, Status: StatusOK, Reply: &smtpwire.Reply{Code: 250, Lines: []string{"ok"}}}
}

func warned(n StepName, f Failure) Step { return Step{Name: n, Status: StatusWarning, Failure: f} }

// TestExitCodeRanking is the ranking over a Result's steps alone: the first
// failure decides, not its consequences (RFC 5321 §4.2.1: each reply stands
// for its own command; RFC 2920 §3.1: a pipelined DATA after refused
// recipients must be refused too, which says nothing new).
func TestExitCodeRanking(t *testing.T) {
	head := []Step{ok(StepResolve), ok(StepConnect), ok(StepBanner), ok(StepEHLO)}
	with := func(ss ...Step) []Step { return append(append([]Step(nil), head...), ss...) }
	tests := []struct {
		name  string
		steps []Step
		want  int
	}{
		{"all ok", with(ok(StepMail), ok(StepRcpt), ok(StepData), ok(StepDataEnd), ok(StepQuit)), exitcode.OK},
		{"454 on the only RCPT then 554 on pipelined DATA (RFC 2920 §3.1)",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 454), failed(StepData, FailRejected, 554), ok(StepQuit)), exitcode.Temporary},
		{"454 on the only RCPT then 503 on pipelined BDAT",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 454), failed(StepBDAT, FailRejected, 503), ok(StepQuit)), exitcode.Temporary},
		{"451 on MAIL then 503 on RCPT and DATA",
			with(failed(StepMail, FailRejected, 451), failed(StepRcpt, FailRejected, 503), failed(StepData, FailRejected, 503), ok(StepQuit)), exitcode.Temporary},
		{"550 on MAIL then 503s", with(failed(StepMail, FailRejected, 550), failed(StepRcpt, FailRejected, 503),
			failed(StepData, FailRejected, 503), ok(StepQuit)), exitcode.Permanent},
		// Partial acceptance keeps the documented ranking: both are causes.
		{"one rcpt 550, another accepted, message accepted",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 550), ok(StepRcpt), ok(StepData), ok(StepDataEnd), ok(StepQuit)), exitcode.Permanent},
		{"one rcpt 450, another 550: recipients are independent, permanent ranks over temporary",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 450), failed(StepRcpt, FailRejected, 550),
				failed(StepData, FailRejected, 554), ok(StepQuit)), exitcode.Permanent},
		{"one rcpt 450, another accepted, message 554: the message refusal is a cause",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 450), ok(StepRcpt), ok(StepData),
				failed(StepDataEnd, FailRejected, 554), ok(StepQuit)), exitcode.Permanent},
		{"one rcpt 550, another accepted, DATA times out",
			with(ok(StepMail), failed(StepRcpt, FailRejected, 550), ok(StepRcpt), failed(StepData, FailTimeout, 0)), exitcode.Protocol},
		{"DATA 451 then the message end is not sent", with(ok(StepMail), ok(StepRcpt), failed(StepData, FailRejected, 451),
			failed(StepDataEnd, FailRejected, 503), ok(StepQuit)), exitcode.Temporary},
		{"421 on RCPT then the rest closed", with(ok(StepMail), failed(StepRcpt, FailRejected, 421), failed(StepRcpt, FailClosed, 0),
			failed(StepData, FailClosed, 0)), exitcode.Temporary},
		{"timeout on MAIL then a reset on RCPT", with(failed(StepMail, FailTimeout, 0), failed(StepRcpt, FailReset, 0)), exitcode.Protocol},
		{"QUIT cancelled after a 451: the 451 decides", with(ok(StepMail), failed(StepRcpt, FailRejected, 451),
			failed(StepQuit, FailCanceled, 0)), exitcode.Temporary},
		{"QUIT cancelled alone", with(ok(StepMail), ok(StepRcpt), ok(StepData), ok(StepDataEnd), failed(StepQuit, FailCanceled, 0)), exitcode.Protocol},
		{"AUTH 454", with(failed(StepAuth, Failure("auth_temporary"), 454), ok(StepQuit)), exitcode.Temporary},
		{"AUTH 535", with(failed(StepAuth, Failure("auth_failed"), 535), ok(StepQuit)), exitcode.Permanent},
		// SMTP Probe's own refusal to send a secret in clear is no 5xx.
		{"AUTH refused without TLS", with(failed(StepAuth, FailAuthPlaintext, 0), ok(StepQuit)), exitcode.Protocol},
		{"STARTTLS required, not offered", with(failed(StepSTARTTLS, FailSTARTTLSUnavailable, 0), ok(StepQuit)), exitcode.Protocol},
		{"STARTTLS required, 454", with(failed(StepSTARTTLS, FailRejected, 454), ok(StepQuit)), exitcode.Temporary},
		// A new connection starts afresh: the next MX's 550 is a cause.
		{"refused connect then next MX 550", []Step{ok(StepResolve), warned(StepConnect, FailRefused), ok(StepConnect),
			ok(StepBanner), ok(StepEHLO), ok(StepMail), failed(StepRcpt, FailRejected, 550), ok(StepQuit)}, exitcode.Permanent},
		{"plaintext retry after a failed handshake, then AUTH refused", []Step{ok(StepResolve), ok(StepConnect), ok(StepBanner),
			ok(StepEHLO), warned(StepSTARTTLS, FailTLSFallback), ok(StepConnect), ok(StepBanner), ok(StepEHLO),
			failed(StepAuth, FailAuthPlaintext, 0), ok(StepQuit)}, exitcode.Protocol},
		{"connect refused, last", []Step{ok(StepResolve), failed(StepConnect, FailRefused, 0)}, exitcode.Connect},
		{"banner 554", []Step{ok(StepResolve), ok(StepConnect), failed(StepBanner, FailRejected, 554), ok(StepQuit)}, exitcode.Permanent},
		{"NXDOMAIN", []Step{failed(StepResolve, FailDNSNXDomain, 0)}, exitcode.Permanent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{Steps: tc.steps}
			r.finish()
			if r.ExitCode != tc.want || r.OK != (tc.want == exitcode.OK) {
				t.Errorf("exit %d ok %v, want %d", r.ExitCode, r.OK, tc.want)
			}
		})
	}
}

// class is how the scripted server answers the step under test.
type class string

const (
	class2xx     class = "2xx"
	class4xx     class = "4xx"
	class5xx     class = "5xx"
	classTimeout class = "timeout"
	classReset   class = "reset"
)

// target names the step under test by what the server reads.
type target string

const (
	tBanner   target = "banner"
	tEHLO     target = "EHLO"
	tSTARTTLS target = "STARTTLS"
	tAUTH     target = "AUTH"
	tMAIL     target = "MAIL"
	tRCPT     target = "RCPT"
	tDATA     target = "DATA"
	tBDAT     target = "BDAT"
	tDot      target = "dot" // the message end
	tQUIT     target = "QUIT"
)

// replies are the 4xx and 5xx a real server gives at each step.
var replies = map[target]map[class]string{
	tBanner:   {class4xx: "421 4.3.2 mx.test busy", class5xx: "554 5.3.2 mx.test no service"},
	tEHLO:     {class4xx: "451 4.3.0 try later", class5xx: "554 5.7.1 go away"},
	tSTARTTLS: {class4xx: "454 4.7.0 TLS not available", class5xx: "554 5.7.0 no TLS for you"},
	tAUTH:     {class4xx: "454 4.7.0 Temporary authentication failure", class5xx: "535 5.7.8 Authentication credentials invalid"},
	tMAIL:     {class4xx: "451 4.3.0 try later", class5xx: "550 5.7.1 sender refused"},
	tRCPT:     {class4xx: "454 4.7.1 Relay access denied", class5xx: "550 5.1.1 User unknown"},
	tDATA:     {class4xx: "451 4.3.0 try later", class5xx: "554 5.7.1 no"},
	tBDAT:     {class4xx: "451 4.3.0 try later", class5xx: "554 5.7.1 no"},
	tDot:      {class4xx: "451 4.3.0 queue full", class5xx: "554 5.7.1 spam"},
	tQUIT:     {class4xx: "421 4.3.0 bye anyway", class5xx: "500 5.5.1 what"},
}

// script is the scripted SMTP server answering step at with class cl.
func script(at target, cl class, cert *tls.Certificate, connected <-chan struct{}) scriptserver.Step {
	f := scriptserver.Fault{At: string(at)}
	switch cl {
	case class4xx, class5xx:
		f.Reply = replies[at][cl]
	case classTimeout:
		f.Silent = true
	case classReset:
		f.Reset = true
	}
	return scriptserver.SMTP(scriptserver.SMTPOptions{Fault: f, Cert: cert, Connected: connected})
}

// TestExitCodeEveryStep runs every step × every answer class against a
// scripted server on 127.0.0.1, lock-step and pipelined (RFC 2920), and
// checks the exit code follows the first failure: a 4xx exits 3 and a 5xx 1
// whatever the server then answers to the commands already in flight (RFC
// 5321 §4.2.1, RFC 2920 §3.1); a timeout or a reset mid-session exits 5;
// nothing QUIT does changes a verdict already in.
func TestExitCodeEveryStep(t *testing.T) {
	k := newPKI(t)
	cert := k.leaf.TLS()
	stepOf := map[target]StepName{tBanner: StepBanner, tEHLO: StepEHLO, tSTARTTLS: StepSTARTTLS, tAUTH: StepAuth,
		tMAIL: StepMail, tRCPT: StepRcpt, tDATA: StepData, tBDAT: StepBDAT, tDot: StepDataEnd, tQUIT: StepQuit}
	want := map[class]int{class2xx: exitcode.OK, class4xx: exitcode.Temporary, class5xx: exitcode.Permanent,
		classTimeout: exitcode.Protocol, classReset: exitcode.Protocol}
	for _, at := range []target{tBanner, tEHLO, tSTARTTLS, tAUTH, tMAIL, tRCPT, tDATA, tBDAT, tDot, tQUIT} {
		for _, cl := range []class{class2xx, class4xx, class5xx, classTimeout, classReset} {
			for _, pipe := range []bool{false, true} {
				mode := "lockstep"
				if pipe {
					mode = "pipelining"
				}
				t.Run(string(at)+"/"+string(cl)+"/"+mode, func(t *testing.T) {
					t.Parallel()
					connected := make(chan struct{})
					srv := scriptserver.Start(t, script(at, cl, &cert, connected))
					o := opts(srv.Addr())
					o.OnStep = func(s Step) {
						if s.Name == StepConnect && s.Status == StatusOK {
							close(connected)
						}
					}
					o.Pipelining = pipe
					switch at {
					case tSTARTTLS:
						o.TLS, o.CAFile = TLSStartTLS, k.caFile
					case tAUTH:
						o.AuthUser, o.AuthSecret, o.AllowPlaintextAuth = "user", "secret", true
					case tBDAT:
						o.Chunking = true
					}
					if cl == classTimeout {
						d := time.Second
						o.Timeouts = Timeouts{Connect: d, Banner: d, Command: d, Mail: d, Rcpt: d, Data: d, DataBlock: d, FinalDot: d}
					}
					r := run(t, o)
					if err := srv.Wait(10 * time.Second); err != nil {
						t.Errorf("script: %v", err)
					}
					w := want[cl]
					if at == tQUIT {
						// By QUIT the verdict is in (RFC 5321 §4.1.1.10).
						w = exitcode.OK
					}
					if r.ExitCode != w {
						t.Errorf("exit %d, want %d; steps %q (%+v)", r.ExitCode, w, steps(r), r.Failed())
					}
					name := stepOf[at]
					switch f := r.Failed(); {
					case cl == class2xx:
						if f != nil || r.Step(name) == nil || r.Step(name).Status != StatusOK {
							t.Errorf("steps %q: want %s ok and no failure", steps(r), name)
						}
					case at == tQUIT:
						if q := r.Step(StepQuit); q == nil || q.Status != StatusWarning {
							t.Errorf("steps %q: want a warning on quit", steps(r))
						}
					case cl == classReset && pipe:
						// The reset may discard replies already sent, so
						// an earlier step of the flight may see it first.
					case f == nil || f.Name != name:
						t.Errorf("steps %q: want %s to fail first", steps(r), name)
					}
				})
			}
		}
	}
}

// TestExitCodeAuthPlaintext: SMTP Probe refuses AUTH on a connection without
// TLS before any secret goes out (RFC 4954 §4 leaves it to the client). No
// server said 5xx, so the exit is 5 like a required STARTTLS that fails,
// not 1.
func TestExitCodeAuthPlaintext(t *testing.T) {
	srv := scriptserver.Start(t, script(tQUIT, class2xx, nil, nil))
	o := opts(srv.Addr())
	o.AuthUser, o.AuthSecret = "user", "S3ntinel-secret"
	r := run(t, o)
	if err := srv.Wait(10 * time.Second); err != nil {
		t.Errorf("script: %v", err)
	}
	if a := r.Step(StepAuth); a == nil || a.Failure != FailAuthPlaintext || r.ExitCode != exitcode.Protocol {
		t.Fatalf("auth %+v exit %d, want %s and %d; steps %q", a, r.ExitCode, FailAuthPlaintext, exitcode.Protocol, steps(r))
	}
	if strings.Contains(string(srv.Received()), "AUTH") {
		t.Error("AUTH went out in clear")
	}
}
