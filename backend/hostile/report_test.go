package hostile_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/report"
	"smtpprobe/backend/session"
)

// TestReportsOfHostileSession runs a real session against a server whose
// replies carry markup, terminal escapes, NUL, bare bidi overrides and
// invalid UTF-8, and exports it: the HTML report keeps them inert, the text
// report escaped, and the raw export byte-exact.
func TestReportsOfHostileSession(t *testing.T) {
	bannerLine := "220 mx\x00.test <script>alert(1)</script> \x1b]0;pwned\x07 \u202etxt.exe \xff end\r\n"
	rcptLine := "550 5.1.1 <img src=x onerror=alert(2)> \x1b[2J no such user\r\n"
	srv := scriptserver.Start(t, join([]S{send(bannerLine)}, ehlo, mail, []S{expect("RCPT"), send(rcptLine)}, quit)...)
	r := run(t, context.Background(), opts(srv))
	want{failed: session.StepRcpt, exit: exitcode.Permanent}.check(t, r)

	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		var b bytes.Buffer
		if err := report.HTML(&b, r, report.Options{Lang: l}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, bad := range []string{"<script", "<img", "\x00", "\x1b", "\x07", "\u202e", "\xff"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s HTML report contains %q", l, bad)
			}
		}
		if !strings.Contains(out, "&lt;script&gt;") && !strings.Contains(out, "&lt;script>") {
			t.Errorf("%s HTML report does not show the server's <script> as text", l)
		}
		b.Reset()
		if err := report.Text(&b, r, report.Options{Lang: l}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if !displaySafe(strings.ReplaceAll(line, "\t", " ")) {
				t.Errorf("%s text report line is not display-safe: %q", l, line)
			}
		}
	}
	var raw bytes.Buffer
	if err := report.Raw(&raw, r); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{bannerLine, rcptLine} {
		if !bytes.Contains(raw.Bytes(), []byte(line)) {
			t.Errorf("raw export lacks the exact bytes %q", line)
		}
	}
}
