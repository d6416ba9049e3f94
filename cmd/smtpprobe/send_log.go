package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/report"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// Texts of send --log.
var (
	txtLogFolder = lang.Text{
		EN: "--log %s: the folder %s does not exist",
		ES: "--log %s: la carpeta %s no existe",
	}
	txtLogIsDir = lang.Text{
		EN: "--log %s: is a folder; give a file name inside it",
		ES: "--log %s: es una carpeta; indique un nombre de archivo dentro de ella",
	}
	txtLogWrite = lang.Text{
		EN: "smtpprobe send: could not write the log: %v",
		ES: "smtpprobe send: no se pudo escribir el registro: %v",
	}
	txtLogWritten = lang.Text{
		EN: "Session log written to %s",
		ES: "Registro de la sesión escrito en %s",
	}
)

// sendLog is send --log FILE.
type sendLog struct{ path string }

// check refuses, before anything is sent, a log file whose format cannot
// be told from its extension or whose folder does not exist.
func (g *sendLog) check(l lang.Lang) string {
	if g.path == "" {
		return ""
	}
	if _, err := report.FormatFor(g.path); err != nil {
		return "--log: " + lang.ErrorText(err, l)
	}
	if st, err := os.Stat(g.path); err == nil && st.IsDir() {
		return txtLogIsDir.Format(l, transcript.EscapeString(g.path))
	}
	dir := filepath.Dir(g.path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return txtLogFolder.Format(l, transcript.EscapePath(g.path), transcript.EscapePath(dir))
	}
	return ""
}

// write saves the results (one, or one per MX host) in the format of the
// file's extension; the DNS servers given with --dns-server are named in
// the report.
func (g *sendLog) write(fs *flag.FlagSet, results []*session.Result, l lang.Lang, stderr io.Writer, code int) int {
	if g.path == "" || len(results) == 0 {
		return code
	}
	opts := report.Options{Lang: l}
	if f := fs.Lookup("dns-server"); f != nil {
		if m, ok := f.Value.(*multiFlag); ok {
			opts.Resolver = strings.Join(*m, ", ")
		}
	}
	if err := report.WriteAll(g.path, results, opts); err != nil {
		fmt.Fprintln(stderr, txtLogWrite.Format(l, err))
		if code == exitcode.OK {
			return exitcode.Usage
		}
		return code
	}
	fmt.Fprintln(stderr, txtLogWritten.Format(l, transcript.EscapePath(g.path)))
	return code
}
