package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
)

// The CLI is built once per test binary, into a temporary directory, and run
// as a user would run it: the tests cannot reach cmd/smtpprobe's run
// function from outside package main.
var cli struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cli.dir != "" {
		os.RemoveAll(cli.dir)
	}
	os.Exit(code)
}

func smtpprobe(t *testing.T) string {
	t.Helper()
	cli.once.Do(func() {
		cli.dir, cli.err = os.MkdirTemp("", "smtpprobe-cli-")
		if cli.err != nil {
			return
		}
		cli.path = filepath.Join(cli.dir, "smtpprobe")
		if runtime.GOOS == "windows" {
			cli.path += ".exe"
		}
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(gobin, "build", "-o", cli.path, "smtpprobe/cmd/smtpprobe").CombinedOutput()
		if err != nil {
			cli.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if cli.err != nil {
		t.Fatalf("building the CLI: %v", cli.err)
	}
	return cli.path
}

// runCLI runs smtpprobe with args and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, smtpprobe(t), args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=", "LC_MESSAGES=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running smtpprobe: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("smtpprobe %q did not finish within 30 s", args)
	}
	return code, out.String(), errb.String()
}

// TestCLIBadInput runs the bad-input policy through the smtpprobe send
// command: exit 2 and a message naming the field for a rejected pair, with
// no connection made; exit 0 for an accepted one.
func TestCLIBadInput(t *testing.T) {
	smtpprobe(t)
	for _, c := range inputPolicy {
		t.Run(c.field+"×"+c.value, func(t *testing.T) {
			v := hostileValues[c.value]
			fargs := inputFields[c.field].args(v)
			if strings.Contains(v, "\x00") {
				if fargs[0] != "--body" {
					t.Skip("an argument cannot carry NUL (execve); TestBadInput covers the pair")
				}
				// A body with NUL comes from a file.
				p := filepath.Join(t.TempDir(), "body.txt")
				if err := os.WriteFile(p, []byte(fargs[1]), 0o600); err != nil {
					t.Fatal(err)
				}
				fargs = []string{"--body-file", p}
			}
			var srv *scriptserver.Server
			if c.kind == accept {
				srv = scriptserver.Start(t, join(banner, ehlo, mail, rcpt, data, dataEnd, quit)...)
			} else {
				srv = scriptserver.Start(t)
			}
			flags := map[string]string{
				"--from": "alice@example.com", "--to": "bob@example.net", "--server": srv.Addr(),
				"--helo": "client.example", "--subject": "hostile test", "--body": "Hello.\n",
			}
			if fargs[0] == "--body-file" {
				delete(flags, "--body")
			}
			args := []string{"send", "--timeout-banner", "3s", "--timeout-command", "3s", "--timeout-data-block", "3s", "--timeout-final-dot", "3s"}
			if c.kind != accept {
				args = append(args, "--lang", "es")
			}
			for k, val := range flags {
				if k != fargs[0] {
					args = append(args, k, val)
				}
			}
			args = append(args, fargs...)
			code, stdout, stderr := runCLI(t, args...)
			srv.Close()
			if c.kind == accept {
				if code != exitcode.OK {
					t.Fatalf("exit %d, want 0 (accepted: %s)\nstdout:\n%s\nstderr:\n%s", code, c.why, stdout, stderr)
				}
				if srv.Accepted() != 1 {
					t.Errorf("the server saw %d connections, want 1", srv.Accepted())
				}
				return
			}
			if code != exitcode.Usage {
				t.Fatalf("exit %d, want %d (rejected: %s)\nstdout:\n%s\nstderr:\n%s", code, exitcode.Usage, c.why, stdout, stderr)
			}
			if !strings.Contains(stderr, inputFields[c.field].label) {
				t.Errorf("stderr does not name the field %q:\n%s", inputFields[c.field].label, stderr)
			}
			if !displaySafe(strings.TrimRight(strings.ReplaceAll(stderr, "\n", " "), " ")) {
				t.Errorf("stderr is not display-safe: %q", stderr)
			}
			if len(stderr) > 1000 {
				t.Errorf("stderr is %d bytes; a 10 KB value must be shortened", len(stderr))
			}
			if n := srv.Accepted(); n != 0 {
				t.Errorf("the server saw %d connections for an input error", n)
			}
		})
	}
}
