package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/version"
)

// EmitFunc sends an event to the frontend. In the running app it wraps the
// Wails runtime's EventsEmit; tests pass a recorder, so App needs no window.
type EmitFunc func(event string, data ...any)

// ConfigDirEnv overrides the folder holding settings and profiles, so tests
// (and the end-to-end harness) never touch the user's real folder.
const ConfigDirEnv = "SMTPPROBE_CONFIG_DIR"

// App is the type bound to the frontend. It stays thin: it validates input,
// calls into backend/ and emits events. No protocol code lives here.
type App struct {
	ctx  context.Context
	emit EmitFunc

	configDir string
	profiles  *profile.Store
	dialogs   Dialogs
	window    Window
	hostname  func() (string, error)

	settingsMu sync.Mutex

	sessionsMu sync.Mutex
	sessions   map[string]context.CancelFunc
	results    resultCache

	recv receiverSlot
}

// appDeps are the dependencies of an App; tests fill them with temporary
// folders and fakes for the parts that need a window.
type appDeps struct {
	Emit      EmitFunc
	ConfigDir string
	Secrets   profile.Secrets
	Dialogs   Dialogs
	Window    Window
	Hostname  func() (string, error)
}

// NewApp returns an App that emits frontend events through emit. Settings and
// profiles live under DefaultConfigDir.
func NewApp(emit EmitFunc) *App {
	dir, err := DefaultConfigDir()
	if err != nil {
		// Without a config folder the app still tests mail flow; profiles
		// and settings then fail with this error when used.
		dir = ""
	}
	a := newApp(appDeps{Emit: emit, ConfigDir: dir})
	a.dialogs = wailsDialogs{app: a}
	a.window = wailsWindow{app: a}
	return a
}

func newApp(d appDeps) *App {
	if d.Emit == nil {
		d.Emit = func(string, ...any) {}
	}
	if d.Hostname == nil {
		d.Hostname = os.Hostname
	}
	a := &App{
		ctx:       context.Background(),
		emit:      d.Emit,
		configDir: d.ConfigDir,
		dialogs:   d.Dialogs,
		window:    d.Window,
		hostname:  d.Hostname,
		sessions:  make(map[string]context.CancelFunc),
	}
	var opts []profile.Option
	if d.Secrets != nil {
		opts = append(opts, profile.WithSecrets(d.Secrets))
	}
	if d.ConfigDir != "" {
		a.profiles = profile.NewStore(filepath.Join(d.ConfigDir, "profiles"), opts...)
	}
	return a
}

// DefaultConfigDir returns the folder for settings and profiles:
// $SMTPPROBE_CONFIG_DIR when set, else os.UserConfigDir()/SMTP Probe (the
// same folder the command line's profile store uses).
func DefaultConfigDir() (string, error) {
	if d := os.Getenv(ConfigDirEnv); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user configuration folder: %w", err)
	}
	return filepath.Join(base, version.Name), nil
}

// startup keeps the Wails context; long-running calls derive from it so they
// stop when the window closes. The saved window geometry is restored here.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	a.restoreWindow()
}

// Version returns the version of SMTP Probe, the same string as the
// command line's "smtpprobe version".
func (a *App) Version() string {
	return version.Version
}

// DefaultEHLO returns this machine's name, the EHLO name prefilled in the
// wizard (what telnet users type after EHLO).
func (a *App) DefaultEHLO() string {
	h, err := a.hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// uiLang is the language errors returned to the frontend are written in: the
// one saved in the settings, else the environment's.
func (a *App) uiLang() lang.Lang {
	s, err := a.loadSettings()
	if err == nil {
		if l, err := lang.Parse(s.Lang); err == nil {
			return l
		}
	}
	return lang.FromEnv()
}

// errNoConfigDir is returned by profile and settings calls when no config
// folder could be determined at start.
var errNoConfigDir = errors.New("no configuration folder: set " + ConfigDirEnv)

// now is the clock used for timestamps the app adds itself.
var now = time.Now
