// Command smtpprobe is the headless command line of SMTP Probe: the same
// backend as the desktop app, for scripts, tickets, tests and benchmarks.
//
// Usage:
//
//	smtpprobe COMMAND [flags]
//
// Each command lives in its own file and registers itself with register, so
// commands can be added without touching this file.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"smtpprobe/backend/exitcode"
)

// command is one smtpprobe sub-command.
type command struct {
	// summary is the one-line description shown by "smtpprobe help".
	summary string
	// run executes the command with its arguments (the command name removed)
	// and returns the process exit code (see package exitcode).
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a command; it is called from init functions.
func register(name, summary string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) {
	if _, dup := commands[name]; dup {
		panic("smtpprobe: command registered twice: " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func main() {
	// Ctrl+C and SIGTERM cancel the context: sessions close their connection
	// and commands return promptly with what they have.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a command. It is separate from main so tests can drive the
// CLI in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitcode.Usage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitcode.OK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "smtpprobe: unknown command %q\n\n", name)
		usage(stderr)
		return exitcode.Usage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: smtpprobe COMMAND [flags]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"smtpprobe COMMAND -h\" for the flags of a command.")
	fmt.Fprintln(w, "\nExit codes: 0 success; 1 permanent failure; 2 invalid input or usage (nothing sent);")
	fmt.Fprintln(w, "3 temporary failure; 4 could not connect; 5 protocol, TLS or mid-session timeout error,")
	fmt.Fprintln(w, "or AUTH refused by smtpprobe itself on a connection without TLS (no --allow-plaintext-auth)")
	fmt.Fprintln(w, "or with a certificate that did not verify (no --insecure-skip-verify or --allow-plaintext-auth).")
	fmt.Fprintln(w, "The first failure decides, not its consequences: a 454 to RCPT TO exits 3 even when the")
	fmt.Fprintln(w, "pipelined DATA then gets 554; recipients refused independently rank 5 over 1 over 3.")
}
