//go:build unix

package tlsreport

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRootsNotAFile: a CA file that is a FIFO or a device is refused at
// once: a FIFO would block the open until a writer came, /dev/zero would be
// read without end.
func TestLoadRootsNotAFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		done := make(chan error, 1)
		go func() { _, err := LoadRoots(p); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("LoadRoots(%s) err %v, want not a regular file", p, err)
			}
		case <-time.After(10 * time.Second):
			// Unblock the open so that the test ends.
			if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				w.Close()
			}
			t.Fatalf("LoadRoots(%s) blocked", p)
		}
	}
}
