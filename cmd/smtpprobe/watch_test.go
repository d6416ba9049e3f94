package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/history"
)

// saveWatchProfile saves a profile for the server at addr with send
// --save-profile, as a user would, and returns the profile folder.
func saveWatchProfile(t *testing.T, addr string) string {
	t.Helper()
	dir := t.TempDir()
	code, out, errs := runSendCLI("--from", "a@client.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
		"--save-profile", "Loopback", "--profile-dir", dir, "--no-history", "--lang", "en")
	if code != exitcode.OK {
		t.Fatalf("save profile: %d\n%s\n%s", code, out, errs)
	}
	return dir
}

func TestWatchCount(t *testing.T) {
	addr, _, cl := startSendServer(t)
	profDir, histDir := saveWatchProfile(t, addr), t.TempDir()
	code, out, errs := runCLI("watch", "--profile", "Loopback", "--profile-dir", profDir, "--history-dir", histDir,
		"--every", "1ms", "--count", "3", "--json")
	if code != exitcode.OK {
		t.Fatalf("watch: %d\n%s\n%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || cl.count() != 4 { // 3 watched runs + the one that saved the profile
		t.Fatalf("%d lines, %d connections:\n%s", len(lines), cl.count(), out)
	}
	var last struct {
		Run     history.Run      `json:"run"`
		Changes []history.Change `json:"changes"`
	}
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil || last.Run.Source != history.SourceWatch || last.Run.Profile != "Loopback" {
		t.Errorf("last line: %v %+v", err, last)
	}
	_, listed, _ := runCLI("history", "list", "--profile", "Loopback", "--history-dir", histDir, "--json")
	var runs []history.Run
	if err := json.Unmarshal([]byte(listed), &runs); err != nil || len(runs) != 3 {
		t.Errorf("stored runs: %v %d\n%s", err, len(runs), listed)
	}
}

// lockstepWriter hands each line written to the test and waits until the
// test acknowledges it, so that the test acts between two runs of a watch
// without sleeping.
type lockstepWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
	ack   chan struct{}
}

func (w *lockstepWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	var ready []string
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			break
		}
		ready = append(ready, line)
	}
	w.mu.Unlock()
	for _, l := range ready {
		w.lines <- l
		<-w.ack
	}
	return len(p), nil
}

// TestWatchMetricsAndChange scrapes the metrics after the first run, then
// stops the server: the next run cannot connect, which is a change, and
// --on-change-exit ends the watch with that run's exit code.
func TestWatchMetricsAndChange(t *testing.T) {
	addr, _, cl := startSendServer(t)
	profDir, histDir := saveWatchProfile(t, addr), t.TempDir()
	stdout := &lockstepWriter{lines: make(chan string), ack: make(chan struct{})}
	stderrR, stderrW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"watch", "--profile", "Loopback", "--profile-dir", profDir,
			"--history-dir", histDir, "--every", "1ms", "--on-change-exit", "--metrics", "127.0.0.1:0", "--lang", "en"}, stdout, stderrW)
		stderrW.Close()
	}()
	errLines := bufio.NewScanner(stderrR)
	if !errLines.Scan() {
		t.Fatal("no metrics line")
	}
	m := regexp.MustCompile(`http://(\S+)/metrics`).FindStringSubmatch(errLines.Text())
	if m == nil {
		t.Fatalf("metrics line: %q", errLines.Text())
	}
	go io.Copy(io.Discard, stderrR)

	first := <-stdout.lines
	if !strings.Contains(first, "run 1  ok  exit 0") {
		t.Errorf("first line: %q", first)
	}
	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`smtpprobe_run_success{profile="Loopback"} 1`,
		`smtpprobe_run_exit_code{profile="Loopback"} 0`,
		`smtpprobe_runs_total{profile="Loopback",result="ok"} 1`,
		`smtpprobe_step_duration_seconds{profile="Loopback",step="rcpt"}`,
		`smtpprobe_last_run_timestamp_seconds{profile="Loopback"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	cl.Close() // the server stops accepting: the next run cannot connect
	stdout.ack <- struct{}{}

	var rest []string
	for {
		select {
		case l := <-stdout.lines:
			rest = append(rest, l)
			stdout.ack <- struct{}{}
			continue
		case code := <-done:
			if code != exitcode.Connect {
				t.Errorf("exit code %d, want %d (the changed run's)", code, exitcode.Connect)
			}
		}
		break
	}
	all := strings.Join(rest, "")
	for _, want := range []string{"run 2  FAILED  exit 4", "change(s) since run 1:", "WORSE"} {
		if !strings.Contains(all, want) {
			t.Errorf("after the change, output lacks %q:\n%s", want, all)
		}
	}
}
