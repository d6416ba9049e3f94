// Package neterrno tells socket failures apart by the error number the
// operating system reports, so that every package explains a refused, reset
// or unreachable connection the same way on every platform. It exists
// because the syscall package's ECONNRESET and friends are invented values
// on Windows that no Winsock call ever returns: Windows reports
// WSAECONNRESET (10054) and its siblings instead.
package neterrno

import (
	"errors"
	"runtime"
	"syscall"
)

// Kind is a class of socket failure.
type Kind int

// The kinds of socket failure Of tells apart.
const (
	// Other is any error that is none of the kinds below (including nil).
	Other Kind = iota
	// Refused: nothing listens on the port, or a firewall sent a reset to
	// the connection attempt.
	Refused
	// Reset: the peer (or a middlebox) aborted an established connection.
	Reset
	// Unreachable: no route to the host or its network.
	Unreachable
)

// Winsock error numbers (winerror.h). They are plain numbers, not
// golang.org/x/sys/windows names, so that the Windows table compiles and
// is tested on every platform.
const (
	wsaENETUNREACH  syscall.Errno = 10051
	wsaECONNABORTED syscall.Errno = 10053
	wsaECONNRESET   syscall.Errno = 10054
	wsaECONNREFUSED syscall.Errno = 10061
	wsaEHOSTUNREACH syscall.Errno = 10065
	// errorNetnameDeleted is ERROR_NETNAME_DELETED, what an overlapped
	// read on a socket the peer reset can complete with instead of
	// WSAECONNRESET.
	errorNetnameDeleted syscall.Errno = 64
)

// table lists, per kind, the errors a platform reports for it.
type table map[Kind][]error

var (
	unixTable = table{
		Refused:     {syscall.ECONNREFUSED},
		Reset:       {syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED},
		Unreachable: {syscall.EHOSTUNREACH, syscall.ENETUNREACH},
	}
	windowsTable = table{
		Refused:     {wsaECONNREFUSED},
		Reset:       {wsaECONNRESET, wsaECONNABORTED, errorNetnameDeleted, syscall.EPIPE},
		Unreachable: {wsaEHOSTUNREACH, wsaENETUNREACH},
	}
)

// tableFor returns the table of goos (a runtime.GOOS value).
func tableFor(goos string) table {
	if goos == "windows" {
		return windowsTable
	}
	return unixTable
}

// Of returns the kind of err, looking through wrapping (net.OpError,
// os.SyscallError, fmt.Errorf with %w) with errors.Is.
func Of(err error) Kind { return of(err, runtime.GOOS) }

// of is Of as it behaves on goos.
func of(err error, goos string) Kind {
	if err == nil {
		return Other
	}
	t := tableFor(goos)
	for _, k := range []Kind{Refused, Reset, Unreachable} {
		for _, target := range t[k] {
			if errors.Is(err, target) {
				return k
			}
		}
	}
	return Other
}

// Errors returns the errors this platform reports for kind k, the ones Of
// maps to k; tests use them to build a platform's own failures.
func Errors(k Kind) []error { return tableFor(runtime.GOOS)[k] }
