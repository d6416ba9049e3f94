package profile

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"smtpprobe/backend/lang"
)

// sentinel is a secret no file or output may ever contain.
const sentinel = "S3NTINEL-p4ssw0rd-ñ-7f1c"

func authProfile(t *testing.T, s *Store) Profile {
	t.Helper()
	p := valid()
	p.Auth = Auth{Mechanism: "PLAIN", User: "admin@contoso.com"}
	return mustSave(t, s, p)
}

// withNoKeyring makes the keyring fail like a Linux desktop without a
// Secret Service, for the duration of the test.
func withNoKeyring(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided"))
	t.Cleanup(keyring.MockInit)
}

func TestSecretLifecycle(t *testing.T) {
	keyring.MockInit()
	s := newTestStore(t)
	p := authProfile(t, s)
	if _, err := s.GetSecret(p.ID); !errors.Is(err, ErrNoSecret) {
		t.Errorf("GetSecret before SetSecret = %v, want ErrNoSecret", err)
	}
	if err := s.SetSecret(p.ID, sentinel); err != nil {
		t.Fatalf("SetSecret: %v", err)
	}
	// Filed in the OS keyring under the documented service and key.
	if got, err := keyring.Get(KeyringService, SecretKey(p.ID, p.Auth.User)); err != nil || got != sentinel {
		t.Errorf("keyring holds %q, %v", got, err)
	}
	p, _ = s.Get(p.ID)
	if p.Auth.SecretRef != SecretKey(p.ID, p.Auth.User) {
		t.Errorf("SecretRef = %q", p.Auth.SecretRef)
	}
	if got, err := s.GetSecret(p.ID); err != nil || got != sentinel {
		t.Errorf("GetSecret = %q, %v", got, err)
	}
	// An ordinary save keeps the reference, even from a caller (a form)
	// that never saw it.
	p.Description = "edited"
	p.Auth.SecretRef = ""
	if p = mustSave(t, s, p); p.Auth.SecretRef != SecretKey(p.ID, p.Auth.User) {
		t.Errorf("a save without auth changes dropped the secret reference: %q", p.Auth.SecretRef)
	}
	if got, err := s.GetSecret(p.ID); err != nil || got != sentinel {
		t.Errorf("GetSecret after an edit = %q, %v", got, err)
	}

	// A duplicate gets its own copy under its own key.
	dup, err := s.Duplicate(p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetSecret(dup.ID); err != nil || got != sentinel || dup.Auth.SecretRef != SecretKey(dup.ID, dup.Auth.User) {
		t.Errorf("duplicate's secret = %q, %v (ref %q)", got, err, dup.Auth.SecretRef)
	}

	// A new user name orphans the old secret: it is removed.
	dup.Auth.User = "someone@contoso.com"
	dup = mustSave(t, s, dup)
	if dup.Auth.SecretRef != "" {
		t.Errorf("reference kept across a user change: %q", dup.Auth.SecretRef)
	}
	if _, err := keyring.Get(KeyringService, SecretKey(dup.ID, "admin@contoso.com")); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("old user's secret still in the keyring: %v", err)
	}

	if err := s.DeleteSecret(p.ID); err != nil {
		t.Fatalf("DeleteSecret: %v", err)
	}
	if p, _ = s.Get(p.ID); p.Auth.SecretRef != "" {
		t.Errorf("reference kept after DeleteSecret")
	}
	if _, err := keyring.Get(KeyringService, SecretKey(p.ID, p.Auth.User)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("DeleteSecret left the secret: %v", err)
	}

	// Deleting a profile deletes its secret.
	if err := s.SetSecret(p.ID, sentinel); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(p.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := keyring.Get(KeyringService, SecretKey(p.ID, p.Auth.User)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("Delete left the secret: %v", err)
	}
}

func TestSecretRejects(t *testing.T) {
	keyring.MockInit()
	s := newTestStore(t)
	noUser := mustSave(t, s, valid())
	if err := s.SetSecret(noUser.ID, "pw"); !errors.Is(err, ErrNoUser) {
		t.Errorf("SetSecret without a user = %v, want ErrNoUser", err)
	}
	p := authProfile(t, s)
	for _, secret := range []string{"", strings.Repeat("x", MaxSecret+1)} {
		if err := s.SetSecret(p.ID, secret); err == nil {
			t.Errorf("SetSecret of %d bytes succeeded", len(secret))
		}
	}
	if err := s.SetSecret(NewID(), "pw"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetSecret on a missing profile = %v", err)
	}
}

func TestNoKeyring(t *testing.T) {
	s := newTestStore(t)
	p := authProfile(t, s)
	withNoKeyring(t)
	before := snapshot(t, s.Dir())
	err := s.SetSecret(p.ID, sentinel)
	if !errors.Is(err, ErrNoKeyring) {
		t.Fatalf("SetSecret without a keyring = %v, want ErrNoKeyring", err)
	}
	for l, want := range map[lang.Lang]string{lang.EN: "no keyring is available", lang.ES: "no hay ningún llavero"} {
		if msg := lang.ErrorText(err, l); !strings.Contains(msg, want) || !strings.Contains(msg, "org.freedesktop.secrets") {
			t.Errorf("ErrorText(%s) = %q", l, msg)
		}
	}
	// Nothing was stored anywhere instead.
	if after := snapshot(t, s.Dir()); !mapsEqual(before, after) {
		t.Error("the profile folder changed although the secret could not be stored")
	}
	assertNoSentinel(t, s.Dir())
	if _, err := s.GetSecret(p.ID); !errors.Is(err, ErrNoSecret) {
		t.Errorf("GetSecret = %v, want ErrNoSecret (the profile has no reference)", err)
	}
}

func TestDeleteWithKeyringGone(t *testing.T) {
	keyring.MockInit()
	s := newTestStore(t)
	p := authProfile(t, s)
	if err := s.SetSecret(p.ID, sentinel); err != nil {
		t.Fatal(err)
	}
	withNoKeyring(t)
	// The duplicate cannot get the secret; it works without one.
	dup, err := s.Duplicate(p.ID, "copy")
	if err != nil || dup.Auth.SecretRef != "" {
		t.Errorf("Duplicate without a keyring = ref %q, %v", dup.Auth.SecretRef, err)
	}
	err = s.Delete(p.ID)
	var left *SecretLeftError
	if !errors.As(err, &left) || left.Key != SecretKey(p.ID, p.Auth.User) || !errors.Is(err, ErrNoKeyring) {
		t.Fatalf("Delete with the keyring gone = %v, want *SecretLeftError", err)
	}
	if !strings.Contains(lang.ErrorText(err, lang.ES), "se eliminó el perfil") {
		t.Errorf("Spanish: %s", lang.ErrorText(err, lang.ES))
	}
	if _, err := s.Get(p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the file survived Delete: %v", err)
	}
	// A profile that never had a secret deletes quietly.
	if err := s.Delete(dup.ID); err != nil {
		t.Errorf("Delete of a profile without a secret = %v", err)
	}
}

// TestSentinelSecret stores a secret, then runs every operation that writes
// a file, and proves the secret is in none of them, in any common encoding.
func TestSentinelSecret(t *testing.T) {
	keyring.MockInit()
	s := newTestStore(t)
	p := authProfile(t, s)
	if err := s.SetSecret(p.ID, sentinel); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Get(p.ID)
	p.Description = "resaved"
	mustSave(t, s, p)
	dup, err := s.Duplicate(p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, id := range []string{p.ID, dup.ID} {
		if err := s.Export(id, filepath.Join(out, id+".json")); err != nil {
			t.Fatal(err)
		}
	}
	imp, err := s.Import(filepath.Join(out, p.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if imp.Auth.SecretRef != "" {
		t.Errorf("an imported profile claims a secret: %q", imp.Auth.SecretRef)
	}
	exported, _ := os.ReadFile(filepath.Join(out, p.ID+".json"))
	if strings.Contains(string(exported), "secret_ref") {
		t.Errorf("an exported file carries the secret reference:\n%s", exported)
	}
	assertNoSentinel(t, s.Dir())
	assertNoSentinel(t, out)
	// And the secret is really there, so the test can fail.
	if got, _ := s.GetSecret(dup.ID); got != sentinel {
		t.Fatalf("the duplicate's secret is %q", got)
	}
}

// assertNoSentinel fails if any file under dir holds the sentinel, plainly,
// JSON-escaped or base64-encoded.
func assertNoSentinel(t *testing.T, dir string) {
	t.Helper()
	forms := sentinelForms()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		for _, f := range forms {
			if strings.Contains(string(b), f) {
				t.Errorf("%s contains the secret (%q)", path, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no files under %s: nothing was checked", dir)
	}
}

func sentinelForms() []string {
	return []string{
		sentinel,
		"S3NTINEL-p4ssw0rd-\\u00f1", // JSON \u escape of ñ
		base64.StdEncoding.EncodeToString([]byte(sentinel)),
		base64.StdEncoding.EncodeToString([]byte("\x00admin@contoso.com\x00" + sentinel)), // AUTH PLAIN
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestCallKeyringTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, err := callKeyring(50*time.Millisecond, func() (string, error) {
		<-release // a keyring prompt nobody answers
		return "", nil
	})
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("callKeyring on a hung keyring = %v, want ErrNoKeyring", err)
	}
}
