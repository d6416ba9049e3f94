package boundedfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestRead: a regular file within the limit is read; a directory, a file
// over the limit and (on Linux) /dev/zero are refused without reading them.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.pem")
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(small, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, 11), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(small, 10); err != nil || string(b) != "abc" {
		t.Fatalf("Read(small) = %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := Read(big, 10); !errors.As(err, &tl) || tl.Size != 11 {
		t.Errorf("Read(big) err %v, want TooLargeError of 11 bytes", err)
	}
	if _, err := Read(dir, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Read(dir) err %v, want ErrNotRegular", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := Read("/dev/zero", 10); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Read(/dev/zero) err %v, want ErrNotRegular", err)
		}
	}
	if _, err := Read(filepath.Join(dir, "none"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(missing) err %v", err)
	}
}
