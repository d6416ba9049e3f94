//go:build unix

package profile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestImportFIFO: importing a FIFO is refused at once instead of blocking
// the open until a writer comes.
func TestImportFIFO(t *testing.T) {
	s := newTestStore(t)
	fifo := filepath.Join(t.TempDir(), "p.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.Import(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("Import(fifo) succeeded")
		}
	case <-time.After(10 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		t.Fatalf("Import(fifo) blocked")
	}
}
