package profile

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"smtpprobe/backend/atomicfile"
	"smtpprobe/backend/boundedfile"
	"smtpprobe/backend/lang"
)

// File names inside the store folder.
const (
	lockName  = ".lock"
	tmpPrefix = atomicfile.TempPrefix // what a killed writer leaves
	ext       = ".json"
)

// LockTimeout is how long a write waits for another process (the GUI and
// the CLI share the folder) to finish before giving up.
const LockTimeout = 10 * time.Second

// ErrLocked means another process held the store's lock for LockTimeout.
var ErrLocked error = lang.NewError(lang.Text{
	EN: "the profile folder is busy: another SMTP Probe process has held its lock for too long",
	ES: "la carpeta de perfiles está ocupada: otro proceso de SMTP Probe mantiene su bloqueo demasiado tiempo",
})

// DefaultDir returns the per-user profile folder:
// os.UserConfigDir()/SMTP Probe/profiles.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("profile folder: %w", err)
	}
	return filepath.Join(base, "SMTP Probe", "profiles"), nil
}

// Store keeps profiles as <id>.json files (mode 0600) in one folder (mode
// 0700). Every change is an atomic replace (temporary file in the same
// folder, fsync, rename, fsync of the folder) made under a mutex and an OS
// lock on the folder's .lock file, so the GUI and the CLI never interleave.
// Readers take no lock: they see either the old or the new file, whole.
// A Store is safe for concurrent use.
type Store struct {
	dir     string
	secrets Secrets
	now     func() time.Time
	mu      sync.Mutex
}

// Option configures a Store.
type Option func(*Store)

// WithSecrets makes the store keep AUTH secrets in s instead of the
// operating system's keyring.
func WithSecrets(s Secrets) Option { return func(st *Store) { st.secrets = s } }

// NewStore returns a store rooted at dir. The folder is created on the
// first write.
func NewStore(dir string, opts ...Option) *Store {
	s := &Store{dir: dir, secrets: Keyring{}, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// Entry is one profile file as found by List: either Profile is set, or Err
// (a *DamagedError) says why the file cannot be used.
type Entry struct {
	ID      string   // from the file name
	File    string   // base name of the file
	Profile *Profile // nil when damaged
	Err     error    // non-nil when damaged
}

// List returns every profile file in the folder, sorted by name, damaged
// ones last (by file name). Files that are not <id>.json are ignored, among
// them temporary files left by a crash. A missing folder is an empty list.
func (s *Store) List() ([]Entry, error) {
	des, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	var out []Entry
	for _, de := range des {
		id, ok := idFromName(de.Name())
		if !ok || de.IsDir() {
			continue
		}
		e := Entry{ID: id, File: de.Name()}
		p, err := s.read(id)
		switch {
		case errors.Is(err, ErrNotFound):
			continue // deleted since ReadDir
		case err != nil:
			e.Err = err
		default:
			e.Profile = &p
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if (a.Profile == nil) != (b.Profile == nil) {
			if a.Profile == nil {
				return 1
			}
			return -1
		}
		if a.Profile != nil {
			if c := cmp.Compare(strings.ToLower(a.Profile.Name), strings.ToLower(b.Profile.Name)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.File, b.File)
	})
	return out, nil
}

// Get reads one profile. It fails with ErrInvalidID, ErrNotFound, or a
// *DamagedError.
func (s *Store) Get(id string) (Profile, error) {
	if !ValidID(id) {
		return Profile{}, fmt.Errorf("get profile %q: %w", truncate(id, 40), ErrInvalidID)
	}
	p, err := s.read(id)
	if err != nil {
		return Profile{}, fmt.Errorf("get profile %s: %w", id, err)
	}
	return p, nil
}

// Save writes p and returns it as stored. An empty ID gets a new one. The
// creation time of an existing profile is kept and Updated is set to now.
// Auth.SecretRef is not taken from p: it is kept from the stored profile
// while the AUTH user stays the same, and when the user changes the old
// user's secret is removed from the keyring (SetSecret stores a new one).
// A damaged file under the same id is never overwritten: delete it first.
func (s *Store) Save(p Profile) (Profile, error) {
	unlock, err := s.lock()
	if err != nil {
		return Profile{}, fmt.Errorf("save profile: %w", err)
	}
	defer unlock()
	return s.saveLocked(p)
}

// saveLocked is Save for a caller that holds the lock.
func (s *Store) saveLocked(p Profile) (Profile, error) {
	p = p.Clone()
	if p.ID == "" {
		p.ID = NewID()
	}
	if !ValidID(p.ID) {
		return Profile{}, fmt.Errorf("save profile %q: %w", truncate(p.ID, 40), ErrInvalidID)
	}
	if p.Schema == 0 {
		p.Schema = SchemaVersion
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	old, err := s.read(p.ID)
	// The reference follows the stored secret, not the caller: a form that
	// never saw it must not drop it, and no caller can invent one.
	p.Auth.SecretRef = ""
	switch {
	case errors.Is(err, ErrNotFound):
		p.Created = now
	case err != nil:
		return Profile{}, fmt.Errorf("save profile %s: refusing to overwrite: %w", p.ID, err)
	default:
		p.Created = old.Created
		if old.Auth.SecretRef != "" && old.Auth.SecretRef == SecretKey(p.ID, p.Auth.User) {
			p.Auth.SecretRef = old.Auth.SecretRef
		}
	}
	p.Updated = now
	if p.Updated.Before(p.Created) { // the clock went back
		p.Updated = p.Created
	}
	if err := p.Validate(); err != nil {
		return Profile{}, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	data, err := encode(&p)
	if err != nil {
		return Profile{}, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	if err := writeAtomic(s.dir, p.ID+ext, data); err != nil {
		return Profile{}, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	// A changed user name orphans the old secret; it was the user's
	// password, so do not leave it behind.
	if old.Auth.SecretRef != "" && p.Auth.SecretRef == "" {
		_ = s.secrets.DeleteSecret(old.ID, old.Auth.User)
	}
	return p, nil
}

// Delete removes the profile file, damaged or not, and its secret in the
// keyring. When the file is gone but the secret could not be removed, the
// error is a *SecretLeftError saying where it is.
func (s *Store) Delete(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("delete profile %q: %w", truncate(id, 40), ErrInvalidID)
	}
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("delete profile %s: %w", id, err)
	}
	defer unlock()
	path := filepath.Join(s.dir, id+ext)
	// Even a damaged file may name the user whose secret must go too.
	user, hadRef := authOf(path)
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete profile %s: %w", id, ErrNotFound)
		}
		return fmt.Errorf("delete profile %s: %w", id, err)
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return fmt.Errorf("delete profile %s: sync folder: %w", id, err)
	}
	if user == "" {
		return nil
	}
	// Try even without a reference: a crash between storing the secret and
	// writing the file leaves a secret the file does not mention.
	err = s.secrets.DeleteSecret(id, user)
	if err == nil || errors.Is(err, ErrNoSecret) || !hadRef {
		return nil
	}
	return &SecretLeftError{Service: KeyringService, Key: SecretKey(id, user), Err: err}
}

// authOf reads the AUTH user of a profile file leniently, for Delete: it
// works on files too damaged to load, as long as they are JSON.
func authOf(path string) (user string, hasRef bool) {
	data, err := readLimited(path)
	if err != nil {
		return "", false
	}
	var v struct {
		Auth struct {
			User      any `json:"user"`
			SecretRef any `json:"secret_ref"`
		} `json:"auth"`
		User any `json:"user"` // schema 0
	}
	if json.Unmarshal(data, &v) != nil {
		return "", false
	}
	u, _ := v.Auth.User.(string)
	if u == "" {
		u, _ = v.User.(string)
	}
	ref, _ := v.Auth.SecretRef.(string)
	return u, ref != ""
}

// Duplicate saves a copy of profile id under a new id and newName (empty:
// the original name made unique). The copy gets its own keyring entry with
// the same secret; when the keyring cannot be used the copy has none and
// the secret is asked for at run time.
func (s *Store) Duplicate(id, newName string) (Profile, error) {
	src, err := s.Get(id)
	if err != nil {
		return Profile{}, fmt.Errorf("duplicate: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return Profile{}, fmt.Errorf("duplicate profile %s: %w", id, err)
	}
	defer unlock()
	p := src.Clone()
	p.ID = NewID()
	if newName == "" {
		if newName, err = s.uniqueName(src.Name); err != nil {
			return Profile{}, fmt.Errorf("duplicate profile %s: %w", id, err)
		}
	}
	p.Name = newName
	p.Auth.SecretRef = ""
	saved, err := s.saveLocked(p)
	if err != nil {
		return Profile{}, fmt.Errorf("duplicate profile %s: %w", id, err)
	}
	if src.Auth.SecretRef == "" {
		return saved, nil
	}
	secret, err := s.secrets.GetSecret(src.ID, src.Auth.User)
	if err != nil {
		return saved, nil // nothing to copy, or no keyring: asked at run time
	}
	// Best effort, as above: without a copied secret the duplicate still
	// works and asks for it at run time.
	_ = s.setSecretLocked(&saved, secret)
	return saved, nil
}

// Import reads a profile file written by Export (or by hand, of any known
// schema), gives it a new id, makes its name unique ("Name (2)") and saves
// it. Secret references are dropped: a secret never travels in a file.
func (s *Store) Import(path string) (Profile, error) {
	p, err := readForImport(path)
	if err != nil {
		return Profile{}, fmt.Errorf("import %s: %w", path, err)
	}
	unlock, err := s.lock()
	if err != nil {
		return Profile{}, fmt.Errorf("import %s: %w", path, err)
	}
	defer unlock()
	if p.Name, err = s.uniqueName(p.Name); err != nil {
		return Profile{}, fmt.Errorf("import %s: %w", path, err)
	}
	saved, err := s.saveLocked(p)
	if err != nil {
		return Profile{}, fmt.Errorf("import %s: %w", path, err)
	}
	return saved, nil
}

// ReadFile reads a profile file the way Import does (size limit, strict
// schema, migration, validation, a new id, no secret reference) without
// saving it anywhere: for running a test from a file.
func ReadFile(path string) (Profile, error) {
	p, err := readForImport(path)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile %s: %w", path, err)
	}
	if p.Schema == 0 {
		p.Schema = SchemaVersion
	}
	return p, nil
}

// readForImport reads and decodes path under a new id: schema 0 files take
// it, and for current ones the old id is replaced before validation.
func readForImport(path string) (Profile, error) {
	data, err := readLimited(path)
	if err != nil {
		return Profile{}, err
	}
	return decodeForImport(data, filepath.Base(path), NewID())
}

// decodeForImport decodes like a stored file, except that the id and the
// secret reference inside are replaced instead of checked.
func decodeForImport(data []byte, file, id string) (Profile, error) {
	var head map[string]json.RawMessage
	if len(data) <= MaxFileSize && json.Unmarshal(data, &head) == nil {
		if _, ok := head["schema"]; ok {
			head["id"], _ = json.Marshal(id)
			if raw, ok := head["auth"]; ok {
				var auth map[string]json.RawMessage
				if json.Unmarshal(raw, &auth) == nil {
					delete(auth, "secret_ref")
					head["auth"], _ = json.Marshal(auth)
				}
			}
			data, _ = json.Marshal(head)
		}
	}
	return decode(data, file, id)
}

// Export writes profile id to path (mode 0600), atomically, without its
// secret reference.
func (s *Store) Export(id, path string) error {
	p, err := s.Get(id)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	p.Auth.SecretRef = ""
	data, err := encode(&p)
	if err != nil {
		return fmt.Errorf("export profile %s: %w", id, err)
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := writeAtomic(dir, name, data); err != nil {
		return fmt.Errorf("export profile %s to %s: %w", id, path, err)
	}
	return nil
}

// SetSecret stores the AUTH secret of profile id in the keyring and marks
// the profile as having one. With no keyring it returns an error matching
// ErrNoKeyring and stores nothing anywhere.
func (s *Store) SetSecret(id, secret string) error {
	p, err := s.Get(id)
	if err != nil {
		return fmt.Errorf("set secret: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("set secret of %s: %w", id, err)
	}
	defer unlock()
	if p, err = s.read(id); err != nil { // it may have changed while we waited
		return fmt.Errorf("set secret of %s: %w", id, err)
	}
	if err := s.setSecretLocked(&p, secret); err != nil {
		return fmt.Errorf("set secret of %s: %w", id, err)
	}
	return nil
}

func (s *Store) setSecretLocked(p *Profile, secret string) error {
	if p.Auth.User == "" {
		return ErrNoUser
	}
	if err := s.secrets.SetSecret(p.ID, p.Auth.User, secret); err != nil {
		return err
	}
	q := p.Clone()
	q.Auth.SecretRef = SecretKey(p.ID, p.Auth.User)
	data, err := encode(&q)
	if err == nil {
		err = writeAtomic(s.dir, q.ID+ext, data)
	}
	if err != nil {
		// The profile does not point to it, so take the secret back.
		_ = s.secrets.DeleteSecret(p.ID, p.Auth.User)
		return err
	}
	*p = q
	return nil
}

// GetSecret returns the AUTH secret of profile id from the keyring:
// ErrNoSecret when none was stored, an ErrNoKeyring match when the keyring
// cannot be used (ask the user instead).
func (s *Store) GetSecret(id string) (string, error) {
	p, err := s.Get(id)
	if err != nil {
		return "", fmt.Errorf("get secret: %w", err)
	}
	if p.Auth.SecretRef == "" {
		return "", fmt.Errorf("get secret of %s: %w", id, ErrNoSecret)
	}
	secret, err := s.secrets.GetSecret(p.ID, p.Auth.User)
	if err != nil {
		return "", fmt.Errorf("get secret of %s: %w", id, err)
	}
	return secret, nil
}

// DeleteSecret removes the AUTH secret of profile id from the keyring and
// the reference from the profile.
func (s *Store) DeleteSecret(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("delete secret: %w", ErrInvalidID)
	}
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("delete secret of %s: %w", id, err)
	}
	defer unlock()
	p, err := s.read(id)
	if err != nil {
		return fmt.Errorf("delete secret of %s: %w", id, err)
	}
	if p.Auth.User != "" {
		if err := s.secrets.DeleteSecret(p.ID, p.Auth.User); err != nil && !errors.Is(err, ErrNoSecret) {
			return fmt.Errorf("delete secret of %s: %w", id, err)
		}
	}
	if p.Auth.SecretRef == "" {
		return nil
	}
	p.Auth.SecretRef = ""
	data, err := encode(&p)
	if err == nil {
		err = writeAtomic(s.dir, p.ID+ext, data)
	}
	if err != nil {
		return fmt.Errorf("delete secret of %s: %w", id, err)
	}
	return nil
}

// uniqueName returns name, or "name (2)", "name (3)"... whichever no
// profile in the folder has yet (compared case-insensitively).
func (s *Store) uniqueName(name string) (string, error) {
	entries, err := s.List()
	if err != nil {
		return "", err
	}
	taken := make(map[string]bool, len(entries))
	for _, e := range entries {
		if e.Profile != nil {
			taken[strings.ToLower(e.Profile.Name)] = true
		}
	}
	if !taken[strings.ToLower(name)] {
		return name, nil
	}
	for n := 2; ; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		base := name
		for len(base)+len(suffix) > MaxText {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		if c := base + suffix; !taken[strings.ToLower(c)] {
			return c, nil
		}
	}
}

// read loads and decodes <id>.json.
func (s *Store) read(id string) (Profile, error) {
	name := id + ext
	data, err := readLimited(filepath.Join(s.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return Profile{}, ErrNotFound
	}
	if err != nil {
		var d *DamagedError
		if errors.As(err, &d) {
			d.File = name
			return Profile{}, d
		}
		return Profile{}, &DamagedError{File: name, Kind: DamageRead, Err: err}
	}
	p, err := decode(data, name, id)
	if err != nil {
		return Profile{}, err
	}
	if p.ID != id {
		return Profile{}, &DamagedError{File: name, Kind: DamageID, Err: fmt.Errorf("id %s", p.ID)}
	}
	return p, nil
}

// readLimited reads a file of at most MaxFileSize bytes; a larger one is a
// *DamagedError of kind DamageSize, found without reading it all.
// A FIFO or device is a *DamagedError of kind DamageRead, found before
// opening it (which would block on a FIFO). A UTF-8 byte-order mark at the
// start is dropped: PowerShell 5.1's Out-File and Set-Content -Encoding UTF8,
// and Notepad before Windows 10 1903, write one, and encoding/json refuses it.
func readLimited(path string) ([]byte, error) {
	data, err := boundedfile.Read(path, MaxFileSize)
	var tl *boundedfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, &DamagedError{File: filepath.Base(path), Kind: DamageSize, Err: fmt.Errorf("%d bytes, at most %d", tl.Size, MaxFileSize)}
	case errors.Is(err, boundedfile.ErrNotRegular):
		return nil, &DamagedError{File: filepath.Base(path), Kind: DamageRead, Err: errors.New("not a regular file")}
	case err != nil:
		return nil, err
	}
	return bytes.TrimPrefix(data, utf8BOM), nil
}

// utf8BOM is U+FEFF encoded as UTF-8.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// idFromName returns the id of a profile file name "<id>.json".
func idFromName(name string) (string, bool) {
	id, ok := strings.CutSuffix(name, ext)
	return id, ok && ValidID(id)
}
