package desktop

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/report"
	"smtpprobe/backend/session"
)

// recordingDialogs answers the save dialog with a file in dir and keeps
// what the app proposed.
type recordingDialogs struct {
	dir         string
	answer      string // file name to answer with; "" means the proposed one
	cancel      bool
	title, name string
	pattern     string
}

func (d *recordingDialogs) SaveFile(title, name, pattern string) (string, error) {
	d.title, d.name, d.pattern = title, name, pattern
	if d.cancel {
		return "", nil
	}
	if d.answer != "" {
		return filepath.Join(d.dir, d.answer), nil
	}
	return filepath.Join(d.dir, name), nil
}

func (d *recordingDialogs) OpenFile(string, string) (string, error) { return "", nil }

// runReal runs one session against a loopback receiver, so exports render
// a Result the engine really produced.
func runReal(t *testing.T, a *Services, id string, mutate func(*TestRequest)) RunResult {
	t.Helper()
	_, host, port := startReceiver(t, receiver.Config{})
	req := baseRequest(host, port)
	if mutate != nil {
		mutate(&req)
	}
	res, err := a.Sessions.StartTest(id, req)
	if err != nil || !res.OK {
		t.Fatalf("StartTest = %+v, %v", res, err)
	}
	return res
}

// Every format of the Export menu writes the Go copy of the result through
// report.WriteAll, under the proposed name smtpprobe-<host>-<time>.<ext>.
func TestExportResultEveryFormat(t *testing.T) {
	a, _ := newTestApp(t)
	runReal(t, a, "exp-1", nil)
	namePat := regexp.MustCompile(`^smtpprobe-127\.0\.0\.1-\d{8}-\d{6}\.(txt|html|json|raw)$`)
	for _, tc := range []struct {
		format, ext string
		check       func(t *testing.T, b []byte)
	}{
		{"text", ".txt", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), "RCPT TO:<user@contoso.test>") {
				t.Errorf("text report lacks the RCPT line:\n%.400s", b)
			}
		}},
		{"html", ".html", func(t *testing.T, b []byte) {
			s := strings.ToLower(string(b))
			if !strings.HasPrefix(strings.TrimSpace(s), "<!doctype html") || !strings.Contains(s, "rcpt to:&lt;user@contoso.test&gt;") {
				t.Errorf("HTML report = %.400s", b)
			}
		}},
		{"json", ".json", func(t *testing.T, b []byte) {
			var r session.Result
			if err := json.Unmarshal(b, &r); err != nil || !r.OK || len(r.Transcript) == 0 {
				t.Errorf("JSON report does not decode as a Result: %v\n%.400s", err, b)
			}
		}},
		{"raw", ".raw", func(t *testing.T, b []byte) {
			// RFC 5321 §2.3.8: the wire uses CRLF; the raw export keeps it.
			if !strings.Contains(string(b), "EHLO probe.fabrikam.test\r\n") {
				t.Errorf("raw export lacks the EHLO line with CRLF:\n%q", b)
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			d := &recordingDialogs{dir: t.TempDir()}
			a.Exports.dialogs = d
			path, err := a.Exports.ExportResult("exp-1", tc.format, "en")
			if err != nil {
				t.Fatal(err)
			}
			if !namePat.MatchString(d.name) || !strings.HasSuffix(d.name, tc.ext) || d.pattern != "*"+tc.ext {
				t.Errorf("proposed %q (%q)", d.name, d.pattern)
			}
			if path != filepath.Join(d.dir, d.name) {
				t.Errorf("path = %q", path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, b)
			// Atomic write: no temporary file is left next to the report.
			if ents, _ := os.ReadDir(d.dir); len(ents) != 1 {
				t.Errorf("%d files in the folder, want 1", len(ents))
			}
		})
	}
}

func TestExportResultRefusals(t *testing.T) {
	a, _ := newTestApp(t)
	// The call's language decides, not the settings file.
	if err := a.Settings.SaveSettings(UserSettings{Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	d := &recordingDialogs{dir: t.TempDir()}
	a.Exports.dialogs = d
	if _, err := a.Exports.ExportResult("nope", "html", "es"); err == nil || !strings.Contains(err.Error(), "No hay resultado") {
		t.Errorf("unknown session: %v (want a Spanish explanation)", err)
	}
	runReal(t, a, "exp-2", nil)
	if _, err := a.Exports.ExportResult("exp-2", "pdf\r\nx", "es"); err == nil || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("unknown format: %v (want an error with the value escaped)", err)
	}
	if d.name != "" {
		t.Error("the dialog opened for a refused export")
	}

	d.cancel = true
	if path, err := a.Exports.ExportResult("exp-2", "text", "es"); path != "" || err != nil {
		t.Errorf("cancelled dialog = %q, %v", path, err)
	}

	// A name typed without the extension still gets the chosen format.
	d.cancel, d.answer = false, "informe"
	path, err := a.Exports.ExportResult("exp-2", "json", "es")
	if err != nil || filepath.Base(path) != "informe.json" || !json.Valid(mustRead(t, path)) {
		t.Errorf("typed name without extension = %q, %v", path, err)
	}
	// So does one with another format's extension: the menu item decides.
	d.answer = "informe.txt"
	path, err = a.Exports.ExportResult("exp-2", "html", "es")
	if err != nil || filepath.Base(path) != "informe.txt.html" {
		t.Errorf("typed name with .txt for HTML = %q, %v", path, err)
	}

	// A folder that does not exist is an error in the UI language.
	d.dir = filepath.Join(d.dir, "missing")
	d.answer = ""
	if _, err := a.Exports.ExportResult("exp-2", "text", "es"); err == nil || !strings.Contains(err.Error(), "No se pudo guardar") {
		t.Errorf("unwritable folder: %v", err)
	}

	a.Exports.dialogs = nil
	if _, err := a.Exports.ExportResult("exp-2", "text", "es"); err == nil {
		t.Error("export without a window succeeded")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Only the last keptResults sessions stay exportable, so a long day of runs
// does not keep every transcript in memory.
func TestResultCacheKeepsTheLast(t *testing.T) {
	var c resultCache
	for i := range keptResults + 2 {
		c.put(fmt.Sprint(i), []*session.Result{{}})
	}
	c.put(fmt.Sprint(keptResults+1), []*session.Result{{}}) // a repeat does not evict
	if c.get("0") != nil || c.get("1") != nil {
		t.Error("the oldest sessions were kept")
	}
	for i := 2; i < keptResults+2; i++ {
		if c.get(fmt.Sprint(i)) == nil {
			t.Errorf("session %d was dropped", i)
		}
	}
}

// The test-only save folder of the end-to-end harness bypasses the dialog
// and keeps only the base of the proposed name.
func TestSaveDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(SaveDirEnv, dir)
	got, err := E2EDialogs(nil).SaveFile("x", "../../evil/smtpprobe-a.html", "*.html")
	if err != nil || got != filepath.Join(dir, "smtpprobe-a.html") {
		t.Errorf("SaveFile = %q, %v", got, err)
	}
}

// The sentinel: a profile with an AUTH user whose password is in the
// keyring never leaks it into a copied swaks command or telnet script
// (the profile holds only a reference; the copies carry placeholders).
func TestCopyAsNeverLeaksTheSecret(t *testing.T) {
	a, _ := newTestApp(t)
	const secret = "Sentinel-P4ss-7f3a"
	p := profile.New("Relay with login")
	p.Target = profile.Target{Host: "smtp.contoso.test", Port: 587, TLS: profile.TLSStartTLS}
	p.Envelope = profile.Envelope{From: "admin@contoso.test", To: []string{"user@fabrikam.test"}}
	p.Auth = profile.Auth{Mechanism: "PLAIN", User: "admin@contoso.test"}
	p.Message = profile.Message{Subject: "Test", Body: "Hello"}
	saved, err := a.Profiles.SaveProfile(p, secret, "en")
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := a.Profiles.GetProfile(saved.Profile.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	swaks, err := a.Exports.CopyAsSwaks(loaded, "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(swaks, secret) || !strings.Contains(swaks, report.PasswordPlaceholder) || !strings.Contains(swaks, "--auth-user") {
		t.Errorf("swaks = %s", swaks)
	}
	for _, l := range []string{"en", "es"} {
		script, err := a.Exports.CopyAsTelnet(loaded, l)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(script, secret) || !strings.Contains(script, "AUTH") {
			t.Errorf("telnet (%s) = %s", l, script)
		}
		if want := report.TelnetScript(loaded, lang.Lang(l)); script != want {
			t.Errorf("telnet (%s) differs from report.TelnetScript", l)
		}
	}
}

// RFC 5321 §4.1.1: a CR/LF smuggled into a form field must not become a
// second command line in what the user pastes.
func TestCopyAsHostileForm(t *testing.T) {
	a, _ := newTestApp(t)
	p := profile.Profile{}
	p.Target.Host = "mx.contoso.test\r\nQUIT"
	p.Envelope.To = []string{"user@contoso.test\r\nRCPT TO:<x@evil.test>"}
	swaks, err := a.Exports.CopyAsSwaks(p, "en")
	if err != nil || strings.ContainsAny(swaks, "\r\n") {
		t.Errorf("swaks = %q, %v", swaks, err)
	}
	script, err := a.Exports.CopyAsTelnet(p, "en")
	if err != nil {
		t.Fatal(err)
	}
	quits := 0
	for _, line := range strings.Split(script, "\n") {
		if strings.TrimSpace(line) == "QUIT" {
			quits++
		}
		if strings.HasPrefix(line, "RCPT TO:<x@evil") || strings.Contains(line, "\r") {
			t.Errorf("telnet script has an injected line %q", line)
		}
	}
	if quits != 1 {
		t.Errorf("%d QUIT lines in the telnet script, want 1:\n%s", quits, script)
	}
	p.Message.Body = strings.Repeat("x", profile.MaxBody+1)
	if _, err := a.Exports.CopyAsSwaks(p, "en"); err == nil {
		t.Error("an oversize body was copied")
	}
}

// The advanced options reach the engine: RFC 5321 §4.5.3.2 timeouts as Go
// durations (command also bounds MAIL, RCPT and DATA), pipelining
// (RFC 2920) and chunking (RFC 3030).
func TestBuildOptionsAdvanced(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   profile.Timeouts
		errs []string
	}{
		{"empty takes the defaults", profile.Timeouts{}, nil},
		{"valid durations", profile.Timeouts{Connect: "5s", Banner: "1m", Command: "90s", DataBlock: "2m", FinalDot: " 10m "}, nil},
		{"not a duration", profile.Timeouts{Connect: "5", Banner: "soon"}, []string{"timeoutConnect", "timeoutBanner"}},
		{"zero and negative", profile.Timeouts{Command: "0s", DataBlock: "-1s"}, []string{"timeoutCommand", "timeoutDataBlock"}},
		{"beyond the profile limit", profile.Timeouts{FinalDot: "25h"}, []string{"timeoutFinalDot"}},
		{"line break injected", profile.Timeouts{Connect: "5s\r\nQUIT"}, []string{"timeoutConnect"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := baseRequest("127.0.0.1", 25)
			req.Timeouts = tc.in
			req.Pipelining, req.Chunking = true, true
			o, errs := buildOptions(req, lang.ES)
			if len(errs) != len(tc.errs) {
				t.Fatalf("errors = %v, want %v", errs, tc.errs)
			}
			for _, f := range tc.errs {
				if !strings.Contains(errs[f], "duración") || strings.Contains(errs[f], "0m0s") {
					t.Errorf("%s: %q (want a Spanish explanation)", f, errs[f])
				}
			}
			if tc.errs != nil {
				return
			}
			if !o.Pipelining || !o.Chunking {
				t.Error("pipelining/chunking not passed on")
			}
			if tc.in.Command != "" && (o.Timeouts.Command.String() != "1m30s" || o.Timeouts.Mail != o.Timeouts.Command ||
				o.Timeouts.Rcpt != o.Timeouts.Command || o.Timeouts.Data != o.Timeouts.Command ||
				o.Timeouts.Connect.String() != "5s" || o.Timeouts.FinalDot.String() != "10m0s") {
				t.Errorf("timeouts = %+v", o.Timeouts)
			}
			if tc.in.Command == "" && o.Timeouts != (session.Timeouts{}) {
				t.Errorf("empty fields set timeouts %+v", o.Timeouts)
			}
		})
	}
}

// With chunking on, the message really goes with BDAT (RFC 3030 §2) to a
// server offering CHUNKING, and a bad timeout stops the run before a byte
// is sent.
func TestStartTestChunkingAndTimeoutErrors(t *testing.T) {
	a, _ := newTestApp(t)
	res := runReal(t, a, "adv-1", func(r *TestRequest) {
		r.Chunking, r.Pipelining = true, true
		r.Timeouts = profile.Timeouts{Connect: "5s", Command: "10s"}
	})
	var sawBDAT bool
	for _, e := range res.Transcript {
		sawBDAT = sawBDAT || (e.Dir == "C" && strings.HasPrefix(e.Text, "BDAT "))
	}
	if !sawBDAT {
		t.Errorf("no BDAT in the transcript: %+v", res.Transcript)
	}

	_, host, port := startReceiver(t, receiver.Config{})
	req := baseRequest(host, port)
	req.Timeouts.Banner = "forever"
	bad, err := a.Sessions.StartTest("adv-2", req)
	if err != nil || bad.FieldErrors["timeoutBanner"] == "" || len(bad.Transcript) != 0 || bad.ExitCode != 2 {
		t.Errorf("bad timeout = %+v, %v", bad, err)
	}
}

// The wizard shows the engine's defaults as placeholders; this keeps the
// copy in frontend/src/stores/form.ts from drifting from
// session.DefaultTimeouts.
func TestWizardTimeoutPlaceholdersMatchEngine(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "frontend", "src", "stores", "form.ts"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`DEFAULT_TIMEOUTS: Timeouts = \{([^}]*)\}`).FindSubmatch(b)
	if m == nil {
		t.Fatal("DEFAULT_TIMEOUTS not found in form.ts")
	}
	got := map[string]string{}
	for _, kv := range regexp.MustCompile(`(\w+): "([^"]*)"`).FindAllSubmatch(m[1], -1) {
		got[string(kv[1])] = string(kv[2])
	}
	d := session.DefaultTimeouts
	for k, want := range map[string]time.Duration{
		"connect": d.Connect, "banner": d.Banner, "command": d.Command, "dataBlock": d.DataBlock, "finalDot": d.FinalDot,
	} {
		v, err := time.ParseDuration(got[k])
		if err != nil || v != want {
			t.Errorf("placeholder %s = %q, engine default %s", k, got[k], want)
		}
	}
}
