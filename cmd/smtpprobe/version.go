package main

import (
	"context"
	"fmt"
	"io"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/version"
)

func init() {
	register("version", "print the version of SMTP Probe", func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		if len(args) != 0 {
			fmt.Fprintln(stderr, "smtpprobe version: takes no arguments")
			return exitcode.Usage
		}
		fmt.Fprintf(stdout, "%s %s\n", version.Name, version.Version)
		return exitcode.OK
	})
}
