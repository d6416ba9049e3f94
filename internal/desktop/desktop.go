// Package desktop holds the services the desktop window binds: each is a
// struct whose exported methods the frontend calls (Wails binds any struct
// pointer), grouped by concern. They validate input, call into backend/ and
// emit events; no protocol code lives here, and nothing here imports Wails:
// the window, its dialogs and its event bus come in as interfaces, so every
// service runs in a plain go test.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/version"
)

// Emitter sends an event to the frontend. In the running app it wraps the
// Wails runtime's EventsEmit; tests pass a recorder.
type Emitter interface {
	Emit(event string, data ...any)
}

// EmitFunc adapts a function to Emitter.
type EmitFunc func(event string, data ...any)

// Emit calls f.
func (f EmitFunc) Emit(event string, data ...any) { f(event, data...) }

// Window is the part of the native window the services need: its geometry,
// to remember it between runs. Tests pass a fake: there is no window in a
// test.
type Window interface {
	Geometry() (WindowState, error)
	Restore(WindowState)
}

// Dialogs are the native file dialogs. They return "" when the user cancels.
type Dialogs interface {
	SaveFile(title, defaultName, pattern string) (string, error)
	OpenFile(title, pattern string) (string, error)
}

// ConfigDirEnv overrides the folder holding settings and profiles, so tests
// (and the end-to-end harness) never touch the user's real folder.
const ConfigDirEnv = "SMTPPROBE_CONFIG_DIR"

// Deps are what the services need from around them. Zero fields are
// allowed: without Emitter events are dropped, without Dialogs or Window
// the calls needing them fail with "no window", without ConfigDir profiles
// and settings fail with "no configuration folder".
type Deps struct {
	Emitter   Emitter
	ConfigDir string
	// Secrets is the keyring for profile passwords; nil is the operating
	// system's (Windows Credential Manager).
	Secrets  profile.Secrets
	Dialogs  Dialogs
	Window   Window
	Hostname func() (string, error)
}

// Services are the bound services of one window, wired to each other.
type Services struct {
	Info     *Info
	Settings *Settings
	Profiles *Profiles
	MX       *MX
	Sessions *Sessions
	Exports  *Exports
	TLS      *TLS
	Receiver *Receiver
	History  *History
	Sender   *SenderChecks

	life *lifetime
}

// New wires the services over d.
func New(d Deps) *Services {
	if d.Emitter == nil {
		d.Emitter = EmitFunc(func(string, ...any) {})
	}
	if d.Hostname == nil {
		d.Hostname = os.Hostname
	}
	var store *profile.Store
	if d.ConfigDir != "" {
		var opts []profile.Option
		if d.Secrets != nil {
			opts = append(opts, profile.WithSecrets(d.Secrets))
		}
		store = profile.NewStore(filepath.Join(d.ConfigDir, "profiles"), opts...)
	}
	life := &lifetime{}
	results := &resultCache{}
	settings := &Settings{configDir: d.ConfigDir, window: d.Window}
	hist := &History{dir: historyDir(d.ConfigDir)}
	return &Services{
		Info:     &Info{hostname: d.Hostname},
		Settings: settings,
		Profiles: &Profiles{store: store, dialogs: d.Dialogs},
		MX:       &MX{life: life},
		Sessions: &Sessions{life: life, emit: d.Emitter, profiles: store, results: results, history: hist, running: map[string]context.CancelFunc{}},
		Exports:  &Exports{results: results, dialogs: d.Dialogs},
		TLS:      &TLS{results: results, dialogs: d.Dialogs},
		Receiver: &Receiver{life: life, emit: d.Emitter},
		History:  hist,
		Sender:   &SenderChecks{life: life},
		life:     life,
	}
}

// Startup keeps the window's context: long-running calls derive from it so
// they stop when the window closes. The saved window geometry is restored.
func (s *Services) Startup(ctx context.Context) {
	s.life.set(ctx)
	s.Settings.restoreWindow()
}

// BeforeClose saves the window's place: a move without a resize sends the
// frontend no event.
func (s *Services) BeforeClose() {
	_ = s.Settings.SaveWindowState()
}

// Shutdown stops the receiver and cancels running sessions, so no
// connection outlives the window.
func (s *Services) Shutdown() {
	s.Receiver.StopReceiver()
	s.Sessions.cancelAll()
	s.History.close()
}

// lifetime is the window's context, published atomically: sessions may
// start while the window is still starting.
type lifetime struct {
	ctx atomic.Pointer[context.Context]
}

func (l *lifetime) set(ctx context.Context) { l.ctx.Store(&ctx) }

// context is the window's context; a service built without one (a test of
// that service alone) runs under context.Background.
func (l *lifetime) context() context.Context {
	if l == nil {
		return context.Background()
	}
	if c := l.ctx.Load(); c != nil {
		return *c
	}
	return context.Background()
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

// Info answers what the About box and the wizard's defaults ask.
type Info struct {
	hostname func() (string, error)
}

// Version returns the version of SMTP Probe, the same string as the
// command line's "smtpprobe version".
func (i *Info) Version() string {
	return version.Version
}

// DefaultEHLO returns this machine's name, the EHLO name prefilled in the
// wizard (what telnet users type after EHLO).
func (i *Info) DefaultEHLO() string {
	h, err := i.hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// errNoConfigDir is returned by profile and settings calls when no config
// folder could be determined at start.
var errNoConfigDir = errors.New("no configuration folder: set " + ConfigDirEnv)

// errNoWindow is returned when a window operation is asked for before the
// window exists (or in a test without one).
var errNoWindow = errors.New("no window")

// uiError carries a message already written in the UI language (the
// frontend shows it as is) while keeping the cause for errors.Is.
type uiError struct {
	msg string
	err error
}

func (e *uiError) Error() string { return e.msg }
func (e *uiError) Unwrap() error { return e.err }

// parseLang reads a language from the frontend, English when unknown.
func parseLang(s string) lang.Lang {
	l, err := lang.Parse(s)
	if err != nil {
		return lang.EN
	}
	return l
}

// now is the clock used for timestamps the services add themselves.
var now = time.Now
