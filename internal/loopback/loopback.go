// Package loopback runs throw-away servers on 127.0.0.1 for tests: each
// accepted connection is handled on its own goroutine, and the test's
// cleanup closes the listener and waits for every handler, so no test
// leaves a goroutine or a socket behind.
package loopback

import (
	"net"
	"sync"
	"testing"
)

// Serve accepts connections on ln until the test ends and runs handle for
// each one on its own goroutine; the connection is closed when handle
// returns. A handler must return once its connection is closed by the
// peer, or the cleanup waits for it.
func Serve(tb testing.TB, ln net.Listener, handle func(net.Conn)) {
	tb.Helper()
	var wg sync.WaitGroup
	tb.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
}

// Listen is Serve on a new TCP listener on 127.0.0.1:0; it returns the
// listener's address.
func Listen(tb testing.TB, handle func(net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("loopback: listen: %v", err)
	}
	Serve(tb, ln, handle)
	return ln.Addr().String()
}
