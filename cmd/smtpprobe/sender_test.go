package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/mxlookup/dnstest"
)

func startSenderZone(t *testing.T) *dnstest.Server {
	t.Helper()
	s, err := dnstest.Start(
		"10.2.0.192.in-addr.arpa. 300 IN PTR mail.fabrikam.test.",
		"mail.fabrikam.test. 300 IN A 192.0.2.10",
		`fabrikam.test. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`,
		`_dmarc.fabrikam.test. 300 IN TXT "v=DMARC1; p=reject"`,
		"20.2.0.192.bl.test. 300 IN A 127.0.0.2",
		"30.2.0.192.zen.spamhaus.org. 300 IN A 127.255.255.254",
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSenderJSON(t *testing.T) {
	s := startSenderZone(t)
	base := []string{"sender", "--helo", "mail.fabrikam.test", "--from", "a@fabrikam.test", "--dns-server", s.Addr(), "--dnsbl", "bl.test", "--dnsbl", "zen.spamhaus.org", "--dbl", "dbl.test", "--json"}
	tests := []struct {
		name string
		ip   string
		code int
	}{
		{"clean sender exits 0", "192.0.2.10", exitcode.OK},
		{"listed (and no PTR) exits 1", "192.0.2.20", exitcode.Permanent},
		{"refused by Spamhaus exits 3, not 1", "192.0.2.30", exitcode.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(slices.Clone(base), "--ip", tt.ip)
			if tt.ip == "192.0.2.30" {
				// Only the refusal may count: a confirmed PTR, SPF pass,
				// and no other list.
				if err := s.Add("30.2.0.192.in-addr.arpa. 300 IN PTR mail.contoso.test.", "mail.contoso.test. 300 IN A 192.0.2.30",
					`contoso.test. 300 IN TXT "v=spf1 ip4:192.0.2.30 -all"`, `_dmarc.contoso.test. 300 IN TXT "v=DMARC1; p=none"`); err != nil {
					t.Fatal(err)
				}
				args = []string{"sender", "--ip", tt.ip, "--helo", "mail.contoso.test", "--from", "a@contoso.test", "--dns-server", s.Addr(), "--dnsbl", "zen.spamhaus.org", "--dbl", "dbl.test", "--json"}
			}
			code, out, errOut := runCLI(args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, k := range []string{"ip", "ip_source", "ptr", "fcrdns", "helo", "spf", "dmarc", "dnsbl", "findings"} {
				if _, ok := doc[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			if doc["ip"] != tt.ip || doc["ip_source"] != "given" {
				t.Errorf("ip %v source %v", doc["ip"], doc["ip_source"])
			}
			for _, k := range []string{"name", "matches_ptr", "resolves_to_ip"} {
				if _, ok := doc["helo"].(map[string]any)[k]; !ok {
					t.Errorf("helo lacks %q", k)
				}
			}
			for _, k := range []string{"domain", "result", "record", "matched", "lookups"} {
				if _, ok := doc["spf"].(map[string]any)[k]; !ok {
					t.Errorf("spf lacks %q", k)
				}
			}
			for _, k := range []string{"domain", "policy", "record", "spf_aligned"} {
				if _, ok := doc["dmarc"].(map[string]any)[k]; !ok {
					t.Errorf("dmarc lacks %q", k)
				}
			}
			for _, b := range doc["dnsbl"].([]any) {
				for _, k := range []string{"zone", "query", "listed", "codes", "meaning", "status"} {
					if _, ok := b.(map[string]any)[k]; !ok {
						t.Errorf("dnsbl entry lacks %q", k)
					}
				}
			}
			for _, f := range doc["findings"].([]any) {
				for _, k := range []string{"id", "status", "summary", "actions"} {
					if _, ok := f.(map[string]any)[k]; !ok {
						t.Errorf("finding lacks %q", k)
					}
				}
			}
		})
	}
}

func TestSenderTextSpanish(t *testing.T) {
	s := startSenderZone(t)
	code, out, errOut := runCLI("sender", "--ip", "192.0.2.11", "--from", "a@fabrikam.test", "--dns-server", s.Addr(), "--dnsbl", "bl.test", "--dbl", "dbl.test", "--lang", "es")
	if code != exitcode.Permanent {
		t.Errorf("exit %d, want 1 (no PTR)\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Comprobaciones del remitente:", "IP de envío", "192.0.2.11 (indicada)", "FALLO", "no tiene nombre de DNS inverso", "Gmail rechazará con 550 5.7.25"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI("sender", "--ip", "192.0.2.11", "--from", "a@fabrikam.test", "--dns-server", s.Addr(), "--dnsbl", "bl.test", "--dbl", "dbl.test", "--lang", "en")
	if code != exitcode.Permanent || !strings.Contains(out, "has no reverse DNS (PTR) name") || strings.Contains(out, "FALLO") {
		t.Errorf("English output:\n%s", out)
	}
}

func TestSenderDNSFailure(t *testing.T) {
	s := startSenderZone(t)
	s.SetRcode(dns.RcodeServerFailure)
	code, out, _ := runCLI("sender", "--ip", "192.0.2.10", "--from", "a@fabrikam.test", "--dns-server", s.Addr(), "--dnsbl", "bl.test", "--dbl", "dbl.test")
	if code != exitcode.Temporary || !strings.Contains(out, "UNCHECKED") {
		t.Errorf("exit %d, want 3:\n%s", code, out)
	}
}

func TestSenderLocalAddress(t *testing.T) {
	s := startSenderZone(t)
	code, out, errOut := runCLI("sender", "--dns-server", s.Addr(), "--from", "a@fabrikam.test", "--json")
	var doc struct {
		IP       string `json:"ip"`
		IPSource string `json:"ip_source"`
		Local    bool   `json:"local"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
	}
	// The DNS server is on 127.0.0.1, so the local address is loopback.
	if doc.IP != "127.0.0.1" || doc.IPSource != "local" || !doc.Local {
		t.Errorf("%+v", doc)
	}
}

func TestSenderUsage(t *testing.T) {
	for _, args := range [][]string{
		{"sender", "--ip", "not-an-ip"},
		{"sender", "--ip", "192.0.2.1", "extra"},
		{"sender", "--dns-server", "dns.example"},
		{"sender", "--lang", "fr"},
	} {
		if code, _, _ := runCLI(args...); code != exitcode.Usage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
