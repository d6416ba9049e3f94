package receiver

import (
	"net/mail"
	"time"

	"smtpprobe/backend/transcript"
)

// Connection is the record of one client connection.
type Connection struct {
	// ID numbers connections from 1 in the order they were accepted.
	ID int64 `json:"id"`
	// Remote is the client's address (IP:port).
	Remote string `json:"remote"`
	// Local is the address the client connected to.
	Local string `json:"local"`
	// Start is when the connection was accepted.
	Start time.Time `json:"start"`
	// End is when it closed; zero while it is open.
	End time.Time `json:"end,omitzero"`
	// EHLO is the name the client gave in its last EHLO or HELO, escaped
	// with transcript.Escape.
	EHLO string `json:"ehlo,omitempty"`
	// TLS reports whether STARTTLS succeeded.
	TLS bool `json:"tls"`
	// TLSVersion and TLSCipher describe the negotiated TLS session.
	TLSVersion string `json:"tls_version,omitempty"`
	TLSCipher  string `json:"tls_cipher,omitempty"`
	// AuthUser is the user that authenticated, if any.
	AuthUser string `json:"auth_user,omitempty"`
	// Messages counts the messages accepted on this connection.
	Messages int `json:"messages"`
	// Transcript is the session from the receiver's side: C lines came from
	// the client, S lines were sent by the receiver, I lines are notes.
	// AUTH payloads are masked; long message bodies are summarised.
	Transcript []transcript.Entry `json:"transcript"`
	// TranscriptDropped counts lines left out because the transcript reached
	// Config.MaxTranscriptLines.
	TranscriptDropped int `json:"transcript_dropped,omitempty"`
	// TranscriptBytes is what Transcript holds, text and raw bytes, which
	// Config.MaxTranscriptBytes caps.
	TranscriptBytes int64 `json:"transcript_bytes"`
}

// Open reports whether the connection is still open.
func (c Connection) Open() bool { return c.End.IsZero() }

// Envelope is the SMTP envelope of a message (RFC 5321 §2.3.1).
type Envelope struct {
	// From is the MAIL FROM reverse-path; empty for the null sender <>.
	From string `json:"from"`
	// MailParams holds the MAIL FROM parameters the client gave, by
	// upper-case keyword (SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH;
	// RFC 1870, 6152, 6531, 3461, 4954). Keywords without a value map to "".
	MailParams map[string]string `json:"mail_params,omitempty"`
	// Rcpts are the accepted recipients in the order given.
	Rcpts []Recipient `json:"rcpts"`
}

// Recipient is one accepted RCPT TO.
type Recipient struct {
	// Addr is the forward-path.
	Addr string `json:"addr"`
	// Params holds the RCPT TO parameters by upper-case keyword (NOTIFY,
	// ORCPT; RFC 3461).
	Params map[string]string `json:"params,omitempty"`
}

// Message is the record of one accepted message.
type Message struct {
	// ID numbers messages from 1 in the order they were accepted.
	ID int64 `json:"id"`
	// ConnID is the Connection.ID the message arrived on.
	ConnID int64 `json:"conn_id"`
	// Time is when the end of data was received.
	Time time.Time `json:"time"`
	// Envelope is what the client said in MAIL FROM and RCPT TO.
	Envelope Envelope `json:"envelope"`
	// Header is the parsed header section (net/mail); keys are canonical.
	// It is nil when the header could not be parsed (see HeaderError).
	Header mail.Header `json:"header,omitempty"`
	// HeaderError says why the header could not be parsed.
	HeaderError string `json:"header_error,omitempty"`
	// Subject is the decoded Subject header (RFC 2047), escaped with
	// transcript.Escape so it is safe to print.
	Subject string `json:"subject,omitempty"`
	// Body is the message body after the header's blank line, exactly as
	// received (after dot-unstuffing).
	Body []byte `json:"-"`
	// Raw is the whole message as received (after dot-unstuffing).
	Raw []byte `json:"-"`
	// Size is len(Raw) in bytes.
	Size int64 `json:"size"`
	// TLS and AuthUser repeat the connection's state when the message
	// arrived.
	TLS      bool   `json:"tls"`
	AuthUser string `json:"auth_user,omitempty"`
	// SavedPath is the .eml file written for the message, if any.
	SavedPath string `json:"saved_path,omitempty"`
	// SaveError says why saving failed; the message was then refused with
	// a 451 reply.
	SaveError string `json:"save_error,omitempty"`
}

// EventKind says what an Event reports.
type EventKind string

// The kinds of events.
const (
	// EventConnect: a client connected (Conn is set).
	EventConnect EventKind = "connect"
	// EventLine: a transcript line was recorded (Entry is set).
	EventLine EventKind = "line"
	// EventMessage: a message was accepted (Message is set).
	EventMessage EventKind = "message"
	// EventDisconnect: a connection closed (Conn is set, with its full
	// transcript).
	EventDisconnect EventKind = "disconnect"
)

// Event is one thing that happened on the receiver. Values are copies: the
// receiver never changes them after delivery.
type Event struct {
	Kind    EventKind         `json:"kind"`
	Time    time.Time         `json:"time"`
	ConnID  int64             `json:"conn_id"`
	Conn    *Connection       `json:"conn,omitempty"`
	Entry   *transcript.Entry `json:"entry,omitempty"`
	Message *Message          `json:"message,omitempty"`
}

// Stats are counters since Start.
type Stats struct {
	// Connections is the number of connections accepted; Open of them are
	// still open.
	Connections int64 `json:"connections"`
	Open        int   `json:"open"`
	// Refused counts connections turned away because MaxOpen were open.
	Refused int64 `json:"refused"`
	// Messages is the number of messages accepted.
	Messages int64 `json:"messages"`
	// RejectedRcpts counts recipients refused by Config.RejectRcpt;
	// Greylisted counts 451 greylisting replies; AuthRequired counts MAIL
	// commands refused because the client had not authenticated.
	RejectedRcpts int64 `json:"rejected_rcpts"`
	Greylisted    int64 `json:"greylisted"`
	AuthRequired  int64 `json:"auth_required"`
	// AuthFailures counts AUTH attempts refused for wrong credentials.
	AuthFailures int64 `json:"auth_failures"`
	// DroppedConnections and DroppedMessages count records discarded
	// (oldest first) to stay within the caps; DroppedEvents counts events
	// not delivered because the event queue was full.
	DroppedConnections int64 `json:"dropped_connections"`
	DroppedMessages    int64 `json:"dropped_messages"`
	DroppedEvents      int64 `json:"dropped_events"`
}
