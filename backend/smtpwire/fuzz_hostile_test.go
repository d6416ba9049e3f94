package smtpwire

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"testing"
	"unicode/utf8"
)

// enhancedRE is the RFC 3463 §2 status code syntax.
var enhancedRE = regexp.MustCompile(`^[245]\.[0-9]{1,3}\.[0-9]{1,3}$`)

// repeatReader yields prefix, then unit again and again forever (or EOF
// when unit is empty), counting the bytes handed out: a server that never
// stops talking.
type repeatReader struct {
	prefix, unit []byte
	pos          int
	served       int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if len(r.prefix) > 0 {
		n := copy(p, r.prefix)
		r.prefix = r.prefix[n:]
		r.served += int64(n)
		return n, nil
	}
	if len(r.unit) == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.unit[r.pos:])
		n += c
		r.pos = (r.pos + c) % len(r.unit)
	}
	r.served += int64(n)
	return n, nil
}

// FuzzReadReplyHostile feeds the reply reader a stream of any prefix
// followed by a unit repeated forever. Whatever the bytes, each ReadReply
// returns (never hangs, never panics), reads a bounded amount for one reply,
// and what it keeps stays within MaxLineLength, MaxReplyLines and
// MaxReplyBytes; every reply it returns obeys RFC 5321 §4.2 and its text is
// escaped for display. Seeds live in testdata/fuzz/FuzzReadReplyHostile.
func FuzzReadReplyHostile(f *testing.F) {
	for _, s := range [][2]string{
		{"220 mx.test ESMTP\r\n", ""},
		{"220-a\r\n", "220-flood\r\n"},
		{"", "250 ok\r\n"},
		{"220 ", "x"},
		{"250-", "\r"},
		{"220 a\x00\x1b[31m\u202e\xff\r\n", ""},
		{"550 5.1.1 x\r\n550 2.1.1 y\r\n550 -5.+1.1 z\r\n550 5.1234.1 w\r\n", ""},
		{"22X x\r\n220OK\r\n2200 x\r\n699 x\r\n100 x\r\n", ""},
		{"220-a\r\n221 b\r\n", ""},
		{"250\r\n", "250-\r\n"},
		{"220 a\rb\r\n", "\n"},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, prefix, unit []byte) {
		src := &repeatReader{prefix: prefix, unit: unit}
		rr := NewReplyReader(src)
		var seen int
		rr.OnLine = func(raw []byte) {
			if len(raw) > MaxLineLength {
				t.Fatalf("OnLine got %d bytes, more than a line may have", len(raw))
			}
			seen += len(raw)
		}
		// A stream of valid replies never ends; a bounded number of reads
		// shows each one finishes.
		for i := 0; i < 20; i++ {
			before, seenBefore := src.served, seen
			r, err := rr.ReadReply()
			// One reply may not pull more than its cap plus what the
			// buffered reader reads ahead.
			if got := src.served - before; got > MaxReplyBytes+MaxLineLength+8192 {
				t.Fatalf("one ReadReply read %d bytes", got)
			}
			if got := seen - seenBefore; got > MaxReplyBytes+MaxLineLength {
				t.Fatalf("one ReadReply recorded %d bytes", got)
			}
			if err != nil {
				var pe *ProtocolError
				if !errors.As(err, &pe) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				if pe != nil && (!utf8.ValidString(pe.Line) || len(pe.Line) > 4*maxShownLine+3) {
					t.Fatalf("error line not escaped and shortened: %q", pe.Line)
				}
				return
			}
			checkReply(t, r)
		}
	})
}

func checkReply(t *testing.T, r Reply) {
	t.Helper()
	if r.Code < 200 || r.Code > 559 || r.Code%100 > 59 {
		t.Fatalf("code %d outside RFC 5321 §4.2", r.Code)
	}
	if n := len(r.Lines); n < 1 || n > MaxReplyLines {
		t.Fatalf("%d lines", n)
	}
	if r.Enhanced != "" && (!enhancedRE.MatchString(r.Enhanced) || int(r.Enhanced[0]-'0') != r.Class()) {
		t.Fatalf("enhanced code %q with reply code %d", r.Enhanced, r.Code)
	}
	total := 0
	for _, l := range r.Lines {
		total += len(l)
		if !utf8.ValidString(l) || bytes.ContainsAny([]byte(l), "\x00\r\n\x1b\u202e") {
			t.Fatalf("line not escaped: %q", l)
		}
		// Escaping turns one byte into at most four characters.
		if len(l) > 4*MaxLineLength {
			t.Fatalf("line of %d characters", len(l))
		}
	}
	if total > 4*MaxReplyBytes {
		t.Fatalf("reply keeps %d characters", total)
	}
}
