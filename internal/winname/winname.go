// Package winname tells whether Windows accepts a file or folder name, so
// that the repository (and anything SMTP Probe names) can be checked out
// and created on Windows. The rules are those of Microsoft's "Naming Files,
// Paths, and Namespaces": reserved device names, forbidden characters and
// a trailing space or dot.
package winname

import (
	"fmt"
	"strings"
)

// reserved are the device names Windows refuses as a file name, with or
// without an extension ("nul.txt" is the NUL device too). COM and LPT with
// a superscript digit are reserved as well.
var reserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}

func init() {
	for _, d := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
		reserved["COM"+d] = true
		reserved["LPT"+d] = true
	}
}

// Problem says why Windows refuses name (one path component), or returns
// "" when it accepts it.
func Problem(name string) string {
	if name == "" {
		return "empty name"
	}
	for _, r := range name {
		switch {
		case r < 0x20:
			return fmt.Sprintf("control character %U", r)
		case strings.ContainsRune(`<>:"/\|?*`, r):
			return fmt.Sprintf("character %q", r)
		}
	}
	if name != "." && name != ".." && strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "ends with a dot or a space"
	}
	// The device check looks at the part before the first dot, with
	// trailing spaces ignored, as Windows does: "NUL .txt" is NUL.
	stem, _, _ := strings.Cut(name, ".")
	if reserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		return "reserved device name " + strings.ToUpper(strings.TrimRight(stem, " "))
	}
	return ""
}

// PathProblem is Problem for each "/"-separated component of path (a
// repository path as git prints it), naming the first one refused.
func PathProblem(path string) string {
	for _, c := range strings.Split(path, "/") {
		if p := Problem(c); p != "" {
			return fmt.Sprintf("%q: %s", c, p)
		}
	}
	return ""
}
