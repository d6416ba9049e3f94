package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/session"
)

// hostileValues are the bad inputs every field of send gets, placed inside
// an otherwise valid value.
var hostileValues = map[string]string{
	"CR":      "\r",
	"LF":      "\n",
	"NUL":     "\x00",
	"<":       "<",
	">":       ">",
	"10KB":    strings.Repeat("k", 10<<10),
	"badUTF8": "\xff\xfe",
	"U+202E":  "\u202e",
}

// inputField is one field of send: how a value goes into the Options and
// onto the command line, and the name errors must give it.
type inputField struct {
	// label is the name the error message must contain.
	label string
	set   func(o *session.Options, v string)
	args  func(v string) []string
}

var inputFields = map[string]inputField{
	"from":   {"from", func(o *session.Options, v string) { o.From = "al" + v + "ice@example.com" }, func(v string) []string { return []string{"--from", "al" + v + "ice@example.com"} }},
	"to":     {"to", func(o *session.Options, v string) { o.To = []string{"b" + v + "ob@example.net"} }, func(v string) []string { return []string{"--to", "b" + v + "ob@example.net"} }},
	"helo":   {"helo", func(o *session.Options, v string) { o.HELO = "client" + v + ".example" }, func(v string) []string { return []string{"--helo", "client" + v + ".example"} }},
	"server": {"server", func(o *session.Options, v string) { o.Server = "mx" + v + ".test" }, func(v string) []string { return []string{"--server", "mx" + v + ".test"} }},
	"subject": {"Subject", func(o *session.Options, v string) { o.Subject = "Hi " + v + " there" },
		func(v string) []string { return []string{"--subject", "Hi " + v + " there"} }},
	"body": {"body", func(o *session.Options, v string) { o.Body = "Hello " + v + " there\n" },
		func(v string) []string { return []string{"--body", "Hello " + v + " there\n"} }},
	"header name": {"header name", func(o *session.Options, v string) {
		o.Headers = []message.Header{{Name: "X-T" + v + "est", Value: "x"}}
	},
		func(v string) []string { return []string{"--header", "X-T" + v + "est: x"} }},
	"header value": {"X-Test", func(o *session.Options, v string) {
		o.Headers = []message.Header{{Name: "X-Test", Value: "a " + v + " b"}}
	},
		func(v string) []string { return []string{"--header", "X-Test: a " + v + " b"} }},
	"envid": {"envid", func(o *session.Options, v string) { o.EnvID = "id" + v + "42" }, func(v string) []string { return []string{"--envid", "id" + v + "42"} }},
}

// inputCase is one field × value pair and the policy for it.
type inputCase struct {
	field, value string
	// kind is the rejection kind; "" means the pair is accepted.
	kind lang.FieldKind
	// why is the reason for the policy.
	why string
}

const accept lang.FieldKind = ""

// inputPolicy is the policy for bad input, one row per field × value. A
// rejected pair exits 2 before anything is sent; an accepted one must still
// put nothing raw on the wire (no bare CR or LF, no NUL, no new header).
var inputPolicy = []inputCase{
	{"from", "CR", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"from", "LF", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"from", "NUL", lang.KindControl, "not allowed in a mailbox (RFC 5321 §4.1.2)"},
	{"from", "<", lang.KindSyntax, "not atext: would break the path syntax (RFC 5321 §4.1.2)"},
	{"from", ">", lang.KindSyntax, "not atext: would end the path early (RFC 5321 §4.1.2)"},
	{"from", "10KB", lang.KindTooLong, "local part over 64 octets (RFC 5321 §4.5.3.1.1)"},
	{"from", "badUTF8", lang.KindInvalidUTF8, "not text in any charset (RFC 6531 §3.3 needs UTF-8)"},
	{"from", "U+202E", lang.KindBidi, "would display a different address than is sent"},

	{"to", "CR", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"to", "LF", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"to", "NUL", lang.KindControl, "not allowed in a mailbox (RFC 5321 §4.1.2)"},
	{"to", "<", lang.KindSyntax, "not atext (RFC 5321 §4.1.2)"},
	{"to", ">", lang.KindSyntax, "not atext (RFC 5321 §4.1.2)"},
	{"to", "10KB", lang.KindTooLong, "local part over 64 octets (RFC 5321 §4.5.3.1.1)"},
	{"to", "badUTF8", lang.KindInvalidUTF8, "not UTF-8 (RFC 6531 §3.3)"},
	{"to", "U+202E", lang.KindBidi, "would display a different address than is sent"},

	{"helo", "CR", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"helo", "LF", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"helo", "NUL", lang.KindControl, "not a domain character (RFC 5321 §4.1.2)"},
	{"helo", "<", lang.KindSyntax, "not a domain character (RFC 5321 §4.1.2)"},
	{"helo", ">", lang.KindSyntax, "not a domain character (RFC 5321 §4.1.2)"},
	{"helo", "10KB", lang.KindTooLong, "label over 63 octets (RFC 1035 §2.3.4)"},
	{"helo", "badUTF8", lang.KindInvalidUTF8, "not UTF-8, so no IDNA form"},
	{"helo", "U+202E", lang.KindBidi, "would display a different name than is sent"},

	{"server", "CR", lang.KindLineBreak, "not a host name"},
	{"server", "LF", lang.KindLineBreak, "not a host name"},
	{"server", "NUL", lang.KindControl, "not a host name"},
	{"server", "<", lang.KindSyntax, "not a host name character (RFC 1123 §2.1)"},
	{"server", ">", lang.KindSyntax, "not a host name character (RFC 1123 §2.1)"},
	{"server", "10KB", lang.KindTooLong, "label over 63 octets (RFC 1035 §2.3.4)"},
	{"server", "badUTF8", lang.KindInvalidUTF8, "not UTF-8, so no IDNA form"},
	{"server", "U+202E", lang.KindBidi, "would display a different host than is contacted"},

	{"subject", "CR", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"subject", "LF", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"subject", "NUL", lang.KindControl, "not text (RFC 5322 §3.2.5); no encoding makes it readable"},
	{"subject", "<", accept, "ordinary text in an unstructured header (RFC 5322 §3.6.5)"},
	{"subject", ">", accept, "ordinary text in an unstructured header (RFC 5322 §3.6.5)"},
	{"subject", "10KB", lang.KindTooLong, "over the 2,048-octet header value limit (message.MaxHeaderValue)"},
	{"subject", "badUTF8", lang.KindInvalidUTF8, "cannot be encoded as an RFC 2047 word"},
	{"subject", "U+202E", lang.KindBidi, "would make the subject display reversed in the recipient's client"},

	{"body", "CR", accept, "a line break: normalised to CRLF (RFC 5322 §2.3)"},
	{"body", "LF", accept, "a line break: normalised to CRLF (RFC 5322 §2.3)"},
	{"body", "NUL", accept, "carried as =00 in quoted-printable (RFC 2045 §6.7), never raw"},
	{"body", "<", accept, "ordinary body text"},
	{"body", ">", accept, "ordinary body text"},
	{"body", "10KB", accept, "a normal message size; the line goes quoted-printable (RFC 5322 §2.1.1 998-octet lines)"},
	{"body", "badUTF8", lang.KindInvalidUTF8, "the body is sent as UTF-8 text; these bytes are not"},
	{"body", "U+202E", accept, "right-to-left text is legitimate in a body and is escaped on our screen"},

	{"header name", "CR", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"header name", "LF", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"header name", "NUL", lang.KindControl, "not ftext (RFC 5322 §3.6.8)"},
	{"header name", "<", accept, "ftext is any printable ASCII but colon (RFC 5322 §3.6.8)"},
	{"header name", ">", accept, "ftext is any printable ASCII but colon (RFC 5322 §3.6.8)"},
	{"header name", "10KB", lang.KindTooLong, "over the 76-octet name limit (address.MaxHeaderName, RFC 5322 §2.1.1)"},
	{"header name", "badUTF8", lang.KindInvalidUTF8, "not ftext (RFC 5322 §3.6.8)"},
	{"header name", "U+202E", lang.KindBidi, "not ftext, and would display reversed"},

	{"header value", "CR", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"header value", "LF", lang.KindLineBreak, "would inject a header (RFC 5322 §2.2)"},
	{"header value", "NUL", lang.KindControl, "not text (RFC 5322 §3.2.5)"},
	{"header value", "<", accept, "ordinary text in an unstructured header"},
	{"header value", ">", accept, "ordinary text in an unstructured header"},
	{"header value", "10KB", lang.KindTooLong, "over the 2,048-octet header value limit"},
	{"header value", "badUTF8", lang.KindInvalidUTF8, "cannot be encoded as an RFC 2047 word"},
	{"header value", "U+202E", lang.KindBidi, "would display reversed in the recipient's client"},

	{"envid", "CR", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"envid", "LF", lang.KindLineBreak, "would inject a command (RFC 5321 §2.3.8)"},
	{"envid", "NUL", lang.KindControl, "not xchar (RFC 3461 §4)"},
	{"envid", "<", accept, "xtext-encoded as +3C (RFC 3461 §4)"},
	{"envid", ">", accept, "xtext-encoded as +3E (RFC 3461 §4)"},
	{"envid", "10KB", lang.KindTooLong, "over 100 characters encoded (RFC 3461 §4.4)"},
	{"envid", "badUTF8", lang.KindInvalidUTF8, "not text"},
	{"envid", "U+202E", lang.KindBidi, "would display reversed"},
}

// TestInputPolicyComplete keeps the table honest: every field × value pair
// has exactly one row.
func TestInputPolicyComplete(t *testing.T) {
	seen := map[[2]string]int{}
	for _, c := range inputPolicy {
		if _, ok := inputFields[c.field]; !ok {
			t.Errorf("row for unknown field %q", c.field)
		}
		if _, ok := hostileValues[c.value]; !ok {
			t.Errorf("row for unknown value %q", c.value)
		}
		seen[[2]string{c.field, c.value}]++
	}
	for f := range inputFields {
		for v := range hostileValues {
			if n := seen[[2]string{f, v}]; n != 1 {
				t.Errorf("%s × %s has %d rows, want 1", f, v, n)
			}
		}
	}
}

// TestBadInput drives session.Run with every pair of the policy. A rejected
// pair is an input error naming the field, in English and Spanish, and the
// server sees no connection; an accepted pair runs a normal session and
// nothing of the value reaches the wire raw.
func TestBadInput(t *testing.T) {
	baseline := headerNames(t, nil)
	for _, c := range inputPolicy {
		t.Run(c.field+"×"+c.value, func(t *testing.T) {
			f := inputFields[c.field]
			if c.kind != accept {
				srv := scriptserver.Start(t)
				o := opts(srv)
				f.set(&o, hostileValues[c.value])
				r, err := session.Run(context.Background(), o)
				if err == nil {
					t.Fatalf("accepted (%s); policy: reject (%s)\n%s", c.why, c.kind, dump(r))
				}
				checkInputError(t, err, f.label, c.kind)
				srv.Close()
				if n := srv.Accepted(); n != 0 {
					t.Errorf("the server saw %d connections for an input error", n)
				}
				return
			}
			names := headerNames(t, func(o *session.Options) { f.set(o, hostileValues[c.value]) })
			for name := range names {
				if !baseline[name] && name != "X-Test" && !strings.HasPrefix(name, "X-T") {
					t.Errorf("a new header %q appeared", name)
				}
			}
		})
	}
}

func checkInputError(t *testing.T, err error, label string, kind lang.FieldKind) {
	t.Helper()
	var fe *lang.FieldError
	if !errors.As(err, &fe) || !session.IsInputError(err) {
		t.Fatalf("error %v (%T) is not an input error", err, err)
	}
	if fe.Kind != kind {
		t.Errorf("kind = %s, want %s (%v)", fe.Kind, kind, err)
	}
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		msg := fe.Localize(l)
		if !strings.Contains(msg, label) {
			t.Errorf("%s message %q does not name the field %q", l, msg, label)
		}
		if !displaySafe(msg) {
			t.Errorf("%s message is not display-safe: %q", l, msg)
		}
		if len(msg) > 400 {
			t.Errorf("%s message is %d bytes long; a 10 KB value must be shortened", l, len(msg))
		}
	}
	if fe.Reason.EN == fe.Reason.ES {
		t.Errorf("the reason %q has no Spanish text", fe.Reason.EN)
	}
}

// headerNames runs a full session with the change applied and returns the
// names of the headers of the message the server received, after checking
// the message has no NUL and no bare CR or LF.
func headerNames(t *testing.T, change func(*session.Options)) map[string]bool {
	t.Helper()
	srv := scriptserver.Start(t, join(banner, ehlo, mail, rcpt, data, dataEnd, quit)...)
	o := opts(srv)
	if change != nil {
		change(&o)
	}
	r := run(t, context.Background(), o)
	want{exit: 0, verdicts: []string{"accepted"}}.check(t, r)
	srv.Close()
	got := srv.Received()
	_, msg, ok := bytes.Cut(got, []byte("DATA\r\n"))
	if !ok {
		t.Fatalf("no DATA in %q", got)
	}
	for i, c := range msg {
		switch {
		case c == 0:
			t.Fatalf("NUL at %d of the message", i)
		case c == '\r' && (i+1 >= len(msg) || msg[i+1] != '\n'):
			t.Fatalf("bare CR at %d of the message", i)
		case c == '\n' && (i == 0 || msg[i-1] != '\r'):
			t.Fatalf("bare LF at %d of the message", i)
		}
	}
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	names := map[string]bool{}
	for _, line := range strings.Split(string(head), "\r\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		if !ok {
			t.Errorf("header line without a colon: %q", line)
		}
		names[name] = true
	}
	return names
}
