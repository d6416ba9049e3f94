package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
)

// ianaRegistry is every enumerated code of the IANA "Simple Mail Transfer
// Protocol (SMTP) Enhanced Status Codes" registry (updated 2024-12-06):
// RFC 3463, 3886 (X.1.9), 4468 (X.6.6), 4954 (X.5.6, X.7.8–9, X.7.11–12),
// 5248 (X.7.10, X.7.13–14), 6531 (X.6.7–10), 6710 (X.3.6, X.7.15–16), 7293
// (X.7.17–19), 7372 (X.7.20–26), 7505 (X.1.10, X.7.27), X.7.28, 8617
// (X.7.29) and 8689 (X.7.30). It is written out here, not derived from the
// data, so that a deleted entry fails the test.
var ianaRegistry = []string{
	"X.0.0",
	"X.1.0", "X.1.1", "X.1.2", "X.1.3", "X.1.4", "X.1.5", "X.1.6", "X.1.7", "X.1.8", "X.1.9", "X.1.10",
	"X.2.0", "X.2.1", "X.2.2", "X.2.3", "X.2.4",
	"X.3.0", "X.3.1", "X.3.2", "X.3.3", "X.3.4", "X.3.5", "X.3.6",
	"X.4.0", "X.4.1", "X.4.2", "X.4.3", "X.4.4", "X.4.5", "X.4.6", "X.4.7",
	"X.5.0", "X.5.1", "X.5.2", "X.5.3", "X.5.4", "X.5.5", "X.5.6",
	"X.6.0", "X.6.1", "X.6.2", "X.6.3", "X.6.4", "X.6.5", "X.6.6", "X.6.7", "X.6.8", "X.6.9", "X.6.10",
	"X.7.0", "X.7.1", "X.7.2", "X.7.3", "X.7.4", "X.7.5", "X.7.6", "X.7.7", "X.7.8", "X.7.9", "X.7.10",
	"X.7.11", "X.7.12", "X.7.13", "X.7.14", "X.7.15", "X.7.16", "X.7.17", "X.7.18", "X.7.19", "X.7.20",
	"X.7.21", "X.7.22", "X.7.23", "X.7.24", "X.7.25", "X.7.26", "X.7.27", "X.7.28", "X.7.29", "X.7.30",
}

// basicCodes are the reply codes of RFC 5321 §4.2.3, RFC 7504 §3 (521, 556)
// and RFC 4954 §6 (235, 334, 432, 454, 530, 534, 535, 538).
var basicCodes = []int{
	211, 214, 220, 221, 250, 251, 252, 354,
	421, 450, 451, 452, 455,
	500, 501, 502, 503, 504, 550, 551, 552, 553, 554, 555,
	521, 556,
	235, 334, 432, 454, 530, 534, 535, 538,
}

func TestDataLoads(t *testing.T) {
	k, err := parseKnowledge(dataFS)
	if err != nil {
		t.Fatalf("embedded data: %v", err)
	}
	if len(k.replies) < 200 {
		t.Errorf("only %d reply entries; the data files did not all load", len(k.replies))
	}
}

func checkText(t *testing.T, where string, tx lang.Text) {
	t.Helper()
	if strings.TrimSpace(tx.EN) == "" || strings.TrimSpace(tx.ES) == "" {
		t.Errorf("%s: missing English or Spanish text: %+v", where, tx)
	}
}

// TestCompleteness fails when any entry lacks English or Spanish text, when
// a registry code, a basic reply code, a failure kind or a step label is
// missing, or when a headline has no title.
func TestCompleteness(t *testing.T) {
	k := kb()
	all := append(slices.Clone(k.replies), k.failures...)
	for _, e := range all {
		checkText(t, e.ID+" summary", e.Summary)
		if e.Summary.EN == e.Summary.ES {
			t.Errorf("%s: Spanish summary is a copy of the English one: %q", e.ID, e.Summary.EN)
		}
		if e.Meaning.EN != "" || e.Meaning.ES != "" {
			checkText(t, e.ID+" meaning", e.Meaning)
		}
		for i, c := range e.Causes {
			checkText(t, fmt.Sprintf("%s cause %d", e.ID, i), c)
		}
		for i, a := range e.Actions {
			checkText(t, fmt.Sprintf("%s action %d", e.ID, i), a)
		}
		if len(e.Causes) == 0 || len(e.Actions) == 0 {
			t.Errorf("%s: needs at least one cause and one action", e.ID)
		}
		switch e.tier {
		case tierVendorEnhanced, tierRegistry, tierSubject, tierNoDetail, tierClass, tierFallback:
			checkText(t, e.ID+" meaning", e.Meaning)
		case tierCode:
			if len(e.Step) == 0 && e.Failure == "" {
				checkText(t, e.ID+" meaning", e.Meaning)
			}
		}
	}

	have := map[string]bool{}
	codes := map[int]bool{}
	for _, e := range k.replies {
		if e.tier == tierRegistry || (e.tier == tierNoDetail && e.Enhanced == "X.0.0") {
			have[e.Enhanced] = true
		}
		if e.tier == tierCode && len(e.Step) == 0 {
			codes[e.Code] = true
		}
	}
	for _, c := range ianaRegistry {
		if !have[c] {
			t.Errorf("IANA registry code %s has no entry", c)
		}
	}
	for s := 0; s <= 7; s++ {
		if !slices.ContainsFunc(k.replies, func(e *entry) bool { return e.Enhanced == fmt.Sprintf("X.%d.XXX", s) }) {
			t.Errorf("subject X.%d.XXX has no entry", s)
		}
	}
	for _, c := range basicCodes {
		if !codes[c] {
			t.Errorf("reply code %d has no entry", c)
		}
	}
	for _, kind := range append(slices.Clone(FailureKinds), unknownFailure) {
		if !slices.ContainsFunc(k.failures, func(e *entry) bool { return e.Failure == kind && len(e.Step) == 0 }) {
			t.Errorf("failure kind %q has no step-independent entry", kind)
		}
	}
	for _, s := range Steps {
		checkText(t, "step label "+s, k.steps[s])
	}
	for key, v := range k.verdicts {
		checkText(t, "verdict "+key, v.Title)
		if strings.Count(v.Title.EN, "%s") != strings.Count(v.Title.ES, "%s") {
			t.Errorf("verdict %s: English and Spanish titles take different arguments", key)
		}
	}
	for _, e := range k.failures {
		if k.verdicts[e.Verdict].Exit == "" {
			t.Errorf("%s: failure verdict %q needs an exit family", e.ID, e.Verdict)
		}
	}
}

// TestRegistryEvaluations evaluates every registry code in every class that
// can carry it and checks that the result is complete in both languages.
func TestRegistryEvaluations(t *testing.T) {
	for _, c := range ianaRegistry {
		for _, class := range []int{2, 4, 5} {
			enh := fmt.Sprintf("%d%s", class, strings.TrimPrefix(c, "X"))
			r := &smtpwire.Reply{Code: class*100 + 50, Enhanced: enh, Lines: []string{enh + " test"}}
			ev := Evaluate("", r, Context{})
			// X.0.0 carries no detail, so the basic code explains it.
			want := "iana."
			if c == "X.0.0" {
				want = "code."
			}
			if !strings.HasPrefix(ev.Rule, want) {
				t.Errorf("%s: rule %s, want a %s entry", enh, ev.Rule, want)
			}
			for _, l := range []lang.Lang{lang.EN, lang.ES} {
				le := ev.Localize(l)
				if le.Summary == "" || le.Meaning == "" || len(le.Causes) == 0 || len(le.Actions) == 0 || len(le.References) == 0 {
					t.Errorf("%s in %s: incomplete evaluation %+v", enh, l, le)
				}
				if !strings.Contains(le.Meaning, enh+":") {
					t.Errorf("%s in %s: meaning %q does not explain the enhanced code", enh, l, le.Meaning)
				}
			}
		}
	}
}

func TestParseKnowledgeRejectsBadData(t *testing.T) {
	good := `{"id":"a","code":250,"summary":{"en":"x","es":"y"}}`
	fallback := `{"id":"fb","fallback":true,"summary":{"en":"x","es":"y"}}`
	verdicts := `{"verdicts":{"v":{"title":{"en":"t","es":"t"}}},"steps":{}}`
	tests := []struct {
		name    string
		entries string
		want    string
	}{
		{"ok", good + "," + fallback, ""},
		{"unknown field", `{"id":"a","code":250,"colour":1}` + "," + fallback, "unknown field"},
		{"duplicate id", good + "," + good + "," + fallback, "already used"},
		{"bad regex", `{"id":"a","text":"(unclosed"}` + "," + fallback, "text rule"},
		{"class mismatch", `{"id":"a","code":550,"enhanced":"4.1.1"}` + "," + fallback, "disagree"},
		{"bad range", `{"id":"a","enhanced":"5.7.9-5.7.1"}` + "," + fallback, "range"},
		{"unknown step", `{"id":"a","code":250,"step":["helo2"]}` + "," + fallback, "unknown step"},
		{"unknown verdict", `{"id":"a","code":250,"verdict":"nope"}` + "," + fallback, "not in verdicts.json"},
		{"no fallback", good, "fallback"},
		{"failure without class", `{"id":"a","failure":"refused"}` + "," + fallback, "transient"},
		{"matches nothing", `{"id":"a"}` + "," + fallback, "matches nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"data/a.json":        {Data: []byte(`{"entries":[` + tt.entries + `]}`)},
				"data/verdicts.json": {Data: []byte(verdicts)},
			}
			_, err := parseKnowledge(fsys)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
