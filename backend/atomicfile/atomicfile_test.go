package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// noTemps fails the test if dir holds a temporary file.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if IsTemp(de.Name()) {
			t.Errorf("temporary file left: %s", de.Name())
		}
	}
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	for _, data := range []string{"first", "second, longer than the first", "3"} {
		if err := WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatalf("WriteFile(%q): %v", data, err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("after WriteFile(%q) the file holds %q, %v", data, got, err)
		}
	}
	noTemps(t, dir)
}

func TestPerm(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has only the read-only bit")
	}
	dir := t.TempDir()
	for _, perm := range []os.FileMode{0o600, 0o644, 0o640} {
		path := filepath.Join(dir, fmt.Sprintf("f%o", perm))
		// An existing file's mode does not survive: the new file replaces it.
		if err := os.WriteFile(path, nil, 0o666); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, []byte("x"), perm); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != perm {
			t.Errorf("mode %v, %v; want %v", fi.Mode().Perm(), err, perm)
		}
		got, err := WriteNew(dir, perm, func() string { return fmt.Sprintf("new%o", perm) }, func(w io.Writer) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(got); err != nil || fi.Mode().Perm() != perm {
			t.Errorf("WriteNew mode %v, %v; want %v", fi.Mode().Perm(), err, perm)
		}
	}
}

// A writer that fails midway leaves the old content and no temporary file,
// and its error comes back unwrapped for errors.Is.
func TestFailedWriteKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full (injected)")
	err := Write(path, 0o644, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("half of the new report ", 1000))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("target changed to %d bytes after a failed write", len(got))
	}
	// Into a folder that does not exist: nothing is created anywhere.
	if err := WriteFile(filepath.Join(dir, "no", "x"), []byte("x"), 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteFile into a missing folder = %v", err)
	}
	// A rename that cannot happen (the target is a non-empty folder).
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(sub, "inner"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(sub, []byte("x"), 0o600); err == nil {
		t.Error("WriteFile over a folder succeeded")
	}
	if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
		t.Errorf("the folder was replaced: %v %v", fi, err)
	}
	noTemps(t, dir)
}

// Concurrent writers of the same file leave exactly one of their contents,
// whole (each writes a distinct, long, self-checking payload).
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shared")
	const writers = 8
	payload := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 64<<10) }
	var wg sync.WaitGroup
	errs := make(chan error, writers*5)
	for i := range writers {
		wg.Go(func() {
			for range 5 {
				if err := WriteFile(path, payload(i), 0o600); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent WriteFile: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !bytes.Equal(got, payload(int(got[0]-'a'))) {
		t.Errorf("the file is not one writer's complete payload (%d bytes)", len(got))
	}
	noTemps(t, dir)
}

// WriteNew never replaces: a taken name makes it ask for the next one, and
// when every name is taken it fails and leaves the existing files alone.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m1.eml"), []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := 0
	names := func() string { n++; return fmt.Sprintf("m%d.eml", n) }
	got, err := WriteNew(dir, 0o600, names, func(w io.Writer) error { _, err := io.WriteString(w, "second"); return err })
	if err != nil || got != filepath.Join(dir, "m2.eml") {
		t.Fatalf("WriteNew = %q, %v; want m2.eml", got, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "m1.eml")); string(b) != "first" {
		t.Errorf("m1.eml overwritten: %q", b)
	}
	if b, _ := os.ReadFile(got); string(b) != "second" {
		t.Errorf("m2.eml holds %q", b)
	}
	taken := func() string { return "m1.eml" }
	if _, err := WriteNew(dir, 0o600, taken, func(w io.Writer) error { return nil }); !errors.Is(err, fs.ErrExist) {
		t.Errorf("WriteNew with every name taken = %v, want ErrExist", err)
	}
	boom := errors.New("injected")
	if _, err := WriteNew(dir, 0o600, names, func(w io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("WriteNew with a failing writer = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "m1.eml")); string(b) != "first" {
		t.Errorf("m1.eml overwritten: %q", b)
	}
	noTemps(t, dir)
	des, _ := os.ReadDir(dir)
	if len(des) != 2 {
		t.Errorf("%d files, want m1.eml and m2.eml", len(des))
	}
}

// Open's Windows share mode lets a reader, a writer and a delete (the
// rename of an atomic replace) in while the file is open; checked here as
// numbers so it holds without a Windows machine.
func TestReadParams(t *testing.T) {
	access, share, disposition, flags := readParams()
	for _, tt := range []struct {
		name      string
		got, want uint32
	}{
		{"access GENERIC_READ", access, 0x80000000},
		{"share READ|WRITE|DELETE", share, 0x1 | 0x2 | 0x4},
		{"disposition OPEN_EXISTING", disposition, 3},
		{"flags NORMAL|BACKUP_SEMANTICS", flags, 0x80 | 0x02000000},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

// A file held open by Open can be replaced by WriteFile (on Windows this
// is what FILE_SHARE_DELETE buys); the reader keeps reading what it opened.
func TestReplaceWhileOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "profile.json")
	if err := WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatalf("WriteFile while a reader holds the file: %v", err)
	}
	if got, err := io.ReadAll(f); err != nil || string(got) != "old" {
		t.Errorf("the open reader read %q, %v; want the old content", got, err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "new" {
		t.Errorf("the file holds %q, %v; want the new content", got, err)
	}
	if _, err := Open(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file = %v, want ErrNotExist", err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatalf("Open of a folder: %v", err)
	}
	if fi, err := d.Stat(); err != nil || !fi.IsDir() {
		t.Errorf("Open of a folder: Stat %v, %v", fi, err)
	}
	d.Close()
}
