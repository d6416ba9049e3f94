//go:build unix

package boundedfile

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadFIFO: a FIFO is refused at once instead of blocking the open
// until some writer comes.
func TestReadFIFO(t *testing.T) {
	p := MakeFIFO(t)
	if _, err := Read(p, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Read(fifo) err %v, want ErrNotRegular", err)
	}
}

// MakeFIFO creates a FIFO in a temporary folder for tests.
func MakeFIFO(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}
