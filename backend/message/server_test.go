package message

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// recorder is a go-smtp backend that keeps every message it receives.
type recorder struct {
	mu    sync.Mutex
	mails int
	data  [][]byte
}

func (r *recorder) NewSession(*smtp.Conn) (smtp.Session, error) { return &recSession{r: r}, nil }

type recSession struct{ r *recorder }

func (s *recSession) Reset()        {}
func (s *recSession) Logout() error { return nil }
func (s *recSession) Mail(string, *smtp.MailOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.mails++
	return nil
}
func (s *recSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *recSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.data = append(s.r.data, b)
	return nil
}

func startServer(t *testing.T) (string, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := smtp.NewServer(rec)
	srv.Domain = "mx.test"
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout = 5 * time.Second
	srv.WriteTimeout = 5 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), rec
}

// converse plays a plain SMTP dialogue over a raw connection so that the
// DATA payload goes on the wire exactly as EncodeDATA produced it.
func converse(t *testing.T, addr string, mailParams string, payload []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	expect := func(code string) {
		t.Helper()
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("reading reply: %v", err)
			}
			if !strings.HasPrefix(line, code) {
				t.Fatalf("reply %q, want %s", line, code)
			}
			if len(line) < 4 || line[3] != '-' {
				return
			}
		}
	}
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(conn, s+"\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	expect("220")
	send("EHLO client.test")
	expect("250")
	send("MAIL FROM:<probe@example.com>" + mailParams)
	expect("250")
	send("RCPT TO:<admin@example.net>")
	expect("250")
	send("DATA")
	expect("354")
	if _, err := conn.Write(payload); err != nil {
		t.Fatal(err)
	}
	expect("250")
	send("QUIT")
	expect("221")
}

// TestDATAThroughGoSMTP sends built messages to a real go-smtp server and
// checks that it receives exactly Built.Data, once: the dot-stuffing and
// the terminator are right (RFC 5321 §4.5.2) and no line in a body can end
// the data early or smuggle in a second transaction.
func TestDATAThroughGoSMTP(t *testing.T) {
	addr, rec := startServer(t)
	bodies := []struct {
		name string
		body string
		opt  Options
	}{
		{"dot lines", ".\n..\n.hidden\nend", Options{}},
		{"smuggling LF.CRLF", "a\n.\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nspoofed\r\n.\r\n", Options{}},
		{"smuggling CR.CR", "a\r.\rQUIT\r", Options{}},
		{"8bit Spanish", "Año nuevo, ¿llegó?\n.\n", Options{EightBitMIME: true}},
		{"quoted-printable long line", strings.Repeat("ñ", 800) + "\n." + strings.Repeat("x", 2000), Options{}},
		{"empty body", "", Options{}},
	}
	for i, tt := range bodies {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build(Message{From: "probe@example.com", To: []string{"admin@example.net"}, Subject: tt.name, Body: tt.body, Date: fixedDate}, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			params := ""
			if b.EightBit {
				params = " BODY=8BITMIME"
			}
			converse(t, addr, params, EncodeDATA(b.Data))
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if rec.mails != i+1 || len(rec.data) != i+1 {
				t.Fatalf("server saw %d MAIL and %d messages, want %d of each", rec.mails, len(rec.data), i+1)
			}
			if got := rec.data[i]; string(got) != string(b.Data) {
				t.Errorf("server received\n%q\nwant\n%q", got, b.Data)
			}
		})
	}
}
