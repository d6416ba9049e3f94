package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
)

// parseInterspersed parses flags that may come before or after the
// positional arguments ("mx fabrikam.com --json" as well as "mx --json
// fabrikam.com"), which the flag package alone does not allow.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseCommandLine parses a command's flags (interspersed with its
// positional arguments) and its --lang value, which the caller bound to
// langStr. When ok is false the command must return code at once: 0 after
// -h, exitcode.Usage after a bad flag or language (already reported on
// stderr).
func parseCommandLine(fs *flag.FlagSet, args []string, langStr *string, stderr io.Writer) (pos []string, l lang.Lang, code int, ok bool) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, "", exitcode.OK, false
		}
		return nil, "", exitcode.Usage, false
	}
	if l, err = lang.Parse(*langStr); err != nil {
		fmt.Fprintf(stderr, "smtpprobe %s: %v\n", fs.Name(), err)
		return nil, "", exitcode.Usage, false
	}
	return pos, l, 0, true
}
