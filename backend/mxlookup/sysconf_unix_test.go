//go:build !windows

package mxlookup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSystemServersResolvConf(t *testing.T) {
	dir := t.TempDir()
	old := resolvConfPath
	t.Cleanup(func() { resolvConfPath = old })

	tests := []struct {
		name    string
		content *string // nil: no file
		want    string
	}{
		{"servers in file order", ptr("nameserver 192.0.2.1\nnameserver 2001:db8::1\n"), "192.0.2.1:53 [2001:db8::1]:53"},
		{"no nameserver line", ptr("search fabrikam.test\n"), ""},
		{"no file", nil, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resolvConfPath = filepath.Join(dir, "resolv"+string(rune('a'+i))+".conf")
			if tt.content != nil {
				if err := os.WriteFile(resolvConfPath, []byte(*tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := SystemServers()
			if tt.want == "" {
				if !errors.Is(err, ErrNoResolver) || !Usage(err) {
					t.Fatalf("err = %v, want ErrNoResolver", err)
				}
				// Lookup with zero Options fails the same way, sending nothing.
				if _, err := Lookup(context.Background(), "fabrikam.test", Options{}); !errors.Is(err, ErrNoResolver) {
					t.Errorf("Lookup: %v", err)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != tt.want {
				t.Errorf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }
