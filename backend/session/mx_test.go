package session

import (
	"context"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/transcript"
)

// serversOnOnePort starts a go-smtp server on each loopback address given,
// all on the same port (MX records carry no port, so every host must use
// the one the session is told). It skips the test when the system does not
// route 127.0.0.0/8 to loopback (as on macOS without aliases).
func serversOnOnePort(t *testing.T, ips ...string) ([]*testServer, int) {
	t.Helper()
	first := startServerAt(t, ips[0]+":0", nil)
	_, ps, _ := net.SplitHostPort(first.Addr)
	port, _ := strconv.Atoi(ps)
	out := []*testServer{first}
	for _, ip := range ips[1:] {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, ps))
		if err != nil {
			t.Skipf("cannot listen on %s:%s (%v); this test needs 127.0.0.0/8 on loopback", ip, ps, err)
		}
		ln.Close()
		out = append(out, startServerAt(t, net.JoinHostPort(ip, ps), nil))
	}
	return out, port
}

// closedOn makes sure nothing listens on ip:port.
func closedOn(t *testing.T, ip string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		t.Skipf("cannot check that %s:%d is closed: %v", ip, port, err)
	}
	ln.Close()
}

func startDNS(t *testing.T, records ...string) *dnstest.Server {
	t.Helper()
	d, err := dnstest.Start(records...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func mxOpts(dns *dnstest.Server, port int, to ...string) Options {
	o := opts("", to...)
	o.Port = port
	o.DNSServers = []string{dns.Addr()}
	return o
}

func TestMXFailoverClosedPort(t *testing.T) {
	srvs, port := serversOnOnePort(t, "127.0.0.1")
	closedOn(t, "127.0.0.2", port)
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.2",
		"mx2.fabrikam.test. 300 IN A 127.0.0.1",
	)
	r := run(t, mxOpts(dns, port, "user@fabrikam.test"))
	want := []string{"resolve:ok", "connect:warning", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250",
		"rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) || !r.OK || r.ExitCode != 0 {
		t.Fatalf("steps %q (exit %d), want %q", got, r.ExitCode, want)
	}
	if c := r.Steps[1]; c.Failure != FailRefused || c.Host != "mx1.fabrikam.test" {
		t.Errorf("first connect %+v", c)
	}
	if r.Server.Host != "mx2.fabrikam.test" || r.Server.IP != "127.0.0.1" || r.Server.MXPreference == nil || *r.Server.MXPreference != 20 {
		t.Errorf("server %+v", r.Server)
	}
	if !transcriptHas(r.Transcript, transcript.Info, "trying the next server") {
		t.Error("the transcript does not say it moved to the next server")
	}
	if len(srvs[0].Data()) != 1 {
		t.Errorf("mx2 got %d messages", len(srvs[0].Data()))
	}
	if dns.QueryCount() == 0 {
		t.Error("no DNS query reached the test server")
	}
}

func TestMXFailoverBanner421(t *testing.T) {
	srvs, port := serversOnOnePort(t, "127.0.0.1", "127.0.0.2")
	srvs[1].tap.setGreeting("421 4.3.2 Too busy, try later\r\n")
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 5 busy.fabrikam.test.",
		"fabrikam.test. 300 IN MX 10 ok.fabrikam.test.",
		"busy.fabrikam.test. 300 IN A 127.0.0.2",
		"ok.fabrikam.test. 300 IN A 127.0.0.1",
	)
	r := run(t, mxOpts(dns, port, "user@fabrikam.test"))
	want := []string{"resolve:ok", "connect:ok", "banner:warning:421", "quit:skipped", "connect:ok", "banner:ok:220",
		"ehlo:ok:250", "mail:ok:250", "rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) || !r.OK {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if r.Server.Host != "ok.fabrikam.test" || len(srvs[0].Data()) != 1 {
		t.Errorf("server %+v, messages %d", r.Server, len(srvs[0].Data()))
	}
}

func TestMXAllFail(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	closedOn(t, "127.0.0.2", port)
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.2",
		"mx2.fabrikam.test. 300 IN A 127.0.0.1",
	)
	r := run(t, mxOpts(dns, port, "user@fabrikam.test"))
	want := []string{"resolve:ok", "connect:warning", "connect:failed"}
	if got := steps(r); !reflect.DeepEqual(got, want) || r.ExitCode != exitcode.Connect {
		t.Fatalf("steps %q exit %d, want %q exit 4", got, r.ExitCode, want)
	}
}

func TestResolveFailures(t *testing.T) {
	dns := startDNS(t,
		"nullmx.test. 300 IN MX 0 .",
		"named.test. 300 IN A 127.0.0.1",
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.1",
	)
	tests := []struct {
		name    string
		to      string
		server  string
		failure Failure
		exit    int
	}{
		{"NXDOMAIN", "user@missing.test", "", FailDNSNXDomain, exitcode.Permanent},
		{"null MX (RFC 7505)", "user@nullmx.test", "", FailDNSNullMX, exitcode.Permanent},
		{"server name without address", "user@fabrikam.test", "nohost.fabrikam.test", FailDNSNXDomain, exitcode.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mxOpts(dns, 25, tt.to)
			o.Server = tt.server
			r := run(t, o)
			if len(r.Steps) != 1 || r.Steps[0].Name != StepResolve || r.Steps[0].Failure != tt.failure || r.ExitCode != tt.exit {
				t.Errorf("steps %+v exit %d, want resolve %s exit %d", r.Steps, r.ExitCode, tt.failure, tt.exit)
			}
		})
	}
	t.Run("server given by name is resolved through DNS", func(t *testing.T) {
		s := startServer(t, nil)
		_, port, _ := net.SplitHostPort(s.Addr)
		o := mxOpts(dns, 0, "user@elsewhere.test")
		o.Server = "named.test:" + port
		r := run(t, o)
		if !r.OK || r.Steps[0].Status != StatusOK || r.Server.Host != "named.test" || r.Server.IP != "127.0.0.1" {
			t.Errorf("steps %q server %+v", steps(r), r.Server)
		}
	})
}

func TestRunAllMX(t *testing.T) {
	srvs, port := serversOnOnePort(t, "127.0.0.1", "127.0.0.2", "127.0.0.3")
	srvs[2].rcptErr["user@fabrikam.test"] = smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 10 mx1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mx2.fabrikam.test.",
		"fabrikam.test. 300 IN MX 30 mx3.fabrikam.test.",
		"mx1.fabrikam.test. 300 IN A 127.0.0.1",
		"mx2.fabrikam.test. 300 IN A 127.0.0.2",
		"mx3.fabrikam.test. 300 IN A 127.0.0.3",
	)
	o := mxOpts(dns, port, "user@fabrikam.test")
	o.StopAfter = StepRcpt
	var (
		mu      sync.Mutex
		entries = map[int]int{}
		ended   = map[int][]string{}
		active  int
		overlap bool
	)
	o.OnHostEntry = func(h int, e transcript.Entry) {
		mu.Lock()
		entries[h]++
		mu.Unlock()
	}
	o.OnHostStep = func(h int, s Step) {
		// Calls are serialised: two at once would be a bug.
		mu.Lock()
		active++
		if active > 1 {
			overlap = true
		}
		if s.Status != StatusRunning {
			ended[h] = append(ended[h], string(s.Name))
		}
		active--
		mu.Unlock()
	}
	rs, err := RunAllMX(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d results", len(rs))
	}
	for i, r := range rs {
		host := "mx" + strconv.Itoa(i+1) + ".fabrikam.test"
		if r.Server.Host != host || r.Server.IP != "127.0.0."+strconv.Itoa(i+1) || *r.Server.MXPreference != uint16(10*(i+1)) {
			t.Errorf("result %d server %+v", i, r.Server)
		}
		wantRcpt := "rcpt:ok:250"
		if i == 2 {
			wantRcpt = "rcpt:failed:550"
		}
		want := []string{"resolve:ok", "connect:ok", "banner:ok:220", "ehlo:ok:250", "mail:ok:250", wantRcpt, "quit:ok:221"}
		if got := steps(r); !reflect.DeepEqual(got, want) {
			t.Errorf("host %d steps %q, want %q", i, got, want)
		}
		if ev := srvs[i].Events(); !reflect.DeepEqual(ev, []string{"mail:sender@client.test", "rcpt:user@fabrikam.test"}) {
			t.Errorf("server %d events %q", i, ev)
		}
		if r.Transcript[0].Seq != 1 || !strings.Contains(r.Transcript[0].Text, "MX records") {
			t.Errorf("host %d transcript does not start with the shared lookup: %+v", i, r.Transcript[0])
		}
		if entries[i] == 0 || len(ended[i]) != len(want)-1 {
			t.Errorf("host %d streamed %d entries and %d step ends", i, entries[i], len(ended[i]))
		}
	}
	if entries[-1] == 0 || !reflect.DeepEqual(ended[-1], []string{"resolve"}) {
		t.Errorf("the shared lookup streamed %d entries, steps %q", entries[-1], ended[-1])
	}
	if overlap {
		t.Error("callbacks ran concurrently")
	}
	if rs[0].ExitCode != 0 || rs[2].ExitCode != exitcode.Permanent || CombinedExitCode(rs) != exitcode.Permanent {
		t.Errorf("exit codes %d %d %d combined %d", rs[0].ExitCode, rs[1].ExitCode, rs[2].ExitCode, CombinedExitCode(rs))
	}
	if _, err := RunAllMX(context.Background(), opts("127.0.0.1:25")); !IsInputError(err) {
		t.Errorf("RunAllMX with a server: %v", err)
	}
}

func transcriptHas(es []transcript.Entry, dir transcript.Direction, text string) bool {
	for _, e := range es {
		if e.Dir == dir && strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// TestMXFailoverNoGreeting: the first MX accepts the TCP connection and hangs
// up without a greeting (a crashed or overloaded server); like a refused
// connection, the session moves on to the next MX (RFC 5321 §5.1).
func TestMXFailoverNoGreeting(t *testing.T) {
	srvs, port := serversOnOnePort(t, "127.0.0.1")
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(port)))
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dns := startDNS(t,
		"fabrikam.test. 300 IN MX 10 mute.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 ok.fabrikam.test.",
		"mute.fabrikam.test. 300 IN A 127.0.0.2",
		"ok.fabrikam.test. 300 IN A 127.0.0.1",
	)
	o := mxOpts(dns, port, "user@fabrikam.test")
	o.TLS = TLSNone
	r := run(t, o)
	want := []string{"resolve:ok", "connect:ok", "banner:warning", "connect:ok", "banner:ok:220",
		"ehlo:ok:250", "mail:ok:250", "rcpt:ok:250", "data:ok:354", "data_end:ok:250", "quit:ok:221"}
	if got := steps(r); !reflect.DeepEqual(got, want) || !r.OK || r.ExitCode != exitcode.OK {
		t.Fatalf("steps %q (exit %d), want %q", got, r.ExitCode, want)
	}
	if b := r.Steps[2]; b.Failure != FailClosed || b.Host != "mute.fabrikam.test" {
		t.Errorf("first banner %+v", b)
	}
	if len(srvs[0].Data()) != 1 {
		t.Errorf("ok.fabrikam.test got %d messages", len(srvs[0].Data()))
	}
}
