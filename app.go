package main

import (
	"context"

	"smtpprobe/backend/version"
)

// EmitFunc sends an event to the frontend. In the running app it wraps the
// Wails runtime's EventsEmit; tests pass a recorder, so App needs no window.
type EmitFunc func(event string, data ...any)

// App is the type bound to the frontend. It stays thin: it validates input,
// calls into backend/ and emits events. No protocol code lives here.
type App struct {
	ctx  context.Context
	emit EmitFunc
}

// NewApp returns an App that emits frontend events through emit.
func NewApp(emit EmitFunc) *App {
	if emit == nil {
		emit = func(string, ...any) {}
	}
	return &App{ctx: context.Background(), emit: emit}
}

// startup keeps the Wails context; long-running calls derive from it so they
// stop when the window closes.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
}

// Version returns the version of SMTP Probe, the same string as the
// command line's "smtpprobe version".
func (a *App) Version() string {
	return version.Version
}
