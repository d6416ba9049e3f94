//go:build unix

package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"smtpprobe/backend/lang"
)

// readOnlyEnv makes a re-executed test binary try to open the history in
// the folder it names and print the localized errors (TestMain).
const readOnlyEnv = "SMTPPROBE_HISTORY_READONLY_DIR"

func readOnlyChild(dir string) int {
	_, err := Open(context.Background(), dir)
	if err == nil {
		fmt.Println("opened")
		return 0
	}
	fmt.Printf("readonly=%v\nen=%s\nes=%s\n", errors.Is(err, ErrReadOnly), lang.ErrorText(err, lang.EN), lang.ErrorText(err, lang.ES))
	return 0
}

// TestReadOnlyFolder opens the history in a folder the user cannot write.
// Root can write anywhere, so as root the test runs the opening in a child
// process as the user nobody.
func TestReadOnlyFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "history")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755)
	os.Chmod(filepath.Dir(root), 0o755)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), readOnlyEnv+"="+dir)
	if os.Geteuid() == 0 {
		// The test binary must be reachable by nobody.
		bin := filepath.Join(root, "history.test")
		copyFile(t, os.Args[0], bin)
		cmd.Path, cmd.Args[0] = bin, bin
		cmd.Dir = root
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.Contains(got, "readonly=true") {
		t.Fatalf("no read-only error:\n%s", got)
	}
	if !strings.Contains(got, "en=the run history cannot be saved: the folder "+dir) ||
		!strings.Contains(got, "es=no se puede guardar el historial de ejecuciones: la carpeta "+dir) {
		t.Errorf("localized messages:\n%s", got)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
