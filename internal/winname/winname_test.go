package winname

import (
	"os/exec"
	"strings"
	"testing"
)

// The cases follow Microsoft's "Naming Files, Paths, and Namespaces"
// (learn.microsoft.com, fileio/naming-a-file).
func TestProblem(t *testing.T) {
	tests := []struct {
		name string
		bad  bool
	}{
		{"nul-byte", false},
		{"README.md", false},
		{"consent.go", false},
		{"COM10", false},
		{"auxiliary", false},
		{".gitkeep", false},
		{"..", false},
		{"Ñandú.json", false},
		{"nul", true},
		{"NUL", true},
		{"nul.txt", true},
		{"Con.tar.gz", true},
		{"prn", true},
		{"aux.json", true},
		{"com1", true},
		{"LPT9.log", true},
		{"COM¹", true},
		{"nul .txt", true},
		{"a:b", true},
		{"what?", true},
		{"star*", true},
		{`back\slash`, true},
		{"pipe|", true},
		{`quote"`, true},
		{"<tag>", true},
		{"tab\tname", true},
		{"trailing.", true},
		{"trailing ", true},
		{"", true},
	}
	for _, tt := range tests {
		if got := Problem(tt.name); (got != "") != tt.bad {
			t.Errorf("Problem(%q) = %q, want refused=%v", tt.name, got, tt.bad)
		}
	}
	if got := PathProblem("backend/address/testdata/fuzz/FuzzNormalizeDomain/nul"); !strings.Contains(got, "reserved device name NUL") {
		t.Errorf("PathProblem of a nested nul = %q", got)
	}
}

// Every path in the repository can be checked out on Windows: no component
// is refused, and no two paths differ only in letter case (NTFS folders are
// case-insensitive, so one would overwrite the other).
func TestRepositoryTree(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z", "--full-name", "--cached", "--others", "--exclude-standard", "--", ":/").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(files) < 100 {
		t.Fatalf("git ls-files listed %d files; is this the repository?", len(files))
	}
	seen := map[string]string{}
	for _, f := range files {
		if p := PathProblem(f); p != "" {
			t.Errorf("%s: Windows refuses %s", f, p)
		}
		// During a merge ls-files lists a conflicted path once per stage.
		if other, ok := seen[strings.ToLower(f)]; ok && other != f {
			t.Errorf("%s and %s differ only in case", f, other)
		}
		seen[strings.ToLower(f)] = f
	}
}
