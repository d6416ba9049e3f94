package desktop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"smtpprobe/backend/atomicfile"
	"smtpprobe/backend/lang"
)

// maxSettingsSize bounds the settings file read: it holds a few short
// fields, so anything bigger is damage, not settings.
const maxSettingsSize = 64 << 10

// WindowState is the window's size and position, restored at start.
type WindowState struct {
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Maximised bool `json:"maximised,omitempty"`
}

// UserSettings are the user's preferences kept between runs. Empty fields mean
// "not chosen": the UI then follows the operating system.
type UserSettings struct {
	// Lang is "en", "es" or "" (follow the OS).
	Lang string `json:"lang"`
	// Theme is "light", "dark", "highContrast" or "" (follow the OS).
	Theme string `json:"theme"`
	// Window is nil until the window was moved or resized once.
	Window *WindowState `json:"window,omitempty"`
	// DemoOffered is set once the first-run demo card was dismissed or used.
	DemoOffered bool `json:"demo_offered"`
}

var validThemes = map[string]bool{"": true, "light": true, "dark": true, "highContrast": true}

func (s UserSettings) validate() error {
	if s.Lang != "" {
		if _, err := lang.Parse(s.Lang); err != nil {
			return fmt.Errorf("settings: language: %w", err)
		}
	}
	if !validThemes[s.Theme] {
		return fmt.Errorf("settings: unknown theme %q", s.Theme)
	}
	if w := s.Window; w != nil {
		// Sizes outside any real screen come from a damaged file; restoring
		// them would put the window out of reach.
		if w.Width < 200 || w.Height < 200 || w.Width > 20000 || w.Height > 20000 ||
			w.X < -20000 || w.Y < -20000 || w.X > 20000 || w.Y > 20000 {
			return fmt.Errorf("settings: window geometry %dx%d at %d,%d is out of range", w.Width, w.Height, w.X, w.Y)
		}
	}
	return nil
}

func (a *Settings) settingsPath() (string, error) {
	if a.configDir == "" {
		return "", errNoConfigDir
	}
	return filepath.Join(a.configDir, "settings.json"), nil
}

// Settings keeps the user's preferences in settings.json in the config
// folder, and the window's place.
type Settings struct {
	configDir string
	window    Window
	mu        sync.Mutex
}

// loadSettings reads the settings file. A missing file is the zero Settings;
// a damaged one is reported, and GetSettings then falls back to defaults.
func (a *Settings) loadSettings() (UserSettings, error) {
	var s UserSettings
	p, err := a.settingsPath()
	if err != nil {
		return s, err
	}
	f, err := atomicfile.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("open settings: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSettingsSize+1))
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	if len(data) > maxSettingsSize {
		return UserSettings{}, fmt.Errorf("settings file %s is larger than %d bytes", p, maxSettingsSize)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return UserSettings{}, fmt.Errorf("settings file %s: %w", p, err)
	}
	if err := s.validate(); err != nil {
		return UserSettings{}, err
	}
	return s, nil
}

// GetSettings returns the saved settings; a missing or damaged file gives
// the defaults (a broken preferences file must never keep the app from
// starting).
func (a *Settings) GetSettings() UserSettings {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, err := a.loadSettings()
	if err != nil {
		return UserSettings{}
	}
	return s
}

// SaveSettings stores the language, theme and demo flag. The window geometry
// is kept: only the window itself reports it (SaveWindowState).
func (a *Settings) SaveSettings(s UserSettings) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := s.validate(); err != nil {
		return err
	}
	old, _ := a.loadSettings()
	s.Window = old.Window
	return a.writeSettings(s)
}

func (a *Settings) writeSettings(s UserSettings) error {
	p, err := a.settingsPath()
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(p), err)
	}
	return atomicfile.WriteFile(p, append(data, '\n'), 0o600)
}

// SaveWindowState records the window's current size and position. The
// frontend calls it (debounced) after the window was resized or moved.
func (a *Settings) SaveWindowState() error {
	if a.window == nil {
		return errNoWindow
	}
	g, err := a.window.Geometry()
	if err != nil {
		return fmt.Errorf("read window geometry: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, _ := a.loadSettings()
	s.Window = &g
	if err := s.validate(); err != nil {
		// A minimised window reports nonsense; keep the last good state.
		return nil
	}
	return a.writeSettings(s)
}

// restoreWindow applies the saved geometry, if any.
func (a *Settings) restoreWindow() {
	if a.window == nil {
		return
	}
	s := a.GetSettings()
	if s.Window != nil {
		a.window.Restore(*s.Window)
	}
}
