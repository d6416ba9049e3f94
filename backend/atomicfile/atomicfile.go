// Package atomicfile writes files so that a reader, a crash or a full disk
// never sees half of one: the data goes to a temporary file in the target's
// folder (a rename is atomic only within one file system), is flushed to
// disk, and is then renamed (Write, WriteFile) or linked (WriteNew) into
// place. The temporary file is removed on every failure path.
//
// Temporary files are named TempPrefix + the target's base name + a random
// suffix, so a caller that holds a lock over its folder can sweep what a
// killed writer left (see IsTemp).
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file this package creates.
// The leading dot hides it from directory listings on Unix.
const TempPrefix = ".tmp-"

// IsTemp reports whether name (a base name) is one of this package's
// temporary files.
func IsTemp(name string) bool { return strings.HasPrefix(name, TempPrefix) }

// WriteFile replaces path with data, with mode perm (on Windows only the
// read-only bit of perm has an effect). After it returns nil the new
// content is in place and on disk; after it returns an error the old
// content, if any, is unchanged.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write is WriteFile for content produced by write, which streams into the
// temporary file. If write returns an error, Write returns it unchanged
// (so errors.Is and errors.As see it) and path is untouched.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, filepath.Base(path), perm, write)
	if err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// newTries bounds how many names WriteNew asks for before giving up.
const newTries = 5

// WriteNew writes like Write into folder dir, but never replaces a file:
// the complete temporary file is hard-linked under the first name from
// name() that is free (name is called again, up to 5 times, while the
// names it returns exist). It returns the path it wrote. Where the file
// system has no hard links (FAT, some network shares) it falls back to a
// rename after checking that the name is free, which leaves a short window
// in which a file created by another process could be replaced.
func WriteNew(dir string, perm os.FileMode, name func() string, write func(io.Writer) error) (string, error) {
	tmp, err := writeTemp(dir, "new", perm, write)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp) // after the link, or after a failure
	final, err := link(tmp, dir, name)
	if err != nil {
		return "", err
	}
	if err := SyncDir(dir); err != nil {
		return "", fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return final, nil
}

// link gives tmp the first free name in dir that name returns.
func link(tmp, dir string, name func() string) (string, error) {
	var err error
	for range newTries {
		final := filepath.Join(dir, name())
		err = os.Link(tmp, final)
		if err == nil {
			return final, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if _, serr := os.Lstat(final); !errors.Is(serr, fs.ErrNotExist) {
			return "", fmt.Errorf("link %s: %w", final, err)
		}
		if rerr := os.Rename(tmp, final); rerr != nil {
			return "", fmt.Errorf("link %s: %w (rename: %v)", final, err, rerr)
		}
		return final, nil
	}
	return "", fmt.Errorf("no free file name in %s: %w", dir, err)
}

// writeTemp creates a temporary file in dir, fills it with write, flushes
// it and sets perm. It returns the temporary file's path, or an error after
// removing it.
func writeTemp(dir, base string, perm os.FileMode, write func(io.Writer) error) (_ string, err error) {
	f, err := os.CreateTemp(dir, TempPrefix+base+".*")
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("sync %s: %w", tmp, err)
	}
	// Chmod on the open file, not the name: umask does not apply, and no
	// one can swap the name in between.
	if err = f.Chmod(perm); err != nil {
		return "", fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", tmp, err)
	}
	return tmp, nil
}
