// Package message builds the message SMTP Probe sends after DATA or BDAT:
// RFC 5322 headers (with RFC 2047 encoded-words where needed), a MIME text
// body (RFC 2045) in the lightest transfer encoding the server allows, CRLF
// line endings throughout, and the dot-stuffing of RFC 5321 §4.5.2.
package message

import (
	"crypto/rand"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"smtpprobe/backend/address"
	"smtpprobe/backend/lang"
)

// Limits on user input, generous for a test message and small enough that
// nothing a user pastes can make the message unreasonable.
const (
	// MaxHeaderValue is the longest subject or user header value, in octets.
	MaxHeaderValue = 2048
	// MaxHeaders is the most user headers a message may carry.
	MaxHeaders = 100
)

// FallbackDomain names the Message-ID domain when the sender has none
// (the null sender with no From header domain); .invalid cannot clash with
// anyone's real domain (RFC 2606 §2).
const FallbackDomain = "smtpprobe.invalid"

// Header is one user header.
type Header struct {
	Name, Value string
}

// Message is what the user asked to send.
type Message struct {
	// From is the author's address (already checked with address.Parse);
	// it may be empty when Headers carries a From header.
	From string
	// To lists the recipients shown in the To header.
	To []string
	// Subject is the subject text; empty means no Subject header.
	Subject string
	// Body is the text of the message in UTF-8, with any line endings.
	Body string
	// Headers are extra headers, added after the generated ones. A From, To
	// or Subject header here replaces the generated one.
	Headers []Header
	// Date is the Date header; zero means now.
	Date time.Time
	// MessageID is the Message-ID, with or without angle brackets; empty
	// means a random one at the sender's domain.
	MessageID string
}

// Options says what the server offered in its EHLO reply.
type Options struct {
	// EightBitMIME allows an 8bit body (RFC 6152).
	EightBitMIME bool
	// SMTPUTF8 allows raw UTF-8 in headers (RFC 6532). Build only uses it
	// when an address needs it anyway.
	SMTPUTF8 bool
}

// Transfer encodings Build chooses from (RFC 2045 §6.1).
const (
	Encoding7bit            = "7bit"
	Encoding8bit            = "8bit"
	EncodingQuotedPrintable = "quoted-printable"
)

// Built is a message ready for EncodeDATA (or for BDAT as is).
type Built struct {
	// Data is the message: headers, blank line, body; CRLF line endings
	// only, ending in CRLF, not dot-stuffed.
	Data []byte
	// EightBit reports an 8bit body: MAIL FROM needs BODY=8BITMIME.
	EightBit bool
	// Encoding is the body's Content-Transfer-Encoding.
	Encoding string
	// SMTPUTF8 reports raw UTF-8 in the headers: MAIL FROM needs the
	// SMTPUTF8 parameter (RFC 6531 §3.4).
	SMTPUTF8 bool
	// MessageID is the Message-ID header value, with angle brackets.
	MessageID string
}

// structural names the headers Build owns; a user header may not repeat
// them because two of any would make the message ambiguous (RFC 5322 §3.6,
// RFC 2045 §3).
var structural = map[string]bool{
	"date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true,
}

// replaceable names the generated headers a user header replaces.
var replaceable = map[string]bool{"from": true, "to": true, "subject": true}

// addressHeaders are structured headers holding address lists (RFC 5322
// §3.6.2, §3.6.3, §3.6.6): their non-ASCII text cannot simply become one
// encoded-word.
var addressHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true, "sender": true,
	"resent-from": true, "resent-to": true, "resent-cc": true, "resent-bcc": true, "resent-sender": true,
}

// Preload loads what Build loads on its first call, the local time zone of
// the Date: header and the random source of the Message-ID, so that a
// caller can do it ahead of time, away from the wire.
func Preload() {
	_, _ = time.Now().Zone()
	_ = rand.Text()
}

func fieldErr(field, value string, kind lang.FieldKind, en, es string) error {
	return lang.NewFieldError(field, value, kind, lang.Text{EN: en, ES: es})
}

// checked is a Message after Validate: parsed addresses and user headers
// sorted into replacements and extras.
type checked struct {
	from    address.Mailbox
	to      []address.Mailbox
	replace map[string]Header // lower-case name -> user header
	extra   []Header
}

// Validate checks m without knowing the server: addresses, subject, user
// headers, Message-ID and body encoding. The engine calls it before
// connecting so that bad input never costs a connection; Build calls it too.
func Validate(m Message) error {
	_, err := check(m)
	return err
}

func check(m Message) (checked, error) {
	c := checked{replace: map[string]Header{}}
	if len(m.Headers) > MaxHeaders {
		return c, fieldErr("headers", "", lang.KindTooLong,
			fmt.Sprintf("there are %d extra headers; the limit is %d", len(m.Headers), MaxHeaders),
			fmt.Sprintf("hay %d encabezados adicionales; el límite es %d", len(m.Headers), MaxHeaders))
	}
	for _, h := range m.Headers {
		if err := address.CheckHeaderName(h.Name); err != nil {
			return c, err
		}
		if err := address.CheckText(h.Name, h.Value, MaxHeaderValue); err != nil {
			return c, err
		}
		key := strings.ToLower(h.Name)
		if addressHeaders[key] && !isASCII(h.Value) {
			// Whether the value may go raw depends on the server, but it must
			// be an address list in any case, or it could not be encoded.
			if _, err := parseAddressList(h.Name, h.Value); err != nil {
				return c, err
			}
		}
		switch {
		case structural[key]:
			return c, fieldErr(h.Name, h.Value, lang.KindSyntax,
				"is written by SMTP Probe itself and cannot be added again (use the Date and Message-ID options to set those)",
				"lo escribe SMTP Probe y no se puede añadir otra vez (use las opciones de fecha y Message-ID para fijarlos)")
		case replaceable[key]:
			if _, dup := c.replace[key]; dup {
				return c, fieldErr(h.Name, h.Value, lang.KindSyntax,
					"is given twice; a message has at most one (RFC 5322 §3.6)",
					"aparece dos veces; un mensaje tiene como máximo uno (RFC 5322 §3.6)")
			}
			c.replace[key] = h
		default:
			c.extra = append(c.extra, h)
		}
	}
	if m.From != "" {
		mb, err := address.Parse(m.From)
		if err != nil {
			return c, lang.RenameField(err, "From")
		}
		c.from = mb
	} else if _, ok := c.replace["from"]; !ok {
		return c, fieldErr("From", "", lang.KindEmpty,
			"is required: give a sender address or a From header",
			"es obligatorio: indique un remitente o un encabezado From")
	}
	for _, s := range m.To {
		mb, err := address.Parse(s)
		if err != nil {
			return c, lang.RenameField(err, "To")
		}
		c.to = append(c.to, mb)
	}
	if err := address.CheckText("Subject", m.Subject, MaxHeaderValue); err != nil {
		return c, err
	}
	if m.MessageID != "" {
		if err := checkMessageID(m.MessageID); err != nil {
			return c, err
		}
	}
	if !utf8.ValidString(m.Body) {
		off := invalidUTF8Offset(m.Body)
		return c, fieldErr("body", "", lang.KindInvalidUTF8,
			fmt.Sprintf("is not valid UTF-8 (byte 0x%02X at offset %d); save the text as UTF-8", m.Body[off], off),
			fmt.Sprintf("no es UTF-8 válido (byte 0x%02X en la posición %d); guarde el texto como UTF-8", m.Body[off], off))
	}
	return c, nil
}

func invalidUTF8Offset(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

// Build validates m and renders it for a server that offered o. Headers come
// in this order: From, To, Subject, Date, Message-ID, MIME-Version,
// Content-Type, Content-Transfer-Encoding, then the user headers as given.
// Raw UTF-8 headers are used only when an address needs SMTPUTF8 and the
// server offers it; otherwise non-ASCII text becomes RFC 2047 encoded-words.
func Build(m Message, o Options) (Built, error) {
	c, err := check(m)
	if err != nil {
		return Built{}, err
	}
	needUTF8 := c.from.NeedsSMTPUTF8()
	for _, mb := range c.to {
		needUTF8 = needUTF8 || mb.NeedsSMTPUTF8()
	}
	if needUTF8 && !o.SMTPUTF8 {
		return Built{}, fieldErr("address", "", lang.KindNeedsExtension,
			"has a non-ASCII local part, which needs SMTPUTF8, and the server does not offer it (RFC 6531)",
			"tiene una parte local no ASCII, que necesita SMTPUTF8, y el servidor no lo ofrece (RFC 6531)")
	}
	utf8OK := needUTF8

	var sb strings.Builder
	writeHeader := func(name, value string, isAddress bool) error {
		s, err := renderHeader(name, value, isAddress, utf8OK)
		if err != nil {
			return err
		}
		sb.WriteString(s)
		return nil
	}

	if h, ok := c.replace["from"]; ok {
		if err := writeHeader(h.Name, h.Value, true); err != nil {
			return Built{}, err
		}
	} else if err := writeHeader("From", mailboxText(c.from, utf8OK), true); err != nil {
		return Built{}, err
	}
	if h, ok := c.replace["to"]; ok {
		if err := writeHeader(h.Name, h.Value, true); err != nil {
			return Built{}, err
		}
	} else if len(c.to) > 0 {
		list := make([]string, len(c.to))
		for i, mb := range c.to {
			list[i] = mailboxText(mb, utf8OK)
		}
		if err := writeHeader("To", strings.Join(list, ", "), true); err != nil {
			return Built{}, err
		}
	}
	if h, ok := c.replace["subject"]; ok {
		if err := writeHeader(h.Name, h.Value, false); err != nil {
			return Built{}, err
		}
	} else if m.Subject != "" {
		if err := writeHeader("Subject", m.Subject, false); err != nil {
			return Built{}, err
		}
	}

	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	sb.WriteString("Date: " + date.Format(dateLayout) + "\r\n")
	id := m.MessageID
	if id == "" {
		id = "<" + rand.Text() + "@" + idDomain(c) + ">"
	} else if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	sb.WriteString("Message-ID: " + id + "\r\n")

	body, enc := encodeBody(m.Body, o.EightBitMIME)
	sb.WriteString("MIME-Version: 1.0\r\n")
	sb.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	sb.WriteString("Content-Transfer-Encoding: " + enc + "\r\n")
	for _, h := range c.extra {
		if err := writeHeader(h.Name, h.Value, addressHeaders[strings.ToLower(h.Name)]); err != nil {
			return Built{}, err
		}
	}
	sb.WriteString("\r\n")
	// Only an address that needs it lets raw UTF-8 into the headers, so the
	// headers are ASCII unless utf8OK; checking the text itself keeps the
	// flag true to what is sent when a user header replaced that address.
	rawUTF8 := !isASCII(sb.String())
	sb.WriteString(body)

	return Built{
		Data:      []byte(sb.String()),
		EightBit:  enc == Encoding8bit,
		Encoding:  enc,
		SMTPUTF8:  rawUTF8,
		MessageID: id,
	}, nil
}

// dateLayout is the RFC 5322 §3.3 date-time with a numeric zone.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// mailboxText is the header form of a checked address: the Unicode domain
// when raw UTF-8 headers are in use, the A-label form otherwise.
func mailboxText(mb address.Mailbox, utf8OK bool) string {
	if utf8OK {
		return mb.Display()
	}
	return mb.String()
}

// idDomain picks the Message-ID domain: the sender's, else the domain of
// the user's From header, else FallbackDomain.
func idDomain(c checked) string {
	if c.from.ASCIIDomain != "" {
		return c.from.ASCIIDomain
	}
	if h, ok := c.replace["from"]; ok {
		if a, err := mail.ParseAddress(h.Value); err == nil {
			if mb, err := address.Parse(a.Address); err == nil {
				return mb.ASCIIDomain
			}
		}
	}
	return FallbackDomain
}

// renderHeader renders one header field. Unstructured values that need it
// become encoded-words; address lists with non-ASCII text are re-rendered
// through net/mail, which encodes display names and keeps addresses intact.
func renderHeader(name, value string, isAddress, utf8OK bool) (string, error) {
	if isAddress {
		if !utf8OK && !isASCII(value) {
			v, err := asciiAddressList(name, value)
			if err != nil {
				return "", err
			}
			value = v
		}
		s, ok := foldText(name, value)
		if !ok {
			return "", fieldErr(name, value, lang.KindTooLong,
				"has a part too long for one header line (998 octets, RFC 5322 §2.1.1)",
				"tiene una parte demasiado larga para una línea de encabezado (998 octetos, RFC 5322 §2.1.1)")
		}
		return s, nil
	}
	if !needsWords(value, utf8OK) {
		if s, ok := foldText(name, value); ok {
			return s, nil
		}
	}
	return encodeWords(name, value), nil
}

// asciiAddressList turns an address list with non-ASCII display names or
// domains into ASCII: names become encoded-words (RFC 2047 §5 (3)),
// domains A-labels. A non-ASCII local part cannot be made ASCII.
func asciiAddressList(name, value string) (string, error) {
	list, err := parseAddressList(name, value)
	if err != nil {
		return "", err
	}
	out := make([]string, len(list))
	for i, a := range list {
		mb, _ := address.Parse(a.Address) // checked by parseAddressList
		if mb.NeedsSMTPUTF8() {
			return "", fieldErr(name, value, lang.KindNeedsExtension,
				"has an address with a non-ASCII local part, which needs SMTPUTF8 (RFC 6531)",
				"tiene una dirección con parte local no ASCII, que necesita SMTPUTF8 (RFC 6531)")
		}
		out[i] = (&mail.Address{Name: a.Name, Address: mb.String()}).String()
	}
	return strings.Join(out, ", "), nil
}

// parseAddressList parses a non-ASCII address header value with net/mail
// and checks every address with address.Parse.
func parseAddressList(name, value string) ([]*mail.Address, error) {
	list, err := mail.ParseAddressList(value)
	if err != nil {
		return nil, fieldErr(name, value, lang.KindSyntax,
			fmt.Sprintf("has non-ASCII text but is not an address list that can be encoded: %v", err),
			fmt.Sprintf("tiene texto no ASCII pero no es una lista de direcciones que se pueda codificar: %v", err))
	}
	for _, a := range list {
		if _, err := address.Parse(a.Address); err != nil {
			return nil, lang.RenameField(err, name)
		}
	}
	return list, nil
}

// checkMessageID checks msg-id = "<" id-left "@" id-right ">" (RFC 5322
// §3.6.4) with the angle brackets optional on input.
func checkMessageID(id string) error {
	const field = "Message-ID"
	if err := address.CheckText(field, id, MaxHeaderValue); err != nil {
		return err
	}
	inner := id
	if strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") && len(id) >= 2 {
		inner = id[1 : len(id)-1]
	}
	left, right, ok := strings.Cut(inner, "@")
	bad := !ok || !isDotAtom(left) ||
		!(isDotAtom(right) || isNoFoldLiteral(right))
	if bad {
		return fieldErr(field, id, lang.KindSyntax,
			"is not of the form <left@right> with dot-atom text on both sides (RFC 5322 §3.6.4)",
			"no tiene la forma <izquierda@derecha> con texto dot-atom a ambos lados (RFC 5322 §3.6.4)")
	}
	return nil
}

func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && !isAtext(s[i]) {
			return false
		}
	}
	return true
}

// isNoFoldLiteral is "[" *dtext "]" with dtext printable ASCII except
// "[", "]" and "\".
func isNoFoldLiteral(s string) bool {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; c < 33 || c > 126 || c == '[' || c == ']' || c == '\\' {
			return false
		}
	}
	return true
}
