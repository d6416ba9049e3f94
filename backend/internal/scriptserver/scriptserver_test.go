package scriptserver

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"smtpprobe/backend/internal/testcerts"
)

func dial(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

func TestScript(t *testing.T) {
	s := Start(t,
		Send("220 hi\r\n"),
		Expect("EHLO "),
		Send("250 ok\r\n"),
		Expect("DATA"),
		ExpectData(),
		Send("250 queued\r\n"),
		ExpectEOF(),
	)
	if s.Accepted() != 0 {
		t.Fatalf("Accepted = %d before any dial", s.Accepted())
	}
	c := dial(t, s)
	br := bufio.NewReader(c)
	read := func(want string) {
		t.Helper()
		l, err := br.ReadString('\n')
		if err != nil || l != want {
			t.Fatalf("read %q, %v; want %q", l, err, want)
		}
	}
	read("220 hi\r\n")
	io.WriteString(c, "EHLO x\r\n")
	read("250 ok\r\n")
	io.WriteString(c, "DATA\r\n.. dot\r\n.\r\n")
	read("250 queued\r\n")
	c.Close()
	if err := s.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := string(s.Received()), "EHLO x\r\nDATA\r\n.. dot\r\n.\r\n"; got != want {
		t.Fatalf("Received = %q, want %q", got, want)
	}
	if s.Accepted() != 1 {
		t.Fatalf("Accepted = %d", s.Accepted())
	}
}

func TestExpectMismatch(t *testing.T) {
	s := Start(t, Expect("EHLO"))
	c := dial(t, s)
	io.WriteString(c, "HELO x\r\n")
	err := s.Wait(5 * time.Second)
	if err == nil || !strings.Contains(err.Error(), `want a line starting with "EHLO"`) {
		t.Fatalf("Wait = %v, want a mismatch", err)
	}
}

func TestReset(t *testing.T) {
	// Expect first: a reset before the client's connect returns can make
	// the dial itself fail.
	s := Start(t, Expect("go"), Send("220-partial\r\n"), Reset())
	c := dial(t, s)
	io.WriteString(c, "go\r\n")
	if err := s.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	_, err := io.ReadAll(c)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read error = %v, want ECONNRESET", err)
	}
}

func TestCloseWrite(t *testing.T) {
	s := Start(t, Send("220 hi\r\n"), CloseWrite(), Expect("QUIT"))
	c := dial(t, s)
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "220 hi\r\n" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
	// The server still reads after its half-close.
	io.WriteString(c, "QUIT\r\n")
	if err := s.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestCloseEndsBlockingSteps(t *testing.T) {
	s := Start(t, StopReading())
	dial(t, s)
	for s.Accepted() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end StopReading")
	}
}

func TestSendForeverStopsWhenClientLeaves(t *testing.T) {
	s := Start(t, SendForever("250-flood\r\n"))
	c := dial(t, s)
	buf := make([]byte, 1<<16)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := s.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestStartTLS(t *testing.T) {
	leaf := testcerts.SelfSigned(t, testcerts.LeafOptions{DNSNames: []string{"mx.test"}})
	s := Start(t, Expect("STARTTLS"), Send("220 go ahead\r\n"), StartTLS(leaf.TLS()), Expect("EHLO"), Send("250 secure\r\n"))
	c := dial(t, s)
	io.WriteString(c, "STARTTLS\r\n")
	br := bufio.NewReader(c)
	if l, err := br.ReadString('\n'); err != nil || l != "220 go ahead\r\n" {
		t.Fatalf("read %q, %v", l, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf.Cert)
	tc := tls.Client(c, &tls.Config{ServerName: "mx.test", RootCAs: pool})
	io.WriteString(tc, "EHLO x\r\n")
	if l, err := bufio.NewReader(tc).ReadString('\n'); err != nil || l != "250 secure\r\n" {
		t.Fatalf("read over TLS %q, %v", l, err)
	}
	if err := s.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := string(s.Received()); got != "STARTTLS\r\nEHLO x\r\n" {
		t.Fatalf("Received = %q, want the plaintext and the decrypted command", got)
	}
}

func TestStartTLSRefusesBufferedPlaintext(t *testing.T) {
	leaf := testcerts.SelfSigned(t, testcerts.LeafOptions{DNSNames: []string{"mx.test"}})
	s := Start(t, Expect("STARTTLS"), StartTLS(leaf.TLS()))
	c := dial(t, s)
	io.WriteString(c, "STARTTLS\r\nEHLO injected\r\n")
	err := s.Wait(5 * time.Second)
	if err == nil || !strings.Contains(err.Error(), "plaintext bytes buffered") {
		t.Fatalf("Wait = %v, want the buffered plaintext refused", err)
	}
}
