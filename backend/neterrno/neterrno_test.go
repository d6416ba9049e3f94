package neterrno

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

// wrap wraps errno as the net package does for a failed read or dial, and
// once more as a caller would.
func wrap(op string, errno error) error {
	return fmt.Errorf("TLS handshake: %w", &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)})
}

// Both platforms' tables run on every platform: the Windows numbers are
// checked on the Linux CI too.
func TestOf(t *testing.T) {
	tests := []struct {
		name string
		goos string
		err  error
		want Kind
	}{
		{"linux refused", "linux", wrap("dial", syscall.ECONNREFUSED), Refused},
		{"linux reset", "linux", wrap("read", syscall.ECONNRESET), Reset},
		{"linux broken pipe", "linux", wrap("write", syscall.EPIPE), Reset},
		{"linux aborted", "linux", wrap("read", syscall.ECONNABORTED), Reset},
		{"linux host unreachable", "linux", wrap("dial", syscall.EHOSTUNREACH), Unreachable},
		{"linux net unreachable", "linux", wrap("dial", syscall.ENETUNREACH), Unreachable},
		{"darwin uses the unix table", "darwin", wrap("read", syscall.ECONNRESET), Reset},
		{"linux ignores Winsock numbers", "linux", wrap("read", syscall.Errno(10054)), Other},
		{"windows WSAECONNREFUSED", "windows", wrap("connectex", syscall.Errno(10061)), Refused},
		{"windows WSAECONNRESET", "windows", wrap("wsarecv", syscall.Errno(10054)), Reset},
		{"windows WSAECONNABORTED", "windows", wrap("wsasend", syscall.Errno(10053)), Reset},
		{"windows ERROR_NETNAME_DELETED", "windows", wrap("wsarecv", syscall.Errno(64)), Reset},
		{"windows WSAEHOSTUNREACH", "windows", wrap("connectex", syscall.Errno(10065)), Unreachable},
		{"windows WSAENETUNREACH", "windows", wrap("connectex", syscall.Errno(10051)), Unreachable},
		// The pitfall this package exists for: Windows never returns the
		// syscall package's ECONNRESET, so it must not be the only test.
		{"windows ignores the invented ECONNRESET", "windows", wrap("wsarecv", syscall.ECONNRESET), Other},
		{"EOF is not a reset", "linux", fmt.Errorf("read: %w", io.EOF), Other},
		{"plain error", "windows", errors.New("connection reset by peer"), Other},
		{"nil", "linux", nil, Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := of(tt.err, tt.goos); got != tt.want {
				t.Errorf("of(%v, %s) = %v, want %v", tt.err, tt.goos, got, tt.want)
			}
		})
	}
}

// Errors gives, for each kind, errors that Of maps back to that kind on
// this platform, so tests elsewhere can build real platform failures.
func TestErrors(t *testing.T) {
	for _, k := range []Kind{Refused, Reset, Unreachable} {
		errs := Errors(k)
		if len(errs) == 0 {
			t.Fatalf("Errors(%v) is empty", k)
		}
		for _, e := range errs {
			if got := Of(wrap("read", e)); got != k {
				t.Errorf("Of(%v) = %v, want %v", e, got, k)
			}
		}
	}
}

// A real reset on loopback (the peer closes with unread data and SO_LINGER
// 0, which sends RST) is recognised on the platform the test runs on.
func TestRealReset(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	}()
	// The RST can arrive before Dial has finished checking the socket, so
	// the reset shows on the dial or on the first read.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err == nil {
		defer c.Close()
		_, err = c.Read(make([]byte, 1))
	}
	if got := Of(err); got != Reset {
		t.Errorf("Of(%v) = %v, want Reset", err, got)
	}
}
