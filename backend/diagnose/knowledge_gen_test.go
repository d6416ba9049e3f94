package diagnose

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
)

// dataFS is the source of knowledge_gen.go. Only the tests and the
// generator read the JSON; the binary carries the generated literals.
//
//go:embed data/*.json
var dataFS embed.FS

// genFile is the generated file, relative to the package directory.
const genFile = "knowledge_gen.go"

var update = flag.Bool("update", false, "rewrite "+genFile+" from data/*.json (go generate ./backend/diagnose)")

// TestKnowledgeGenerated is the generator and its staleness check: it
// validates data/*.json with parseKnowledge, prints the result as Go, and
// compares it with the committed knowledge_gen.go (with -update, it writes
// the file instead).
func TestKnowledgeGenerated(t *testing.T) {
	src, err := generateKnowledge(dataFS)
	if err != nil {
		t.Fatalf("data/*.json: %v", err)
	}
	if *update {
		if err := os.WriteFile(genFile, src, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", genFile, len(src))
		return
	}
	have, err := os.ReadFile(genFile)
	if err != nil {
		t.Fatalf("%v; run go generate ./backend/diagnose", err)
	}
	if !bytes.Equal(have, src) {
		t.Fatalf("%s is stale (it differs from data/*.json from line %d); run go generate ./backend/diagnose",
			genFile, firstDiffLine(have, src))
	}
}

func firstDiffLine(a, b []byte) int {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}

// TestGeneratedMatchesData checks the printer: the knowledge compiled into
// the binary must equal what parseKnowledge reads from the JSON, field by
// field and in the same order (a field the printer forgot would pass the
// staleness check but fail here).
func TestGeneratedMatchesData(t *testing.T) {
	want, err := parseKnowledge(dataFS)
	if err != nil {
		t.Fatal(err)
	}
	have := generated()
	compare := func(kind string, have, want []*entry) {
		t.Helper()
		if len(have) != len(want) {
			t.Fatalf("%s: %d generated entries, %d in the data", kind, len(have), len(want))
		}
		for i := range want {
			h, w := *have[i], *want[i]
			if (h.rx == nil) != (w.rx == nil) {
				t.Errorf("%s %d (%s): text rule present %v, want %v", kind, i, w.ID, h.rx != nil, w.rx != nil)
			}
			h.rx, w.rx = nil, nil
			if !reflect.DeepEqual(h, w) {
				t.Errorf("%s %d: generated\n%+v\nwant\n%+v", kind, i, h, w)
			}
		}
	}
	compare("reply", have.replies, want.replies)
	compare("failure", have.failures, want.failures)
	if !reflect.DeepEqual(have.verdicts, want.verdicts) {
		t.Errorf("verdicts differ:\n%+v\nwant\n%+v", have.verdicts, want.verdicts)
	}
	if !reflect.DeepEqual(have.steps, want.steps) {
		t.Errorf("steps differ:\n%+v\nwant\n%+v", have.steps, want.steps)
	}
}

// TestGeneratorNamesBadEntry checks that a data error stops the generator
// and names the file and the entry, so that whoever edits the JSON can find
// it.
func TestGeneratorNamesBadEntry(t *testing.T) {
	fallback := `{"id":"fb","fallback":true,"summary":{"en":"x","es":"y"}}`
	verdicts := `{"verdicts":{},"steps":{}}`
	tests := []struct {
		name  string
		entry string
		want  []string
	}{
		{"unknown field", `{"id":"ms.x","code":250,"colour":1}`, []string{"data/a.json", `"ms.x"`, "unknown field"}},
		{"wrong type", `{"id":"ms.y","code":"250"}`, []string{"data/a.json", `"ms.y"`, "code"}},
		{"bad code", `{"id":"ms.z","code":650}`, []string{"data/a.json", "ms.z", "out of range"}},
		{"bad regexp", `{"id":"ms.r","text":"(?i)x["}`, []string{"data/a.json", "ms.r", "text rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"data/a.json":        {Data: []byte(`{"entries":[` + fallback + "," + tt.entry + `]}`)},
				"data/verdicts.json": {Data: []byte(verdicts)},
			}
			_, err := generateKnowledge(fsys)
			if err == nil {
				t.Fatal("generator accepted bad data")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// fresh returns the generated knowledge with no text rule compiled yet, as
// a new process sees it.
func fresh() *knowledge {
	k := generated()
	clone := func(es []*entry) []*entry {
		out := make([]*entry, len(es))
		for i, e := range es {
			c := *e
			if c.rx != nil {
				c.rx = new(lazyRegexp)
			}
			out[i] = &c
		}
		return out
	}
	k.replies, k.failures = clone(k.replies), clone(k.failures)
	return k
}

// TestLazyTextRules evaluates replies that reach text rules from several
// goroutines on knowledge whose rules are not compiled yet, while Preload's
// loop compiles them, and checks that every result equals the evaluation
// with every rule compiled first. Run with -race.
func TestLazyTextRules(t *testing.T) {
	texts := []string{
		"550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table",
		"550 Requested action not taken: no such user here",
		"554 Relay access denied",
		"451 Greylisted, please try again in 300 seconds",
		"554 the frobnicator declined",
		"250 mx.example says no such user is a problem",
	}
	var replies []*smtpwire.Reply
	want := map[string]Evaluation{}
	warm := fresh()
	for _, e := range warm.replies {
		if e.rx != nil {
			e.textRule()
		}
	}
	textRules := 0
	for _, s := range texts {
		r, err := ParseReply(s)
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r)
		ev := warm.evaluate("rcpt", r, Context{})
		want[s] = ev
		if slices.ContainsFunc(warm.replies, func(e *entry) bool { return e.ID == ev.Rule && e.tier == tierText }) {
			textRules++
		}
	}
	if textRules == 0 {
		t.Fatal("no reply was decided by a text rule")
	}
	cold := fresh()
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, e := range cold.replies {
			if e.rx != nil {
				e.textRule()
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for i, r := range replies {
				if have := cold.evaluate("rcpt", r, Context{}); !reflect.DeepEqual(have, want[texts[i]]) {
					t.Errorf("%q: lazy evaluation\n%+v\nwant\n%+v", texts[i], have, want[texts[i]])
				}
			}
		})
	}
	wg.Wait()
}

// generateKnowledge validates the data in fsys and returns knowledge_gen.go:
// the entries as Go literals, already ordered, with tiers and enhanced-code
// bounds worked out.
func generateKnowledge(fsys fs.FS) ([]byte, error) {
	k, err := parseKnowledge(fsys)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate ./backend/diagnose from data/*.json; DO NOT EDIT.

package diagnose

import "smtpprobe/backend/lang"

func init() { generated = generatedKnowledge }

// generatedKnowledge builds the lookup maps; the entries are static data.
func generatedKnowledge() *knowledge {
	return &knowledge{
		replies:  genReplies,
		failures: genFailures,
		verdicts: map[string]verdictInfo{
`)
	for _, key := range sortedKeys(k.verdicts) {
		v := k.verdicts[key]
		fmt.Fprintf(&b, "%s: {Title: %s, Severity: %s, Exit: %s},\n",
			strconv.Quote(key), goText(v.Title), strconv.Quote(string(v.Severity)), strconv.Quote(v.Exit))
	}
	b.WriteString("},\nsteps: map[string]lang.Text{\n")
	for _, key := range sortedKeys(k.steps) {
		fmt.Fprintf(&b, "%s: %s,\n", strconv.Quote(key), goText(k.steps[key]))
	}
	b.WriteString("},\n}\n}\n\n")
	b.WriteString("// genReplies are the reply entries in lookup order: by tier, then by\n// the number of constraints, then by data order.\nvar genReplies = []*entry{\n")
	for _, e := range k.replies {
		writeEntry(&b, e)
	}
	b.WriteString("}\n\n// genFailures are the failure entries in lookup order.\nvar genFailures = []*entry{\n")
	for _, e := range k.failures {
		writeEntry(&b, e)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w", err)
	}
	return src, nil
}

// tierNames spell the tiers in the generated file, for whoever reviews it.
var tierNames = map[int]string{
	tierStepCodeEnhanced: "tierStepCodeEnhanced",
	tierCodeEnhanced:     "tierCodeEnhanced",
	tierVendorEnhanced:   "tierVendorEnhanced",
	tierText:             "tierText",
	tierRegistry:         "tierRegistry",
	tierSubject:          "tierSubject",
	tierCode:             "tierCode",
	tierNoDetail:         "tierNoDetail",
	tierClass:            "tierClass",
	tierFallback:         "tierFallback",
}

// writeEntry prints one entry, fields in declaration order, zero values
// left out.
func writeEntry(b *bytes.Buffer, e *entry) {
	field := func(name, value string) { fmt.Fprintf(b, "%s: %s,\n", name, value) }
	b.WriteString("{\n")
	field("ID", strconv.Quote(e.ID))
	if e.Step != nil {
		field("Step", goStrings("[]string", e.Step))
	}
	if e.Code != 0 {
		field("Code", strconv.Itoa(e.Code))
	}
	if e.Class != 0 {
		field("Class", strconv.Itoa(e.Class))
	}
	if e.Enhanced != "" {
		field("Enhanced", strconv.Quote(e.Enhanced))
	}
	if e.Failure != "" {
		field("Failure", strconv.Quote(e.Failure))
	}
	if e.Text != "" {
		field("Text", strconv.Quote(e.Text))
	}
	if e.Software != nil {
		field("Software", goStrings("[]Software", e.Software))
	}
	for _, f := range []struct {
		name string
		v    *bool
	}{{"Auth", e.Auth}, {"TLS", e.TLS}, {"Transient", e.Transient}} {
		if f.v != nil {
			field(f.name, fmt.Sprintf("new(%t)", *f.v))
		}
	}
	if e.Fallback {
		field("Fallback", "true")
	}
	if e.Severity != "" {
		field("Severity", strconv.Quote(string(e.Severity)))
	}
	field("Summary", goText(e.Summary))
	if e.Meaning != (lang.Text{}) {
		field("Meaning", goText(e.Meaning))
	}
	for _, f := range []struct {
		name string
		ts   []lang.Text
	}{{"Causes", e.Causes}, {"Actions", e.Actions}} {
		if f.ts == nil {
			continue
		}
		fmt.Fprintf(b, "%s: []lang.Text{\n", f.name)
		for _, t := range f.ts {
			fmt.Fprintf(b, "%s,\n", goText(t))
		}
		b.WriteString("},\n")
	}
	if e.References != nil {
		field("References", goStrings("[]string", e.References))
	}
	if e.Verdict != "" {
		field("Verdict", strconv.Quote(e.Verdict))
	}
	field("file", strconv.Quote(e.file))
	field("order", strconv.Itoa(e.order))
	field("tier", tierNames[e.tier])
	if e.rx != nil {
		field("rx", "&lazyRegexp{}")
	}
	if e.lo != ([3]int{}) || e.hi != ([3]int{}) {
		field("lo", fmt.Sprintf("[3]int{%d, %d, %d}", e.lo[0], e.lo[1], e.lo[2]))
		field("hi", fmt.Sprintf("[3]int{%d, %d, %d}", e.hi[0], e.hi[1], e.hi[2]))
	}
	b.WriteString("},\n")
}

func goText(t lang.Text) string {
	return fmt.Sprintf("lang.Text{EN: %s, ES: %s}", strconv.Quote(t.EN), strconv.Quote(t.ES))
}

func goStrings[S ~string](typ string, ss []S) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(string(s))
	}
	return typ + "{" + strings.Join(q, ", ") + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
