// Package smtpauth implements the client side of SMTP AUTH (RFC 4954): the
// SASL mechanisms PLAIN, LOGIN, CRAM-MD5 and XOAUTH2, the choice of a
// mechanism from what a server offers, and the exchange of AUTH command,
// 334 challenges and final reply over an abstract connection.
//
// Secrets never leave this package in readable form: mechanisms do not print
// their credentials (fmt verbs show "********"), errors never include a
// password, a token or anything encoded from them, and Mask gives the form of
// each client line a transcript may show.
package smtpauth

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// Mechanism is the client side of one SASL mechanism (RFC 4422 §3).
type Mechanism interface {
	// Name is the mechanism name as sent in AUTH, e.g. "PLAIN".
	Name() string
	// Start returns the initial response, or nil when the mechanism has none
	// (an empty non-nil slice is an empty initial response).
	Start() (initial []byte, err error)
	// Next answers a decoded server challenge.
	Next(challenge []byte) (response []byte, err error)
}

// The mechanism names.
const (
	NamePlain   = "PLAIN"
	NameLogin   = "LOGIN"
	NameCRAMMD5 = "CRAM-MD5"
	NameXOAuth2 = "XOAUTH2"
)

// masked is what every secret prints as.
const masked = "********"

// Secret is a password or token. It prints, formats and marshals as
// "********" so that it cannot leak through logging or JSON by accident.
type Secret string

// String masks the secret.
func (Secret) String() string { return masked }

// GoString masks the secret for %#v.
func (Secret) GoString() string { return `"` + masked + `"` }

// MarshalJSON masks the secret.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + masked + `"`), nil }

// Credentials is what the user supplied for AUTH.
type Credentials struct {
	// AuthzID is the optional authorization identity (PLAIN only): act as
	// this user, authenticated as User.
	AuthzID string
	// User is the authentication identity, usually the mailbox address.
	User string
	// Password is used by PLAIN, LOGIN and CRAM-MD5.
	Password Secret
	// Token is the OAuth 2.0 access token for XOAUTH2.
	Token Secret
}

// New returns the mechanism called name (case-insensitive) for c. Credentials
// a mechanism cannot carry (a NUL byte in a PLAIN field, for example) are an
// error here, before anything is sent.
func New(name string, c Credentials) (Mechanism, error) {
	var m Mechanism
	switch strings.ToUpper(name) {
	case NamePlain:
		m = Plain(c.AuthzID, c.User, string(c.Password))
	case NameLogin:
		m = Login(c.User, string(c.Password))
	case NameCRAMMD5:
		m = CRAMMD5(c.User, string(c.Password))
	case NameXOAuth2:
		m = XOAuth2(c.User, string(c.Token))
	default:
		return nil, fmt.Errorf("smtpauth: unsupported mechanism %q (supported: %s)", escape(name), strings.Join(Supported(), ", "))
	}
	if v, ok := m.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Supported lists the mechanisms this package implements, strongest first.
func Supported() []string { return []string{NameXOAuth2, NameCRAMMD5, NamePlain, NameLogin} }

// ErrUnexpectedChallenge is returned by a mechanism that received a challenge
// it has no answer for.
var ErrUnexpectedChallenge = errors.New("smtpauth: unexpected server challenge")

// --- PLAIN (RFC 4616) ---

type plain struct {
	authzid, user string
	pass          Secret
}

// Plain returns the PLAIN mechanism (RFC 4616): one initial response
// "authzid NUL user NUL password". authzid may be empty.
func Plain(authzid, user, password string) Mechanism {
	return &plain{authzid: authzid, user: user, pass: Secret(password)}
}

func (*plain) Name() string { return NamePlain }

// String keeps credentials out of %v.
func (m *plain) String() string { return "PLAIN(" + escape(m.user) + ")" }

// GoString keeps credentials out of %#v, which would otherwise print
// unexported fields raw.
func (m *plain) GoString() string { return m.String() }

func (m *plain) validate() error {
	// RFC 4616 §2: the fields are NUL-separated, so none may contain NUL.
	switch {
	case m.user == "":
		return errors.New("smtpauth: PLAIN needs a user name")
	case strings.ContainsRune(m.authzid, 0) || strings.ContainsRune(m.user, 0):
		return errors.New("smtpauth: PLAIN user names cannot contain a NUL byte")
	case strings.ContainsRune(string(m.pass), 0):
		return errors.New("smtpauth: PLAIN passwords cannot contain a NUL byte")
	case m.pass == "":
		return errors.New("smtpauth: PLAIN needs a password")
	}
	return nil
}

func (m *plain) Start() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	// go-sasl has PLAIN; reuse it for the encoding.
	_, ir, err := sasl.NewPlainClient(m.authzid, m.user, string(m.pass)).Start()
	if err != nil {
		return nil, errors.New("smtpauth: PLAIN could not build its response")
	}
	return ir, nil
}

func (*plain) Next([]byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: PLAIN sends everything in its initial response", ErrUnexpectedChallenge)
}

// --- LOGIN (draft-murchison-sasl-login-00) ---

type login struct {
	user     string
	pass     Secret
	sentUser bool
	sentPass bool
}

// Login returns the LOGIN mechanism: the server prompts "Username:" and
// "Password:" (base64-encoded) and the client answers each. Prompts are
// matched case-insensitively; a server that sends other prompt text is
// answered by position (user first, then password). go-sasl's LOGIN client
// insists on the exact text "Password:", which real servers do not all send.
func Login(user, password string) Mechanism {
	return &login{user: user, pass: Secret(password)}
}

func (*login) Name() string { return NameLogin }

// String keeps credentials out of %v.
func (m *login) String() string { return "LOGIN(" + escape(m.user) + ")" }

// GoString keeps credentials out of %#v, which would otherwise print
// unexported fields raw.
func (m *login) GoString() string { return m.String() }

func (m *login) validate() error {
	if m.user == "" {
		return errors.New("smtpauth: LOGIN needs a user name")
	}
	if m.pass == "" {
		return errors.New("smtpauth: LOGIN needs a password")
	}
	return nil
}

func (m *login) Start() ([]byte, error) {
	// The draft allows no initial response; many servers reject one.
	return nil, m.validate()
}

func (m *login) Next(challenge []byte) ([]byte, error) {
	p := strings.ToLower(strings.TrimSpace(string(challenge)))
	askUser := strings.HasPrefix(p, "user") || strings.HasPrefix(p, "login")
	askPass := strings.HasPrefix(p, "pass")
	switch {
	case askUser && !m.sentUser, !askPass && !askUser && !m.sentUser:
		m.sentUser = true
		return []byte(m.user), nil
	case askPass && !m.sentPass, !askPass && !askUser && m.sentUser && !m.sentPass:
		m.sentPass = true
		return []byte(m.pass), nil
	}
	return nil, fmt.Errorf("%w: LOGIN was asked %q after answering %s", ErrUnexpectedChallenge, escape(truncate(string(challenge), 40)), m.answered())
}

func (m *login) answered() string {
	switch {
	case m.sentUser && m.sentPass:
		return "both prompts"
	case m.sentUser:
		return "the user prompt"
	case m.sentPass:
		return "the password prompt"
	}
	return "nothing"
}

// --- CRAM-MD5 (RFC 2195) ---

type cramMD5 struct {
	user string
	pass Secret
	done bool
}

// CRAMMD5 returns the CRAM-MD5 mechanism (RFC 2195): the answer to the
// server's challenge is "user SP hex(HMAC-MD5(password, challenge))". The
// password itself never crosses the wire, but the server must store it in
// clear; it is the strongest password mechanism common SMTP servers offer.
func CRAMMD5(user, password string) Mechanism {
	return &cramMD5{user: user, pass: Secret(password)}
}

func (*cramMD5) Name() string { return NameCRAMMD5 }

// String keeps credentials out of %v.
func (m *cramMD5) String() string { return "CRAM-MD5(" + escape(m.user) + ")" }

// GoString keeps credentials out of %#v, which would otherwise print
// unexported fields raw.
func (m *cramMD5) GoString() string { return m.String() }

func (m *cramMD5) validate() error {
	if m.user == "" {
		return errors.New("smtpauth: CRAM-MD5 needs a user name")
	}
	if m.pass == "" {
		return errors.New("smtpauth: CRAM-MD5 needs a password")
	}
	return nil
}

func (m *cramMD5) Start() ([]byte, error) { return nil, m.validate() }

func (m *cramMD5) Next(challenge []byte) ([]byte, error) {
	if m.done {
		return nil, fmt.Errorf("%w: CRAM-MD5 has a single round", ErrUnexpectedChallenge)
	}
	if len(challenge) == 0 {
		return nil, fmt.Errorf("%w: CRAM-MD5 challenge is empty (RFC 2195 §2 requires a unique timestamp)", ErrUnexpectedChallenge)
	}
	m.done = true
	h := hmac.New(md5.New, []byte(m.pass))
	h.Write(challenge)
	return []byte(m.user + " " + hex.EncodeToString(h.Sum(nil))), nil
}

// --- XOAUTH2 (Google and Microsoft) ---

// OAuthError is the JSON error a server sends in a 334 challenge when an
// XOAUTH2 token is refused, e.g. {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}.
type OAuthError struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes,omitempty"`
	Scope   string `json:"scope,omitempty"`
	// Raw is the challenge text, escaped, when it was not the expected JSON.
	Raw string `json:"raw,omitempty"`
}

type xoauth2 struct {
	user   string
	token  Secret
	srvErr *OAuthError
}

// XOAuth2 returns the XOAUTH2 mechanism used by Gmail and Microsoft 365: one
// initial response "user=USER ^A auth=Bearer TOKEN ^A ^A". If the server
// refuses the token it sends a 334 with a JSON error; the client answers with
// an empty line and the server then sends the final failure. ServerError
// gives the decoded JSON afterwards.
func XOAuth2(user, token string) Mechanism {
	return &xoauth2{user: user, token: Secret(token)}
}

func (*xoauth2) Name() string { return NameXOAuth2 }

// String keeps credentials out of %v.
func (m *xoauth2) String() string { return "XOAUTH2(" + escape(m.user) + ")" }

// GoString keeps credentials out of %#v, which would otherwise print
// unexported fields raw.
func (m *xoauth2) GoString() string { return m.String() }

func (m *xoauth2) validate() error {
	switch {
	case m.user == "":
		return errors.New("smtpauth: XOAUTH2 needs a user name")
	case strings.ContainsAny(m.user, "\x01\r\n"):
		return errors.New("smtpauth: XOAUTH2 user names cannot contain control characters")
	case m.token == "":
		return errors.New("smtpauth: XOAUTH2 needs an access token")
	case strings.ContainsFunc(string(m.token), func(r rune) bool { return r < 0x21 || r > 0x7e }):
		// RFC 6750 §2.1: a bearer token is printable ASCII without spaces.
		return errors.New("smtpauth: the XOAUTH2 access token contains spaces or control characters (copy it again without line breaks)")
	}
	return nil
}

func (m *xoauth2) Start() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	return []byte("user=" + m.user + "\x01auth=Bearer " + string(m.token) + "\x01\x01"), nil
}

func (m *xoauth2) Next(challenge []byte) ([]byte, error) {
	if m.srvErr != nil {
		return nil, fmt.Errorf("%w: XOAUTH2 got a second error challenge", ErrUnexpectedChallenge)
	}
	var e OAuthError
	if err := json.Unmarshal(challenge, &e); err != nil || e.Status == "" {
		e = OAuthError{Raw: escape(truncate(string(challenge), 200))}
	} else {
		e.Status, e.Schemes, e.Scope = escape(truncate(e.Status, 40)), escape(truncate(e.Schemes, 80)), escape(truncate(e.Scope, 200))
	}
	m.srvErr = &e
	// The protocol's way to acknowledge the error is an empty response.
	return []byte{}, nil
}

// ServerError returns the error the server sent as a 334 challenge, or nil.
func (m *xoauth2) ServerError() *OAuthError { return m.srvErr }
