package desktop

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/profile"
)

// recorder is an EmitFunc that keeps every event, as the frontend would
// receive them.
type recorder struct {
	mu     sync.Mutex
	events []recorded
}

type recorded struct {
	name string
	data []any
}

func (r *recorder) emit(name string, data ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, recorded{name, data})
}

func (r *recorder) named(prefix string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, e := range r.events {
		if strings.HasPrefix(e.name, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// memSecrets is an in-memory keyring; noKeyring is one that cannot store.
type memSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSecrets) SetSecret(id, user, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[profile.SecretKey(id, user)] = secret
	return nil
}

func (s *memSecrets) GetSecret(id, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[profile.SecretKey(id, user)]
	if !ok {
		return "", profile.ErrNoSecret
	}
	return v, nil
}

func (s *memSecrets) DeleteSecret(id, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, profile.SecretKey(id, user))
	return nil
}

type noKeyring struct{}

func (noKeyring) SetSecret(string, string, string) error   { return profile.ErrNoKeyring }
func (noKeyring) GetSecret(string, string) (string, error) { return "", profile.ErrNoKeyring }
func (noKeyring) DeleteSecret(string, string) error        { return profile.ErrNoKeyring }

// fileDialogs answers the native dialogs with fixed paths.
type fileDialogs struct{ save, open string }

func (d fileDialogs) SaveFile(string, string, string) (string, error) { return d.save, nil }
func (d fileDialogs) OpenFile(string, string) (string, error)         { return d.open, nil }

type fakeWindow struct {
	geo      WindowState
	restored *WindowState
}

func (w *fakeWindow) Geometry() (WindowState, error) { return w.geo, nil }
func (w *fakeWindow) Restore(g WindowState)          { w.restored = &g }

func newTestApp(t *testing.T) (*Services, *recorder) {
	t.Helper()
	rec := &recorder{}
	a := New(Deps{Emitter: EmitFunc(rec.emit), ConfigDir: t.TempDir(), Secrets: &memSecrets{}})
	return a, rec
}

func TestDefaultConfigDirHonoursEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(ConfigDirEnv, dir)
	got, err := DefaultConfigDir()
	if err != nil || got != dir {
		t.Fatalf("DefaultConfigDir() = %q, %v; want %q", got, err, dir)
	}
	a := New(Deps{ConfigDir: got})
	if want := filepath.Join(dir, "profiles"); a.Profiles.store.Dir() != want {
		t.Fatalf("profiles in %q, want %q", a.Profiles.store.Dir(), want)
	}
}

func TestSettingsRoundTripAndWindow(t *testing.T) {
	a, _ := newTestApp(t)
	if s := a.Settings.GetSettings(); s != (UserSettings{}) {
		t.Fatalf("fresh settings = %+v, want zero", s)
	}
	if err := a.Settings.SaveSettings(UserSettings{Lang: "es", Theme: "dark"}); err != nil {
		t.Fatal(err)
	}
	win := &fakeWindow{geo: WindowState{Width: 1000, Height: 700, X: 40, Y: 50}}
	a.Settings.window = win
	if err := a.Settings.SaveWindowState(); err != nil {
		t.Fatal(err)
	}
	// Saving language and theme again must not lose the window geometry.
	if err := a.Settings.SaveSettings(UserSettings{Lang: "es", Theme: "highContrast"}); err != nil {
		t.Fatal(err)
	}
	// A fresh App on the same folder is "the app restarted".
	b := New(Deps{ConfigDir: a.Settings.configDir, Window: &fakeWindow{}})
	got := b.Settings.GetSettings()
	if got.Lang != "es" || got.Theme != "highContrast" || got.Window == nil || *got.Window != win.geo {
		t.Fatalf("after restart settings = %+v (window %+v)", got, got.Window)
	}
	b.Startup(t.Context())
	if r := b.Settings.window.(*fakeWindow).restored; r == nil || *r != win.geo {
		t.Fatalf("window restored to %+v, want %+v", r, win.geo)
	}
	// No temporary files left behind by the atomic writes.
	ents, _ := os.ReadDir(a.Settings.configDir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func TestSettingsRejectsBadInput(t *testing.T) {
	a, _ := newTestApp(t)
	for _, s := range []UserSettings{{Lang: "fr"}, {Theme: "neon"}} {
		if err := a.Settings.SaveSettings(s); err == nil {
			t.Errorf("SaveSettings(%+v) accepted", s)
		}
	}
	// A minimised window reports a geometry no screen has: it is not kept.
	a.Settings.window = &fakeWindow{geo: WindowState{Width: 0, Height: 0, X: -32000, Y: -32000}}
	if err := a.Settings.SaveWindowState(); err != nil {
		t.Fatal(err)
	}
	if a.Settings.GetSettings().Window != nil {
		t.Fatal("nonsense geometry was saved")
	}
}

func TestSettingsDamagedFileGivesDefaults(t *testing.T) {
	for name, content := range map[string]string{
		"not json":    "{{{",
		"bad theme":   `{"theme":"<script>"}`,
		"oversize":    `{"lang":"es","x":"` + strings.Repeat("a", maxSettingsSize) + `"}`,
		"off-screen":  `{"window":{"width":100000,"height":100,"x":0,"y":0}}`,
		"wrong types": `{"lang":5}`,
	} {
		t.Run(name, func(t *testing.T) {
			a, _ := newTestApp(t)
			if err := os.WriteFile(filepath.Join(a.Settings.configDir, "settings.json"), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if s := a.Settings.GetSettings(); s.Lang != "" || s.Theme != "" || s.Window != nil {
				t.Fatalf("damaged settings read as %+v", s)
			}
			// Saving replaces the damaged file with a good one.
			if err := a.Settings.SaveSettings(UserSettings{Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			if a.Settings.GetSettings().Lang != "en" {
				t.Fatal("damaged file not replaced")
			}
		})
	}
}

// TestLookupMX runs the binding against a real DNS server on loopback
// (RFC 5321 §5.1 ordering, RFC 7505 null MX, §5.1 implicit MX).
func TestLookupMX(t *testing.T) {
	srv, err := dnstest.Start(
		"fabrikam.test. 300 IN MX 20 mail2.fabrikam.test.",
		"fabrikam.test. 300 IN MX 10 mail1.fabrikam.test.",
		"mail1.fabrikam.test. 300 IN A 192.0.2.10",
		"mail2.fabrikam.test. 300 IN AAAA 2001:db8::20",
		"null.test. 300 IN MX 0 .",
		"implicit.test. 300 IN A 192.0.2.30",
	)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	a, _ := newTestApp(t)

	res := a.MX.LookupMX(MXRequest{Domain: "fabrikam.test", DNSServer: srv.Addr(), Lang: "en"})
	if res.Error != "" || len(res.Hosts) != 2 {
		t.Fatalf("LookupMX = %+v", res)
	}
	if h := res.Hosts[0]; h.Preference != 10 || h.Exchanger != "mail1.fabrikam.test" || len(h.Addresses) != 1 || h.Addresses[0] != "192.0.2.10" {
		t.Errorf("first host = %+v", h)
	}
	if h := res.Hosts[1]; h.Preference != 20 || h.Addresses[0] != "2001:db8::20" {
		t.Errorf("second host = %+v", h)
	}
	if !strings.HasPrefix(res.Resolver, srv.Addr()) {
		t.Errorf("resolver = %q, want %s", res.Resolver, srv.Addr())
	}

	null := a.MX.LookupMX(MXRequest{Domain: "null.test", DNSServer: srv.Addr(), Lang: "es"})
	if !null.NullMX || null.ErrorKind != "permanent" || null.Error == "" {
		t.Errorf("null MX = %+v", null)
	}
	en := a.MX.LookupMX(MXRequest{Domain: "null.test", DNSServer: srv.Addr(), Lang: "en"})
	if en.Error == null.Error {
		t.Errorf("error not translated: %q in both languages", en.Error)
	}

	imp := a.MX.LookupMX(MXRequest{Domain: "implicit.test", DNSServer: srv.Addr()})
	if !imp.ImplicitMX || len(imp.Hosts) != 1 || !imp.Hosts[0].Implicit {
		t.Errorf("implicit MX = %+v", imp)
	}

	nx := a.MX.LookupMX(MXRequest{Domain: "nope.test", DNSServer: srv.Addr()})
	if nx.ErrorKind != "permanent" || nx.Rcode != "NXDOMAIN" {
		t.Errorf("NXDOMAIN = %+v", nx)
	}

	before := srv.QueryCount()
	for _, bad := range []MXRequest{
		{Domain: "fabrikam.test\r\nRCPT TO:<x@y>", DNSServer: srv.Addr()},
		{Domain: "", DNSServer: srv.Addr()},
		{Domain: "fabrikam.test", DNSServer: "dns.example.com"},
	} {
		r := a.MX.LookupMX(bad)
		if r.ErrorKind != "usage" {
			t.Errorf("LookupMX(%q, %q) kind = %q (%s), want usage", bad.Domain, bad.DNSServer, r.ErrorKind, r.Error)
		}
	}
	if srv.QueryCount() != before {
		t.Error("invalid input reached the DNS server")
	}
	// The DTO must encode: the frontend receives it as JSON.
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
}

func testProfile(name string) profile.Profile {
	p := profile.New(name)
	p.Target.Host = "127.0.0.1"
	p.Target.Port = 2525
	p.Envelope.From = "admin@fabrikam.test"
	p.Envelope.To = []string{"user@contoso.test"}
	p.Message.Subject = "Prueba"
	return p
}

func TestProfilesLifecycle(t *testing.T) {
	a, _ := newTestApp(t)
	list, err := a.Profiles.ListProfiles("en")
	if err != nil || len(list) != 0 {
		t.Fatalf("fresh list = %v, %v", list, err)
	}
	p := testProfile("Contoso relay")
	p.Auth = profile.Auth{Mechanism: "PLAIN", User: "admin"}
	saved, err := a.Profiles.SaveProfile(p, "s3cret", "en")
	if err != nil || saved.Warning != "" {
		t.Fatalf("SaveProfile = %+v, %v", saved, err)
	}
	if saved.Profile.Auth.SecretRef == "" {
		t.Error("secret stored but the profile does not refer to it")
	}
	dup, err := a.Profiles.DuplicateProfile(saved.Profile.ID, "en")
	if err != nil || dup.ID == saved.Profile.ID || dup.Name == saved.Profile.Name {
		t.Fatalf("DuplicateProfile = %+v, %v", dup, err)
	}

	// A damaged file shows in the list as such instead of breaking it.
	damaged := profile.NewID()
	if err := os.WriteFile(filepath.Join(a.Profiles.store.Dir(), damaged+".json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err = a.Profiles.ListProfiles("en")
	if err != nil || len(list) != 3 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	last := list[2]
	if !last.Damaged || last.ID != damaged || last.Error == "" || last.Profile != nil {
		t.Errorf("damaged entry = %+v", last)
	}
	if err := a.Profiles.DeleteProfile(damaged, "en"); err != nil {
		t.Fatal(err)
	}

	// Export then import through the (faked) native dialogs.
	out := filepath.Join(t.TempDir(), "export.json")
	a.Profiles.dialogs = fileDialogs{save: out, open: out}
	path, err := a.Profiles.ExportProfile(saved.Profile.ID, "en")
	if err != nil || path != out {
		t.Fatalf("ExportProfile = %q, %v", path, err)
	}
	data, _ := os.ReadFile(out)
	if strings.Contains(string(data), "s3cret") || strings.Contains(string(data), "secret_ref") {
		t.Error("export carries the secret or its reference")
	}
	imp, err := a.Profiles.ImportProfile("en")
	if err != nil || imp == nil || imp.ID == saved.Profile.ID {
		t.Fatalf("ImportProfile = %+v, %v", imp, err)
	}
	a.Profiles.dialogs = fileDialogs{}
	if imp, err := a.Profiles.ImportProfile("en"); imp != nil || err != nil {
		t.Errorf("cancelled import = %v, %v", imp, err)
	}

	if _, err := a.Profiles.GetProfile("../../etc/passwd", "en"); err == nil {
		t.Error("GetProfile accepted a path as id")
	}
	if err := a.Profiles.DeleteProfile(saved.Profile.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Profiles.GetProfile(saved.Profile.ID, "en"); !strings.Contains(err.Error(), "not found") {
		t.Errorf("after delete: %v", err)
	}
}

func TestSaveProfileValidatesAndSpeaksSpanish(t *testing.T) {
	a, _ := newTestApp(t)
	// The call's language decides, not the settings file.
	if err := a.Settings.SaveSettings(UserSettings{Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	p := testProfile("Malo")
	p.Envelope.To = []string{"no-at-sign"}
	_, err := a.Profiles.SaveProfile(p, "", "es")
	if err == nil {
		t.Fatal("invalid profile saved")
	}
	if !strings.Contains(err.Error(), "envelope.to") || !strings.ContainsAny(err.Error(), "áéíóúñ") {
		t.Errorf("error not in Spanish: %v", err)
	}
}

// The wizard sends a profile without id, schema or times, as JSON.
func TestSaveProfileFromTheWizard(t *testing.T) {
	a, _ := newTestApp(t)
	var p profile.Profile
	wire := `{"name":"Wizard","target":{"host":"127.0.0.1","port":2525,"tls":"none"},` +
		`"envelope":{"from":"a@fabrikam.test","to":["u@contoso.test"],"dsn":{"notify":["success","failure"]}},` +
		`"message":{"subject":"x","body":"y"},"auth":{},"stop_after":"rcpt"}`
	if err := json.Unmarshal([]byte(wire), &p); err != nil {
		t.Fatal(err)
	}
	saved, err := a.Profiles.SaveProfile(p, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !profile.ValidID(saved.Profile.ID) || saved.Profile.Schema != profile.SchemaVersion || saved.Profile.Created.IsZero() {
		t.Fatalf("saved = %+v", saved.Profile)
	}
	got, err := a.Profiles.GetProfile(saved.Profile.ID, "en")
	if err != nil || got.StopAfter != "rcpt" || got.Envelope.DSN.Notify[1] != "failure" {
		t.Fatalf("read back %+v, %v", got, err)
	}
}

func TestSaveProfileWithoutKeyring(t *testing.T) {
	rec := &recorder{}
	a := New(Deps{Emitter: EmitFunc(rec.emit), ConfigDir: t.TempDir(), Secrets: noKeyring{}})
	p := testProfile("No keyring")
	p.Auth = profile.Auth{Mechanism: "LOGIN", User: "admin"}
	saved, err := a.Profiles.SaveProfile(p, "pw", "en")
	if err != nil {
		t.Fatalf("SaveProfile without keyring failed: %v", err)
	}
	if saved.Warning == "" || saved.Profile.Auth.SecretRef != "" {
		t.Errorf("saved = %+v", saved)
	}
	if _, err := a.Profiles.GetProfile(saved.Profile.ID, "en"); err != nil {
		t.Fatal(err)
	}
}

func TestNoConfigDir(t *testing.T) {
	a := New(Deps{})
	if _, err := a.Profiles.ListProfiles("en"); !errors.Is(err, errNoConfigDir) {
		t.Errorf("ListProfiles = %v", err)
	}
	if err := a.Settings.SaveSettings(UserSettings{}); !errors.Is(err, errNoConfigDir) {
		t.Errorf("SaveSettings = %v", err)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Contoso relay":       "Contoso relay",
		"../../etc/passwd":    "etcpasswd",
		"a\\b:c*d?e\"f<g>h|i": "abcdefghi",
		"":                    "profile",
		"Correo año":          "Correo año",
	} {
		if got := safeFileName(in); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A service needs only what it is given: each one here is built alone,
// without New and without a window.
func TestServicesStandAlone(t *testing.T) {
	info := &Info{hostname: func() (string, error) { return "pc01", nil }}
	if got := info.DefaultEHLO(); got != "pc01" {
		t.Errorf("DefaultEHLO = %q", got)
	}
	info.hostname = func() (string, error) { return "", errors.New("no name") }
	if got := info.DefaultEHLO(); got != "localhost" {
		t.Errorf("DefaultEHLO without a host name = %q", got)
	}
	if r := (&MX{}).LookupMX(MXRequest{Domain: "", Lang: "en"}); r.ErrorKind != "usage" {
		t.Errorf("LookupMX alone = %+v", r)
	}
	st := &Settings{configDir: t.TempDir()}
	if err := st.SaveSettings(UserSettings{Theme: "dark"}); err != nil || st.GetSettings().Theme != "dark" {
		t.Errorf("Settings alone: %v, %+v", err, st.GetSettings())
	}
	if err := st.SaveWindowState(); !errors.Is(err, errNoWindow) {
		t.Errorf("SaveWindowState without a window = %v", err)
	}
	tls := &TLS{results: &resultCache{}}
	if _, err := tls.SaveCertificate("none", 0, "es"); err == nil || !strings.Contains(err.Error(), "No hay certificado") {
		t.Errorf("SaveCertificate alone = %v", err)
	}
	if _, err := (&Profiles{}).ListProfiles("en"); !errors.Is(err, errNoConfigDir) {
		t.Errorf("Profiles without a folder = %v", err)
	}
}
