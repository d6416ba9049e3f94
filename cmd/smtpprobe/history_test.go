package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/history"
)

// TestMain keeps every test of the package out of the user's history:
// send stores its runs unless --no-history.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "smtpprobe-cli-history-")
	if err != nil {
		panic(err)
	}
	os.Setenv(historyDirEnv, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestHistoryCLI(t *testing.T) {
	dir := t.TempDir()
	addr, be, _ := startSendServer(t)
	send := func(extra ...string) {
		t.Helper()
		args := append([]string{"--from", "a@client.test", "--to", "b@mx.test", "--server", addr, "--helo", "client.test",
			"--history-dir", dir, "--lang", "en"}, extra...)
		runSendCLI(args...)
	}
	send()
	be.reject = "b@mx.test"
	send()
	send("--no-history")

	code, out, errs := runCLI("history", "list", "--history-dir", dir, "--json")
	if code != exitcode.OK {
		t.Fatalf("list: %d %s", code, errs)
	}
	var runs []history.Run
	if err := json.Unmarshal([]byte(out), &runs); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	if len(runs) != 2 || runs[0].OK || !runs[1].OK || runs[0].Source != history.SourceCLI || runs[0].Domain != "mx.test" {
		t.Fatalf("runs (--no-history must not add one): %+v", runs)
	}
	newID, oldID := strconv.FormatInt(runs[0].ID, 10), strconv.FormatInt(runs[1].ID, 10)

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"list text", []string{"list"}, exitcode.OK, []string{"FAILED", "recipient"}},
		{"list failed", []string{"list", "--failed", "--json"}, exitcode.OK, []string{`"id": ` + newID}},
		{"list since", []string{"list", "--since", "2099-01-01"}, exitcode.OK, []string{"No runs."}},
		{"list bad since", []string{"list", "--since", "yesterday"}, exitcode.Usage, nil},
		{"show json", []string{"show", oldID, "--json"}, exitcode.OK, []string{`"result": {`, `"exit_code": 0`}},
		{"show text", []string{"show", newID}, exitcode.OK, []string{"C: RCPT TO:<b@mx.test>", "550"}},
		{"compare", []string{"compare", oldID, newID}, exitcode.OK, []string{"WORSE", "rcpt now fails 550 (was passes 250)"}},
		{"compare es", []string{"compare", oldID, newID, "--lang", "es"}, exitcode.OK, []string{"PEOR", "rcpt ahora falla 550 (antes pasa 250)"}},
		{"compare json", []string{"compare", oldID, newID, "--json"}, exitcode.OK, []string{`"kind": "worse"`, `"changes": [`}},
		{"compare one id", []string{"compare", oldID}, exitcode.Usage, nil},
		{"show missing", []string{"show", "999"}, exitcode.Usage, nil},
		{"show not a number", []string{"show", "x"}, exitcode.Usage, nil},
		{"unknown action", []string{"frob"}, exitcode.Usage, nil},
		{"delete", []string{"delete", oldID}, exitcode.OK, []string{"Deleted run " + oldID}},
		{"deleted", []string{"show", oldID}, exitcode.Usage, nil},
		{"prune sets retention", []string{"prune", "--max-runs", "0", "--max-age", "1d", "--json"}, exitcode.OK, []string{`"removed": 0`, `"max_age_ns": 86400000000000`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(append([]string{"history"}, append(tc.args, "--history-dir", dir)...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	log := filepath.Join(t.TempDir(), "run.txt")
	if code, _, errs := runCLI("history", "show", newID, "--log", log, "--history-dir", dir); code != exitcode.OK {
		t.Fatalf("show --log: %d %s", code, errs)
	}
	if b, err := os.ReadFile(log); err != nil || !strings.Contains(string(b), "550") {
		t.Errorf("show --log file: %v\n%s", err, b)
	}
}
