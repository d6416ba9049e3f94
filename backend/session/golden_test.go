package session

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/lang"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// normalise renders a Result as stable text: the transcript with
// direction, TLS flag and text (no times), the steps with status, code and
// failure, and the warnings. Ports and the local address change from run to
// run and are replaced.
func normalise(r *Result, ports ...string) string {
	var b strings.Builder
	for _, e := range r.Transcript {
		tls := ""
		if e.TLS {
			tls = " [tls]"
		}
		fmt.Fprintf(&b, "%s%s %s\n", e.Dir, tls, e.Text)
	}
	b.WriteString("--- steps\n")
	for _, s := range r.Steps {
		code := ""
		if s.Reply != nil {
			code = fmt.Sprintf(" %d %s", s.Reply.Code, s.Reply.Enhanced)
		}
		fmt.Fprintf(&b, "%-8s %-8s%s %s %s\n", s.Name, s.Status, code, s.Failure, s.Recipient)
	}
	b.WriteString("--- warnings\n")
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "%s\n", w.Code)
	}
	fmt.Fprintf(&b, "--- ok=%v exit=%d\n", r.OK, r.ExitCode)
	out := b.String()
	if r.LocalAddr != "" {
		out = strings.ReplaceAll(out, r.LocalAddr, "LOCAL")
	}
	for _, p := range ports {
		out = strings.ReplaceAll(out, ":"+p, ":PORT")
		out = strings.ReplaceAll(out, " "+p+" ", " PORT ")
	}
	// Trailing spaces from empty columns make diffs noisy.
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update rewrites it)\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

func TestGoldenTranscripts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*testServer)
		srv   func(*smtp.Server)
		edit  func(*Options)
	}{
		{name: "accept"},
		{name: "accept-es", edit: func(o *Options) { o.Lang = lang.ES; o.Subject = "Prueba ñandú"; o.Body = "Línea 1\n.Línea 2\n" }},
		{
			name: "rcpt-rejected-pipelined",
			setup: func(s *testServer) {
				s.rcptErr["nobody@mx.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
			},
			edit: func(o *Options) { o.To = []string{"nobody@mx.test", "rcpt@mx.test"}; o.Pipelining = true },
		},
		{name: "bdat-pipelined", edit: func(o *Options) { o.Chunking = true; o.Pipelining = true }},
		{
			name: "verify-recipients-dsn",
			srv:  func(s *smtp.Server) { s.EnableDSN = true },
			edit: func(o *Options) {
				o.StopAfter = StepRcpt
				o.Notify = []string{"success,failure"}
				o.Ret = "hdrs"
				o.EnvID = "ticket 4711"
				o.ORCPT = true
			},
		},
		{name: "mail-rejected", setup: func(s *testServer) { s.mailErr = smtpErr(550, smtp.EnhancedCode{5, 1, 7}, "Invalid sender") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, tt.srv)
			if tt.setup != nil {
				tt.setup(s)
			}
			o := opts(s.Addr)
			if tt.edit != nil {
				tt.edit(&o)
			}
			r := run(t, o)
			_, port, _ := net.SplitHostPort(s.Addr)
			checkGolden(t, tt.name, normalise(r, port))
		})
	}
}

func TestGoldenMXFailover(t *testing.T) {
	_, port := serversOnOnePort(t, "127.0.0.1")
	closedOn(t, "127.0.0.2", port)
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.2",
		"mx2.fabrikam.test. 300 IN A 127.0.0.1",
	)
	o := mxOpts(dns, port, "user@fabrikam.test")
	o.StopAfter = StepEHLO
	r := run(t, o)
	checkGolden(t, "mx-failover", normalise(r, fmt.Sprint(port)))
}
