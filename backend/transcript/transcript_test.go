package transcript

import "testing"

func TestEscape(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain ASCII", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK"},
		{"UTF-8 kept", "250 Éste es un mensaje", "250 Éste es un mensaje"},
		{"NUL", "220 a\x00b", `220 a\x00b`},
		{"ESC sequence", "220 \x1b[31mred", `220 \x1B[31mred`},
		{"bare CR", "220 a\rb", `220 a\rb`},
		{"LF", "a\nb", `a\nb`},
		{"tab", "a\tb", `a\tb`},
		{"DEL", "a\x7fb", `a\x7Fb`},
		{"invalid UTF-8", "a\xff\xfeb", `a\xFF\xFEb`},
		{"truncated UTF-8", "a\xc3", `a\xC3`},
		{"RTL override", "abc\u202Edef", `abc\u{202E}def`},
		{"zero width space", "a\u200Bb", `a\u{200B}b`},
		{"C1 control", "a\u0085b", `a\u{0085}b`},
		{"line separator", "a\u2028b", `a\u{2028}b`},
		{"backslash doubled", `a\x00`, `a\\x00`},
		{"literal replacement char", "a\uFFFDb", `a\u{FFFD}b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapeString(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A path keeps its backslashes single (Windows separators are for people to
// read), while control bytes and format characters are still escaped.
func TestEscapePath(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Windows path", `C:\Users\kate\AppData\Roaming\SMTP Probe\run.html`, `C:\Users\kate\AppData\Roaming\SMTP Probe\run.html`},
		{"UNC path", `\\fs01\share\log.txt`, `\\fs01\share\log.txt`},
		{"Unix path", "/home/kate/run.html", "/home/kate/run.html"},
		{"LF in a name", "/tmp/a\nb", `/tmp/a\nb`},
		{"ESC in a name", `C:\x\` + "\x1b[2J", `C:\x\\x1B[2J`},
		{"RTL override", "C:\\lmth.\u202Eexe", `C:\lmth.\u{202E}exe`},
		{"invalid UTF-8", "C:\\\xff", `C:\\xFF`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapePath(tt.in); got != tt.want {
				t.Errorf("EscapePath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
