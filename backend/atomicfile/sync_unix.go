//go:build !windows

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// rename is os.Rename: POSIX rename replaces a target that others hold open.
func rename(from, to string) error { return os.Rename(from, to) }

// SyncDir makes a rename or a removal in dir durable: POSIX needs the folder itself
// flushed, or a crash can forget the new name. File systems that cannot
// flush a folder (some network and FUSE ones answer EINVAL or ENOTSUP) are
// not an error: the file itself is already complete and on disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
