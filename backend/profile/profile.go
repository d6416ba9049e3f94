// Package profile keeps SMTP Probe's saved tests ("profiles"): what to
// connect to, the envelope, the message, AUTH and timeouts, one JSON file per
// profile in a folder the user owns. Writes are atomic and serialised across
// processes, damaged files are reported and left alone, older schemas are
// migrated on read, and AUTH secrets live only in the operating system's
// keyring, never in a file.
package profile

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// SchemaVersion is the schema this package writes. Files with a higher
// version are reported as damaged rather than half-understood.
const SchemaVersion = 1

// Limits on what a profile may hold. They keep a hostile or corrupted file
// from exhausting memory and keep every profile sendable.
const (
	// MaxFileSize is the largest profile file read (16 MiB).
	MaxFileSize = 16 << 20
	// MaxBody is the largest message body (10 MiB).
	MaxBody = 10 << 20
	// MaxRecipients is the most recipients a profile may list.
	MaxRecipients = 1000
	// MaxHeaders is the most extra headers a profile may list.
	MaxHeaders = 100
	// MaxText is the longest single-line text field (name, subject, ...).
	MaxText = 998 // RFC 5322 §2.1.1 line limit, so any field fits a header line
	// MaxDescription is the longest description.
	MaxDescription = 4096
	// MaxPath is the longest file path (the CA file) a profile may hold.
	MaxPath = 4096
	// MaxTimeout is the longest timeout accepted.
	MaxTimeout = 24 * time.Hour
)

// TLSMode says how a session uses TLS.
type TLSMode string

// The TLS modes.
const (
	TLSNone          TLSMode = "none"          // never STARTTLS
	TLSOpportunistic TLSMode = "opportunistic" // STARTTLS when offered
	TLSStartTLS      TLSMode = "starttls"      // STARTTLS required (RFC 3207)
	TLSImplicit      TLSMode = "implicit"      // TLS from the first byte (RFC 8314, port 465)
)

// The steps a session may stop after; the engine then sends QUIT only.
// An empty StopAfter runs the whole session.
var StopSteps = []string{"connect", "banner", "ehlo", "mail", "rcpt", "data"}

// Profile is one saved test. Its JSON form is the file format; fields are
// only ever added, and a change of meaning bumps SchemaVersion.
type Profile struct {
	Schema      int       `json:"schema"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Target      Target    `json:"target"`
	Envelope    Envelope  `json:"envelope"`
	Message     Message   `json:"message"`
	Auth        Auth      `json:"auth"`
	Timeouts    Timeouts  `json:"timeouts"`
	StopAfter   string    `json:"stop_after,omitempty"`
	Pipelining  bool      `json:"pipelining"`
	Chunking    bool      `json:"chunking"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// Target says where the session goes. With Host empty the MX hosts of
// Domain are used, and with Domain empty too, those of the first
// recipient's domain.
type Target struct {
	Domain    string  `json:"domain,omitempty"`     // recipient domain whose MX hosts are tried
	Host      string  `json:"host,omitempty"`       // server host name or IP address
	Port      int     `json:"port,omitempty"`       // 0: 25, or 465 with implicit TLS
	TLS       TLSMode `json:"tls,omitempty"`        // empty: opportunistic
	DNSServer string  `json:"dns_server,omitempty"` // HOST[:PORT]; empty: the system resolver
	AllMX     bool    `json:"all_mx,omitempty"`     // run against every MX host
	// CAFile is a PEM file of authorities trusted in addition to the
	// system's, for a server whose certificate comes from an internal CA.
	CAFile string `json:"ca_file,omitempty"`
	// TLSMin is the lowest TLS version accepted: "1.0" to "1.3"; empty
	// takes the engine's default (1.2).
	TLSMin string `json:"tls_min,omitempty"`
	// InsecureSkipVerify continues when the certificate does not verify
	// (the failure is still reported).
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
}

// Envelope is the SMTP envelope (RFC 5321 §2.3.1) and its DSN options
// (RFC 3461).
type Envelope struct {
	EHLO string   `json:"ehlo,omitempty"` // empty: this machine's name
	From string   `json:"from"`           // empty: the null reverse-path <> (RFC 5321 §4.5.5)
	To   []string `json:"to"`
	DSN  DSN      `json:"dsn"`
}

// DSN holds the delivery status notification parameters of RFC 3461.
type DSN struct {
	Notify []string `json:"notify,omitempty"` // success, failure, delay, or never alone (§4.1)
	Ret    string   `json:"ret,omitempty"`    // full or hdrs (§4.3)
	EnvID  string   `json:"envid,omitempty"`  // §4.4
	// ORCPT sends ORCPT=rfc822;address with each recipient (§4.2).
	ORCPT bool `json:"orcpt,omitempty"`
	// Force sends the DSN parameters even when the server does not offer
	// DSN, to see how it rejects them.
	Force bool `json:"force_dsn,omitempty"`
}

// Message is the test message.
type Message struct {
	Subject string   `json:"subject,omitempty"`
	Body    string   `json:"body,omitempty"`
	Headers []Header `json:"headers,omitempty"`
}

// Header is one extra message header.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Auth is the SMTP AUTH setup (RFC 4954). The secret itself is never part of
// a profile: SecretRef only says that the keyring holds one, under the key
// SecretKey(ID, User).
type Auth struct {
	Mechanism string `json:"mechanism,omitempty"` // SASL name, e.g. PLAIN, LOGIN
	User      string `json:"user,omitempty"`
	SecretRef string `json:"secret_ref,omitempty"`
}

// Timeouts are Go duration strings ("30s", "5m"); empty means the session
// engine's RFC 5321 §4.5.3.2 default.
type Timeouts struct {
	Connect   string `json:"connect,omitempty"`
	Banner    string `json:"banner,omitempty"`
	Command   string `json:"command,omitempty"`
	DataBlock string `json:"data_block,omitempty"`
	FinalDot  string `json:"final_dot,omitempty"`
}

// Durations parses the timeouts; a zero duration means the default.
// Validate has already rejected anything that does not parse.
func (t Timeouts) Durations() (connect, banner, command, dataBlock, finalDot time.Duration, err error) {
	ds := make([]time.Duration, 5)
	for i, s := range []string{t.Connect, t.Banner, t.Command, t.DataBlock, t.FinalDot} {
		if s == "" {
			continue
		}
		if ds[i], err = time.ParseDuration(s); err != nil {
			return 0, 0, 0, 0, 0, err
		}
	}
	return ds[0], ds[1], ds[2], ds[3], ds[4], nil
}

// New returns an empty profile with a fresh id and the current schema.
func New(name string) Profile {
	return Profile{Schema: SchemaVersion, ID: NewID(), Name: name}
}

// NewID returns a random profile id: 32 lowercase hex characters, safe as a
// file name on every system and impossible to guess.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// ValidID reports whether id has the form NewID produces. Only such ids name
// files, so an id from a user cannot reach outside the store folder.
func ValidID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// SecretKey is the keyring account under which the AUTH secret of profile id
// for user is stored. The id has no ':' so the key is unambiguous.
func SecretKey(id, user string) string { return id + ":" + user }

// Clone returns a deep copy, so callers may change slices freely.
func (p Profile) Clone() Profile {
	q := p
	q.Envelope.To = append([]string(nil), p.Envelope.To...)
	q.Envelope.DSN.Notify = append([]string(nil), p.Envelope.DSN.Notify...)
	q.Message.Headers = append([]Header(nil), p.Message.Headers...)
	return q
}
