package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"smtpprobe/backend/lang"
)

func TestMain(m *testing.M) {
	// A test binary re-executed by TestKillMidWrite is the writer to kill.
	if dir := os.Getenv(killChildEnv); dir != "" {
		killChild(dir)
		os.Exit(0)
	}
	// Never touch the real keyring of whoever runs the tests.
	keyring.MockInit()
	os.Exit(m.Run())
}

func newTestStore(t *testing.T) *Store {
	t.Helper()
	return NewStore(filepath.Join(t.TempDir(), "SMTP Probe", "profiles"))
}

func mustSave(t *testing.T, s *Store, p Profile) Profile {
	t.Helper()
	saved, err := s.Save(p)
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	return saved
}

func TestStoreRoundTrip(t *testing.T) {
	s := newTestStore(t)
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List on a missing folder = %v, %v", list, err)
	}
	p := valid()
	p.Message.Body = "línea 1\r\n.\r\n<script>alert(1)</script>\r\n"
	p.Envelope.DSN = DSN{Notify: []string{"success", "failure"}, Ret: "hdrs", EnvID: "ABC"}
	p.Message.Headers = []Header{{Name: "X-Ticket", Value: "INC-1"}}
	p.Timeouts = Timeouts{Connect: "5s", FinalDot: "10m"}
	before := time.Now().UTC().Truncate(time.Millisecond)
	saved := mustSave(t, s, p)
	if saved.Created.Before(before) || !saved.Updated.Equal(saved.Created) {
		t.Errorf("times: created %v updated %v (saved after %v)", saved.Created, saved.Updated, before)
	}
	got, err := s.Get(p.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, saved) {
		t.Errorf("Get after Save:\n got %+v\nwant %+v", got, saved)
	}

	// The files are private.
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{s.Dir(): 0o700, filepath.Join(s.Dir(), p.ID+".json"): 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), want)
			}
		}
	}

	// A second save keeps Created, moves Updated.
	s.now = func() time.Time { return saved.Created.Add(time.Hour) }
	got.Name = "Renamed"
	again := mustSave(t, s, got)
	if !again.Created.Equal(saved.Created) || !again.Updated.Equal(saved.Created.Add(time.Hour)) {
		t.Errorf("resave times: created %v updated %v", again.Created, again.Updated)
	}

	// A caller cannot plant a secret reference; only SetSecret sets it.
	got.Auth = Auth{Mechanism: "PLAIN", User: "u", SecretRef: SecretKey(got.ID, "u")}
	if saved := mustSave(t, s, got); saved.Auth.SecretRef != "" {
		t.Errorf("Save kept a caller's secret reference %q", saved.Auth.SecretRef)
	}

	if err := s.Delete(p.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if err := s.Delete(p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
}

func TestStoreRejects(t *testing.T) {
	s := newTestStore(t)
	for _, id := range []string{"../escape", "..", "", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef/x"} {
		if _, err := s.Get(id); !errors.Is(err, ErrInvalidID) && id != "" {
			t.Errorf("Get(%q) = %v, want ErrInvalidID", id, err)
		}
		if err := s.Delete(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidID", id, err)
		}
	}
	p := valid()
	p.ID = "../../x"
	if _, err := s.Save(p); !errors.Is(err, ErrInvalidID) {
		t.Errorf("Save with a hostile id = %v", err)
	}
	p = valid()
	p.Envelope.To = []string{"x@y.z\r\nDATA"}
	_, err := s.Save(p)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("Save with CRLF in a recipient = %v, want *ValidationError", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), p.ID+".json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an invalid profile reached the disk: %v", err)
	}
	// The body limit is 10 MiB; the file limit is larger, so a maximal
	// body still saves.
	p = valid()
	p.Message.Body = strings.Repeat("y", MaxBody)
	if _, err := s.Save(p); err != nil {
		t.Errorf("Save with a maximal body: %v", err)
	}
}

// writeRaw plants a file in the store folder as a crash, an editor or an
// attacker might leave it.
func writeRaw(t *testing.T, s *Store, name, content string) {
	t.Helper()
	if err := os.MkdirAll(s.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir(), name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestStoreDamaged(t *testing.T) {
	s := newTestStore(t)
	good := mustSave(t, s, valid())
	otherID := NewID()
	files := map[string]struct {
		content string
		kind    DamageKind
	}{
		"bad JSON":      {`{"schema": 1, "name": "half`, DamageJSON},
		"newer schema":  {`{"schema": 7, "id": "x", "hologram": true}`, DamageSchema},
		"wrong type":    {`{"schema": 1, "name": 42}`, DamageType},
		"id mismatch":   {strings.Replace(mustEncode(t, good), good.ID, otherID, 1), DamageID},
		"invalid value": {strings.Replace(mustEncode(t, good), `"from": "admin@contoso.com"`, `"from": "admin"`, 1), DamageInvalid},
	}
	ids := map[string]string{}
	for what, f := range files {
		id := NewID()
		ids[id] = what
		writeRaw(t, s, id+".json", f.content)
	}
	// Larger than MaxFileSize, found without reading 17 MiB: a sparse file.
	bigID := NewID()
	ids[bigID] = "oversized"
	big, err := os.Create(filepath.Join(s.Dir(), bigID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	big.Truncate(MaxFileSize + 1)
	big.Close()
	// Noise the listing must ignore.
	writeRaw(t, s, "notes.txt", "hello")
	writeRaw(t, s, ".tmp-123.json", "{")
	writeRaw(t, s, "NOTANID.json", "{}")

	before := snapshot(t, s.Dir())
	list, err := s.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != len(files)+2 {
		t.Fatalf("List returned %d entries, want %d", len(list), len(files)+2)
	}
	if list[0].Profile == nil || list[0].ID != good.ID {
		t.Errorf("the good profile is not listed first: %+v", list[0])
	}
	for _, e := range list[1:] {
		var d *DamagedError
		if e.Profile != nil || !errors.As(e.Err, &d) || d.File != e.ID+".json" {
			t.Errorf("entry %s (%s): %+v, want a damage naming its file", e.ID, ids[e.ID], e)
			continue
		}
		want := DamageSize
		if f, ok := files[ids[e.ID]]; ok {
			want = f.kind
		}
		if d.Kind != want {
			t.Errorf("%s: kind %s, want %s (%v)", ids[e.ID], d.Kind, want, e.Err)
		}
		// Every attempt to write over it fails, and nothing changes on disk.
		p := valid()
		p.ID = e.ID
		if _, err := s.Save(p); !errors.Is(err, ErrDamaged) {
			t.Errorf("Save over %s = %v, want ErrDamaged", ids[e.ID], err)
		}
		if err := s.SetSecret(e.ID, "pw"); !errors.Is(err, ErrDamaged) {
			t.Errorf("SetSecret on %s = %v, want ErrDamaged", ids[e.ID], err)
		}
		if _, err := s.Duplicate(e.ID, ""); !errors.Is(err, ErrDamaged) {
			t.Errorf("Duplicate of %s = %v, want ErrDamaged", ids[e.ID], err)
		}
		if err := s.Export(e.ID, filepath.Join(t.TempDir(), "x.json")); !errors.Is(err, ErrDamaged) {
			t.Errorf("Export of %s = %v, want ErrDamaged", ids[e.ID], err)
		}
	}
	after := snapshot(t, s.Dir())
	delete(before, ".tmp-123.json") // a leftover temp file is cleaned by the first write
	if !reflect.DeepEqual(before, after) {
		t.Errorf("damaged files changed on disk:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
	// Deleting by id is the one way to remove a damaged file.
	for id := range ids {
		if err := s.Delete(id); err != nil {
			t.Errorf("Delete(%s): %v", ids[id], err)
		}
	}
	list, _ = s.List()
	if len(list) != 1 {
		t.Errorf("after deleting the damaged files, %d entries remain", len(list))
	}
}

func mustEncode(t *testing.T, p Profile) string {
	t.Helper()
	b, err := encode(&p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// snapshot maps each file name in dir to its content (size for big ones).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, de := range des {
		fi, _ := de.Info()
		if fi.Size() > 1<<20 {
			m[de.Name()] = fmt.Sprint(fi.Size())
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[de.Name()] = string(b)
	}
	return m
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestStoreMigratesOnRead(t *testing.T) {
	s := newTestStore(t)
	old, err := os.ReadFile("testdata/schema0.json")
	if err != nil {
		t.Fatal(err)
	}
	id := NewID()
	writeRaw(t, s, id+".json", string(old))
	p, err := s.Get(id)
	if err != nil {
		t.Fatalf("Get of a schema 0 file: %v", err)
	}
	if p.Schema != SchemaVersion || p.ID != id || p.Target.Host != "mail.contoso.com" {
		t.Errorf("migrated %+v", p)
	}
	// Reading does not rewrite; the next save writes schema 1.
	if b, _ := os.ReadFile(filepath.Join(s.Dir(), id+".json")); string(b) != string(old) {
		t.Error("reading rewrote the file")
	}
	mustSave(t, s, p)
	b, _ := os.ReadFile(filepath.Join(s.Dir(), id+".json"))
	if !strings.Contains(string(b), `"schema": 1`) {
		t.Errorf("saved file is not schema 1:\n%s", b)
	}
}

func TestDuplicateImportExport(t *testing.T) {
	s := newTestStore(t)
	p := valid()
	p.Name = "Relay"
	p = mustSave(t, s, p)

	dup, err := s.Duplicate(p.ID, "")
	if err != nil {
		t.Fatalf("Duplicate: %v", err)
	}
	if dup.ID == p.ID || dup.Name != "Relay (2)" || !reflect.DeepEqual(dup.Envelope, p.Envelope) {
		t.Errorf("Duplicate = %+v", dup)
	}
	named, err := s.Duplicate(p.ID, "Other")
	if err != nil || named.Name != "Other" {
		t.Errorf("Duplicate with a name = %+v, %v", named, err)
	}

	dir := t.TempDir()
	exp := filepath.Join(dir, "relay.json")
	if err := s.Export(p.ID, exp); err != nil {
		t.Fatalf("Export: %v", err)
	}
	if fi, err := os.Stat(exp); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("exported file: %v, %v", fi, err)
	}
	// Import into the same store: new id, next free name.
	imp, err := s.Import(exp)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if imp.ID == p.ID || imp.Name != "relay (3)" && imp.Name != "Relay (3)" {
		t.Errorf("Import = id %s name %q", imp.ID, imp.Name)
	}
	imp.ID, imp.Name, imp.Created, imp.Updated = p.ID, p.Name, p.Created, p.Updated
	if !reflect.DeepEqual(imp, p) {
		t.Errorf("import changed the content:\n got %+v\nwant %+v", imp, p)
	}
	// Into an empty store the name is kept.
	other := newTestStore(t)
	if imp, err := other.Import(exp); err != nil || imp.Name != "Relay" {
		t.Errorf("Import into an empty store = %q, %v", imp.Name, err)
	}
	// A schema 0 file imports too.
	if imp, err := other.Import("testdata/schema0.json"); err != nil || imp.Target.Port != 2525 {
		t.Errorf("Import schema 0 = %+v, %v", imp, err)
	}
	// Hostile imports fail with a damage naming the file and store nothing.
	n, _ := other.List()
	for name, content := range map[string]string{
		"bad.json":   "{",
		"newer.json": `{"schema": 9}`,
		"crlf.json":  strings.Replace(mustEncode(t, p), `"Relay"`, `"Relay\r\nX"`, 1),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o600)
		_, err := other.Import(path)
		if !errors.Is(err, ErrDamaged) || !strings.Contains(lang.ErrorText(err, lang.ES), name) {
			t.Errorf("Import %s = %v", name, err)
		}
	}
	if _, err := other.Import(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Import of a missing file = %v", err)
	}
	if m, _ := other.List(); len(m) != len(n) {
		t.Errorf("failed imports stored something: %d -> %d", len(n), len(m))
	}
	if err := s.Export(NewID(), filepath.Join(dir, "none.json")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Export of an unknown id = %v", err)
	}
	if err := s.Export(p.ID, filepath.Join(dir, "no", "such", "dir.json")); err == nil {
		t.Error("Export into a missing folder succeeded")
	}
}

func TestUniqueNameLimit(t *testing.T) {
	s := newTestStore(t)
	p := valid()
	p.Name = strings.Repeat("ñ", MaxText/2) // 998 bytes of 2-byte runes
	p = mustSave(t, s, p)
	dup, err := s.Duplicate(p.ID, "")
	if err != nil {
		t.Fatalf("Duplicate of a maximal name: %v", err)
	}
	if len(dup.Name) > MaxText || !strings.HasSuffix(dup.Name, " (2)") {
		t.Errorf("name %d bytes, suffix %q", len(dup.Name), dup.Name[len(dup.Name)-4:])
	}
}

func TestConcurrentSaves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profiles")
	// Two stores on one folder stand for the GUI and the CLI: only the OS
	// lock keeps them apart.
	stores := []*Store{NewStore(dir), NewStore(dir)}
	shared := make([]Profile, 4)
	for i := range shared {
		shared[i] = valid()
		shared[i].Name = fmt.Sprintf("shared %d", i)
		shared[i] = mustSave(t, stores[0], shared[i])
	}
	const workers, saves = 8, 100
	var wg sync.WaitGroup
	errs := make(chan error, workers*saves)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			for i := 0; i < saves; i++ {
				var p Profile
				if i%2 == 0 {
					p = shared[(w+i)%len(shared)].Clone()
				} else {
					p = valid()
				}
				p.Name = fmt.Sprintf("w%d i%d", w, i)
				p.Description = strings.Repeat(fmt.Sprintf("w%d-i%d ", w, i), 200)
				if _, err := s.Save(p); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Save: %v", err)
	}
	list, err := stores[1].List()
	if err != nil {
		t.Fatal(err)
	}
	if want := len(shared) + workers*saves/2; len(list) != want {
		t.Errorf("%d profiles, want %d", len(list), want)
	}
	for _, e := range list {
		if e.Err != nil {
			t.Errorf("damaged after concurrent saves: %v", e.Err)
			continue
		}
		// Name and description were written together; a torn write would
		// pair them wrongly.
		if want := strings.Repeat(strings.ReplaceAll(e.Profile.Name, " ", "-")+" ", 200); e.Profile.Description != want {
			t.Errorf("%s: description does not match its name", e.ID)
		}
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("temporary file left after clean saves: %s", de.Name())
		}
	}
}

// Files written by Windows tools are read as they are: a UTF-8 byte-order
// mark (PowerShell 5.1, older Notepad) is dropped, CRLF line ends are JSON
// whitespace (RFC 8259 §2). Only a leading mark is dropped: one anywhere
// else is still invalid JSON.
func TestWindowsEditedFiles(t *testing.T) {
	s := newTestStore(t)
	plain, err := os.ReadFile("testdata/schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	crlf := strings.ReplaceAll(strings.ReplaceAll(string(plain), "\r\n", "\n"), "\n", "\r\n")
	dir := t.TempDir()
	for _, tt := range []struct {
		name, data string
		ok         bool
	}{
		{"BOM", "\uFEFF" + string(plain), true},
		{"BOM and CRLF", "\uFEFF" + crlf, true},
		{"CRLF", crlf, true},
		{"BOM twice", "\uFEFF\uFEFF" + string(plain), false},
		{"BOM inside", strings.Replace(string(plain), "{", "{\uFEFF", 1), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := newTestStore(t).Import(path)
			if tt.ok && (err != nil || p.Name != "Relay check <contoso>") {
				t.Errorf("Import = %+v, %v; want the profile", p, err)
			}
			if !tt.ok && !errors.Is(err, ErrDamaged) {
				t.Errorf("Import = %v, want ErrDamaged", err)
			}
		})
	}
	id := NewID()
	stored := strings.ReplaceAll(mustEncode(t, Profile{Schema: 1, ID: id, Name: "Stored with a BOM", Envelope: Envelope{From: "a@b.test", To: []string{"c@d.test"}}}), "\n", "\r\n")
	writeRaw(t, s, id+".json", "\uFEFF"+stored)
	if p, err := s.Get(id); err != nil || p.Name != "Stored with a BOM" {
		t.Errorf("Get of a stored file with a BOM = %+v, %v", p, err)
	}
}
