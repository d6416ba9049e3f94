package version

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestWailsProductVersion keeps the version Windows shows in the file
// properties (wails.json info.productVersion, written into the .exe and the
// installer) equal to the one the app and the CLI print: wails.json cannot
// read Go, so the two are kept in step by this test.
func TestWailsProductVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "wails.json"))
	if err != nil {
		t.Fatalf("read wails.json: %v", err)
	}
	var cfg struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
			ProductName    string `json:"productName"`
		} `json:"info"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("parse wails.json: %v", err)
	}
	if cfg.Info.ProductVersion != Version {
		t.Errorf("wails.json info.productVersion = %q, backend/version.Version = %q; release both together", cfg.Info.ProductVersion, Version)
	}
	if cfg.Info.ProductName != Name {
		t.Errorf("wails.json info.productName = %q, want %q", cfg.Info.ProductName, Name)
	}
}
