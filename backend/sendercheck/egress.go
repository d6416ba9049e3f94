package sendercheck

import (
	"net/netip"
	"regexp"
	"strings"
)

// maxReplyScan bounds how much of one server reply is searched for an
// address, so a hostile server's endless reply costs nothing.
const maxReplyScan = 4096

// echoPatterns find the client address that a server repeats in its own
// words. Each has one group, the address (optionally "IPv6:"-prefixed, as in
// an RFC 5321 §4.1.3 address literal). Only phrases that name the client are
// used: a bare bracketed address may be the server's own.
//
// Sources of the texts (as seen in the wild):
//   - Exchange / Exchange Online EHLO reply: "250-mail.contoso.com Hello [203.0.113.5]"
//   - Sendmail and Exim EHLO reply: "250-mx.example.com Hello client.example.net [203.0.113.5], pleased to meet you"
//   - Gmail EHLO reply: "250-mx.google.com at your service, [203.0.113.5]"
//   - Gmail rejections: "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup"
//     (kaanlabs.com, simplefastwebsites.com bounce examples) and "421-4.7.0 [203.0.113.5      15] Our system has detected"
//   - Postfix reject_rbl_client: "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org"
//     (help.kreativmedia.ch, simplefastwebsites.com)
//   - Microsoft 365 / Outlook.com: "550 5.7.606 Access denied, banned sending IP [203.0.113.5]. To request removal ..."
//     (mailflowauthority.com)
//   - cPanel/Exim blacklist text: "550 Sender IP (203.0.113.5) is blacklisted at ..." (support.awcwebdesign.com)
var echoPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bhello\b[^\[\]\r\n]{0,255}\[(?:ipv6:)?([0-9a-f.:]{2,45})\]`),
	regexp.MustCompile(`(?i)\bat your service,? \[(?:ipv6:)?([0-9a-f.:]{2,45})\]`),
	regexp.MustCompile(`(?i)\bclient host \[(?:ipv6:)?([0-9a-f.:]{2,45})\]`),
	regexp.MustCompile(`(?i)\bsending ip \[(?:ipv6:)?([0-9a-f.:]{2,45})\]`),
	regexp.MustCompile(`(?i)\bsender ip \(([0-9a-f.:]{2,45})\)`),
	regexp.MustCompile(`\b[245]\.\d{1,3}\.\d{1,3} \[([0-9a-fA-F.:]{2,45})(?: +\d+)?\]`),
}

// EgressFromReply returns the client address a server echoed in one of its
// replies (lines of an EHLO answer, a rejection), or false when the text
// names none. The text is hostile: it is cut at 4096 bytes and anything that
// is not a unicast address is ignored.
func EgressFromReply(lines ...string) (netip.Addr, bool) {
	text := strings.Join(lines, "\n")
	if len(text) > maxReplyScan {
		text = text[:maxReplyScan]
	}
	for _, re := range echoPatterns {
		for _, m := range re.FindAllStringSubmatch(text, 4) {
			ip, err := netip.ParseAddr(m[1])
			if err != nil || !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() {
				continue
			}
			return ip.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// rfc6598 is the shared address space carriers use for CGNAT.
var rfc6598 = netip.MustParsePrefix("100.64.0.0/10")

// IsLocal reports whether receivers on the Internet can never see ip as a
// sender: loopback, RFC 1918 and RFC 4193 (ULA) private space, RFC 6598
// carrier NAT space, link-local and unspecified addresses. A session from
// such an address went through NAT (or stayed inside the network), so the
// address that matters for reputation is another one.
func IsLocal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || rfc6598.Contains(ip)
}
