package history

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"smtpprobe/backend/session"
)

// writerEnv makes a re-executed test binary a history writer (TestMain):
// it opens the folder, says "ready", waits for a line on stdin so that
// both writers start together, then adds writerRuns runs.
const (
	writerEnv    = "SMTPPROBE_HISTORY_WRITER_DIR"
	writerTagEnv = "SMTPPROBE_HISTORY_WRITER_TAG"
	writerRuns   = 200
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(writerEnv); dir != "" {
		os.Exit(writerChild(dir, os.Getenv(writerTagEnv)))
	}
	if os.Getenv(readOnlyEnv) != "" {
		os.Exit(readOnlyChild(os.Getenv(readOnlyEnv)))
	}
	os.Exit(m.Run())
}

func writerChild(dir, tag string) int {
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 3
	}
	defer s.Close()
	var r session.Result
	if err := json.NewDecoder(os.Stdin).Decode(&r); err != nil {
		fmt.Fprintln(os.Stderr, "read result:", err)
		return 3
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil && err != io.EOF {
		fmt.Fprintln(os.Stderr, "wait for go:", err)
		return 3
	}
	for i := range writerRuns {
		if _, err := s.Add(ctx, Meta{Source: SourceCLI, Profile: tag + strconv.Itoa(i)}, &r); err != nil {
			fmt.Fprintln(os.Stderr, "add:", err)
			return 4
		}
	}
	return 0
}

// TestTwoWriterProcesses has two processes (the app and the CLI, say) add
// runs to one database at the same time: WAL and the busy timeout must let
// every write through, none lost.
func TestTwoWriterProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r := runEngine(t, serverOpts{}, "", false)
	body, _ := json.Marshal(r)
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	var children []child
	for _, tag := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), writerEnv+"="+dir, writerTagEnv+"="+tag)
		cmd.Stderr = os.Stderr
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		stdin.Write(append(body, '\n'))
		children = append(children, child{cmd, stdin, bufio.NewReader(stdout)})
	}
	for _, c := range children {
		if line, err := c.out.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child: %q, %v", line, err)
		}
	}
	for _, c := range children {
		io.WriteString(c.stdin, "go\n")
		c.stdin.Close()
	}
	for _, c := range children {
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.List(ctx, Filter{Limit: 10 * writerRuns})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Profile] = true
	}
	if len(runs) != 2*writerRuns || len(seen) != 2*writerRuns {
		t.Errorf("%d runs (%d distinct), want %d", len(runs), len(seen), 2*writerRuns)
	}
}
