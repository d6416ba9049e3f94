package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"smtpprobe/internal/desktop"
	"strings"
	"testing"
)

const (
	goSrc  = "../events.go"
	genTS  = "../../../frontend/src/api/events.gen.ts"
	srcDir = "../../../frontend/src"
)

// frontendSources returns the frontend's own non-test sources, the
// generated events file excluded.
func frontendSources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(srcDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if (!strings.HasSuffix(name, ".ts") && !strings.HasSuffix(name, ".tsx")) ||
			strings.Contains(name, ".test.") || filepath.Clean(p) == filepath.Clean(genTS) {
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no frontend sources under %s", srcDir)
	}
	return out
}

// The committed TypeScript is what the generator makes of events.go now.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := generate(goSrc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(genTS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go generate ./internal/desktop", genTS)
	}
}

// The frontend spells no event name itself (it imports events.gen.ts),
// and listens to every event Go emits: an event nobody listens to is
// removed from events.go, not left to rot.
func TestFrontendUsesEveryEventByItsConstant(t *testing.T) {
	evs, err := events(goSrc)
	if err != nil {
		t.Fatal(err)
	}
	srcs := frontendSources(t)
	for _, e := range evs {
		// The fixed start of the name ("session:", "receiver:changed") in
		// a string or template literal means a hand-written name.
		head, _, _ := strings.Cut(e.value, "{id}")
		used := false
		for p, s := range srcs {
			for _, q := range []string{`"`, "'", "`"} {
				if strings.Contains(s, q+head) {
					t.Errorf("%s spells event %q by hand; import %s from api/events.gen", p, e.value, e.name)
				}
			}
			used = used || strings.Contains(s, e.name)
		}
		if !used {
			t.Errorf("no frontend code listens to %s (%q): remove it from events.go or use it", e.name, e.value)
		}
	}
}

// Only exported Event* string constants become frontend names.
func TestEventsPicksTheEventConstants(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "e.go")
	code := "package x\n\nconst (\n\t// EventA is a.\n\tEventA = \"a:{id}:b\"\n\teventB = \"b\"\n\tEventN = 3\n\tOther = \"o\"\n\tEventC = EventA + \":c\"\n)\n"
	if err := os.WriteFile(src, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"// EventA is a.\nexport const EventA = (id: string): string => \"a:\" + id + \":b\";\n",
		"export const EventC = (id: string): string => \"a:\" + id + \":b:c\";\n",
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, no := range []string{"eventB", "EventN", "Other"} {
		if bytes.Contains(got, []byte(no)) {
			t.Errorf("output holds %s:\n%s", no, got)
		}
	}
	if err := os.WriteFile(src, []byte("package x\n\nconst Other = \"o\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(src); err == nil {
		t.Error("a file without events generated something")
	}
}

// The generated payload interface has exactly the keys encoding/json
// writes for a real StepEvent, so the frontend reads what Go sends.
func TestPayloadInterfaceMatchesJSON(t *testing.T) {
	b, err := json.Marshal(desktop.StepEvent{Host: "mx.test", Index: 1})
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	iface, err := tsInterface(reflect.TypeFor[desktop.StepEvent]())
	if err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !strings.Contains(iface, "\n  "+k+": ") && !strings.Contains(iface, "\n  "+k+"?: ") {
			t.Errorf("JSON key %q is not in the interface:\n%s", k, iface)
		}
	}
	if n := strings.Count(iface, ";\n"); n != len(keys) {
		t.Errorf("interface has %d fields, JSON %d keys:\n%s", n, len(keys), iface)
	}
	if _, err := tsType(reflect.TypeFor[map[string]int]()); err == nil {
		t.Error("a map type was accepted; payload types must map exactly")
	}
}
