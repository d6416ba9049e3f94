// Package report turns a session.Result into the files an admin attaches to
// a ticket — a telnet-style text log, the JSON of `smtpprobe send --json`, a
// self-contained HTML page, the raw bytes of the conversation — and turns a
// profile into the command lines that repeat the test by hand ("copy as
// swaks", "copy as telnet script").
//
// Every string that came from a server or a user is treated as hostile: the
// text formats show it through transcript.Escape, and the HTML format goes
// through html/template under a Content-Security-Policy that forbids scripts.
// Secrets never reach a report: the engine masks them in the transcript
// (Entry.Raw is nil for a masked line) and profiles only hold a keyring
// reference, which no output here prints.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"smtpprobe/backend/atomicfile"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// Options adjust a report.
type Options struct {
	// Lang is the language of the labels and explanations (the Result's
	// evaluations are already in the language the session ran with).
	Lang lang.Lang
	// Resolver names the DNS servers the session used, e.g.
	// "192.0.2.53:53"; empty means the system's or not known. A Result does
	// not record it, so the caller says.
	Resolver string
	// TLS is a handshake report for Results that carry none of their own
	// (built by hand, or by older versions); Result.TLS wins when set.
	TLS *tlsreport.Report
}

// Format is an export format.
type Format string

// The export formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
	FormatHTML Format = "html"
	FormatRaw  Format = "raw"
)

// ErrUnknownFormat is returned (wrapped) by Write and FormatFor for a file
// name whose extension names no format.
var ErrUnknownFormat = errors.New("unknown report format")

var txtUnknownExt = lang.Text{
	EN: "cannot tell the report format from %q: use .txt or .log (text), .json, .html or .htm, or .raw",
	ES: "no se sabe qué formato de informe usar para %q: use .txt o .log (texto), .json, .html o .htm, o .raw",
}

// FormatError is the error for a file name with an unknown extension. It
// explains itself in both languages.
type FormatError struct{ Path string }

func (e *FormatError) Error() string { return e.Localize(lang.EN) }

// Localize returns the explanation in language l.
func (e *FormatError) Localize(l lang.Lang) string {
	return txtUnknownExt.Format(l, transcript.EscapeString(filepath.Base(e.Path)))
}

// Unwrap lets errors.Is match ErrUnknownFormat.
func (e *FormatError) Unwrap() error { return ErrUnknownFormat }

// FormatFor picks the format from the file name's extension, ignoring case:
// .txt and .log are text, .json JSON, .html and .htm HTML, .raw the raw
// bytes. Any other extension is a *FormatError.
func FormatFor(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt", ".log":
		return FormatText, nil
	case ".json":
		return FormatJSON, nil
	case ".html", ".htm":
		return FormatHTML, nil
	case ".raw":
		return FormatRaw, nil
	}
	return "", &FormatError{Path: path}
}

// Render writes r to w in format f.
func Render(w io.Writer, f Format, r *session.Result, opts Options) error {
	switch f {
	case FormatText:
		return Text(w, r, opts)
	case FormatJSON:
		return JSON(w, r, opts)
	case FormatHTML:
		return HTML(w, r, opts)
	case FormatRaw:
		return Raw(w, r)
	}
	return fmt.Errorf("report: %w: %q", ErrUnknownFormat, f)
}

// RenderAll writes the results of several sessions (one per MX host, as
// `smtpprobe send --all-mx` runs them) to w in format f: JSON as the array
// `send --json --all-mx` prints, HTML as one page with a section per host,
// text as the reports one after the other under a separator line, raw as
// the conversations one after the other. A single result renders exactly
// as Render does.
func RenderAll(w io.Writer, f Format, rs []*session.Result, opts Options) error {
	if len(rs) == 0 {
		return errors.New("report: no result")
	}
	if len(rs) == 1 {
		return Render(w, f, rs[0], opts)
	}
	for _, r := range rs {
		if r == nil {
			return errors.New("report: no result")
		}
	}
	switch f {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rs); err != nil {
			return fmt.Errorf("report: write JSON: %w", err)
		}
		return nil
	case FormatHTML:
		return htmlAll(w, rs, opts)
	case FormatText, FormatRaw:
		for i, r := range rs {
			if i > 0 && f == FormatText {
				if _, err := fmt.Fprintf(w, "\n%s\n\n", strings.Repeat("=", 72)); err != nil {
					return fmt.Errorf("report: write text: %w", err)
				}
			}
			if err := Render(w, f, r, opts); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("report: %w: %q", ErrUnknownFormat, f)
}

// JSON writes r exactly as `smtpprobe send --json` prints it: the Result
// marshalled with two-space indentation, HTML characters not escaped (the
// Result's strings are escaped already, and \u003c would only make the file
// harder to read). opts is accepted for symmetry; the JSON carries both
// languages where the Result does.
func JSON(w io.Writer, r *session.Result, opts Options) error {
	if r == nil {
		return errors.New("report: no result")
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: write JSON: %w", err)
	}
	return nil
}

// Raw writes the conversation as it went over the wire: each sent and
// received line's exact bytes (Entry.Raw) in order. Notes from SMTP Probe
// (Info lines) never went on the wire and are left out. A masked line has no
// raw bytes; its masked text is written in their place, so a raw export
// never holds a secret yet still shows that something was sent there.
func Raw(w io.Writer, r *session.Result) error {
	if r == nil {
		return errors.New("report: no result")
	}
	for _, e := range r.Transcript {
		var b []byte
		switch {
		case e.Dir == transcript.Info:
			continue
		case e.Raw != nil:
			b = e.Raw
		default:
			b = []byte(e.Text + "\r\n")
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("report: write raw: %w", err)
		}
	}
	return nil
}

// Write saves r to path in the format its extension names (see FormatFor).
// The file is written atomically: to a temporary file in the same folder,
// flushed to disk, then renamed over path, so a crash or a full disk never
// leaves a half-written report in place of an older one.
func Write(path string, r *session.Result, opts Options) error {
	f, err := FormatFor(path)
	if err != nil {
		return err
	}
	if r == nil {
		return errors.New("report: no result")
	}
	return writeAtomic(path, func(w io.Writer) error { return Render(w, f, r, opts) })
}

// WriteAll is Write for the results of several sessions (see RenderAll).
func WriteAll(path string, rs []*session.Result, opts Options) error {
	f, err := FormatFor(path)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return errors.New("report: no result")
	}
	return writeAtomic(path, func(w io.Writer) error { return RenderAll(w, f, rs, opts) })
}

// writeAtomic saves what render produces to path through atomicfile.
// Reports keep mode 0600: a report is meant to be shared, but only by its
// owner's choice.
func writeAtomic(path string, render func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o600, render); err != nil {
		return fmt.Errorf("report: save %s: %w", path, err)
	}
	return nil
}

// tlsOf is the TLS report to show: the caller's, else none. When
// session.Result gains its TLS field this is where it is preferred.
func tlsOf(r *session.Result, opts Options) *tlsreport.Report {
	if r != nil && r.TLS != nil {
		return r.TLS
	}
	return opts.TLS
}

// esc escapes a string that may hold raw server or user bytes. Fields the
// engine has escaped already (Entry.Text, Reply.Lines, Step.Command,
// Extensions) are shown as they are, so backslashes are not doubled twice.
func esc(s string) string { return transcript.EscapeString(s) }

// Every localized error here speaks through the one lang.Localized method.
var _ = []lang.Localized{(*FormatError)(nil)}
