package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoopbackOnly: the benchmarks must never listen beyond this machine.
func TestLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true},
		{"127.0.0.5:2525", true},
		{"[::1]:0", true},
		{"0.0.0.0:0", false},
		{"[::]:0", false},
		{"192.0.2.1:25", false},
		{"localhost:0", false}, // a name could resolve anywhere
		{"127.0.0.1", false},   // no port
	} {
		err := loopbackOnly(tc.addr)
		if (err == nil) != tc.ok {
			t.Errorf("loopbackOnly(%q) = %v, want ok=%v", tc.addr, err, tc.ok)
		}
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-target", "127.0.0.1:25", "extra"},
		{"-target", "127.0.0.1:25", "-delay", "-1ms"},
		{"-target", "127.0.0.1:25", "-listen", "0.0.0.0:0"},
		{"-no-such-flag"},
	} {
		var stderr bytes.Buffer
		if code := run(args, io.Discard, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// TestRunWritesStats runs the command in-process against a one-line echo
// server: it must announce its address, forward the bytes, append one JSON
// line for the closed connection and exit by itself after -lifetime.
func TestRunWritesStats(t *testing.T) {
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
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil {
			_, _ = c.Write([]byte("echo " + line))
		}
	}()

	stats := filepath.Join(t.TempDir(), "flights.jsonl")
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"-target", ln.Addr().String(), "-delay", "1ms", "-stats", stats, "-lifetime", "2s"}, pw, io.Discard)
		pw.Close()
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	addr, ok := strings.CutPrefix(strings.TrimSpace(first), "listening on ")
	if !ok {
		t.Fatalf("first line %q, want %q", first, "listening on ADDR")
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || got != "echo hello\n" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}
	c.Close()

	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit after -lifetime (hang guard)")
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 {
		t.Fatalf("stats file has %d lines, want 1: %q", len(lines), b)
	}
	var r record
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r.ClientFlights != 1 || r.ServerFlights != 1 || r.DurationMS <= 0 {
		t.Fatalf("stats %+v, want 1 client flight, 1 server flight and a duration", r)
	}
}
