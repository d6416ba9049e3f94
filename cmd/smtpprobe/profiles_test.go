package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/profile"
)

// runProf runs "smtpprobe profiles ARGS..." in-process.
func runProf(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"profiles"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestProfilesUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no action", nil, "Usage: smtpprobe profiles"},
		{"unknown action", []string{"rename", "--dir", dir}, `unknown action "rename"`},
		{"hostile action escaped", []string{"x\x1b[2J", "--dir", dir}, `unknown action "x\x1B[2J"`},
		{"list with an argument", []string{"list", "extra", "--dir", dir}, "expected no arguments"},
		{"show without id", []string{"show", "--dir", dir}, "expected ID"},
		{"export without file", []string{"export", profile.NewID(), "--dir", dir}, "expected ID FILE"},
		{"bad lang", []string{"list", "--lang", "fr", "--dir", dir}, `unsupported language "fr"`},
		{"bad flag", []string{"list", "--frobnicate"}, "flag provided but not defined"},
		{"path traversal id", []string{"delete", "../../etc/passwd", "--dir", dir}, "invalid profile id"},
		{"path traversal name", []string{"show", "../../etc/passwd", "--dir", dir}, "profile not found"},
		{"unknown name es", []string{"show", "Nadie", "--dir", dir, "--lang", "es"}, "no se encontró el perfil"},
		{"unknown id", []string{"delete", profile.NewID(), "--dir", dir}, "profile not found"},
		{"unknown id es", []string{"show", profile.NewID(), "--dir", dir, "--lang", "es"}, "no se encontró el perfil"},
		{"import missing file", []string{"import", filepath.Join(dir, "nope.json"), "--dir", dir}, "nope.json"}, // the system's words differ: the exit code says "bad input"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runProf(t, tt.args...)
			if code != exitcode.Usage {
				t.Errorf("exit code %d, want %d (stderr %q)", code, exitcode.Usage, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestProfilesLifecycle(t *testing.T) {
	keyring.MockInit()
	dir := filepath.Join(t.TempDir(), "profiles")
	code, out, _ := runProf(t, "list", "--dir", dir, "--lang", "es")
	if code != exitcode.OK || !strings.Contains(out, "No hay perfiles.") {
		t.Fatalf("empty list: %d %q", code, out)
	}
	// Flags may come before the action too.
	code, out, errOut := runProf(t, "--dir", dir, "import", "../../backend/profile/testdata/schema1.json", "--json")
	if code != exitcode.OK {
		t.Fatalf("import: %d %s", code, errOut)
	}
	var imported profile.Profile
	if err := json.Unmarshal([]byte(out), &imported); err != nil {
		t.Fatalf("import --json output: %v\n%s", err, out)
	}
	if !profile.ValidID(imported.ID) || imported.Name != "Relay check <contoso>" {
		t.Errorf("imported %+v", imported)
	}
	// Again: the name collides and gets a number.
	code, out, _ = runProf(t, "import", "../../backend/profile/testdata/schema1.json", "--dir", dir, "--lang", "en")
	if code != exitcode.OK || !strings.Contains(out, "(Relay check <contoso> (2))") || !strings.Contains(out, "password of AUTH user admin@contoso.com will be asked") {
		t.Errorf("second import: %d %q", code, out)
	}

	code, out, _ = runProf(t, "list", "--dir", dir, "--lang", "en")
	if code != exitcode.OK || strings.Count(out, "Relay check <contoso>") != 2 || !strings.Contains(out, "relay.contoso.com:587") {
		t.Errorf("list: %d\n%s", code, out)
	}

	code, out, _ = runProf(t, "show", imported.ID, "--dir", dir, "--lang", "es")
	for _, want := range []string{"Nombre:            Relay check <contoso>", "RCPT TO:           <josé@fabrikam.es>", "DSN NOTIFY:        SUCCESS,FAILURE", "Cuerpo:            18 bytes, 3 líneas", "Secreto:           no guardado", "Detener tras:      rcpt", `Descripción:       Verifies that the relay accepts mail for fabrikam.\nRun weekly.`} {
		if !strings.Contains(out, want) {
			t.Errorf("show (es) lacks %q:\n%s", want, out)
		}
	}
	if code != exitcode.OK {
		t.Errorf("show: exit %d", code)
	}
	code, out, _ = runProf(t, "show", imported.ID, "--dir", dir, "--json")
	var shown profile.Profile
	if err := json.Unmarshal([]byte(out), &shown); code != exitcode.OK || err != nil || !reflect.DeepEqual(shown, imported) {
		t.Errorf("show --json = %d %v\n%+v\nwant %+v", code, err, shown, imported)
	}

	exp := filepath.Join(t.TempDir(), "relay.json")
	code, out, _ = runProf(t, "export", imported.ID, exp, "--dir", dir)
	if code != exitcode.OK || !strings.Contains(out, "holds no password") {
		t.Errorf("export: %d %q", code, out)
	}
	if b, err := os.ReadFile(exp); err != nil || !strings.Contains(string(b), `"schema": 1`) {
		t.Errorf("exported file: %v\n%s", err, b)
	}

	code, out, _ = runProf(t, "delete", imported.ID, "--dir", dir, "--lang", "es")
	if code != exitcode.OK || !strings.Contains(out, "Perfil "+imported.ID+" eliminado.") {
		t.Errorf("delete: %d %q", code, out)
	}
	if code, _, errOut := runProf(t, "show", imported.ID, "--dir", dir); code != exitcode.Usage || !strings.Contains(errOut, "profile not found") {
		t.Errorf("show after delete: %d %q", code, errOut)
	}
}

func TestProfilesDamaged(t *testing.T) {
	dir := t.TempDir()
	bad := profile.NewID()
	newer := profile.NewID()
	os.WriteFile(filepath.Join(dir, bad+".json"), []byte(`{"schema": 1, "name": "<script>`), 0o600)
	os.WriteFile(filepath.Join(dir, newer+".json"), []byte(`{"schema": 3}`), 0o600)

	code, out, _ := runProf(t, "list", "--dir", dir, "--lang", "es")
	if code != exitcode.OK {
		t.Errorf("list exit %d", code)
	}
	for _, want := range []string{bad + "  DAÑADO: el archivo de perfil " + bad + ".json no es JSON válido", newer + "  DAÑADO: el archivo de perfil " + newer + ".json lo escribió una versión más reciente", "2 archivo(s) dañado(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runProf(t, "list", "--dir", dir, "--json")
	var listed struct {
		Profiles []struct {
			ID      string
			Profile *profile.Profile
			Damaged *struct{ Kind, Error string }
		}
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || code != exitcode.OK || len(listed.Profiles) != 2 {
		t.Fatalf("list --json: %d %v\n%s", code, err, out)
	}
	kinds := map[string]string{}
	for _, e := range listed.Profiles {
		if e.Profile != nil || e.Damaged == nil {
			t.Errorf("entry %s not marked damaged", e.ID)
			continue
		}
		kinds[e.ID] = e.Damaged.Kind
	}
	if kinds[bad] != "json" || kinds[newer] != "schema" {
		t.Errorf("damage kinds %v", kinds)
	}
	// show and export fail as failures (1), not usage, and touch nothing.
	if code, _, errOut := runProf(t, "show", newer, "--dir", dir); code != exitcode.Permanent || !strings.Contains(errOut, "newer or unknown version") {
		t.Errorf("show damaged: %d %q", code, errOut)
	}
	if code, _, _ := runProf(t, "export", bad, filepath.Join(t.TempDir(), "x.json"), "--dir", dir); code != exitcode.Permanent {
		t.Errorf("export damaged: %d", code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, newer+".json")); string(b) != `{"schema": 3}` {
		t.Errorf("damaged file changed: %q", b)
	}
	// Import of a damaged file is bad input.
	if code, _, errOut := runProf(t, "import", filepath.Join(dir, bad+".json"), "--dir", t.TempDir()); code != exitcode.Usage || !strings.Contains(errOut, "is not valid JSON") {
		t.Errorf("import damaged: %d %q", code, errOut)
	}
	// delete is how the user removes one.
	if code, _, errOut := runProf(t, "delete", bad, "--dir", dir); code != exitcode.OK {
		t.Errorf("delete damaged: %d %q", code, errOut)
	}
}

// TestProfilesHostileText shows that text a profile may legally hold
// (bidirectional overrides, markup) is displayed escaped, and that an
// import carrying CR/LF is refused.
func TestProfilesHostileText(t *testing.T) {
	dir := t.TempDir()
	s := profile.NewStore(dir)
	p := profile.New("invoice\u202Efdp.exe")
	p.Envelope.From = "a@b.example"
	p.Envelope.To = []string{"c@d.example"}
	p, err := s.Save(p)
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := runProf(t, "list", "--dir", dir)
	if strings.Contains(out, "\u202E") || !strings.Contains(out, `invoice\u{202E}fdp.exe`) {
		t.Errorf("list did not escape U+202E:\n%s", out)
	}
	_, out, _ = runProf(t, "show", p.ID, "--dir", dir)
	if strings.Contains(out, "\u202E") {
		t.Errorf("show did not escape U+202E:\n%s", out)
	}
	f := filepath.Join(t.TempDir(), "inject.json")
	os.WriteFile(f, []byte(`{"schema":1,"id":"x","name":"n","envelope":{"from":"a@b.c\r\nRCPT TO:<x@y.z>","to":["c@d.e"]}}`), 0o600)
	code, _, errOut := runProf(t, "import", f, "--dir", dir, "--lang", "es")
	if code != exitcode.Usage || !strings.Contains(errOut, "envelope.from: no debe contener CR, LF ni NUL") {
		t.Errorf("import with CRLF: %d %q", code, errOut)
	}
}

// TestProfilesSentinelSecret stores a secret through the backend and runs
// every CLI action in both languages: the secret appears in no output and
// no file.
func TestProfilesSentinelSecret(t *testing.T) {
	keyring.MockInit()
	const sentinel = "S3NTINEL-cli-p4ss-9d2e"
	dir := filepath.Join(t.TempDir(), "profiles")
	s := profile.NewStore(dir)
	p := profile.New("with secret")
	p.Envelope.From = "a@b.example"
	p.Envelope.To = []string{"c@d.example"}
	p.Auth = profile.Auth{Mechanism: "LOGIN", User: "admin"}
	p, err := s.Save(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSecret(p.ID, sentinel); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	var all strings.Builder
	for _, l := range []string{"en", "es"} {
		exp := filepath.Join(outDir, l+".json")
		for _, args := range [][]string{
			{"list"}, {"list", "--json"}, {"show", p.ID}, {"show", p.ID, "--json"},
			{"export", p.ID, exp}, {"export", p.ID, exp, "--json"}, {"import", exp}, {"import", exp, "--json"},
		} {
			code, out, errOut := runProf(t, append(args, "--dir", dir, "--lang", l)...)
			if code != exitcode.OK {
				t.Errorf("%v: exit %d %s", args, code, errOut)
			}
			all.WriteString(out + errOut)
		}
	}
	code, out, errOut := runProf(t, "show", p.ID, "--dir", dir)
	if !strings.Contains(out, "Secret:            stored in the system keyring") {
		t.Errorf("show does not say the secret is stored: %d\n%s%s", code, out, errOut)
	}
	if got, err := keyring.Get(profile.KeyringService, profile.SecretKey(p.ID, "admin")); got != sentinel {
		t.Fatalf("the secret is not in the keyring (%v): the test would prove nothing", err)
	}
	code, out, errOut = runProf(t, "delete", p.ID, "--dir", dir)
	all.WriteString(out + errOut)
	if code != exitcode.OK {
		t.Errorf("delete: %d %s", code, errOut)
	}
	if strings.Contains(all.String(), sentinel) {
		t.Error("CLI output contains the secret")
	}
	for _, d := range []string{dir, outDir} {
		entries, _ := os.ReadDir(d)
		if len(entries) == 0 {
			t.Fatalf("%s is empty: nothing was checked", d)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(d, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(sentinel)) {
				t.Errorf("%s contains the secret", e.Name())
			}
		}
	}
	// The secret was really stored, and Delete removed it with the profile.
	if _, err := keyring.Get(profile.KeyringService, profile.SecretKey(p.ID, "admin")); err != keyring.ErrNotFound {
		t.Errorf("secret after delete: %v", err)
	}
}

// profiles show takes a name as send --profile does: the id first, then a
// name ignoring case; a name several profiles share is refused with their
// ids.
func TestProfilesShowByName(t *testing.T) {
	keyring.MockInit()
	dir := filepath.Join(t.TempDir(), "profiles")
	s := profile.NewStore(dir)
	mk := func(name string) profile.Profile {
		p, err := s.Save(profile.Profile{Schema: 1, Name: name, Envelope: profile.Envelope{From: "a@b.test", To: []string{"c@d.test"}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	relay := mk("Exchange relay")
	a, b := mk("Twin"), mk("twin")
	code, out, errOut := runProf(t, "show", "exchange RELAY", "--dir", dir)
	if code != exitcode.OK || !strings.Contains(out, relay.ID) || !strings.Contains(out, "Exchange relay") {
		t.Errorf("show by name: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runProf(t, "show", "Twin", "--dir", dir, "--lang", "es")
	if code != exitcode.Usage || out != "" || !strings.Contains(errOut, "2 perfiles guardados tienen ese nombre") || !strings.Contains(errOut, a.ID) || !strings.Contains(errOut, b.ID) {
		t.Errorf("show of a shared name: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := runProf(t, "show", relay.ID, "--dir", dir, "--json"); code != exitcode.OK || !strings.Contains(out, `"Exchange relay"`) {
		t.Errorf("show by id: exit %d, stdout %q", code, out)
	}
}

// Without a per-user configuration folder (%APPDATA% unset on Windows,
// $HOME and $XDG_CONFIG_HOME on Unix) the message names --dir, the way out.
func TestProfilesNoConfigDir(t *testing.T) {
	for _, v := range []string{"APPDATA", "HOME", "XDG_CONFIG_HOME", "home"} {
		t.Setenv(v, "")
	}
	for _, tt := range []struct{ lang, want string }{
		{"en", "(use --dir FOLDER)"},
		{"es", "(use --dir CARPETA)"},
	} {
		code, _, errOut := runProf(t, "list", "--lang", tt.lang)
		if code != exitcode.Permanent || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want %q", tt.lang, code, errOut, tt.want)
		}
	}
}
