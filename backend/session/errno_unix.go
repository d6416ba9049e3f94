//go:build !windows

package session

import "syscall"

// Socket errors by failure kind, as this platform reports them.
var (
	errnoRefused     = []error{syscall.ECONNREFUSED}
	errnoReset       = []error{syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED}
	errnoUnreachable = []error{syscall.EHOSTUNREACH, syscall.ENETUNREACH}
)
