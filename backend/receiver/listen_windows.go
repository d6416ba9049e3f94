//go:build windows

package receiver

import (
	"errors"
	"syscall"
)

// Winsock error numbers; syscall.EADDRINUSE on Windows is an invented value
// that the network stack never returns.
const (
	wsaEACCES     syscall.Errno = 10013
	wsaEADDRINUSE syscall.Errno = 10048
)

func isAddrInUse(err error) bool {
	return errors.Is(err, wsaEADDRINUSE) || errors.Is(err, syscall.EADDRINUSE)
}

// isPermission also covers ports reserved by Hyper-V/WinNAT, which Windows
// reports as WSAEACCES even to administrators.
func isPermission(err error) bool {
	return errors.Is(err, wsaEACCES) || errors.Is(err, syscall.EACCES)
}
