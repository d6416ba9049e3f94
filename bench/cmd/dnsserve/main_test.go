package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "zone")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadZone(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       int
		wantErr    bool
	}{
		{"records, blank lines and comments", "; MX set\nbench.test. 300 IN MX 10 mx1.bench.test.\n\n  mx1.bench.test. 300 IN A 192.0.2.10  \n", 2, false},
		{"only comments", "; nothing\n\n", 0, true},
		{"empty", "", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readZone(writeFile(t, tc.body))
			if (err != nil) != tc.wantErr || len(got) != tc.want {
				t.Fatalf("readZone = %q, %v; want %d records, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
	if _, err := readZone(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing zone file: no error")
	}
}

func TestRunUsage(t *testing.T) {
	bad := writeFile(t, "this is not a record\n")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"-zone", bad, "extra"}, 2},
		{[]string{"-bogus"}, 2},
		{[]string{"-zone", bad}, 1}, // unparsable record
	} {
		var stderr bytes.Buffer
		if code := run(tc.args, io.Discard, &stderr); code != tc.code {
			t.Errorf("run(%q) = %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
	}
}

// TestRunServesAndLogsQueries answers an MX query (RFC 1035 §3.3.9) from
// the zone and writes the query log when it exits after -lifetime.
func TestRunServesAndLogsQueries(t *testing.T) {
	zone := writeFile(t, "bench.test. 300 IN MX 10 mx1.bench.test.\nmx1.bench.test. 300 IN A 192.0.2.10\n")
	queries := filepath.Join(t.TempDir(), "queries.txt")
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"-zone", zone, "-queries", queries, "-lifetime", "2s"}, pw, io.Discard)
		pw.Close()
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	addr, ok := strings.CutPrefix(strings.TrimSpace(first), "listening on ")
	if !ok {
		t.Fatalf("first line %q", first)
	}
	m := new(dns.Msg)
	m.SetQuestion("bench.test.", dns.TypeMX)
	c := &dns.Client{Timeout: 5 * time.Second}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Answer) != 1 || resp.Answer[0].(*dns.MX).Mx != "mx1.bench.test." {
		t.Fatalf("answer %v", resp.Answer)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit after -lifetime (hang guard)")
	}
	b, err := os.ReadFile(queries)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != "udp MX bench.test." {
		t.Fatalf("query log %q, want %q", got, "udp MX bench.test.")
	}
}
