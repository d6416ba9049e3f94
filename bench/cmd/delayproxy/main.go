// Command delayproxy runs bench/delayproxy as a process, so shell benchmarks
// can put a fixed round-trip time between any SMTP client and server on
// loopback and count the flights each client needs.
//
//	delayproxy -target 127.0.0.1:2525 -delay 25ms -stats flights.jsonl
//
// It prints "listening on ADDR" once it accepts connections, appends one JSON
// object per closed connection to the -stats file, and exits on SIGINT or
// SIGTERM, or by itself after -lifetime so that a crashed benchmark script
// never leaves it behind.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"smtpprobe/bench/delayproxy"
)

// record is one line of the -stats file.
type record struct {
	ClientFlights int     `json:"client_flights"`
	ServerFlights int     `json:"server_flights"`
	DurationMS    float64 `json:"duration_ms"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("delayproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback HOST:PORT to accept on")
	target := fs.String("target", "", "HOST:PORT to forward to (required)")
	delay := fs.Duration("delay", 25*time.Millisecond, "delay added in each direction (round trip grows by twice this)")
	statsPath := fs.String("stats", "", "append one JSON line per closed connection to this file")
	lifetime := fs.Duration("lifetime", 15*time.Minute, "exit after this long even if never signalled")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *target == "" || fs.NArg() != 0 || *delay < 0 {
		fmt.Fprintln(stderr, "delayproxy: -target HOST:PORT is required, -delay must not be negative, no arguments")
		return 2
	}
	if err := loopbackOnly(*listen); err != nil {
		fmt.Fprintln(stderr, "delayproxy:", err)
		return 2
	}

	var mu sync.Mutex
	var out *os.File
	if *statsPath != "" {
		f, err := os.OpenFile(*statsPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(stderr, "delayproxy:", err)
			return 1
		}
		defer f.Close()
		out = f
	}
	p := &delayproxy.Proxy{Target: *target, Delay: *delay, OnClose: func(s delayproxy.Stats) {
		if out == nil {
			return
		}
		b, _ := json.Marshal(record{s.ClientFlights, s.ServerFlights, float64(s.Duration.Microseconds()) / 1000})
		// One write per line under a lock: lines from concurrent
		// connections never interleave.
		mu.Lock()
		defer mu.Unlock()
		_, _ = out.Write(append(b, '\n'))
	}}
	if err := p.Listen(*listen); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "listening on %s\n", p.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(*lifetime):
		fmt.Fprintln(stderr, "delayproxy: lifetime over, exiting")
	}
	if err := p.Close(); err != nil {
		fmt.Fprintln(stderr, "delayproxy: close:", err)
	}
	return 0
}

// loopbackOnly refuses a listen address that is not a loopback IP: the
// benchmarks must never open a port to the network.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback IP", addr)
	}
	return nil
}
