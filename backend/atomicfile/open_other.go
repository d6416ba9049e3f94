//go:build !windows

package atomicfile

import "os"

// open is os.Open: POSIX lets a file that is open be renamed over.
func open(path string) (*os.File, error) { return os.Open(path) }
