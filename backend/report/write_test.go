package report

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/version"
)

func TestFormatFor(t *testing.T) {
	tests := []struct {
		path string
		want Format
		ok   bool
	}{
		{"session.txt", FormatText, true},
		{"C:\\tickets\\SESSION.LOG", FormatText, true},
		{"a/b.json", FormatJSON, true},
		{"r.HTML", FormatHTML, true},
		{"r.htm", FormatHTML, true},
		{"r.raw", FormatRaw, true},
		{"r.eml", "", false},
		{"r", "", false},
		{"r.txt.exe", "", false},
	}
	for _, tt := range tests {
		got, err := FormatFor(tt.path)
		if tt.ok {
			if err != nil || got != tt.want {
				t.Errorf("FormatFor(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
			}
			continue
		}
		var fe *FormatError
		if !errors.Is(err, ErrUnknownFormat) || !errors.As(err, &fe) {
			t.Errorf("FormatFor(%q) err = %v, want a *FormatError", tt.path, err)
			continue
		}
		if !strings.Contains(fe.Localize(lang.ES), "use .txt o .log") || !strings.Contains(fe.Error(), "use .txt or .log") {
			t.Errorf("FormatFor(%q): explanation %q / %q", tt.path, fe.Error(), fe.Localize(lang.ES))
		}
	}
}

// TestWrite checks that Write picks the format from the extension,
// replaces an older file whole, and leaves no temporary file behind.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	r := hostileResult()
	for _, name := range []string{"a.txt", "a.log", "a.json", "a.html", "a.htm", "a.raw"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Repeat("old ", 100000)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, r, Options{Lang: lang.EN}); err != nil {
			t.Fatalf("Write %s: %v", name, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(got), "old old") {
			t.Errorf("%s still holds the old content", name)
		}
		f, _ := FormatFor(path)
		var want strings.Builder
		if err := Render(&want, f, r, Options{Lang: lang.EN}); err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Errorf("%s: file differs from Render(%s)", name, f)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 6 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want the six reports only", names)
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "r.pdf"), hostileResult(), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unknown extension: err = %v", err)
	}
	if err := Write(filepath.Join(dir, "missing", "r.txt"), hostileResult(), Options{}); err == nil || !strings.Contains(err.Error(), "r.txt") {
		t.Errorf("missing folder: err = %v, want one naming the file", err)
	}
	if err := Write(filepath.Join(dir, "r.txt"), nil, Options{}); err == nil {
		t.Error("nil result: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed writes left %d files", len(entries))
	}
}

// TestWriteAll checks the every-MX export: a JSON array, one HTML page with
// a section per host, text reports under a separator.
func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	a, b := hostileResult(), hostileResult()
	b.Server.Host = "mx2.test"
	rs := []*session.Result{a, b}
	read := func(name string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := WriteAll(path, rs, Options{Lang: lang.EN}); err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	var arr []session.Result
	if err := json.Unmarshal([]byte(read("all.json")), &arr); err != nil || len(arr) != 2 || arr[1].Server.Host != "mx2.test" {
		t.Errorf("JSON: %d results, err %v", len(arr), err)
	}
	page := read("all.html")
	if n := strings.Count(page, "<section>"); n != 2 || strings.Count(page, "<html") != 1 {
		t.Errorf("HTML: %d sections", n)
	}
	if !strings.Contains(page, "mx2.test") || strings.Contains(page, "<script") {
		t.Error("HTML: second host missing or markup not escaped")
	}
	text := read("all.txt")
	if strings.Count(text, "SMTP Probe "+version.Version) != 2 || !strings.Contains(text, strings.Repeat("=", 72)) {
		t.Errorf("text: not two reports under a separator:\n%s", text)
	}
	if err := WriteAll(filepath.Join(dir, "none.txt"), nil, Options{}); err == nil {
		t.Error("no results: no error")
	}
}
