package sendercheck

import (
	"net/netip"
	"testing"
)

func TestEgressFromReply(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string // "" for none
	}{
		{"Exchange EHLO", []string{"250-EXCH01.contoso.com Hello [203.0.113.5]", "250-SIZE 37748736", "250 8BITMIME"}, "203.0.113.5"},
		{"Exchange Online EHLO", []string{"250-BN8NAM11FT066.mail.protection.outlook.com Hello [198.51.100.7]"}, "198.51.100.7"},
		{"Sendmail EHLO", []string{"250-mx.example.com Hello client.example.net [203.0.113.9], pleased to meet you"}, "203.0.113.9"},
		{"Exim EHLO IPv6", []string{"250-mx.example.org Hello client.example.net [2001:db8::25]"}, "2001:db8::25"},
		{"Gmail EHLO", []string{"250-mx.google.com at your service, [203.0.113.5]", "250-SIZE 157286400"}, "203.0.113.5"},
		{"Gmail 5.7.25", []string{"550-5.7.25 [2001:db8:1c13::cb15] The IP address sending this message does not have a PTR record setup,"}, "2001:db8:1c13::cb15"},
		{"Gmail rate limit with count", []string{"421-4.7.0 [203.0.113.5      15] Our system has detected an unusual rate of"}, "203.0.113.5"},
		{"Postfix RBL", []string{"554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.45"}, "203.0.113.45"},
		{"Microsoft 5.7.606", []string{"550 5.7.606 Access denied, banned sending IP [192.0.2.77]. To request removal from this list please visit https://sender.office.com/"}, "192.0.2.77"},
		{"cPanel sender IP", []string{"550 Sender IP (192.0.2.78) is blacklisted at bl.example"}, "192.0.2.78"},
		{"address literal RFC 5321 §4.1.3", []string{"250-mx.example.com Hello [IPv6:2001:db8::7]"}, "2001:db8::7"},
		{"banner with the server's own address is ignored", []string{"220 mx.example.com [192.0.2.1] ESMTP ready"}, ""},
		{"garbage in brackets", []string{"250-mx Hello [999.1.1.1]"}, ""},
		{"multicast is not a client", []string{"250-mx Hello [224.0.0.1]"}, ""},
		{"no address", []string{"250-mx.example.com", "250 PIPELINING"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, ok := EgressFromReply(tt.lines...)
			switch {
			case tt.want == "" && ok:
				t.Errorf("got %v, want none", ip)
			case tt.want != "" && (!ok || ip != netip.MustParseAddr(tt.want)):
				t.Errorf("got %v %v, want %s", ip, ok, tt.want)
			}
		})
	}
}

func TestEgressFromReplyBounded(t *testing.T) {
	long := make([]byte, 10000)
	for i := range long {
		long[i] = 'x'
	}
	if _, ok := EgressFromReply(string(long) + " Hello [192.0.2.1]"); ok {
		t.Error("an address past the scan bound was taken")
	}
}

func TestIsLocal(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.1.2.3", true},        // RFC 1918
		{"172.16.0.1", true},      // RFC 1918
		{"192.168.1.10", true},    // RFC 1918
		{"100.64.0.1", true},      // RFC 6598
		{"100.127.255.254", true}, // RFC 6598
		{"127.0.0.1", true},       // loopback
		{"169.254.1.1", true},     // link-local
		{"::1", true},             // loopback
		{"fd00::1", true},         // ULA, RFC 4193
		{"fe80::1", true},         // link-local
		{"::ffff:192.168.0.1", true},
		{"100.128.0.1", false},
		{"203.0.113.5", false},
		{"2001:db8::1", false},
	}
	for _, tt := range tests {
		if got := IsLocal(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("IsLocal(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestLooksGeneric(t *testing.T) {
	ip := netip.MustParseAddr("203.0.113.5")
	tests := []struct {
		name string
		want bool
	}{
		{"203-0-113-5.dyn.example.net", true},
		{"host5.113.0.203.example.net", true},
		{"5.113.0.203.static.example.net", true},
		{"cb007105.example.net", true}, // 203.0.113.5 in hex
		{"dsl-customer.example.net", true},
		{"pool-abc.isp.example", true},
		{"mail.fabrikam.com", false},
		{"mx1.contoso.com", false},
		{"smtp203.example.com", false},
	}
	for _, tt := range tests {
		if got := LooksGeneric(tt.name, ip); got != tt.want {
			t.Errorf("LooksGeneric(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
