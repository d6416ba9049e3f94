package main

import (
	"encoding/json"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
)

// TestSendExplainsReplies checks that `send` tells in plain words what a
// rejection means and what to try, in the chosen language, in text and JSON
// (issue 6: an "evaluation" per step and a "verdict" for the session).
func TestSendExplainsReplies(t *testing.T) {
	addr, be, _ := startSendServer(t)
	be.reject = "nadie@mx.test"
	args := []string{"--from", "a@client.test", "--to", "nadie@mx.test", "--server", addr, "--helo", "client.test"}

	code, out, errs := runSendCLI(append(args, "--lang", "es")...)
	if code != exitcode.Permanent {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitcode.Permanent, out, errs)
	}
	for _, want := range []string{"Veredicto: ", "Causa probable: ", "Qué probar: ", "-> "} {
		if !strings.Contains(out, want) {
			t.Errorf("Spanish output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runSendCLI(append(args, "--json", "--lang", "en")...)
	if code != exitcode.Permanent {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Steps []struct {
			Name       string `json:"name"`
			Evaluation *struct {
				Class    string   `json:"class"`
				Code     int      `json:"code"`
				Enhanced string   `json:"enhanced"`
				Summary  string   `json:"summary"`
				Causes   []string `json:"causes"`
				Actions  []string `json:"actions"`
			} `json:"evaluation"`
		} `json:"steps"`
		Verdict *struct {
			Verdict  string   `json:"verdict"`
			Title    string   `json:"title"`
			Step     string   `json:"step"`
			Rejected []string `json:"rejected"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	var rcptEval bool
	for _, s := range res.Steps {
		if s.Name == "rcpt" && s.Evaluation != nil && s.Evaluation.Enhanced == "5.1.1" && s.Evaluation.Class == "permanent" &&
			s.Evaluation.Summary != "" && len(s.Evaluation.Causes) > 0 && len(s.Evaluation.Actions) > 0 {
			rcptEval = true
		}
	}
	if !rcptEval {
		t.Errorf("no complete evaluation for the rejected rcpt step:\n%s", out)
	}
	if res.Verdict == nil || res.Verdict.Step != "rcpt" || res.Verdict.Title == "" || len(res.Verdict.Rejected) != 1 {
		t.Errorf("verdict = %+v", res.Verdict)
	}
}
