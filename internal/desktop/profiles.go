package desktop

import (
	"errors"
	"fmt"
	"log"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
)

// ProfileEntry is one saved profile in the rail. A damaged file has
// Damaged set, Error saying why (in the UI language) and no Profile.
type ProfileEntry struct {
	ID      string           `json:"id"`
	File    string           `json:"file"`
	Name    string           `json:"name"`
	Damaged bool             `json:"damaged"`
	Error   string           `json:"error,omitempty"`
	Profile *profile.Profile `json:"profile,omitempty"`
}

// SavedProfile is what SaveProfile returns: the profile as stored and, when
// the secret could not be kept in the keyring, a note saying so.
type SavedProfile struct {
	Profile profile.Profile `json:"profile"`
	Warning string          `json:"warning,omitempty"`
}

// profileErr turns a profile error into one whose text is in the UI
// language. op says what was attempted; the explanation already does so
// for the user, so it is kept for the log only.
func (a *Profiles) profileErr(op string, err error, l lang.Lang) error {
	if err == nil {
		return nil
	}
	log.Printf("%s: %v", op, err)
	return &uiError{msg: lang.ErrorText(err, l), err: err}
}

// Profiles are the saved profiles of the rail, their import and export.
// Every method takes langCode, the UI language ("en" or "es") its errors
// are written in: the frontend passes the one it shows.
type Profiles struct {
	store   *profile.Store
	dialogs Dialogs
}

func (a *Profiles) profileStore() (*profile.Store, error) {
	if a.store == nil {
		return nil, errNoConfigDir
	}
	return a.store, nil
}

// ListProfiles returns every saved profile, damaged ones included.
func (a *Profiles) ListProfiles(langCode string) ([]ProfileEntry, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return nil, err
	}
	entries, err := st.List()
	if err != nil {
		return nil, a.profileErr("list profiles", err, l)
	}
	out := make([]ProfileEntry, 0, len(entries))
	for _, e := range entries {
		pe := ProfileEntry{ID: e.ID, File: e.File, Profile: e.Profile}
		if e.Profile != nil {
			pe.Name = e.Profile.Name
		}
		if e.Err != nil {
			pe.Damaged = true
			pe.Error = lang.ErrorText(e.Err, l)
			pe.Name = e.File
		}
		out = append(out, pe)
	}
	return out, nil
}

// GetProfile reads one profile.
func (a *Profiles) GetProfile(id, langCode string) (profile.Profile, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return profile.Profile{}, err
	}
	p, err := st.Get(id)
	return p, a.profileErr("open profile", err, l)
}

// SaveProfile validates and stores p (a new one when p.ID is empty). With a
// secret and an AUTH user, the secret goes to the operating system's keyring
// (Windows Credential Manager); when no keyring is available the profile is
// still saved and Warning says the password will be asked for at run time.
func (a *Profiles) SaveProfile(p profile.Profile, secret, langCode string) (SavedProfile, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return SavedProfile{}, err
	}
	if p.Schema == 0 {
		p.Schema = profile.SchemaVersion
	}
	// A profile made in the wizard has no id yet; Validate insists on one.
	if p.ID == "" {
		p.ID = profile.NewID()
	}
	if err := p.Validate(); err != nil {
		return SavedProfile{}, a.profileErr("save profile", err, l)
	}
	saved, err := st.Save(p)
	if err != nil {
		return SavedProfile{}, a.profileErr("save profile", err, l)
	}
	out := SavedProfile{Profile: saved}
	if secret != "" {
		if err := st.SetSecret(saved.ID, secret); err != nil {
			if !errors.Is(err, profile.ErrNoKeyring) && !errors.Is(err, profile.ErrNoUser) {
				return out, a.profileErr("store the password", err, l)
			}
			out.Warning = lang.ErrorText(err, l)
		} else if got, err := st.Get(saved.ID); err == nil {
			out.Profile = got
		}
	}
	return out, nil
}

// DeleteProfile removes a profile (damaged or not) and its keyring secret.
func (a *Profiles) DeleteProfile(id, langCode string) error {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return err
	}
	return a.profileErr("delete profile", st.Delete(id), l)
}

// DuplicateProfile saves a copy of profile id under a unique name.
func (a *Profiles) DuplicateProfile(id, langCode string) (profile.Profile, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return profile.Profile{}, err
	}
	p, err := st.Duplicate(id, "")
	return p, a.profileErr("duplicate profile", err, l)
}

// ImportProfile asks for a file with the native open dialog and imports it.
// It returns nil when the user cancelled. (Wails binds at most one value and
// an error, hence the pointer rather than an "ok" flag.)
func (a *Profiles) ImportProfile(langCode string) (*profile.Profile, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return nil, err
	}
	if a.dialogs == nil {
		return nil, errNoWindow
	}
	path, err := a.dialogs.OpenFile("Import profile", "*.json")
	if err != nil {
		return nil, fmt.Errorf("open dialog: %w", err)
	}
	if path == "" {
		return nil, nil
	}
	p, err := st.Import(path)
	if err != nil {
		return nil, a.profileErr("import profile", err, l)
	}
	return &p, nil
}

// ExportProfile asks where to save profile id (native save dialog) and
// writes it there without its secret. It returns the path, "" if cancelled.
func (a *Profiles) ExportProfile(id, langCode string) (string, error) {
	l := parseLang(langCode)
	st, err := a.profileStore()
	if err != nil {
		return "", err
	}
	p, err := st.Get(id)
	if err != nil {
		return "", a.profileErr("export profile", err, l)
	}
	if a.dialogs == nil {
		return "", errNoWindow
	}
	path, err := a.dialogs.SaveFile("Export profile", safeFileName(p.Name)+".json", "*.json")
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	return path, a.profileErr("export profile", st.Export(id, path), l)
}

// safeFileName keeps letters, digits, spaces, dots, dashes and underscores of
// a profile name, so a proposed file name never holds a path separator or a
// character Windows refuses.
func safeFileName(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == ' ', r == '-', r == '_', r == '.':
			out = append(out, r)
		case r > 127 && r != 0xFFFD:
			out = append(out, r)
		}
		if len(out) >= 80 {
			break
		}
	}
	s := string(out)
	for len(s) > 0 && (s[0] == '.' || s[0] == ' ') {
		s = s[1:]
	}
	if s == "" {
		return "profile"
	}
	return s
}
