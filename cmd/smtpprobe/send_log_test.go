package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
)

// TestSendLog writes the session log in each format while the session runs
// against a real go-smtp server on loopback.
func TestSendLog(t *testing.T) {
	addr, _, _ := startSendServer(t)
	dir := t.TempDir()
	base := []string{"--server", addr, "--from", "admin@contoso.test", "--to", "kate@fabrikam.test", "--subject", "<script>x</script>"}

	// The JSON log is byte for byte what --json prints.
	jsonLog := filepath.Join(dir, "session.json")
	code, out, errOut := runSendCLI(append(base, "--json", "--log", jsonLog)...)
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if b, err := os.ReadFile(jsonLog); err != nil || string(b) != out {
		t.Errorf("JSON log differs from --json output (err %v):\n%s\n---\n%s", err, b, out)
	}

	for _, tt := range []struct {
		file string
		lang string
		want []string
	}{
		{"session.log", "es", []string{"SMTP Probe", "registro de sesión", "Transcripción:", " C: MAIL FROM:<admin@contoso.test>", "Resultado: correcto (código de salida 0)"}},
		{"session.txt", "en", []string{"Transcript:", " S: 220 ", "Result: OK (exit code 0)"}},
		{"session.HTML", "en", []string{"<!DOCTYPE html>", "Content-Security-Policy", "Subject: &lt;script&gt;x&lt;/script&gt;"}},
		{"session.raw", "en", []string{"EHLO ", "\r\nMAIL FROM:<admin@contoso.test>", "\r\nQUIT\r\n"}},
	} {
		path := filepath.Join(dir, tt.file)
		code, _, errOut := runSendCLI(append(base, "--lang", tt.lang, "--log", path)...)
		if code != exitcode.OK {
			t.Fatalf("%s: exit %d\n%s", tt.file, code, errOut)
		}
		if !strings.Contains(errOut, path) {
			t.Errorf("%s: stderr does not say where the log went: %s", tt.file, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", tt.file, w)
			}
		}
		// Text shows what was sent as it was; HTML must escape it.
		if strings.HasSuffix(tt.file, ".HTML") && strings.Contains(string(b), "<script>") {
			t.Errorf("%s holds unescaped markup", tt.file)
		}
	}
}

// TestSendLogRefused checks that a log the command could not write is
// refused before anything is sent.
func TestSendLogRefused(t *testing.T) {
	addr, _, cl := startSendServer(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		path, lang, want string
	}{
		{filepath.Join(dir, "session.pdf"), "en", "use .txt or .log"},
		{filepath.Join(dir, "session.pdf"), "es", "use .txt o .log"},
		{filepath.Join(dir, "missing", "session.txt"), "es", "la carpeta"},
		// A folder named like a log is found before anything is sent, not
		// after the message was delivered.
		{mkdir(t, filepath.Join(dir, "session.txt")), "en", "is a folder"},
		{filepath.Join(dir, "session.txt"), "es", "es una carpeta"},
	} {
		code, _, errOut := runSendCLI("--server", addr, "--from", "a@b.test", "--to", "c@d.test", "--lang", tt.lang, "--log", tt.path)
		if code != exitcode.Usage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.path, code, errOut, exitcode.Usage, tt.want)
		}
	}
	if n := cl.count(); n != 0 {
		t.Errorf("%d connections were made for a refused --log", n)
	}
}

// Paths are shown as the system writes them: a backslash (the Windows
// separator; on Unix a legal byte of a name, which lets this run anywhere)
// stays single in every message that names a file or folder.
func TestPathsShownAsWritten(t *testing.T) {
	addr, _, _ := startSendServer(t)
	dir := filepath.Join(t.TempDir(), `C:\Users\kate`)
	if runtime.GOOS == "windows" { // where ':' is refused and '\' separates
		dir = filepath.Join(t.TempDir(), "Users", "kate")
	}
	logPath := filepath.Join(dir, `Desktop\session.txt`)
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runSendCLI("--server", addr, "--from", "a@b.test", "--to", "c@d.test", "--log", logPath)
	if code != exitcode.OK || !strings.Contains(errOut, "Session log written to "+logPath+"\n") {
		t.Errorf("send --log: exit %d, stderr %q; want the path %q as written", code, errOut, logPath)
	}
	missing := filepath.Join(dir, `no\such`, "session.txt")
	code, _, errOut = runSendCLI("--server", addr, "--from", "a@b.test", "--to", "c@d.test", "--log", missing)
	if code != exitcode.Usage || !strings.Contains(errOut, "--log "+missing+": the folder "+filepath.Dir(missing)+" does not exist") {
		t.Errorf("send --log into a missing folder: exit %d, stderr %q", code, errOut)
	}
	profDir := filepath.Join(dir, `AppData\Roaming\SMTP Probe\profiles`)
	if code, out, errOut := runProf(t, "list", "--dir", profDir); code != exitcode.OK || !strings.Contains(out, "Profiles in "+profDir+"\n") {
		t.Errorf("profiles list: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runSendCLI("--profile", `C:\nope.json`, "--profile-dir", profDir)
	if want := `--profile "C:\nope.json": no such file, and no saved profile with that id or name in ` + profDir; code != exitcode.Usage || !strings.Contains(errOut, want) {
		t.Errorf("send --profile: exit %d, stderr %q; want %q", code, errOut, want)
	}
}

func mkdir(t *testing.T, p string) string {
	t.Helper()
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
