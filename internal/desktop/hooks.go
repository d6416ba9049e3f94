package desktop

import (
	"os"
	"path/filepath"
)

// SaveDirEnv is for the end-to-end tests only: when set, save dialogs are
// not shown and every save goes to the proposed file name in that folder,
// because a headless browser cannot click a native dialog. Users never set
// it; the app behaves normally without it.
const SaveDirEnv = "SMTPPROBE_E2E_SAVE_DIR"

// OpenFileEnv is for the end-to-end tests only, like SaveDirEnv: when set,
// open dialogs are not shown and answer with this path. Users never set it.
const OpenFileEnv = "SMTPPROBE_E2E_OPEN_FILE"

// E2EDialogs wraps the native dialogs with the end-to-end hooks
// (SaveDirEnv, OpenFileEnv), read at each call as the harness sets them
// before starting the app.
func E2EDialogs(native Dialogs) Dialogs { return hookDialogs{native} }

type hookDialogs struct{ native Dialogs }

func (d hookDialogs) SaveFile(title, defaultName, pattern string) (string, error) {
	if dir := os.Getenv(SaveDirEnv); dir != "" {
		return filepath.Join(dir, filepath.Base(defaultName)), nil
	}
	return d.native.SaveFile(title, defaultName, pattern)
}

func (d hookDialogs) OpenFile(title, pattern string) (string, error) {
	if p := os.Getenv(OpenFileEnv); p != "" {
		return p, nil
	}
	return d.native.OpenFile(title, pattern)
}
