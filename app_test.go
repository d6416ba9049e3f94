package main

import (
	"testing"

	"smtpprobe/backend/version"
)

func TestAppVersionMatchesCLI(t *testing.T) {
	a := NewApp(nil)
	if got := a.Version(); got != version.Version {
		t.Fatalf("Version() = %q, want %q", got, version.Version)
	}
}
