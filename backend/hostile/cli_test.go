package hostile_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

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
	return runCLIEnv(t, nil, args...)
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

// TestCLIHostileServer runs smtpprobe send against scripted servers: the
// exit code follows the failure (package exitcode), the terminal output
// carries none of the server's control or bidi bytes, and --json gives the
// same exit code in the document.
func TestCLIHostileServer(t *testing.T) {
	hostile := "220 mx\x00.test \x1b[2J\x1b]0;pwned\x07 \u202etxt.exe \xff end\r\n"
	cases := []struct {
		name   string
		script []S
		exit   int
	}{
		{"hostile bytes in the banner", join([]S{send(hostile)}, ehlo, mail, rcpt, data, dataEnd, quit), exitcode.OK},
		{"421 at MAIL", join(banner, ehlo, []S{expect("MAIL"), send("421 4.3.2 bye\r\n"), scriptserver.Close()}), exitcode.Temporary},
		{"550 at RCPT", join(banner, ehlo, mail, []S{expect("RCPT"), send("550 5.1.1 \x1b[31mno such user\r\n")}, quit), exitcode.Permanent},
		{"garbage banner", []S{send("\x1b[2Jgarbage\r\n"), scriptserver.ExpectEOF()}, exitcode.Protocol},
		{"endless reply", []S{scriptserver.SendForever("220-\x1b[31mflood\r\n")}, exitcode.Protocol},
	}
	for _, c := range cases {
		for _, asJSON := range []bool{false, true} {
			name := c.name
			if asJSON {
				name += " --json"
			}
			t.Run(name, func(t *testing.T) {
				srv := scriptserver.Start(t, c.script...)
				args := []string{"send", "--from", "alice@example.com", "--to", "bob@example.net", "--server", srv.Addr(),
					"--helo", "client.example", "--subject", "hostile test", "--body", "Hello.\n", "--timeout-banner", "3s", "--timeout-command", "3s"}
				if asJSON {
					args = append(args, "--json")
				}
				code, stdout, stderr := runCLI(t, args...)
				if code != c.exit {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.exit, stdout, stderr)
				}
				for _, out := range []string{stdout, stderr} {
					for _, line := range strings.Split(out, "\n") {
						if !displaySafe(strings.ReplaceAll(line, "\t", " ")) {
							t.Errorf("output line is not display-safe: %q", line)
						}
					}
				}
				if asJSON {
					var doc struct {
						ExitCode *int `json:"exit_code"`
					}
					if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.ExitCode == nil {
						t.Fatalf("--json output is not a result document (%v):\n%.500s", err, stdout)
					}
					if *doc.ExitCode != code {
						t.Errorf("JSON exit_code %d, process exit %d", *doc.ExitCode, code)
					}
				}
			})
		}
	}
}
