package delayproxy

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// TestProxyForwardsAndCountsFlights runs a tiny line echo server behind the
// proxy: two request/response turns must show as two client flights, and
// the bytes must arrive unchanged.
func TestProxyForwardsAndCountsFlights(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if _, err := c.Write([]byte("echo " + line)); err != nil {
				return
			}
		}
	}()

	stats := make(chan Stats, 1)
	p := &Proxy{Target: ln.Addr().String(), Delay: 5 * time.Millisecond, OnClose: func(s Stats) { stats <- s }}
	if err := p.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	for _, msg := range []string{"one\n", "two\n"} {
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		got, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if got != "echo "+msg {
			t.Fatalf("got %q, want %q", got, "echo "+msg)
		}
	}
	c.Close()
	select {
	case s := <-stats:
		if s.ClientFlights != 2 || s.ServerFlights != 2 {
			t.Fatalf("flights = client %d, server %d; want 2 and 2", s.ClientFlights, s.ServerFlights)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no stats after close (hang guard)")
	}
}
