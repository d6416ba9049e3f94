package message

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/lang"
)

var fixedDate = time.Date(2024, 3, 5, 9, 7, 3, 0, time.FixedZone("", -3*3600))

// parsed is a built message read back by the standard library.
type parsed struct {
	msg     *mail.Message
	subject string
	body    string
}

// readBack parses data with net/mail and decodes the subject with
// mime.WordDecoder and the body by its Content-Transfer-Encoding.
func readBack(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	var r io.Reader = msg.Body
	switch cte := msg.Header.Get("Content-Transfer-Encoding"); cte {
	case Encoding7bit, Encoding8bit:
	case EncodingQuotedPrintable:
		r = quotedprintable.NewReader(msg.Body)
	default:
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return parsed{msg: msg, subject: subject, body: string(body)}
}

// checkWire checks the RFC 5321 §2.3.8 and RFC 5322 §2.1.1 rules every
// built message must keep: CRLF only, final CRLF, lines of at most 998
// octets, and header lines of at most 78 unless one word is longer.
func checkWire(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("data does not end with CRLF")
	}
	for i, c := range data {
		if c == '\n' && (i == 0 || data[i-1] != '\r') {
			t.Fatalf("bare LF at offset %d", i)
		}
		if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			t.Fatalf("bare CR at offset %d", i)
		}
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > maxLine {
			t.Fatalf("line of %d octets", len(line))
		}
	}
}

func TestBuildGolden(t *testing.T) {
	b, err := Build(Message{
		From:      "probe@example.com",
		To:        []string{"admin@example.net", "<otro@bücher.example>"},
		Subject:   "Prueba",
		Body:      "Hola\n.\nfin",
		Date:      fixedDate,
		MessageID: "abc.123@example.com",
		Headers:   []Header{{"X-Test", "1"}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "From: probe@example.com\r\n" +
		"To: admin@example.net, otro@xn--bcher-kva.example\r\n" +
		"Subject: Prueba\r\n" +
		"Date: Tue, 05 Mar 2024 09:07:03 -0300\r\n" +
		"Message-ID: <abc.123@example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 7bit\r\n" +
		"X-Test: 1\r\n" +
		"\r\n" +
		"Hola\r\n.\r\nfin\r\n"
	if string(b.Data) != want {
		t.Errorf("Data =\n%q\nwant\n%q", b.Data, want)
	}
	if b.Encoding != Encoding7bit || b.EightBit || b.SMTPUTF8 || b.MessageID != "<abc.123@example.com>" {
		t.Errorf("Built = %+v", b)
	}
}

func TestBodyEncoding(t *testing.T) {
	long := strings.Repeat("x", 999)
	tests := []struct {
		name    string
		body    string
		eight   bool
		want    string
		eightOn bool
	}{
		{"RFC 2045 §2.7 ASCII short lines", "Hello\r\nworld\r\n", false, Encoding7bit, false},
		{"ASCII even when 8BITMIME offered", "Hello", true, Encoding7bit, false},
		{"empty body", "", false, Encoding7bit, false},
		{"exactly 998 octets stays 7bit", strings.Repeat("y", 998), false, Encoding7bit, false},
		{"RFC 6152 non-ASCII with 8BITMIME", "Año nuevo\n", true, Encoding8bit, true},
		{"non-ASCII without 8BITMIME", "Año nuevo\n", false, EncodingQuotedPrintable, false},
		{"RFC 5322 §2.1.1 999-octet line encoded not cut", long, false, EncodingQuotedPrintable, false},
		{"long line even with 8BITMIME", "ñ" + long, true, EncodingQuotedPrintable, false},
		{"NUL forces QP (RFC 2045 §2.8)", "a\x00b", true, EncodingQuotedPrintable, false},
		{"ESC forces QP", "a\x1b[31mb", false, EncodingQuotedPrintable, false},
		{"TAB is fine", "a\tb", false, Encoding7bit, false},
		{"trailing spaces kept by QP", "ñ  \n", false, EncodingQuotedPrintable, false},
		{"bare CR and LF mixed", "a\rb\nc\r\nd\r\re", false, Encoding7bit, false},
		{"dot lines and From lines", ".\n..\nFrom me\n", false, Encoding7bit, false},
		{"QP with a lone dot line", "ñ\n.\n", false, EncodingQuotedPrintable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build(Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "s", Body: tt.body, Date: fixedDate}, Options{EightBitMIME: tt.eight})
			if err != nil {
				t.Fatal(err)
			}
			if b.Encoding != tt.want || b.EightBit != tt.eightOn {
				t.Errorf("Encoding = %q, EightBit = %v; want %q, %v", b.Encoding, b.EightBit, tt.want, tt.eightOn)
			}
			checkWire(t, b.Data)
			p := readBack(t, b.Data)
			if got := p.msg.Header.Get("Content-Transfer-Encoding"); got != tt.want {
				t.Errorf("header says %q", got)
			}
			if want := NormalizeBody(tt.body); p.body != want {
				t.Errorf("decoded body = %q, want %q", p.body, want)
			}
			if !tt.eightOn && bytes.IndexFunc(b.Data, func(r rune) bool { return r >= 0x80 }) >= 0 {
				t.Errorf("8-bit bytes in a message without 8BITMIME")
			}
		})
	}
}

func TestNormalizeBody(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a", "a\r\n"},
		{"a\n", "a\r\n"},
		{"a\r", "a\r\n"},
		{"a\r\n", "a\r\n"},
		{"a\r\r\nb", "a\r\n\r\nb\r\n"},
		{"\n\n", "\r\n\r\n"},
		{"a\n\rb", "a\r\n\r\nb\r\n"},
	}
	for _, tt := range tests {
		if got := NormalizeBody(tt.in); got != tt.want {
			t.Errorf("NormalizeBody(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSubject(t *testing.T) {
	tests := []struct {
		name    string
		subject string
		from    string
		utf8    bool
		encoded bool // encoded-words expected on the wire
		raw8    bool // raw UTF-8 expected in the headers
	}{
		{"ASCII as is", "Prueba de flujo", "a@example.com", false, false, false},
		{"long ASCII folded (RFC 5322 §2.2.3)", strings.Repeat("palabra ", 30) + "fin", "a@example.com", false, false, false},
		{"ASCII with runs of spaces", "a   b\tc", "a@example.com", false, false, false},
		{"RFC 2047 Spanish", "Prueba: ¿llegó el correo? Año ñandú", "a@example.com", false, true, false},
		{"RFC 2047 long Spanish across words", strings.Repeat("canción ", 40), "a@example.com", false, true, false},
		{"RFC 2047 CJK uses B", strings.Repeat("测试邮件", 20), "a@example.com", false, true, false},
		{"emoji not split across words (§5 (3))", strings.Repeat("👍🏽", 30), "a@example.com", false, true, false},
		{"encoded-word lookalike encoded (§5 (1))", "=?utf-8?q?spoof?=", "a@example.com", false, true, false},
		{"leading space kept", " hola", "a@example.com", false, true, false},
		{"ASCII word longer than 998", strings.Repeat("z", 1500), "a@example.com", false, true, false},
		{"SMTPUTF8 offered but not needed: still encoded", "Año", "a@example.com", true, true, false},
		{"RFC 6532 raw UTF-8 when the sender needs SMTPUTF8", "Año nuevo", "josé@example.com", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build(Message{From: tt.from, To: []string{"b@example.com"}, Subject: tt.subject, Body: "x", Date: fixedDate}, Options{SMTPUTF8: tt.utf8})
			if err != nil {
				t.Fatal(err)
			}
			checkWire(t, b.Data)
			head := string(b.Data[:bytes.Index(b.Data, []byte("\r\n\r\n"))+2])
			if got := strings.Contains(head, "=?utf-8?"); got != tt.encoded {
				t.Errorf("encoded-words present = %v, want %v\n%s", got, tt.encoded, head)
			}
			if b.SMTPUTF8 != tt.raw8 || isASCII(head) == tt.raw8 {
				t.Errorf("SMTPUTF8 = %v, ASCII headers = %v; want raw UTF-8 %v", b.SMTPUTF8, isASCII(head), tt.raw8)
			}
			for _, line := range strings.Split(strings.TrimSuffix(head, "\r\n"), "\r\n") {
				limit := foldAt
				if strings.Contains(line, "=?utf-8?") {
					limit = encodedLine
				}
				if len(line) > limit && strings.Contains(strings.TrimSpace(line), " ") {
					t.Errorf("header line of %d octets could have been folded: %q", len(line), line)
				}
			}
			if p := readBack(t, b.Data); p.subject != tt.subject && strings.TrimLeft(unfold(t, b.Data, "Subject"), " ") != tt.subject {
				t.Errorf("subject read back = %q, want %q", p.subject, tt.subject)
			}
		})
	}
}

// unfold returns the value of header name after RFC 5322 §2.2.3 unfolding
// (removing CRLF only) and RFC 2047 decoding; net/mail trims and collapses
// blanks around folds, which a subject of runs of spaces would not survive.
func unfold(t *testing.T, data []byte, name string) string {
	t.Helper()
	head := string(data[:bytes.Index(data, []byte("\r\n\r\n"))+2])
	for _, f := range splitFields(head) {
		n, v, _ := strings.Cut(f, ":")
		if strings.EqualFold(n, name) {
			v = strings.ReplaceAll(v, "\r\n", "")
			var dec mime.WordDecoder
			d, err := dec.DecodeHeader(v)
			if err != nil {
				t.Fatalf("decode %q: %v", v, err)
			}
			return d
		}
	}
	return ""
}

// splitFields splits a header block into fields, keeping continuation lines
// with their field.
func splitFields(head string) []string {
	var fields []string
	for _, line := range strings.Split(strings.TrimSuffix(head, "\r\n"), "\r\n") {
		if len(fields) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			fields[len(fields)-1] += "\r\n" + line
			continue
		}
		fields = append(fields, line)
	}
	return fields
}

func TestUserHeaders(t *testing.T) {
	base := Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "s", Body: "x", Date: fixedDate}
	with := func(h ...Header) Message { m := base; m.Headers = h; return m }

	t.Run("From To Subject replace the generated ones", func(t *testing.T) {
		b, err := Build(with(Header{"from", "Jefe <jefe@example.org>"}, Header{"TO", "undisclosed-recipients:;"}, Header{"Subject", "otro"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := readBack(t, b.Data)
		if got := p.msg.Header["From"]; len(got) != 1 || got[0] != "Jefe <jefe@example.org>" {
			t.Errorf("From = %q", got)
		}
		if got := p.msg.Header["To"]; len(got) != 1 || got[0] != "undisclosed-recipients:;" {
			t.Errorf("To = %q", got)
		}
		if p.subject != "otro" || len(p.msg.Header["Subject"]) != 1 {
			t.Errorf("Subject = %q", p.msg.Header["Subject"])
		}
	})
	t.Run("non-ASCII unstructured header encoded", func(t *testing.T) {
		b, err := Build(with(Header{"X-Nota", "revisión ñ"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := readBack(t, b.Data)
		var dec mime.WordDecoder
		if got, _ := dec.DecodeHeader(p.msg.Header.Get("X-Nota")); got != "revisión ñ" {
			t.Errorf("X-Nota = %q", got)
		}
	})
	t.Run("non-ASCII address header: name encoded, domain A-label", func(t *testing.T) {
		b, err := Build(with(Header{"Reply-To", "José Pérez <jose@bücher.example>"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := readBack(t, b.Data)
		list, err := p.msg.Header.AddressList("Reply-To")
		if err != nil || len(list) != 1 || list[0].Name != "José Pérez" || list[0].Address != "jose@xn--bcher-kva.example" {
			t.Errorf("Reply-To = %+v, %v", list, err)
		}
	})
	t.Run("repeatable headers keep their order", func(t *testing.T) {
		b, err := Build(with(Header{"X-A", "1"}, Header{"X-A", "2"}, Header{"Comments", "c"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := readBack(t, b.Data).msg.Header["X-A"]; len(got) != 2 || got[0] != "1" || got[1] != "2" {
			t.Errorf("X-A = %q", got)
		}
	})

	bad := []struct {
		name string
		h    []Header
		kind lang.FieldKind
	}{
		{"RFC 5322 §3.6 second Date", []Header{{"Date", "Mon, 01 Jan 2024 00:00:00 +0000"}}, lang.KindSyntax},
		{"second Message-ID", []Header{{"message-id", "<x@y>"}}, lang.KindSyntax},
		{"RFC 2045 §4 second MIME-Version", []Header{{"MIME-Version", "1.0"}}, lang.KindSyntax},
		{"RFC 2045 §5 second Content-Type", []Header{{"Content-Type", "text/html"}}, lang.KindSyntax},
		{"RFC 2045 §6 second CTE", []Header{{"Content-Transfer-Encoding", "base64"}}, lang.KindSyntax},
		{"Subject twice", []Header{{"Subject", "a"}, {"subject", "b"}}, lang.KindSyntax},
		{"CRLF injection in value", []Header{{"X-A", "v\r\nBcc: victim@example.com"}}, lang.KindLineBreak},
		{"bare LF in value", []Header{{"X-A", "v\nX-B: w"}}, lang.KindLineBreak},
		{"colon in name", []Header{{"X-A: b", "c"}}, lang.KindSyntax},
		{"space in name", []Header{{"X A", "c"}}, lang.KindSyntax},
		{"empty name", []Header{{"", "c"}}, lang.KindEmpty},
		{"bidi in value", []Header{{"X-A", "a\u202eb"}}, lang.KindBidi},
		{"value too long", []Header{{"X-A", strings.Repeat("v", MaxHeaderValue+1)}}, lang.KindTooLong},
		{"too many headers", make([]Header, MaxHeaders+1), lang.KindTooLong},
		{"non-ASCII address header that is no address", []Header{{"Cc", "ñ"}}, lang.KindSyntax},
		{"UTF-8 local part in address header without SMTPUTF8", []Header{{"Cc", "josé@example.com"}}, lang.KindNeedsExtension},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(with(tt.h...), Options{})
			var fe *lang.FieldError
			if !errors.As(err, &fe) || fe.Kind != tt.kind {
				t.Fatalf("err = %v, want kind %q", err, tt.kind)
			}
			if fe.Reason.ES == "" {
				t.Errorf("no Spanish reason")
			}
			if tt.kind != lang.KindNeedsExtension && Validate(with(tt.h...)) == nil {
				t.Errorf("Validate accepted what Build refused")
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	ok := Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "s", Body: "x"}
	tests := []struct {
		name string
		edit func(*Message)
		opt  Options
		kind lang.FieldKind
	}{
		{"RFC 6531 UTF-8 sender without SMTPUTF8", func(m *Message) { m.From = "josé@example.com" }, Options{}, lang.KindNeedsExtension},
		{"UTF-8 recipient without SMTPUTF8", func(m *Message) { m.To = []string{"用户@example.com"} }, Options{EightBitMIME: true}, lang.KindNeedsExtension},
		{"no sender and no From header", func(m *Message) { m.From = "" }, Options{}, lang.KindEmpty},
		{"bad sender", func(m *Message) { m.From = "a@b@c" }, Options{}, lang.KindSyntax},
		{"bad recipient", func(m *Message) { m.To = []string{"x\r\n@example.com"} }, Options{}, lang.KindLineBreak},
		{"subject with CRLF", func(m *Message) { m.Subject = "hi\r\nBcc: x@example.com" }, Options{}, lang.KindLineBreak},
		{"body not UTF-8", func(m *Message) { m.Body = "caf\xe9" }, Options{}, lang.KindInvalidUTF8},
		{"RFC 5322 §3.6.4 Message-ID without @", func(m *Message) { m.MessageID = "<abc>" }, Options{}, lang.KindSyntax},
		{"Message-ID with space", func(m *Message) { m.MessageID = "<a b@c>" }, Options{}, lang.KindSyntax},
		{"Message-ID with CRLF", func(m *Message) { m.MessageID = "<a@c>\r\nBcc: x" }, Options{}, lang.KindLineBreak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			_, err := Build(m, tt.opt)
			var fe *lang.FieldError
			if !errors.As(err, &fe) || fe.Kind != tt.kind {
				t.Fatalf("err = %v, want kind %q", err, tt.kind)
			}
			if tt.kind != lang.KindNeedsExtension && Validate(m) == nil {
				t.Errorf("Validate accepted what Build refused")
			}
		})
	}
	if err := Validate(ok); err != nil {
		t.Errorf("Validate(ok) = %v", err)
	}
}

func TestMessageID(t *testing.T) {
	m := Message{From: "a@Bücher.example", To: []string{"b@example.com"}, Body: "x"}
	b1, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := Build(m, Options{})
	if b1.MessageID == b2.MessageID {
		t.Errorf("two builds gave the same Message-ID %q", b1.MessageID)
	}
	if !strings.HasPrefix(b1.MessageID, "<") || !strings.HasSuffix(b1.MessageID, "@xn--bcher-kva.example>") {
		t.Errorf("Message-ID = %q", b1.MessageID)
	}
	if err := checkMessageID(b1.MessageID); err != nil {
		t.Errorf("generated Message-ID is invalid: %v", err)
	}
	p := readBack(t, b1.Data)
	if p.msg.Header.Get("Message-ID") != b1.MessageID {
		t.Errorf("header %q != %q", p.msg.Header.Get("Message-ID"), b1.MessageID)
	}
	if d, err := p.msg.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("zero Date should mean now: %v, %v", d, err)
	}

	// The null sender (bounce test) takes the domain of the From header.
	b, err := Build(Message{Headers: []Header{{"From", "MAILER-DAEMON <mailer-daemon@example.org>"}}, Body: "x"}, Options{})
	if err != nil || !strings.HasSuffix(b.MessageID, "@example.org>") {
		t.Errorf("null sender: %q, %v", b.MessageID, err)
	}
	b, err = Build(Message{Headers: []Header{{"From", "undisclosed"}}, Body: "x"}, Options{})
	if err != nil || !strings.HasSuffix(b.MessageID, "@"+FallbackDomain+">") {
		t.Errorf("fallback: %q, %v", b.MessageID, err)
	}
	// Given without brackets, a Message-ID gets them.
	b, err = Build(Message{From: "a@example.com", MessageID: "x.y@[192.0.2.1]"}, Options{})
	if err != nil || b.MessageID != "<x.y@[192.0.2.1]>" {
		t.Errorf("literal id: %q, %v", b.MessageID, err)
	}
}

func TestAddressHeadersUTF8(t *testing.T) {
	// RFC 6532: with SMTPUTF8 in use, addresses go raw and show U-labels.
	b, err := Build(Message{From: "josé@bücher.example", To: []string{"ana@example.com"}, Subject: "ñ", Body: "ñ"}, Options{SMTPUTF8: true, EightBitMIME: true})
	if err != nil {
		t.Fatal(err)
	}
	if !b.SMTPUTF8 || !b.EightBit {
		t.Errorf("Built = %+v", b)
	}
	if !bytes.Contains(b.Data, []byte("From: josé@bücher.example\r\n")) || !bytes.Contains(b.Data, []byte("Subject: ñ\r\n")) {
		t.Errorf("raw UTF-8 headers expected:\n%s", b.Data)
	}
}

func TestEncodeDATA(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"RFC 5321 §4.5.2 leading dot doubled", "a\r\n.b\r\n", "a\r\n..b\r\n.\r\n"},
		{"dot on first line", ".\r\n", "..\r\n.\r\n"},
		{"dot not at line start untouched", "a.b\r\n", "a.b\r\n.\r\n"},
		{"missing final CRLF added", "abc", "abc\r\n.\r\n"},
		{"empty data", "", ".\r\n"},
		{"smuggling: LF dot CRLF", "a\n.\r\nMAIL FROM:<x@y>\r\n", "a\r\n..\r\nMAIL FROM:<x@y>\r\n.\r\n"},
		{"smuggling: CR dot CR", "a\r.\rb", "a\r\n..\r\nb\r\n.\r\n"},
		{"smuggling: CRLF dot LF", "a\r\n.\nb", "a\r\n..\r\nb\r\n.\r\n"},
		{"trailing bare CR", "a\r", "a\r\n.\r\n"},
		{"two dots", "..\r\n", "...\r\n.\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(EncodeDATA([]byte(tt.in)))
			if got != tt.want {
				t.Errorf("EncodeDATA(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// net/textproto's DotReader is the independent reference decoder.
			back, err := io.ReadAll(newDotReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ReplaceAll(NormalizeBody(tt.in), "\r\n", "\n"); string(back) != want {
				t.Errorf("unstuffed = %q, want %q", back, want)
			}
		})
	}
}

func newDotReader(s string) io.Reader {
	return textprotoDotReader(bufio.NewReader(strings.NewReader(s)))
}

func TestDotWriterChunks(t *testing.T) {
	in := "a\r\n.b\n\r.c\r\r\n..\rz."
	want := string(EncodeDATA([]byte(in)))
	for split := 0; split <= len(in); split++ {
		var buf bytes.Buffer
		w := NewDotWriter(&buf)
		if _, err := w.Write([]byte(in[:split])); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(in[split:])); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("split at %d: %q, want %q", split, buf.String(), want)
		}
	}
	var buf bytes.Buffer
	w := NewDotWriter(&buf)
	for i := 0; i < len(in); i++ {
		_, _ = w.Write([]byte{in[i]})
	}
	_ = w.Close()
	if buf.String() != want {
		t.Errorf("byte at a time: %q, want %q", buf.String(), want)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestDotWriterPassesErrors(t *testing.T) {
	w := NewDotWriter(failWriter{})
	if _, err := w.Write([]byte("a")); err == nil {
		t.Error("Write hid the error")
	}
	if err := w.Close(); err == nil {
		t.Error("Close hid the error")
	}
}
