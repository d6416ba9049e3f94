package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
)

// saveTestProfile stores a profile that targets addr in a fresh store and
// returns the store folder and the profile.
func saveTestProfile(t *testing.T, addr string, mod func(*profile.Profile)) (string, profile.Profile) {
	t.Helper()
	dir := t.TempDir()
	p := profile.New("Contoso to Fabrikam")
	p.Target = profile.Target{Host: addr, TLS: profile.TLSNone}
	p.Envelope = profile.Envelope{EHLO: "probe.contoso.test", From: "admin@contoso.test", To: []string{"kate@fabrikam.test"}}
	p.Message = profile.Message{Subject: "From the profile", Body: "profile body\n", Headers: []profile.Header{{Name: "X-Profile", Value: "yes"}}}
	p.Timeouts = profile.Timeouts{Connect: "5s", Command: "10s"}
	if mod != nil {
		mod(&p)
	}
	saved, err := profile.NewStore(dir).Save(p)
	if err != nil {
		t.Fatalf("save profile: %v", err)
	}
	return dir, saved
}

func decodeResult(t *testing.T, out string) session.Result {
	t.Helper()
	var r session.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not a JSON result: %v\n%s", err, out)
	}
	return r
}

func sentCommands(r session.Result) []string {
	var out []string
	for _, e := range r.Transcript {
		if e.Dir == "C" && (strings.HasPrefix(e.Text, "EHLO") || strings.HasPrefix(e.Text, "MAIL") || strings.HasPrefix(e.Text, "RCPT")) {
			out = append(out, e.Text)
		}
	}
	return out
}

// TestSendProfileSources runs a saved profile found by name, by id and as
// an exported file, each against a real go-smtp server on loopback.
func TestSendProfileSources(t *testing.T) {
	addr, be, _ := startSendServer(t)
	dir, p := saveTestProfile(t, addr, nil)
	file := filepath.Join(t.TempDir(), "exported.json")
	if err := profile.NewStore(dir).Export(p.ID, file); err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]string{
		{"--profile", "contoso TO fabrikam", "--profile-dir", dir}, // names match without regard to case
		{"--profile", p.ID, "--profile-dir", dir},
		{"--profile", file, "--profile-dir", filepath.Join(t.TempDir(), "unused")},
	} {
		code, out, errOut := runSendCLI(append(src, "--json")...)
		if code != exitcode.OK {
			t.Fatalf("%v: exit %d\n%s\n%s", src, code, out, errOut)
		}
		got := sentCommands(decodeResult(t, out))
		want := []string{"EHLO probe.contoso.test", "MAIL FROM:<admin@contoso.test> SIZE=", "RCPT TO:<kate@fabrikam.test>"}
		if len(got) != 3 || got[0] != want[0] || !strings.HasPrefix(got[1], want[1]) || got[2] != want[2] {
			t.Errorf("%v: commands %q", src, got)
		}
	}
	// A profile file is read in place: nothing is created in the
	// temporary folder, so nothing can be left there when a removal fails
	// (a virus scanner holding the copy on Windows).
	tmp := t.TempDir()
	for _, v := range []string{"TMPDIR", "TMP", "TEMP"} {
		t.Setenv(v, tmp)
	}
	if code, out, errOut := runSendCLI("--profile", file, "--profile-dir", filepath.Join(t.TempDir(), "unused"), "--json"); code != exitcode.OK {
		t.Fatalf("--profile FILE: exit %d\n%s\n%s", code, out, errOut)
	}
	if des, err := os.ReadDir(tmp); err != nil || len(des) != 0 {
		t.Errorf("send --profile FILE left %d entries in the temporary folder (%v)", len(des), err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	for _, d := range be.datas {
		if !strings.Contains(d, "Subject: From the profile") || !strings.Contains(d, "X-Profile: yes") || !strings.Contains(d, "profile body") {
			t.Errorf("message does not come from the profile:\n%s", d)
		}
	}
}

// TestSendProfileOverride checks that flags given on the command line win
// over the profile, repeatable ones included (--to replaces the profile's
// recipients, it does not add to them), and --body-file replaces its body.
func TestSendProfileOverride(t *testing.T) {
	addr, be, _ := startSendServer(t)
	dir, _ := saveTestProfile(t, addr, func(p *profile.Profile) {
		p.Envelope.To = []string{"kate@fabrikam.test", "luis@fabrikam.test"}
		p.Envelope.DSN = profile.DSN{Notify: []string{"success", "failure"}}
	})
	bodyFile := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(bodyFile, []byte("body from the file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSendCLI("--profile", "Contoso to Fabrikam", "--profile-dir", dir,
		"--to", "other@fabrikam.test", "--from", "<>", "--header", "From: <admin@contoso.test>", "--helo", "cli.contoso.test", "--body-file", bodyFile, "--json")
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	r := decodeResult(t, out)
	got := sentCommands(r)
	if len(got) != 3 || got[0] != "EHLO cli.contoso.test" || !strings.HasPrefix(got[1], "MAIL FROM:<> ") ||
		got[2] != "RCPT TO:<other@fabrikam.test>" {
		t.Errorf("commands %q", got)
	}
	// The profile's NOTIFY still applies; this server does not offer DSN,
	// so the engine says it left NOTIFY out (RFC 3461 §4).
	dsnWarned := false
	for _, w := range r.Warnings {
		dsnWarned = dsnWarned || w.Code == "dsn-not-offered"
	}
	if !dsnWarned {
		t.Errorf("warnings %+v, want dsn-not-offered from the profile's NOTIFY", r.Warnings)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.datas) != 1 || !strings.Contains(be.datas[0], "body from the file") || strings.Contains(be.datas[0], "profile body") {
		t.Errorf("message: %q", be.datas)
	}
}

// TestSendSaveProfile saves the settings of a run, then runs the saved
// profile alone and checks that it repeats the same session.
func TestSendSaveProfile(t *testing.T) {
	addr, _, _ := startSendServer(t)
	dir := t.TempDir()
	args := []string{"--server", addr, "--from", "admin@contoso.test", "--to", "kate@fabrikam.test", "--to", "luis@fabrikam.test",
		"--helo", "probe.contoso.test", "--notify", "success,failure", "--subject", "Saved run", "--body", "hello\n",
		"--header", "X-A: 1, 2", "--stop-after", "rcpt", "--timeout-command", "20s", "--dns-server", "127.0.0.1:5353",
		"--save-profile", "Nightly check", "--profile-dir", dir, "--json", "--lang", "es"}
	code, first, errOut := runSendCLI(args...)
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s\n%s", code, first, errOut)
	}
	if !strings.Contains(errOut, `Perfil "Nightly check" guardado`) {
		t.Errorf("no Spanish confirmation on stderr: %s", errOut)
	}
	entries, err := profile.NewStore(dir).List()
	if err != nil || len(entries) != 1 || entries[0].Profile == nil {
		t.Fatalf("store: %v %v", entries, err)
	}
	p := *entries[0].Profile
	host, port := p.Target.Host, p.Target.Port
	if addr != net.JoinHostPort(host, strconv.Itoa(port)) || p.Envelope.From != "admin@contoso.test" || strings.Join(p.Envelope.To, ",") != "kate@fabrikam.test,luis@fabrikam.test" ||
		strings.Join(p.Envelope.DSN.Notify, ",") != "success,failure" || p.Message.Subject != "Saved run" || p.Message.Body != "hello\n" ||
		len(p.Message.Headers) != 1 || p.Message.Headers[0] != (profile.Header{Name: "X-A", Value: "1, 2"}) ||
		p.StopAfter != "rcpt" || p.Timeouts.Command != "20s" || p.Timeouts.Connect != "" || p.Target.DNSServer != "127.0.0.1:5353" ||
		p.Target.TLS != "" { // no --tls: send's default, opportunistic
		t.Errorf("saved profile: %+v", p)
	}

	// Saving again under the same name replaces it.
	code, second, errOut := runSendCLI(append(args[:len(args):len(args)], "--subject", "Second")...)
	if code != exitcode.OK {
		t.Fatalf("second run: exit %d\n%s\n%s", code, second, errOut)
	}
	entries, _ = profile.NewStore(dir).List()
	if len(entries) != 1 || entries[0].Profile.Message.Subject != "Second" {
		t.Errorf("after a second save: %d profiles", len(entries))
	}

	code, again, errOut := runSendCLI("--profile", "Nightly check", "--profile-dir", dir, "--json")
	if code != exitcode.OK {
		t.Fatalf("replay: exit %d\n%s\n%s", code, again, errOut)
	}
	a, b := sentCommands(decodeResult(t, second)), sentCommands(decodeResult(t, again))
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("replay differs:\n%q\n%q", a, b)
	}
}

func TestSendProfileErrors(t *testing.T) {
	addr, _, cl := startSendServer(t)
	dir, _ := saveTestProfile(t, addr, nil)
	if _, err := profile.NewStore(dir).Save(profile.Profile{Schema: 1, Name: "contoso to fabrikam", Envelope: profile.Envelope{From: "a@b.test", To: []string{"c@d.test"}}}); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(damaged, []byte(`{"schema": 1, "name": `), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown name", []string{"--profile", "nope", "--profile-dir", dir, "--lang", "es"}, "no existe ese archivo ni un perfil guardado"},
		{"ambiguous name", []string{"--profile", "Contoso to Fabrikam", "--profile-dir", dir}, "2 saved profiles have that name"},
		{"damaged file", []string{"--profile", damaged, "--profile-dir", dir}, "bad.json"},
		{"invalid profile to save", []string{"--server", addr, "--from", "a@b.test", "--to", "c@d.test", "--save-profile", strings.Repeat("n", 2000), "--profile-dir", dir}, "--save-profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runSendCLI(tt.args...)
			if code != exitcode.Usage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitcode.Usage, tt.want)
			}
		})
	}
	if n := cl.count(); n != 0 {
		t.Errorf("%d connections were made for refused input", n)
	}
}
