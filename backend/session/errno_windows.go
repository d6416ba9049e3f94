//go:build windows

package session

import "syscall"

// Socket errors by failure kind, as Winsock reports them: the syscall
// package's ECONNREFUSED and friends are invented values on Windows that no
// socket call returns, so the WSA codes are listed too.
var (
	errnoRefused     = []error{syscall.Errno(10061)}                                      // WSAECONNREFUSED
	errnoReset       = []error{syscall.Errno(10054), syscall.Errno(10053), syscall.EPIPE} // WSAECONNRESET, WSAECONNABORTED
	errnoUnreachable = []error{syscall.Errno(10065), syscall.Errno(10051)}                // WSAEHOSTUNREACH, WSAENETUNREACH
)
