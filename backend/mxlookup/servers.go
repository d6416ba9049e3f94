package mxlookup

import (
	"bufio"
	"cmp"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// ParseServer checks a DNS server address given by a user and returns it as
// "host:port". It accepts an IPv4 or IPv6 literal with or without a port:
// "192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:5353"; the
// port defaults to 53. Host names are refused: resolving the resolver would
// need another resolver, and the user expects this exact server. Errors are
// *ServerError and match ErrInvalidServer.
func ParseServer(s string) (string, error) {
	bad := func(reason lang.Text) (string, error) {
		return "", &ServerError{Input: transcript.EscapeString(truncate(s, 80)), Reason: reason}
	}
	if s == "" {
		return bad(txtServerEmpty.fmt())
	}
	if len(s) > 100 || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad(txtServerChars.fmt())
	}
	host, port := s, "53"
	if ip, err := netip.ParseAddr(s); err == nil {
		host = ip.String()
	} else if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	} else {
		return bad(txtServerNotIP.fmt())
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return bad(txtServerNotIP.fmt())
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return bad(txtServerPort.fmt(transcript.EscapeString(port)))
	}
	return net.JoinHostPort(ip.Unmap().String(), port), nil
}

// SystemServers returns the DNS servers this computer is configured to use,
// as "host:port", in the order the system uses them: the nameserver lines of
// /etc/resolv.conf on Linux and macOS; on Windows the DNS servers of the
// network adapters that are up, best adapter first. With none found, the
// error matches ErrNoResolver and asks for a DNS server to be given.
func SystemServers() ([]string, error) {
	servers, err := systemServers()
	if err == nil && len(servers) == 0 {
		err = ErrNoResolver
	}
	return servers, err
}

// parseResolvConf extracts the nameserver addresses of a resolv.conf(5)
// file, in file order, with port 53, skipping what does not parse. An IPv6
// link-local address keeps its zone ("fe80::1%eth0").
func parseResolvConf(r io.Reader) []string {
	var servers []string
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "nameserver" {
			continue
		}
		ip, err := netip.ParseAddr(f[1])
		if err != nil {
			continue
		}
		addr := net.JoinHostPort(ip.Unmap().String(), "53")
		if !slices.Contains(servers, addr) {
			servers = append(servers, addr)
		}
	}
	return servers
}

// adapter is the part of a Windows network adapter (IP_ADAPTER_ADDRESSES)
// that decides whether and when its DNS servers are used.
type adapter struct {
	// Up is OperStatus == IfOperStatusUp.
	Up bool
	// HasGateway reports a default gateway; like Go's own resolver, adapters
	// without one (host-only, disconnected VPNs) are skipped.
	HasGateway bool
	// Metric is the interface metric (lowest of IPv4 and IPv6, 0 unknown).
	Metric uint32
	// DNS are the adapter's DNS servers in configured order.
	DNS []netip.Addr
}

// orderAdapterServers lists the DNS servers of adapters in the order the
// Windows DNS client uses them: adapters that are up and have a gateway,
// the preferred adapter (lowest interface metric; since Windows 10 the
// metric replaces the old binding order) first, ties in the order
// GetAdaptersAddresses returned them, each adapter's servers in configured
// order. Site-local anycast fec0::/10 defaults that Windows adds when no IPv6
// DNS server is set are dropped (deprecated, RFC 3879), as Go's resolver
// does, and duplicates are kept once.
func orderAdapterServers(adapters []adapter) []string {
	usable := make([]adapter, 0, len(adapters))
	for _, a := range adapters {
		if a.Up && a.HasGateway {
			usable = append(usable, a)
		}
	}
	slices.SortStableFunc(usable, func(a, b adapter) int { return cmp.Compare(metricKey(a.Metric), metricKey(b.Metric)) })
	var servers []string
	for _, a := range usable {
		for _, ip := range a.DNS {
			if !ip.IsValid() || ip.IsUnspecified() {
				continue
			}
			if ip.Is6() && !ip.Is4In6() && ip.As16()[0] == 0xfe && ip.As16()[1]&0xc0 == 0xc0 {
				continue
			}
			addr := net.JoinHostPort(ip.Unmap().String(), "53")
			if !slices.Contains(servers, addr) {
				servers = append(servers, addr)
			}
		}
	}
	return servers
}

// metricKey sorts unknown metrics (0) after known ones.
func metricKey(m uint32) uint64 {
	if m == 0 {
		return 1 << 32
	}
	return uint64(m)
}
