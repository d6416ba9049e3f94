//go:build !windows

package mxlookup

import (
	"fmt"
	"os"
)

// resolvConfPath is a variable so tests can point it at their own file.
var resolvConfPath = "/etc/resolv.conf"

// systemServers reads the nameserver lines of resolv.conf(5).
func systemServers() ([]string, error) {
	f, err := os.Open(resolvConfPath)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrNoResolver, resolvConfPath, err)
	}
	defer f.Close()
	return parseResolvConf(f), nil
}
