// Package boundedfile reads the small files a user or a profile names (a CA
// bundle, a profile to import) without trusting the name: only a regular
// file is opened, since a FIFO would block the open and a device such as
// /dev/zero never ends, and never more than a limit is read.
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"smtpprobe/backend/atomicfile"
)

// ErrNotRegular is wrapped by Read's error when the path is not a regular
// file (a directory, FIFO, socket or device).
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is Read's error for a file above the limit.
type TooLargeError struct {
	// Size is the size found (at least Max+1 when the file grew while
	// being read); Max the limit.
	Size, Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%d bytes, more than the %d allowed", e.Size, e.Max)
}

// Read returns the contents of path, a regular file of at most max bytes.
// The type is checked before opening (opening a FIFO blocks until a writer
// comes) and again on the open file, in case the path was swapped between
// the two; the read itself stops after max+1 bytes whatever the size said.
func Read(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(fi, max); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// atomicfile.Open, so that reading a profile never stands in the way
	// of its atomic replace on Windows.
	f, err := atomicfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(fi, max); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w", path, &TooLargeError{Size: int64(len(data)), Max: max})
	}
	return data, nil
}

func check(fi os.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w (%s)", ErrNotRegular, fi.Mode().Type())
	}
	if fi.Size() > max {
		return &TooLargeError{Size: fi.Size(), Max: max}
	}
	return nil
}
