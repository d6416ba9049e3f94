package main

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"smtpprobe/internal/desktop"
)

// app wires the desktop services to the Wails runtime: events, native
// dialogs and the window. Everything the frontend calls lives in
// internal/desktop; this file only adapts.
type app struct {
	// Events may be emitted from session goroutines while the window
	// starts, so the Wails context is published atomically.
	ctx      atomic.Pointer[context.Context]
	services *desktop.Services
}

func newApp() *app {
	a := &app{}
	dir, err := desktop.DefaultConfigDir()
	if err != nil {
		// Without a config folder the app still tests mail flow; profiles
		// and settings then fail with "no configuration folder" when used.
		dir = ""
	}
	a.services = desktop.New(desktop.Deps{
		Emitter:   desktop.EmitFunc(a.emit),
		ConfigDir: dir,
		Dialogs:   desktop.E2EDialogs(wailsDialogs{a}),
		Window:    wailsWindow{a},
	})
	return a
}

func (a *app) startup(ctx context.Context) {
	a.ctx.Store(&ctx)
	a.services.Startup(ctx)
}

func (a *app) beforeClose(context.Context) bool {
	a.services.BeforeClose()
	return false
}

func (a *app) shutdown(context.Context) { a.services.Shutdown() }

// context is the Wails context, nil before startup.
func (a *app) context() context.Context {
	if c := a.ctx.Load(); c != nil {
		return *c
	}
	return nil
}

func (a *app) emit(event string, data ...any) {
	if ctx := a.context(); ctx != nil {
		runtime.EventsEmit(ctx, event, data...)
	}
}

// wailsWindow reads and sets the geometry through the Wails runtime.
type wailsWindow struct{ a *app }

func (w wailsWindow) Geometry() (desktop.WindowState, error) {
	ctx := w.a.context()
	if ctx == nil {
		return desktop.WindowState{}, errNoWindow
	}
	var g desktop.WindowState
	g.Width, g.Height = runtime.WindowGetSize(ctx)
	g.X, g.Y = runtime.WindowGetPosition(ctx)
	g.Maximised = runtime.WindowIsMaximised(ctx)
	return g, nil
}

func (w wailsWindow) Restore(g desktop.WindowState) {
	ctx := w.a.context()
	if ctx == nil {
		return
	}
	runtime.WindowSetSize(ctx, g.Width, g.Height)
	runtime.WindowSetPosition(ctx, g.X, g.Y)
	if g.Maximised {
		runtime.WindowMaximise(ctx)
	}
}

// wailsDialogs shows the native dialogs through the Wails runtime.
type wailsDialogs struct{ a *app }

func (d wailsDialogs) SaveFile(title, defaultName, pattern string) (string, error) {
	ctx := d.a.context()
	if ctx == nil {
		return "", errNoWindow
	}
	return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{
		Title:           title,
		DefaultFilename: defaultName,
		Filters:         []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}

func (d wailsDialogs) OpenFile(title, pattern string) (string, error) {
	ctx := d.a.context()
	if ctx == nil {
		return "", errNoWindow
	}
	return runtime.OpenFileDialog(ctx, runtime.OpenDialogOptions{
		Title:   title,
		Filters: []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}

// errNoWindow is returned by the adapters before the window exists.
var errNoWindow = errors.New("no window")
