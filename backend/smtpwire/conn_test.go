package smtpwire

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/transcript"
)

// pair returns a connected client and server over real loopback TCP.
func pair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ch <- nil
			return
		}
		ch <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-ch
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func TestConnRecordsBothDirections(t *testing.T) {
	cc, sc := pair(t)
	var streamed []transcript.Entry
	rec := NewRecorder(time.Now(), func(e transcript.Entry) { streamed = append(streamed, e) })
	c := NewConn(cc, rec)

	go func() {
		_, _ = sc.Write([]byte("220-mx.test\r\n220 \x1b[2Jready\r\n"))
		br := bufio.NewReader(sc)
		for i := 0; i < 3; i++ {
			_, _ = br.ReadString('\n')
		}
		_, _ = sc.Write([]byte("250 ok\r\n"))
	}()
	if r, err := c.ReadReply(5 * time.Second); err != nil || r.Code != 220 {
		t.Fatalf("banner: %v %v", r, err)
	}
	if err := c.WriteCommands(5*time.Second, Command{Line: "EHLO a.test"}, Command{Line: "AUTH PLAIN c2VjcmV0", Masked: "AUTH PLAIN ****"}); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteData([]byte("x"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	_ = c.WriteData([]byte("\r\n"), 5*time.Second)
	if r, err := c.ReadReply(5 * time.Second); err != nil || r.Code != 250 {
		t.Fatalf("reply: %v %v", r, err)
	}
	got := rec.Entries()
	want := []struct {
		dir  transcript.Direction
		text string
		raw  string
	}{
		{transcript.Server, "220-mx.test", "220-mx.test\r\n"},
		{transcript.Server, `220 \x1B[2Jready`, "220 \x1b[2Jready\r\n"},
		{transcript.Client, "EHLO a.test", "EHLO a.test\r\n"},
		{transcript.Client, "AUTH PLAIN ****", ""},
		{transcript.Client, "x", "x"},
		{transcript.Client, "", "\r\n"},
		{transcript.Server, "250 ok", "250 ok\r\n"},
	}
	if len(got) != len(want) || len(streamed) != len(want) {
		t.Fatalf("got %d entries (%d streamed), want %d: %+v", len(got), len(streamed), len(want), got)
	}
	for i, w := range want {
		e := got[i]
		if e.Seq != i+1 || e.Dir != w.dir || e.Text != w.text || string(e.Raw) != w.raw || e.TLS {
			t.Errorf("entry %d = %+v, want %+v", i, e, w)
		}
		if streamed[i].Seq != e.Seq {
			t.Errorf("streamed entry %d has seq %d", i, streamed[i].Seq)
		}
	}
	if strings.Contains(string(got[3].Raw), "c2Vj") {
		t.Error("masked command kept its raw bytes")
	}
}

func TestConnRefusesInjectedCommand(t *testing.T) {
	cc, sc := pair(t)
	rec := NewRecorder(time.Now(), nil)
	c := NewConn(cc, rec)
	for _, line := range []string{"MAIL FROM:<a@b>\r\nRCPT TO:<x@y>", "NOOP\n", "NOOP\x00"} {
		err := c.WriteCommands(time.Second, Command{Line: "NOOP"}, Command{Line: line})
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("WriteCommands(%q) = %v, want a refusal", line, err)
		}
	}
	if rec.Len() != 0 {
		t.Errorf("refused commands were recorded: %+v", rec.Entries())
	}
	_ = c.Close()
	_ = sc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, _ := io.ReadAll(sc); len(b) != 0 {
		t.Errorf("server received %q", b)
	}
}

func TestConnReadTimeoutCoversWholeReply(t *testing.T) {
	// A server that drips a never-ending multi-line reply is cut off by the
	// deadline of the whole reply, not reset by each line.
	cc, sc := pair(t)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if _, err := sc.Write([]byte("250-x\r\n")); err != nil {
					return
				}
			}
		}
	}()
	c := NewConn(cc, NewRecorder(time.Now(), nil))
	_, err := c.ReadReply(300 * time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestConnCloseUnblocksRead(t *testing.T) {
	cc, _ := pair(t)
	c := NewConn(cc, NewRecorder(time.Now(), nil))
	done := make(chan error, 1)
	go func() { _, err := c.ReadReply(0); done <- err }()
	time.Sleep(10 * time.Millisecond)
	_ = c.Close()
	_ = c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("err = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read still blocked 5 s after Close (hang guard)")
	}
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test"},
		DNSNames:     []string{"mx.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestConnUpgradeTLS(t *testing.T) {
	cc, sc := pair(t)
	cert := selfSigned(t)
	go func() {
		_, _ = sc.Write([]byte("220 go ahead\r\n"))
		// Byte by byte: a buffered reader could swallow the ClientHello
		// that follows STARTTLS.
		for b := make([]byte, 1); b[0] != '\n'; {
			if _, err := sc.Read(b); err != nil {
				return
			}
		}
		ts := tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{cert}})
		_, _ = ts.Write([]byte("250 secret\r\n"))
	}()
	rec := NewRecorder(time.Now(), nil)
	c := NewConn(cc, rec)
	if _, err := c.ReadReply(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteCommands(5*time.Second, Command{Line: "STARTTLS"}); err != nil {
		t.Fatal(err)
	}
	err := c.UpgradeTLS(func(nc net.Conn) (net.Conn, error) {
		tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true})
		return tc, tc.Handshake()
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.ReadReply(5 * time.Second)
	if err != nil || r.Code != 250 || !c.TLS() {
		t.Fatalf("after TLS: %v %v tls=%v", r, err, c.TLS())
	}
	es := rec.Entries()
	if es[0].TLS || es[1].TLS || !es[2].TLS {
		t.Errorf("TLS flags wrong: %+v", es)
	}
}

func TestConnUpgradeRefusesBufferedData(t *testing.T) {
	// CVE-2011-0411: bytes sent in plain text right after the 220 must not
	// be taken as if they came through TLS.
	cc, sc := pair(t)
	_, _ = sc.Write([]byte("220 go ahead\r\n250 injected\r\n"))
	c := NewConn(cc, NewRecorder(time.Now(), nil))
	if _, err := c.ReadReply(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	called := false
	err := c.UpgradeTLS(func(nc net.Conn) (net.Conn, error) { called = true; return nc, nil })
	if !errors.Is(err, ErrBufferedAfterUpgrade) || called {
		t.Errorf("err = %v, upgrade called = %v", err, called)
	}
}

func TestConnFlight(t *testing.T) {
	// RFC 2920: queued commands and data leave in one write, after the
	// transcript has them in order.
	cc, sc := pair(t)
	rec := NewRecorder(time.Now(), nil)
	c := NewConn(cc, rec)
	if err := c.Queue(Command{Line: "MAIL FROM:<a@b>"}, Command{Line: "RCPT TO:<c@d>"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Queue(Command{Line: "RCPT TO:<e@f>"}, Command{Line: "bad\r\nline"}); err == nil {
		t.Fatal("queued a command with CRLF")
	}
	c.QueueData([]byte("BDAT-chunk\r\npartial"))
	if err := c.Queue(Command{Line: "QUIT"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	want := "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT-chunk\r\npartialQUIT\r\n"
	buf := make([]byte, 1024)
	_ = sc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := ""
	for len(got) < len(want) {
		n, err := sc.Read(buf)
		if err != nil {
			t.Fatalf("read: %v (got %q)", err, got)
		}
		got += string(buf[:n])
	}
	if got != want {
		t.Errorf("server got %q, want %q", got, want)
	}
	var texts []string
	for _, e := range rec.Entries() {
		texts = append(texts, e.Text)
	}
	if strings.Join(texts, "|") != "MAIL FROM:<a@b>|RCPT TO:<c@d>|BDAT-chunk|partial|QUIT" {
		t.Errorf("transcript %q", texts)
	}
	if err := c.Flush(time.Second); err != nil {
		t.Errorf("empty flush: %v", err)
	}
}

// TestDiscardBuffered: bytes the server sent after a reply and before the
// client's next move are dropped, not parsed (RFC 3207 §4.2, CVE-2011-0411).
func TestDiscardBuffered(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	go func() {
		_, _ = server.Write([]byte("220 Ready\r\n250-FAKE\r\n"))
		_, _ = server.Write([]byte("250 real\r\n"))
		server.Close()
	}()
	c := NewConn(client, NewRecorder(time.Now(), nil))
	r, err := c.ReadReply(time.Second)
	if err != nil || r.Code != 220 {
		t.Fatalf("reply %+v, %v", r, err)
	}
	shown, n := c.DiscardBuffered(4)
	if n != len("250-FAKE\r\n") || string(shown) != "250-" || c.Buffered() != 0 {
		t.Fatalf("discarded %d %q, %d left", n, shown, c.Buffered())
	}
	if r, err := c.ReadReply(time.Second); err != nil || r.Code != 250 || r.Lines[0] != "real" {
		t.Fatalf("next reply %+v, %v: the injected line was kept", r, err)
	}
	if _, n := c.DiscardBuffered(4); n != 0 {
		t.Errorf("discarded %d from an empty buffer", n)
	}
}

// TestRecorderRedact: once a secret is given to Redact, server lines show
// it masked in text and raw bytes, client and info lines are left alone,
// and forms too short to be secrets are ignored (RFC 4954 §4 payloads).
func TestRecorderRedact(t *testing.T) {
	rec := NewRecorder(time.Now(), nil)
	rec.Redact("czNjcmV0", "s3cret", "ab")
	for _, c := range []struct {
		dir      transcript.Direction
		in, want string
	}{
		{transcript.Server, "535 you sent czNjcmV0 (s3cret)", "535 you sent ******** (********)"},
		{transcript.Server, "250 ab ok", "250 ab ok"},
		{transcript.Client, "NOOP s3cret", "NOOP s3cret"},
	} {
		e := rec.Add(c.dir, c.in, []byte(c.in+"\r\n"), false)
		if e.Text != c.want || string(e.Raw) != c.want+"\r\n" {
			t.Errorf("%s %q: text %q raw %q, want %q", c.dir, c.in, e.Text, e.Raw, c.want)
		}
	}
	if got := rec.Scrub("5.7.8 s3cret"); got != "5.7.8 ********" {
		t.Errorf("Scrub = %q", got)
	}
}
