//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// renameTries and renameWait bound the retry of a rename that another
// process blocks: about 0.3 s in all, enough for a virus scanner, an
// indexer or a viewer that opened the old file without FILE_SHARE_DELETE.
const (
	renameTries = 6
	renameWait  = 10 * time.Millisecond
)

// rename is os.Rename (MoveFileEx with MOVEFILE_REPLACE_EXISTING), retried
// with a doubling wait while the target is held open by another process,
// which Windows reports as access denied or a sharing violation.
func rename(from, to string) error {
	wait := renameWait
	for i := 1; ; i++ {
		err := os.Rename(from, to)
		if err == nil || i == renameTries || !transient(err) {
			return err
		}
		time.Sleep(wait)
		wait *= 2
	}
}

func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// SyncDir is a no-op: a folder handle cannot be flushed with
// FlushFileBuffers, and NTFS journals the rename itself.
func SyncDir(dir string) error { return nil }
