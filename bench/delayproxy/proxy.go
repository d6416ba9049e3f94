// Package delayproxy is a TCP proxy that adds a fixed one-way delay to every
// byte in each direction, so benchmarks on loopback see a realistic round
// trip time. It forwards data as it arrives (a delay line, not a
// stop-and-wait relay), so pipelined traffic keeps its advantage, and it
// counts the "flights" of each connection: a client flight is a run of
// client-to-server data after the server last spoke.
package delayproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Stats describes one proxied connection once it has closed.
type Stats struct {
	// ClientFlights counts client-to-server bursts separated by server data.
	ClientFlights int
	// ServerFlights counts server-to-client bursts separated by client data.
	ServerFlights int
	// Duration is from accept to the close of both directions.
	Duration time.Duration
}

// Proxy forwards connections from a loopback listener to Target.
type Proxy struct {
	// Target is the host:port to forward to.
	Target string
	// Delay is added to each direction, so the round trip grows by 2*Delay.
	Delay time.Duration
	// OnClose, when set, receives each connection's statistics.
	OnClose func(Stats)

	ln net.Listener
	wg sync.WaitGroup
}

// Listen starts accepting on addr (e.g. "127.0.0.1:0") and returns at once.
func (p *Proxy) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("delayproxy: listen %s: %w", addr, err)
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept()
	return nil
}

// Addr is the address the proxy listens on.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops accepting and waits for open connections to finish.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c)
		}()
	}
}

// flightCounter counts direction changes on one connection.
type flightCounter struct {
	mu             sync.Mutex
	last           byte
	client, server int
}

func (f *flightCounter) saw(dir byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == dir {
		return
	}
	f.last = dir
	if dir == 'C' {
		f.client++
	} else {
		f.server++
	}
}

func (p *Proxy) serve(client net.Conn) {
	start := time.Now()
	defer client.Close()
	// Connecting through the proxy costs one extra round trip's worth of
	// delay, as a real TCP handshake over that path would.
	time.Sleep(2 * p.Delay)
	server, err := net.Dial("tcp", p.Target)
	if err != nil {
		return
	}
	defer server.Close()
	fc := &flightCounter{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(ctx, server, client, fc, 'C') }()
	go func() { defer wg.Done(); p.pipe(ctx, client, server, fc, 'S') }()
	wg.Wait()
	if p.OnClose != nil {
		p.OnClose(Stats{ClientFlights: fc.client, ServerFlights: fc.server, Duration: time.Since(start)})
	}
}

type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, releasing each chunk Delay after it was read.
func (p *Proxy) pipe(ctx context.Context, dst, src net.Conn, fc *flightCounter, dir byte) {
	q := make(chan chunk, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range q {
			if d := time.Until(c.due); d > 0 {
				time.Sleep(d)
			}
			if _, err := dst.Write(c.data); err != nil {
				// Drain so the reader side never blocks on a dead writer.
				for range q {
				}
				return
			}
		}
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			fc.saw(dir)
			q <- chunk{data: append([]byte(nil), buf[:n]...), due: time.Now().Add(p.Delay)}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				_ = dst.Close()
			}
			break
		}
	}
	close(q)
	<-done
}
