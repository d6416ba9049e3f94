package atomicfile

import "os"

// Open opens path for reading, like os.Open, in a way that never stands in
// the way of Write: on Windows os.Open shares the file for reading and
// writing but not for deletion, so a rename over a file someone is reading
// fails with "Access denied" for as long as the reader holds it; Open also
// allows deletion (FILE_SHARE_DELETE), and the reader keeps the content it
// opened, as on Unix. Every reader of a file that WriteFile replaces should
// use it.
func Open(path string) (*os.File, error) { return open(path) }

// CreateFile parameters of Open on Windows, as numbers from winnt.h and
// fileapi.h so that the choice is a pure value tested on every platform.
const (
	winGenericRead     = 0x80000000
	winShareRead       = 0x00000001
	winShareWrite      = 0x00000002
	winShareDelete     = 0x00000004
	winOpenExisting    = 3
	winAttrNormal      = 0x00000080
	winBackupSemantics = 0x02000000
)

// readParams returns the CreateFile access, share mode, disposition and
// flags Open uses on Windows: read access; sharing for read, write and
// delete, so that neither another reader, nor a writer, nor an atomic
// replace is refused while the file is open; the file must exist; and
// backup semantics, which (as in os.Open) lets a folder open too, so a
// caller can tell "not a regular file" from "cannot open".
func readParams() (access, share, disposition, flags uint32) {
	return winGenericRead, winShareRead | winShareWrite | winShareDelete, winOpenExisting, winAttrNormal | winBackupSemantics
}
