//go:build windows

package atomicfile

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// open is os.Open with the share mode of readParams.
func open(path string) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	access, share, disposition, flags := readParams()
	h, err := windows.CreateFile(name, access, share, nil, disposition, flags, 0)
	if err != nil {
		// The Errno keeps errors.Is(err, fs.ErrNotExist) and friends working.
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
