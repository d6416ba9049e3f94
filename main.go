// SMTP Probe is a desktop app for mail administrators that replaces
// "telnet to port 25 and type SMTP by hand": MX lookup, a step-by-step SMTP
// session with a live transcript, and every reply explained.
package main

import (
	"embed"
	"log"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/windows"

	"smtpprobe/backend/version"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	app := newApp()
	s := app.services

	err := wails.Run(&options.App{
		Title:     version.Name,
		Width:     1280,
		Height:    820,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 250, G: 250, B: 250, A: 1},
		OnStartup:        app.startup,
		// The window's place is saved on close too: a move without a resize
		// sends the frontend no event.
		OnBeforeClose: app.beforeClose,
		// Stop the receiver and cancel running sessions, so no connection
		// outlives the window.
		OnShutdown: app.shutdown,
		Bind:       []any{s.Info, s.Settings, s.Profiles, s.MX, s.Sessions, s.Exports, s.TLS, s.Receiver, s.History, s.Sender},
		Windows: &windows.Options{
			WebviewIsTransparent: false,
			WindowIsTranslucent:  false,
		},
	})
	if err != nil {
		log.Fatalf("smtpprobe: %v", err)
	}
}
