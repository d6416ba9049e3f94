package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/version"
)

func TestRunDispatch(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no args", nil, exitcode.Usage, "", "Usage: smtpprobe"},
		{"unknown", []string{"frobnicate"}, exitcode.Usage, "", `unknown command "frobnicate"`},
		{"help", []string{"help"}, exitcode.OK, "Exit codes:", ""},
		{"help: AUTH refused in clear exits 5", []string{"help"}, exitcode.OK, "or AUTH refused by smtpprobe itself on a connection without TLS", ""},
		{"help: the first failure decides", []string{"help"}, exitcode.OK, "The first failure decides, not its consequences", ""},
		{"version", []string{"version"}, exitcode.OK, version.Name + " " + version.Version, ""},
		{"version extra arg", []string{"version", "x"}, exitcode.Usage, "", "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut.String(), tt.wantErr)
			}
		})
	}
}
