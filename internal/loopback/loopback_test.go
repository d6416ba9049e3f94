package loopback

import (
	"bufio"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// Each connection gets its own handler, and the handler's connection is
// closed when it returns (the client reads EOF).
func TestListenServesEachConnection(t *testing.T) {
	var served atomic.Int32
	addr := Listen(t, func(c net.Conn) {
		served.Add(1)
		line, _ := bufio.NewReader(c).ReadString('\n')
		_, _ = c.Write([]byte("echo " + line))
	})
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("hi\r\n")); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		if got, _ := r.ReadString('\n'); got != "echo hi\r\n" {
			t.Errorf("reply %q", got)
		}
		if _, err := r.ReadByte(); err == nil {
			t.Error("the connection stayed open after the handler returned")
		}
		c.Close()
	}
	if n := served.Load(); n != 3 {
		t.Errorf("served %d connections, want 3", n)
	}
}

// The cleanup closes the listener: after the test, nothing accepts.
func TestCleanupClosesListener(t *testing.T) {
	var addr string
	t.Run("server", func(t *testing.T) {
		addr = Listen(t, func(net.Conn) {})
	})
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		c.Close()
		t.Fatal("the listener still accepts after its test ended")
	}
}
