package message

import (
	"bytes"
	"errors"
	"io"
	"net/textproto"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
)

// isToken reports an RFC 7230 token, the header names net/textproto
// accepts; RFC 5322 allows more (e.g. "(" in a name) and so does Build, but
// only token names can be checked with the standard reader.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// FuzzBuild checks, for any subject, body and one user header that Build
// accepts: no bare CR or LF and no line over 998 octets (RFC 5322 §2.1.1);
// the headers read back are exactly the expected set, so no input can
// smuggle in a header; subject and body decode to the input; and
// dot-stuffing round-trips through net/textproto. Seeds live in
// testdata/fuzz/FuzzBuild.
func FuzzBuild(f *testing.F) {
	f.Add("Prueba", "Hola\n.\nfin", "X-Test", "1", false, false)
	f.Add("Año ñandú ¿llegó?", "línea\r\n..\r\n", "X-Nota", "revisión", true, false)
	f.Add("a\r\nBcc: x@example.com", "b", "X-A", "c\nX-B: d", false, true)
	f.Add(strings.Repeat("palabra ", 40), strings.Repeat("x", 1200), "Comments", "=?utf-8?q?x?=", false, false)
	f.Fuzz(func(t *testing.T, subject, body, hname, hvalue string, eight, smtputf8 bool) {
		m := Message{
			From: "probe@example.com", To: []string{"admin@example.net"},
			Subject: subject, Body: body, Date: fixedDate,
			Headers: []Header{{hname, hvalue}},
		}
		b, err := Build(m, Options{EightBitMIME: eight, SMTPUTF8: smtputf8})
		if err != nil {
			var fe *lang.FieldError
			if errors.As(err, &fe) && fe.Kind == lang.KindNeedsExtension {
				return // depends on the server, not on the input alone
			}
			if Validate(m) == nil {
				t.Fatalf("Build refused what Validate accepted: %v", err)
			}
			return
		}
		checkWire(t, b.Data)
		if !isToken(hname) {
			return
		}
		want := map[string]int{"From": 1, "To": 1, "Date": 1, "Message-Id": 1, "Mime-Version": 1, "Content-Type": 1, "Content-Transfer-Encoding": 1}
		if subject != "" {
			want["Subject"] = 1
		}
		key := textproto.CanonicalMIMEHeaderKey(hname)
		if replaceable[strings.ToLower(hname)] {
			want[key] = 1
		} else {
			want[key]++
		}
		p := readBack(t, b.Data)
		got := map[string]int{}
		for k, v := range p.msg.Header {
			got[k] = len(v)
		}
		if !sameCounts(got, want) {
			t.Fatalf("headers = %v, want %v\n%q", got, want, b.Data)
		}
		wantSubject := subject
		if strings.EqualFold(hname, "Subject") {
			wantSubject = hvalue
		}
		if gotSubject := unfold(t, b.Data, "Subject"); strings.TrimPrefix(gotSubject, " ") != wantSubject {
			t.Fatalf("subject = %q, want %q", gotSubject, wantSubject)
		}
		if p.body != NormalizeBody(body) {
			t.Fatalf("body = %q, want %q", p.body, NormalizeBody(body))
		}
		if b.EightBit && !eight {
			t.Fatalf("8bit body without 8BITMIME")
		}
		if !b.EightBit && !b.SMTPUTF8 && bytes.IndexFunc(b.Data, func(r rune) bool { return r >= 0x80 }) >= 0 {
			t.Fatalf("8-bit bytes in a 7-bit message")
		}
		back, err := io.ReadAll(newDotReader(string(EncodeDATA(b.Data))))
		if err != nil || string(back) != strings.ReplaceAll(string(b.Data), "\r\n", "\n") {
			t.Fatalf("dot-stuffing does not round-trip: %v", err)
		}
	})
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// FuzzEncodeDATA checks that dot-stuffed data never ends early: the first
// "CRLF . CRLF" is the terminator we wrote, and un-stuffing gives the
// CRLF-normalised input back.
func FuzzEncodeDATA(f *testing.F) {
	f.Add([]byte("a\r\n.\r\nb"))
	f.Add([]byte("\n.\n"))
	f.Add([]byte(".\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := EncodeDATA(data)
		full := append([]byte("\r\n"), out...)
		if i := bytes.Index(full, []byte("\r\n.\r\n")); i != len(full)-5 {
			t.Fatalf("end of data at %d of %d: %q", i, len(full), out)
		}
		for i, c := range out {
			if c == '\n' && (i == 0 || out[i-1] != '\r') || c == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
				t.Fatalf("bare CR or LF at %d: %q", i, out)
			}
		}
		back, err := io.ReadAll(newDotReader(string(out)))
		if err != nil || string(back) != strings.ReplaceAll(NormalizeBody(string(data)), "\r\n", "\n") {
			t.Fatalf("round trip: %q -> %q (%v)", data, back, err)
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	cases := []struct {
		name string
		m    Message
		o    Options
	}{
		{"ascii-7bit", Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "Prueba", Body: strings.Repeat("Hello world, this is a test line.\n", 300)}, Options{}},
		{"spanish-qp", Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "Año nuevo ¿llegó?", Body: strings.Repeat("Canción de prueba, línea ñandú.\n", 300)}, Options{}},
		{"spanish-8bit", Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "Año nuevo ¿llegó?", Body: strings.Repeat("Canción de prueba, línea ñandú.\n", 300)}, Options{EightBitMIME: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.m.Body)))
			for b.Loop() {
				if _, err := Build(c.m, c.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data := []byte(strings.Repeat(".line\r\n", 1500))
	b.Run("EncodeDATA", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			EncodeDATA(data)
		}
	})
}
