package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Window is the part of the native window App needs: its geometry, to
// remember it between runs. The running app uses the Wails runtime; tests
// pass a fake, since there is no window in a test.
type Window interface {
	Geometry() (WindowState, error)
	Restore(WindowState)
}

// Dialogs are the native file dialogs. They return "" when the user cancels.
type Dialogs interface {
	SaveFile(title, defaultName, pattern string) (string, error)
	OpenFile(title, pattern string) (string, error)
}

// errNoWindow is returned when a window operation is asked for before the
// window exists (or in a test without one).
var errNoWindow = errors.New("no window")

// SaveWindowState records the window's current size and position. The
// frontend calls it (debounced) after the window was resized or moved.
func (a *App) SaveWindowState() error {
	if a.window == nil {
		return errNoWindow
	}
	g, err := a.window.Geometry()
	if err != nil {
		return fmt.Errorf("read window geometry: %w", err)
	}
	a.settingsMu.Lock()
	defer a.settingsMu.Unlock()
	s, _ := a.loadSettings()
	s.Window = &g
	if err := s.validate(); err != nil {
		// A minimised window reports nonsense; keep the last good state.
		return nil
	}
	return a.writeSettings(s)
}

// restoreWindow applies the saved geometry, if any.
func (a *App) restoreWindow() {
	if a.window == nil {
		return
	}
	s := a.GetSettings()
	if s.Window != nil {
		a.window.Restore(*s.Window)
	}
}

// wailsWindow reads and sets the geometry through the Wails runtime.
type wailsWindow struct{ app *App }

func (w wailsWindow) Geometry() (WindowState, error) {
	ctx := w.app.ctx
	if ctx == nil {
		return WindowState{}, errNoWindow
	}
	var g WindowState
	g.Width, g.Height = runtime.WindowGetSize(ctx)
	g.X, g.Y = runtime.WindowGetPosition(ctx)
	g.Maximised = runtime.WindowIsMaximised(ctx)
	return g, nil
}

func (w wailsWindow) Restore(g WindowState) {
	ctx := w.app.ctx
	runtime.WindowSetSize(ctx, g.Width, g.Height)
	runtime.WindowSetPosition(ctx, g.X, g.Y)
	if g.Maximised {
		runtime.WindowMaximise(ctx)
	}
}

// SaveDirEnv is for the end-to-end tests only: when set, save dialogs are
// not shown and every save goes to the proposed file name in that folder,
// because a headless browser cannot click a native dialog. Users never set
// it; the app behaves normally without it.
const SaveDirEnv = "SMTPPROBE_E2E_SAVE_DIR"

// wailsDialogs shows the native dialogs through the Wails runtime.
type wailsDialogs struct{ app *App }

func (d wailsDialogs) SaveFile(title, defaultName, pattern string) (string, error) {
	if dir := os.Getenv(SaveDirEnv); dir != "" {
		return filepath.Join(dir, filepath.Base(defaultName)), nil
	}
	return runtime.SaveFileDialog(d.app.ctx, runtime.SaveDialogOptions{
		Title:           title,
		DefaultFilename: defaultName,
		Filters:         []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}

func (d wailsDialogs) OpenFile(title, pattern string) (string, error) {
	if p, ok := openFileHook(); ok {
		return p, nil
	}
	return runtime.OpenFileDialog(d.app.ctx, runtime.OpenDialogOptions{
		Title:   title,
		Filters: []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}
