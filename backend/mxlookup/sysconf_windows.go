//go:build windows

package mxlookup

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// systemServers asks Windows for its network adapters and lists their DNS
// servers in the order the DNS client uses them (see orderAdapterServers).
func systemServers() ([]string, error) {
	aas, err := adapterAddresses()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoResolver, err)
	}
	return orderAdapterServers(aas), nil
}

// adapterAddresses calls GetAdaptersAddresses, growing the buffer as asked,
// and copies out what orderAdapterServers needs: the returned structures
// live in the buffer and must not outlive this function.
func adapterAddresses() ([]adapter, error) {
	size := uint32(15000) // the size Microsoft recommends to start with
	var buf []byte
	for range 5 {
		buf = make([]byte, size)
		const flags = windows.GAA_FLAG_INCLUDE_GATEWAYS | windows.GAA_FLAG_SKIP_ANYCAST | windows.GAA_FLAG_SKIP_MULTICAST
		err := windows.GetAdaptersAddresses(syscall.AF_UNSPEC, flags, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])), &size)
		if err == nil {
			if size == 0 {
				return nil, nil
			}
			return copyAdapters((*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))), nil
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || size <= uint32(len(buf)) {
			return nil, fmt.Errorf("GetAdaptersAddresses: %w", err)
		}
	}
	return nil, errors.New("GetAdaptersAddresses: adapter list keeps growing")
}

func copyAdapters(first *windows.IpAdapterAddresses) []adapter {
	var out []adapter
	for aa := first; aa != nil; aa = aa.Next {
		a := adapter{
			Up:         aa.OperStatus == windows.IfOperStatusUp,
			HasGateway: aa.FirstGatewayAddress != nil,
			Metric:     lowestMetric(aa.Ipv4Metric, aa.Ipv6Metric),
		}
		for d := aa.FirstDnsServerAddress; d != nil; d = d.Next {
			if ip, ok := sockaddrIP(d.Address); ok {
				a.DNS = append(a.DNS, ip)
			}
		}
		out = append(out, a)
	}
	return out
}

// lowestMetric ignores a zero metric (family not enabled on the adapter).
func lowestMetric(v4, v6 uint32) uint32 {
	switch {
	case v4 == 0:
		return v6
	case v6 == 0 || v4 < v6:
		return v4
	}
	return v6
}

func sockaddrIP(sa windows.SocketAddress) (netip.Addr, bool) {
	if sa.Sockaddr == nil {
		return netip.Addr{}, false
	}
	s, err := sa.Sockaddr.Sockaddr()
	if err != nil {
		return netip.Addr{}, false
	}
	switch s := s.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrFrom4(s.Addr), true
	case *syscall.SockaddrInet6:
		ip := netip.AddrFrom16(s.Addr)
		if ip.IsLinkLocalUnicast() && s.ZoneId != 0 {
			// A link-local server is only reachable through its interface.
			ip = ip.WithZone(strconv.FormatUint(uint64(s.ZoneId), 10))
		}
		return ip, true
	}
	return netip.Addr{}, false
}
