package smtpauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
)

// scripted is a Conn that answers each command with the next canned reply
// and records what was sent. It drives the exchange through replies a
// well-behaved go-smtp server never sends.
type scripted struct {
	replies []reply
	sent    []string
	shown   []string
	allSens bool
}

type reply struct {
	code int
	text string
	err  error
}

func (s *scripted) Cmd(line string, sensitive bool) (int, string, error) {
	s.sent = append(s.sent, line)
	if sensitive {
		s.shown = append(s.shown, Mask(line))
	} else {
		s.shown = append(s.shown, line)
	}
	s.allSens = s.allSens || !sensitive
	if len(s.replies) == 0 {
		return 0, "", errors.New("connection closed")
	}
	r := s.replies[0]
	s.replies = s.replies[1:]
	return r.code, r.text, r.err
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestExchangeReplies(t *testing.T) {
	tests := []struct {
		name     string
		mech     Mechanism
		replies  []reply
		kind     Kind // "" for success
		code     int
		exit     int
		lastSent string // the last line sent, when it matters
	}{
		{"235 success (RFC 4954 §6)", Plain("", "u", "p"), []reply{{235, "2.7.0 Authentication successful", nil}}, "", 0, exitcode.OK, ""},
		{"535 5.7.8 credentials invalid", Plain("", "u", "p"), []reply{{535, "5.7.8 Authentication credentials invalid", nil}}, KindFailed, 535, exitcode.Permanent, ""},
		{"454 4.7.0 temporary failure", Plain("", "u", "p"), []reply{{454, "4.7.0 Temporary authentication failure", nil}}, KindTemporary, 454, exitcode.Temporary, ""},
		{"432 4.7.12 password transition", Plain("", "u", "p"), []reply{{432, "4.7.12 A password transition is needed", nil}}, KindTemporary, 432, exitcode.Temporary, ""},
		{"538 5.7.11 encryption required", Plain("", "u", "p"), []reply{{538, "5.7.11 Encryption required for requested authentication mechanism", nil}}, KindEncryptionRequired, 538, exitcode.Permanent, ""},
		{"530 must issue STARTTLS (Exchange)", Plain("", "u", "p"), []reply{{530, "5.7.0 Must issue a STARTTLS command first", nil}}, KindEncryptionRequired, 530, exitcode.Permanent, ""},
		{"534 5.7.9 too weak", Plain("", "u", "p"), []reply{{534, "5.7.9 Authentication mechanism is too weak", nil}}, KindTooWeak, 534, exitcode.Permanent, ""},
		{"504 unrecognized mechanism", Plain("", "u", "p"), []reply{{504, "5.5.4 Unrecognized authentication type", nil}}, KindUnsupported, 504, exitcode.Permanent, ""},
		{"503 already authenticated", Plain("", "u", "p"), []reply{{503, "5.5.1 Already authenticated", nil}}, KindNotAvailable, 503, exitcode.Permanent, ""},
		{"250 is no answer to AUTH", Plain("", "u", "p"), []reply{{250, "OK", nil}}, KindProtocol, 250, exitcode.Protocol, ""},
		{"invalid base64 challenge is cancelled", Login("u", "p"), []reply{{334, "VXNlcm5hbWU6!!", nil}, {501, "5.0.0 cancelled", nil}}, KindBadChallenge, 501, exitcode.Protocol, "*"},
		{"unpadded base64 challenge is cancelled", Login("u", "p"), []reply{{334, "VXNlcm5hbWU", nil}, {501, "cancelled", nil}}, KindBadChallenge, 501, exitcode.Protocol, "*"},
		{"multi-line 334 is cancelled", Login("u", "p"), []reply{{334, b64("Username:") + "\n" + b64("x"), nil}, {501, "cancelled", nil}}, KindBadChallenge, 501, exitcode.Protocol, "*"},
		{"challenge to PLAIN is cancelled", Plain("", "u", "p"), []reply{{334, "", nil}, {501, "cancelled", nil}}, KindAborted, 501, exitcode.Protocol, "*"},
		{"LOGIN third prompt is cancelled", Login("u", "p"), []reply{{334, b64("Username:"), nil}, {334, b64("Password:"), nil}, {334, b64("Again:"), nil}, {501, "cancelled", nil}}, KindAborted, 501, exitcode.Protocol, "*"},
		{"endless challenges", chatty{}, repeat(reply{334, "", nil}, 20), KindProtocol, 0, exitcode.Protocol, "*"},
		{"LOGIN ok", Login("u", "p"), []reply{{334, b64("Username:"), nil}, {334, b64("Password:"), nil}, {235, "ok", nil}}, "", 0, exitcode.OK, b64("p")},
		{"MS 365 SMTP AUTH disabled", Login("u", "p"), []reply{{334, b64("Username:"), nil}, {334, b64("Password:"), nil}, {535, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", nil}}, KindFailed, 535, exitcode.Permanent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &scripted{replies: tt.replies}
			err := Exchange(context.Background(), c, tt.mech)
			if c.allSens {
				t.Error("a line of the exchange was not marked sensitive")
			}
			if tt.lastSent != "" && c.sent[len(c.sent)-1] != tt.lastSent {
				t.Errorf("last line sent %q, want %q", c.sent[len(c.sent)-1], tt.lastSent)
			}
			if tt.kind == "" {
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *Error", err)
			}
			if e.Kind != tt.kind || (tt.code != 0 && e.Code != tt.code) || e.ExitCode() != tt.exit {
				t.Fatalf("got kind %s code %d exit %d, want %s %d %d (%v)", e.Kind, e.Code, e.ExitCode(), tt.kind, tt.code, tt.exit, err)
			}
			for _, l := range []lang.Lang{lang.EN, lang.ES} {
				if e.Localize(l) == "" {
					t.Errorf("no %s explanation", l)
				}
			}
			if e.Localize(lang.EN) == e.Localize(lang.ES) {
				t.Error("English and Spanish explanations are the same")
			}
		})
	}
}

func repeat(r reply, n int) []reply {
	out := make([]reply, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestExplainM365(t *testing.T) {
	e := &Error{Kind: KindFailed, Code: 535, Enhanced: "5.7.139"}
	if !strings.Contains(e.Localize(lang.EN), "Set-CASMailbox") || !strings.Contains(e.Localize(lang.ES), "deshabilitado") {
		t.Errorf("5.7.139 explained as %q / %q", e.Localize(lang.EN), e.Localize(lang.ES))
	}
}

func TestExchangeEmptyInitialResponse(t *testing.T) {
	// RFC 4954 §4: an empty initial response is sent as "=".
	c := &scripted{replies: []reply{{235, "ok", nil}}}
	if err := Exchange(context.Background(), c, emptyIR{}); err != nil {
		t.Fatal(err)
	}
	if c.sent[0] != "AUTH EMPTY =" {
		t.Errorf("sent %q", c.sent[0])
	}
}

// chatty answers every challenge, so only the round limit ends the exchange.
type chatty struct{}

func (chatty) Name() string                { return "CHATTY" }
func (chatty) Start() ([]byte, error)      { return nil, nil }
func (chatty) Next([]byte) ([]byte, error) { return []byte("more"), nil }

type emptyIR struct{}

func (emptyIR) Name() string                { return "EMPTY" }
func (emptyIR) Start() ([]byte, error)      { return []byte{}, nil }
func (emptyIR) Next([]byte) ([]byte, error) { return nil, ErrUnexpectedChallenge }

func TestExchangeContextAndConnErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &scripted{}
	if err := Exchange(ctx, c, Plain("", "u", "p")); !errors.Is(err, context.Canceled) || len(c.sent) != 0 {
		t.Errorf("cancelled context: %v, sent %q", err, c.sent)
	}
	c = &scripted{replies: []reply{{0, "", errors.New("read: connection reset")}}}
	if err := Exchange(context.Background(), c, Plain("", "u", "p")); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("conn error: %v", err)
	}
	c = &scripted{}
	var e *Error
	if err := Exchange(context.Background(), c, Plain("", "", "p")); !errors.As(err, &e) || e.Kind != KindInput || len(c.sent) != 0 || e.ExitCode() != exitcode.Usage {
		t.Errorf("bad input: %v, sent %q", err, c.sent)
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "AUTH PLAIN ********"},
		{"auth plain =", "AUTH plain ********"},
		{"AUTH LOGIN", "AUTH LOGIN"},
		{"AUTH CRAM-MD5", "AUTH CRAM-MD5"},
		{"AUTH XOAUTH2 dXNlcj1...", "AUTH XOAUTH2 ********"},
		{"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", "********"},
		{"", "********"},
		{"*", "*"},
		{"AUTH\x1b[2J PLAIN", "********"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChoose(t *testing.T) {
	exchange := []string{"GSSAPI", "NTLM", "LOGIN"}
	all := []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}
	tests := []struct {
		name      string
		offered   []string
		requested string
		token     bool
		want      string
		errHas    string
	}{
		{"auto prefers CRAM-MD5 without token", all, "auto", false, "CRAM-MD5", ""},
		{"auto prefers XOAUTH2 with token", all, "AUTO", true, "XOAUTH2", ""},
		{"empty means auto", []string{"login", "plain"}, "", false, "PLAIN", ""},
		{"Exchange internal connector", exchange, "auto", false, "LOGIN", ""},
		{"explicit offered", all, "login", false, "LOGIN", ""},
		{"explicit not offered lists offers", exchange, "PLAIN", false, "", "does not offer PLAIN; it offers: GSSAPI, NTLM, LOGIN"},
		{"no AUTH at all (RFC 4954 §3)", nil, "auto", false, "", "does not offer AUTH"},
		{"only Windows integrated auth", []string{"GSSAPI", "NTLM"}, "auto", false, "", "GSSAPI and NTLM"},
		{"XOAUTH2 only, no token", []string{"XOAUTH2"}, "auto", false, "", "none of the mechanisms"},
		{"XOAUTH2 requested without token", all, "xoauth2", false, "", "needs an OAuth access token"},
		{"unknown requested", all, "DIGEST-MD5", false, "", "unknown mechanism DIGEST-MD5"},
		{"hostile offer escaped", []string{"X\x1b[2J"}, "PLAIN", false, "", `X\x1B[2J`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Choose(tt.offered, tt.requested, tt.token)
			if tt.errHas == "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var ce *ChooseError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.errHas) || ce.Text.ES == "" || ce.Text.ES == ce.Text.EN {
				t.Fatalf("error %v (%+v), want it to contain %q with a Spanish text", err, ce, tt.errHas)
			}
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Error("raw escape character in error")
			}
		})
	}
}

// TestSentinelSecret authenticates with a sentinel password (and token)
// through every mechanism, against a real server that refuses it and against
// scripted servers that echo what they received, and checks that neither the
// secret nor any base64 form of what carried it appears in error strings,
// explanations, masked lines or log output.
func TestSentinelSecret(t *testing.T) {
	const secret = "S3ntinel-Pa55!"
	var logBuf bytes.Buffer
	old := log.Writer()
	log.SetOutput(&logBuf)
	defer log.SetOutput(old)

	user := "sentinel@example.test"
	forbidden := []string{
		secret,
		b64(secret),                          // LOGIN password response
		b64("\x00" + user + "\x00" + secret), // PLAIN initial response
		b64("user=" + user + "\x01auth=Bearer " + secret + "\x01\x01"), // XOAUTH2
		// The base64 of the secret at the other two alignments, as it
		// appears inside longer payloads.
		strings.TrimRight(b64("x"+secret), "=")[2:],
		strings.TrimRight(b64("xx"+secret), "=")[3:],
	}
	check := func(where, s string) {
		t.Helper()
		for _, f := range forbidden {
			if f != "" && strings.Contains(s, f) {
				t.Errorf("%s contains a form of the secret (%q): %q", where, f, s)
			}
		}
	}
	mechs := func() []Mechanism {
		return []Mechanism{Plain("", user, secret), Login(user, secret), CRAMMD5(user, secret), XOAuth2(user, secret)}
	}

	// A real go-smtp server that refuses the sentinel.
	addr, _, _ := startServer(t, account{user: user, pass: "other", token: "other"})
	for _, m := range mechs() {
		c := dialClient(t, addr)
		err := Exchange(context.Background(), c, m)
		if err == nil {
			t.Fatalf("%s: sentinel accepted", m.Name())
		}
		var e *Error
		errors.As(err, &e)
		check(m.Name()+" error", err.Error())
		check(m.Name()+" %+v of error", fmt.Sprintf("%+v %#v", err, err))
		check(m.Name()+" explanation", e.Localize(lang.EN)+e.Localize(lang.ES))
		check(m.Name()+" transcript", strings.Join(c.transcript, "\n"))
	}

	// Scripted hostile servers that echo the client's line back in their
	// failure reply, and one whose challenge cannot be answered.
	for _, m := range mechs() {
		echo := &echoConn{}
		err := Exchange(context.Background(), echo, m)
		if err == nil {
			t.Fatalf("%s: echo server accepted", m.Name())
		}
		check(m.Name()+" echoed error", err.Error())
		check(m.Name()+" echoed %#v", fmt.Sprintf("%#v", err))
		check(m.Name()+" echoed masked lines", strings.Join(echo.shown, "\n"))
	}
	c := &scripted{replies: []reply{{334, b64("Username:"), nil}, {334, b64("Password:"), nil}, {334, b64(secret), nil}, {501, "cancelled " + b64(secret), nil}}}
	err := Exchange(context.Background(), c, Login(user, secret))
	check("LOGIN aborted error", err.Error())
	check("LOGIN aborted masked lines", strings.Join(c.shown, "\n"))

	for _, m := range mechs() {
		check(m.Name()+" formatted", fmt.Sprintf("%v %+v %#v %s", m, m, m, m))
	}
	check("log output", logBuf.String())
}

// echoConn is a server that answers every line after the AUTH line with a
// failure echoing the line, and answers challenges to LOGIN and CRAM-MD5.
type echoConn struct {
	n     int
	shown []string
	mech  string
}

func (e *echoConn) Cmd(line string, sensitive bool) (int, string, error) {
	e.shown = append(e.shown, Mask(line))
	e.n++
	if e.n == 1 {
		f := strings.Fields(line)
		e.mech = f[1]
		switch e.mech {
		case "LOGIN":
			return 334, b64("Username:"), nil
		case "CRAM-MD5":
			return 334, b64("<1.2@x>"), nil
		}
		if len(f) == 3 {
			return 535, "5.7.8 bad credentials " + f[2] + " decoded " + string(mustDecode(f[2])), nil
		}
	}
	if e.mech == "LOGIN" && e.n == 2 {
		return 334, b64("Password:"), nil
	}
	return 535, "5.7.8 you sent " + line + " = " + string(mustDecode(line)), nil
}

func mustDecode(s string) []byte {
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}
