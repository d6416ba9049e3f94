// Command dnsserve serves a zone from backend/mxlookup/dnstest on 127.0.0.1,
// UDP and TCP on one port, so `dig` and `smtpprobe mx` can be benchmarked
// against the same loopback DNS server.
//
//	dnsserve -zone bench.zone -queries queries.txt
//
// The zone file holds one resource record per line in zone-file syntax with
// fully qualified names; blank lines and lines starting with ";" are skipped.
// It prints "listening on ADDR" once both sockets are up, writes every query
// it received to the -queries file when it exits, and exits on SIGINT or
// SIGTERM, or by itself after -lifetime.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"smtpprobe/backend/mxlookup/dnstest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dnsserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	zone := fs.String("zone", "", "zone file, one record per line (required)")
	queries := fs.String("queries", "", "write the queries received to this file on exit")
	lifetime := fs.Duration("lifetime", 15*time.Minute, "exit after this long even if never signalled")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *zone == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "dnsserve: -zone FILE is required, no arguments")
		return 2
	}
	records, err := readZone(*zone)
	if err != nil {
		fmt.Fprintln(stderr, "dnsserve:", err)
		return 1
	}
	srv, err := dnstest.Start(records...)
	if err != nil {
		fmt.Fprintln(stderr, "dnsserve:", err)
		return 1
	}
	fmt.Fprintf(stdout, "listening on %s\n", srv.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(*lifetime):
		fmt.Fprintln(stderr, "dnsserve: lifetime over, exiting")
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "dnsserve: close:", err)
	}
	if *queries != "" {
		if err := writeQueries(*queries, srv.Queries()); err != nil {
			fmt.Fprintln(stderr, "dnsserve:", err)
			return 1
		}
	}
	return 0
}

// readZone returns the records of a zone file, one per line.
func readZone(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open zone: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, ";") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read zone %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("zone %s has no records", path)
	}
	return out, nil
}

// writeQueries writes one "NET TYPE NAME" line per query, in arrival order.
func writeQueries(path string, qs []dnstest.Query) error {
	var b strings.Builder
	for _, q := range qs {
		fmt.Fprintf(&b, "%s %s %s\n", q.Net, dns.TypeToString[q.Type], q.Name)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write queries: %w", err)
	}
	return nil
}
