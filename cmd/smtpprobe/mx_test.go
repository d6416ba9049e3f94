package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/mxlookup/dnstest"
)

func startMXZone(t *testing.T) *dnstest.Server {
	t.Helper()
	s, err := dnstest.Start(
		"fabrikam.test. 300 IN MX 10 mail1.fabrikam.test.",
		"fabrikam.test. 300 IN MX 20 mail2.fabrikam.test.",
		"fabrikam.test. 300 IN MX 10 mail3.fabrikam.test.",
		"mail1.fabrikam.test. 300 IN A 192.0.2.10",
		"mail2.fabrikam.test. 300 IN A 192.0.2.20",
		"mail3.fabrikam.test. 300 IN AAAA 2001:db8::30",
		"null.test. 300 IN MX 0 .",
		"implicit.test. 300 IN A 192.0.2.99",
		"mixed.test. 300 IN MX 0 .",
		"mixed.test. 300 IN MX 10 mail1.fabrikam.test.",
		"noaddr.test. 300 IN MX 10 gone.noaddr.test.",
		"failaddr.test. 300 IN MX 10 broken.failaddr.test.",
		"broken.failaddr.test. 300 IN A 192.0.2.1",
		"xn--bcher-kva.test. 300 IN MX 10 mail1.fabrikam.test.",
		`odd.test. 300 IN MX 10 mail\013\010RCPT.odd.test.`,
	)
	if err != nil {
		t.Fatal(err)
	}
	s.SetNameRcode("broken.failaddr.test.", dns.RcodeServerFailure)
	t.Cleanup(func() { s.Close() })
	return s
}

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMXText(t *testing.T) {
	s := startMXZone(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // substrings of stdout, in order
	}{
		{"nslookup lines, ties shown as equals", []string{"mx", "fabrikam.test.", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.OK, []string{
			"Server:  " + s.Addr() + " (UDP)",
			"fabrikam.test  MX preference = 10, mail exchanger = mail1.fabrikam.test\n",
			"fabrikam.test  MX preference = 10, mail exchanger = mail3.fabrikam.test\n",
			"fabrikam.test  MX preference = 20, mail exchanger = mail2.fabrikam.test\n",
			"equal preference 10: mail1.fabrikam.test, mail3.fabrikam.test",
			"mail1.fabrikam.test  internet address = 192.0.2.10\n",
			"mail3.fabrikam.test  AAAA IPv6 address = 2001:db8::30\n",
			"mail2.fabrikam.test  internet address = 192.0.2.20\n",
			"Verdict: mail for fabrikam.test goes to 3 host(s); senders try mail1.fabrikam.test first.",
		}},
		{"Spanish, flags before the domain", []string{"mx", "--lang", "es", "--dns-server", s.Addr(), "fabrikam.test"}, exitcode.OK, []string{
			"Servidor:  " + s.Addr() + " (UDP)",
			"fabrikam.test  MX preference = 10, mail exchanger = mail1.fabrikam.test",
			"misma preferencia 10:",
			"Veredicto: el correo para fabrikam.test va a 3 servidor(es)",
		}},
		{"NXDOMAIN is permanent", []string{"mx", "nope.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.Permanent, []string{
			"Verdict: nope.test does not exist (NXDOMAIN)",
		}},
		{"null MX is permanent", []string{"mx", "null.test", "--dns-server", s.Addr(), "--lang", "es"}, exitcode.Permanent, []string{
			"null.test  MX preference = 0, mail exchanger = .",
			"Veredicto: null.test publica un MX nulo (0 .)",
		}},
		{"implicit MX", []string{"mx", "implicit.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.OK, []string{
			"implicit.test  no MX record: implicit MX, preference = 0, mail exchanger = implicit.test",
			"implicit.test  internet address = 192.0.2.99",
			"Verdict: implicit.test has no MX record",
			"Warning: implicit.test has no MX record: senders use",
		}},
		{"null MX mixed in: warning", []string{"mx", "mixed.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.OK, []string{
			"mixed.test  MX preference = 10, mail exchanger = mail1.fabrikam.test",
			"Warning: a null MX",
		}},
		{"only host does not exist", []string{"mx", "noaddr.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.Permanent, []string{
			"gone.noaddr.test  *** no address: gone.noaddr.test does not exist (NXDOMAIN).",
			"Verdict: noaddr.test has MX records but none of its hosts has an address",
		}},
		{"only host SERVFAILs: temporary", []string{"mx", "failaddr.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.Temporary, []string{
			"broken.failaddr.test  *** no address: No DNS server answered the A query for broken.failaddr.test (" + s.Addr() + "/udp: SERVFAIL)",
		}},
		{"IDN shows both forms", []string{"mx", "bücher.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.OK, []string{
			"Name:    xn--bcher-kva.test (bücher.test)",
			"xn--bcher-kva.test  MX preference = 10, mail exchanger = mail1.fabrikam.test",
		}},
		{"odd MX target escaped", []string{"mx", "odd.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.Permanent, []string{
			`MX preference = 10, mail exchanger = mail\013\010RCPT.odd.test`,
			`Warning: the MX target mail\013\010RCPT.odd.test contains characters`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("stdout lacks (in order) %q:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if strings.ContainsAny(out, "\r\x00") {
				t.Errorf("raw control bytes in output: %q", out)
			}
		})
	}
}

func TestMXJSON(t *testing.T) {
	s := startMXZone(t)
	code, out, errOut := runCLI("mx", "fabrikam.test", "--dns-server", s.Addr(), "--json", "--lang", "en")
	if code != exitcode.OK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	// The keys named in issue 3, exactly.
	if got, want := keys(doc), []string{"domain", "elapsed_ms", "hosts", "implicit_mx", "null_mx", "rcode", "resolver", "warnings"}; !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	hosts := doc["hosts"].([]any)
	if len(hosts) != 3 {
		t.Fatalf("hosts %v", hosts)
	}
	h0 := hosts[0].(map[string]any)
	if got, want := keys(h0), []string{"addresses", "error", "exchanger", "preference"}; !slices.Equal(got, want) {
		t.Errorf("host keys %v, want %v", got, want)
	}
	if doc["domain"] != "fabrikam.test" || doc["resolver"] != s.Addr()+"/udp" || doc["rcode"] != "NOERROR" ||
		h0["exchanger"] != "mail1.fabrikam.test" || h0["preference"] != 10.0 || h0["error"] != nil ||
		h0["addresses"].([]any)[0] != "192.0.2.10" {
		t.Errorf("document:\n%s", out)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		check    func(doc map[string]any) bool
	}{
		{"null MX", []string{"null.test", "--lang", "es"}, exitcode.Permanent, func(d map[string]any) bool {
			return d["null_mx"] == true && strings.Contains(d["error"].(string), "MX nulo") && len(d["hosts"].([]any)) == 0
		}},
		{"implicit MX", []string{"implicit.test"}, exitcode.OK, func(d map[string]any) bool {
			return d["implicit_mx"] == true && len(d["warnings"].([]any)) == 1
		}},
		{"NXDOMAIN", []string{"nope.test"}, exitcode.Permanent, func(d map[string]any) bool {
			return d["rcode"] == "NXDOMAIN" && d["error"] != nil
		}},
		{"host error", []string{"noaddr.test"}, exitcode.Permanent, func(d map[string]any) bool {
			h := d["hosts"].([]any)[0].(map[string]any)
			return strings.Contains(h["error"].(string), "NXDOMAIN") && len(h["addresses"].([]any)) == 0
		}},
		{"IDN", []string{"bücher.test"}, exitcode.OK, func(d map[string]any) bool {
			return d["domain"] == "xn--bcher-kva.test" && d["domain_unicode"] == "bücher.test"
		}},
		{"invalid name, nothing sent", []string{"fabrikam.test\r\nQUIT"}, exitcode.Usage, func(d map[string]any) bool {
			return d["domain"] == `fabrikam.test\r\nQUIT` && strings.Contains(d["error"].(string), "line break")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runCLI(append([]string{"mx", "--json", "--dns-server", s.Addr()}, tt.args...)...)
			var d map[string]any
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if code != tt.wantCode || !tt.check(d) {
				t.Errorf("exit %d (want %d):\n%s", code, tt.wantCode, out)
			}
		})
	}
}

func TestMXFailures(t *testing.T) {
	s := startMXZone(t)
	dead, err := dnstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	dead.SetDrop(true)
	failing, err := dnstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Close()
	failing.SetRcode(dns.RcodeServerFailure)

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"every server fails: temporary, each named", []string{"fabrikam.test", "--dns-server", failing.Addr(), "--dns-server", dead.Addr(), "--timeout", "1s", "--lang", "en"},
			exitcode.Temporary, failing.Addr() + "/udp: SERVFAIL; " + dead.Addr() + "/udp: no answer (timeout)", ""},
		{"first fails, second answers", []string{"fabrikam.test", "--dns-server", failing.Addr(), "--dns-server", s.Addr(), "--lang", "en"},
			exitcode.OK, "Server:  " + s.Addr(), ""},
		{"timeout as plain seconds", []string{"fabrikam.test", "--dns-server", s.Addr(), "--timeout", "20"}, exitcode.OK, "internet address", ""},
		{"no domain", []string{"--dns-server", s.Addr()}, exitcode.Usage, "", "Usage: smtpprobe mx"},
		{"two domains", []string{"a.test", "b.test", "--dns-server", s.Addr()}, exitcode.Usage, "", "Usage: smtpprobe mx"},
		{"invalid name", []string{"fab rikam.test", "--dns-server", s.Addr(), "--lang", "en"}, exitcode.Usage, "", "the name contains spaces"},
		{"label too long", []string{strings.Repeat("x", 64) + ".test", "--dns-server", s.Addr(), "--lang", "es"}, exitcode.Usage, "", "el límite es 63"},
		{"DNS server by name", []string{"fabrikam.test", "--dns-server", "dns.example"}, exitcode.Usage, "", "IP"},
		{"bad timeout", []string{"fabrikam.test", "--dns-server", s.Addr(), "--timeout", "-3s"}, exitcode.Usage, "", "timeout"},
		{"bad language", []string{"fabrikam.test", "--dns-server", s.Addr(), "--lang", "fr"}, exitcode.Usage, "", "unsupported language"},
		{"unknown flag", []string{"fabrikam.test", "--frob"}, exitcode.Usage, "", "frob"},
		{"help", []string{"-h"}, exitcode.OK, "", "--dns-server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.QueryCount()
			code, out, errOut := runCLI(append([]string{"mx"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantStdout) || !strings.Contains(errOut, tt.wantStderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			if tt.wantCode == exitcode.Usage && s.QueryCount() != before {
				t.Errorf("a query was sent for a usage error")
			}
		})
	}
}
