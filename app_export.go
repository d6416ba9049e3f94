package main

import (
	"encoding/json"
	"fmt"
)

// maxExportSize bounds what ExportJSON writes; a 100,000-line transcript is
// well under it.
const maxExportSize = 64 << 20

// ExportJSON asks where to save a test result (native save dialog) and
// writes content there. content must be JSON (the RunResult's json field):
// the app never writes something else under a .json name. It returns the
// path, or "" when the user cancelled.
func (a *App) ExportJSON(content string) (string, error) {
	if len(content) > maxExportSize {
		return "", fmt.Errorf("export: result is larger than %d bytes", maxExportSize)
	}
	if !json.Valid([]byte(content)) {
		return "", fmt.Errorf("export: the result is not valid JSON")
	}
	if a.dialogs == nil {
		return "", errNoWindow
	}
	name := "smtpprobe-" + now().Format("20060102-150405") + ".json"
	path, err := a.dialogs.SaveFile("Export result", name, "*.json")
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if err := writeFileAtomic(path, []byte(content)); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	return path, nil
}
