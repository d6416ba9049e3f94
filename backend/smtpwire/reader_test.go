package smtpwire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Reply
	}{
		{"single line §4.2", "220 mx.test ESMTP\r\n", Reply{Code: 220, Lines: []string{"mx.test ESMTP"}}},
		{"code alone §4.2 (no SP, no text)", "250\r\n", Reply{Code: 250, Lines: []string{""}}},
		{"code and SP, empty text", "250 \r\n", Reply{Code: 250, Lines: []string{""}}},
		{"multi-line §4.2.1", "250-mx.test Hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
			Reply{Code: 250, Lines: []string{"mx.test Hello", "PIPELINING", "SIZE 1000"}}},
		{"continuation with empty text §4.2.1", "250-\r\n250 ok\r\n", Reply{Code: 250, Lines: []string{"", "ok"}}},
		{"enhanced code RFC 3463", "550 5.1.1 User unknown\r\n", Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 User unknown"}}},
		{"enhanced code alone", "250 2.0.0\r\n", Reply{Code: 250, Enhanced: "2.0.0", Lines: []string{"2.0.0"}}},
		{"enhanced three-digit parts", "452 4.123.456 busy\r\n", Reply{Code: 452, Enhanced: "4.123.456", Lines: []string{"4.123.456 busy"}}},
		{"enhanced class mismatch ignored RFC 2034 §4", "550 2.1.5 odd\r\n", Reply{Code: 550, Lines: []string{"2.1.5 odd"}}},
		{"enhanced class 3 does not exist RFC 3463 §3.1", "354 3.0.0 go on\r\n", Reply{Code: 354, Lines: []string{"3.0.0 go on"}}},
		{"enhanced part too long", "550 5.1234.1 x\r\n", Reply{Code: 550, Lines: []string{"5.1234.1 x"}}},
		{"enhanced not followed by space", "550 5.1.1x\r\n", Reply{Code: 550, Lines: []string{"5.1.1x"}}},
		{"enhanced missing detail", "550 5.1. x\r\n", Reply{Code: 550, Lines: []string{"5.1. x"}}},
		{"enhanced from first line only", "250-2.1.0 a\r\n250 b\r\n", Reply{Code: 250, Enhanced: "2.1.0", Lines: []string{"2.1.0 a", "b"}}},
		{"hostile bytes escaped", "220 a\x1b[31m\x00b\r\n", Reply{Code: 220, Lines: []string{`a\x1B[31m\x00b`}}},
		{"UTF-8 kept", "220 Éxito\r\n", Reply{Code: 220, Lines: []string{"Éxito"}}},
		{"tab kept escaped", "220 a\tb\r\n", Reply{Code: 220, Lines: []string{`a\tb`}}},
		{"largest code", "559 x\r\n", Reply{Code: 559, Lines: []string{"x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReply([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseReply(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseReply(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadReplyViolations(t *testing.T) {
	many := strings.Repeat("250-x\r\n", MaxReplyLines) + "250 x\r\n"
	big := strings.Repeat("250-"+strings.Repeat("a", 1000)+"\r\n", 70) + "250 x\r\n"
	tests := []struct {
		name string
		in   string
		rule string
	}{
		{"bare LF §2.3.8", "220 hi\n", "RFC 5321 §2.3.8"},
		{"bare CR inside §2.3.8", "220 a\rb\r\n", "RFC 5321 §2.3.8"},
		{"first digit 1 §4.2", "150 x\r\n", "RFC 5321 §4.2"},
		{"first digit 6 §4.2", "650 x\r\n", "RFC 5321 §4.2"},
		{"second digit 6 §4.2", "260 x\r\n", "RFC 5321 §4.2"},
		{"letters §4.2", "abc x\r\n", "RFC 5321 §4.2"},
		{"two digits §4.2", "25\r\n", "RFC 5321 §4.2"},
		{"empty line §4.2", "\r\n", "RFC 5321 §4.2"},
		{"bad separator §4.2.1", "250:ok\r\n", "RFC 5321 §4.2.1"},
		{"four digits §4.2.1", "2500 ok\r\n", "RFC 5321 §4.2.1"},
		{"code changes mid-reply §4.2.1", "250-a\r\n251 b\r\n", "RFC 5321 §4.2.1"},
		{"line over 2000 bytes", "250 " + strings.Repeat("a", MaxLineLength) + "\r\n", "limit: 2000 bytes a line"},
		{"line over buffer", "250 " + strings.Repeat("a", 10000) + "\r\n", "limit: 2000 bytes a line"},
		{"more than 200 lines", many, "limit: 200 lines a reply"},
		{"more than 64 KiB", big, "limit: 64 KiB a reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReply([]byte(tt.in))
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseReply(%.40q) error = %v, want *ProtocolError", tt.in, err)
			}
			if pe.Rule != tt.rule {
				t.Errorf("rule = %q, want %q", pe.Rule, tt.rule)
			}
			if !errors.Is(err, ErrProtocol) {
				t.Error("error does not match ErrProtocol")
			}
			if !strings.Contains(err.Error(), tt.rule) || pe.Reason.ES == "" {
				t.Errorf("error %q should name the rule and have a Spanish reason", err)
			}
			if len(pe.Line) > maxShownLine+3 {
				t.Errorf("error quotes %d bytes of the line", len(pe.Line))
			}
		})
	}
}

func TestReadReplyLimitsExact(t *testing.T) {
	// Exactly at each limit is accepted; one more is not (see above).
	line := "250 " + strings.Repeat("a", MaxLineLength-6) + "\r\n"
	if _, err := ParseReply([]byte(line)); err != nil {
		t.Errorf("line of exactly %d bytes: %v", len(line), err)
	}
	lines := strings.Repeat("250-x\r\n", MaxReplyLines-1) + "250 x\r\n"
	r, err := ParseReply([]byte(lines))
	if err != nil || len(r.Lines) != MaxReplyLines {
		t.Errorf("reply of exactly %d lines: %d lines, %v", MaxReplyLines, len(r.Lines), err)
	}
}

func TestReadReplyEOF(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"nothing", "", io.EOF},
		{"inside a line", "220 hal", io.ErrUnexpectedEOF},
		{"after a continuation line", "250-a\r\n", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReplyReader(strings.NewReader(tt.in)).ReadReply()
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReadReplySequence(t *testing.T) {
	// Pipelined replies arrive back to back (RFC 2920 §3.2); each read takes
	// exactly one.
	rr := NewReplyReader(strings.NewReader("250 2.1.0 ok\r\n550-5.1.1 no\r\n550 5.1.1 such user\r\n354 go\r\n"))
	var seen []string
	rr.OnLine = func(raw []byte) { seen = append(seen, string(raw)) }
	for _, want := range []int{250, 550, 354} {
		r, err := rr.ReadReply()
		if err != nil || r.Code != want {
			t.Fatalf("got %v, %v; want code %d", r, err, want)
		}
	}
	if len(seen) != 4 || seen[1] != "550-5.1.1 no\r\n" {
		t.Errorf("OnLine saw %q", seen)
	}
	if _, err := ParseReply([]byte("250 a\r\n250 b\r\n")); err == nil {
		t.Error("ParseReply accepted two replies")
	}
}

func TestReplyMessage(t *testing.T) {
	r := Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 <x@y>: Recipient", "5.1.1 address rejected"}}
	if got := r.Message(); got != "<x@y>: Recipient address rejected" {
		t.Errorf("Message = %q", got)
	}
	if got := r.String(); got != "550 5.1.1 <x@y>: Recipient address rejected" {
		t.Errorf("String = %q", got)
	}
	if r.Class() != 5 {
		t.Errorf("Class = %d", r.Class())
	}
}

func BenchmarkReadReply(b *testing.B) {
	ehlo := []byte("250-mx.example.com Hello [192.0.2.1]\r\n250-SIZE 36700160\r\n250-PIPELINING\r\n250-DSN\r\n" +
		"250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250-AUTH LOGIN PLAIN\r\n250-8BITMIME\r\n250-BINARYMIME\r\n" +
		"250-CHUNKING\r\n250 SMTPUTF8\r\n")
	rd := bytes.NewReader(ehlo)
	rr := NewReplyReader(rd)
	b.ReportAllocs()
	b.SetBytes(int64(len(ehlo)))
	for b.Loop() {
		rd.Reset(ehlo)
		rr.Reset(rd)
		if _, err := rr.ReadReply(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPipelinedReplies reads the replies to one pipelined flight
// (MAIL, two RCPTs, DATA) from one buffer, as the engine does (RFC 2920).
func BenchmarkReadPipelinedReplies(b *testing.B) {
	flight := []byte("250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n550 5.1.1 <nobody@example.com>: Recipient address rejected\r\n" +
		"354 End data with <CR><LF>.<CR><LF>\r\n")
	rd := bytes.NewReader(flight)
	rr := NewReplyReader(rd)
	b.ReportAllocs()
	b.SetBytes(int64(len(flight)))
	for b.Loop() {
		rd.Reset(flight)
		rr.Reset(rd)
		for range 4 {
			if _, err := rr.ReadReply(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
