package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"smtpprobe/backend/atomicfile"
)

// lock serialises writers: first within this process (the mutex), then
// across processes (an OS lock on the folder's .lock file). It creates the
// folder, removes temporary files left by a crashed writer (safe only while
// holding the lock: no other writer can be mid-write), and returns the
// function that releases both locks.
func (s *Store) lock() (func(), error) {
	s.mu.Lock()
	f, err := s.lockFile()
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.removeTemps()
	return func() {
		unlock(f)
		f.Close()
		s.mu.Unlock()
	}, nil
}

func (s *Store) lockFile() (*os.File, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create profile folder: %w", err)
	}
	// The folder holds AUTH user names and addresses: keep it private even
	// if it was created by hand with looser rights.
	if fi, err := os.Stat(s.dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(s.dir, 0o700)
	}
	f, err := os.OpenFile(filepath.Join(s.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	// Poll rather than block, so a hung process holding the lock costs
	// LockTimeout, not forever.
	deadline := time.Now().Add(LockTimeout)
	wait := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock profile folder: %w", err)
		}
		if ok {
			return f, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, ErrLocked
		}
		time.Sleep(wait)
		wait = min(wait*2, 20*time.Millisecond)
	}
}

// removeTemps deletes temporary files of interrupted writes. They were
// never renamed into place, so no profile depends on them.
func (s *Store) removeTemps() {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if n := de.Name(); atomicfile.IsTemp(n) && !de.IsDir() {
			_ = os.Remove(filepath.Join(s.dir, n))
		}
	}
}

// writeAtomic replaces dir/name with data (mode 0600: profiles name AUTH
// users and addresses) so that a crash at any moment leaves either the old
// file or the new one, complete.
func writeAtomic(dir, name string, data []byte) error {
	return atomicfile.WriteFile(filepath.Join(dir, name), data, 0o600)
}
