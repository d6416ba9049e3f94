package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smtpprobe/backend/receiver"
)

// TestRunDelivers sends through the floor to our own receiver on loopback,
// in clear and with STARTTLS (RFC 3207), and checks that exactly one message
// with the body arrived each time: a floor that did less than smtpprobe
// would make the benchmark's ratio a lie.
func TestRunDelivers(t *testing.T) {
	body := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(body, []byte("line one\nline two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		tls      bool
		starttls bool
		extra    []string
	}{
		{"clear", false, false, nil},
		{"starttls", true, true, nil},
		{"starttls checking the chain", true, true, []string{"-check-chain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := receiver.New(receiver.Config{Addr: "127.0.0.1:0", TLS: tc.tls})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = r.Close() })
			args := []string{"-server", r.Addr().String(), "-from", "a@client.test", "-to", "b@bench.test",
				"-helo", "client.test", "-body-file", body}
			if tc.starttls {
				args = append(args, "-starttls")
			}
			args = append(args, tc.extra...)
			if err := run(args); err != nil {
				t.Fatal(err)
			}
			msgs := r.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages arrived, want 1", len(msgs))
			}
			m := msgs[0]
			if m.TLS != tc.starttls {
				t.Errorf("message TLS = %v, want %v", m.TLS, tc.starttls)
			}
			if !strings.Contains(string(m.Body), "line one\r\nline two\r\n") {
				t.Errorf("body not delivered: %q", m.Body)
			}
		})
	}
}

// TestRunRefusesMissingFlags: nothing is dialled without a whole envelope.
func TestRunRefusesMissingFlags(t *testing.T) {
	if err := run([]string{"-server", "127.0.0.1:1"}); err == nil {
		t.Fatal("no error without -from, -to and -body-file")
	}
}
