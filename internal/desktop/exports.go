package desktop

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/report"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// keptResults bounds how many finished sessions stay exportable. Only the
// last one is on screen; a few more cover "Run again" racing an export, and
// the bound keeps a long day of 100,000-line transcripts out of memory.
const keptResults = 4

// resultCache holds the engine's own Results of the last sessions, keyed by
// session id: exports render from this copy, never from anything the
// frontend sends back, so a report always says what happened on the wire.
type resultCache struct {
	mu    sync.Mutex
	order []string
	byID  map[string][]*session.Result
}

func (c *resultCache) put(id string, rs []*session.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[string][]*session.Result{}
	}
	if _, ok := c.byID[id]; !ok {
		c.order = append(c.order, id)
	}
	c.byID[id] = rs
	for len(c.order) > keptResults {
		delete(c.byID, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *resultCache) get(id string) []*session.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id]
}

// exportFormats maps what the Export menu offers to the report format and
// the file extension report.FormatFor reads back.
var exportFormats = map[string]struct {
	format report.Format
	ext    string
}{
	"text": {report.FormatText, ".txt"},
	"html": {report.FormatHTML, ".html"},
	"json": {report.FormatJSON, ".json"},
	"raw":  {report.FormatRaw, ".raw"},
}

var (
	txtExportTitle = lang.Text{EN: "Export result", ES: "Exportar resultado"}
	txtNoResult    = lang.Text{
		EN: "There is no result to export for this test: run it again, then export.",
		ES: "No hay resultado que exportar de esta prueba: vuelva a ejecutarla y exporte después.",
	}
	txtBadFormat = lang.Text{
		EN: "Unknown export format %q: choose text, HTML, JSON or raw.",
		ES: "Formato de exportación desconocido %q: elija texto, HTML, JSON o sin procesar.",
	}
	txtExportFailed = lang.Text{EN: "The report could not be saved: %s", ES: "No se pudo guardar el informe: %s"}
	txtProfileLarge = lang.Text{
		EN: "The message is too large to copy as a command (over %d bytes).",
		ES: "El mensaje es demasiado grande para copiarlo como comando (más de %d bytes).",
	}
)

// Exports turn the result of a finished session into a report file, and
// the wizard's form into a swaks command or a telnet script. Every method
// takes langCode, the UI language its notes and errors are written in.
type Exports struct {
	results *resultCache
	dialogs Dialogs
}

// ExportResult saves the result of session id in format ("text", "html",
// "json" or "raw") where the user picks in the native save dialog, proposing
// smtpprobe-<host>-<yyyymmdd-hhmmss>.<ext>. The file is written atomically
// by report.WriteAll from the Go copy of the result. It returns the path,
// or "" when the user cancelled; errors are in langCode, the UI language.
func (a *Exports) ExportResult(id, format, langCode string) (string, error) {
	l := parseLang(langCode)
	f, ok := exportFormats[format]
	if !ok {
		return "", errors.New(txtBadFormat.Format(l, transcript.EscapeString(format)))
	}
	rs := a.results.get(id)
	if len(rs) == 0 {
		return "", errors.New(txtNoResult.In(l))
	}
	if a.dialogs == nil {
		return "", errNoWindow
	}
	name := exportName(rs, f.ext)
	path, err := a.dialogs.SaveFile(txtExportTitle.In(l), name, "*"+f.ext)
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	// The menu item decides the format: a name typed without the
	// extension, or with another one, gets the chosen format's.
	if got, err := report.FormatFor(path); err != nil || got != f.format {
		path += f.ext
	}
	if err := report.WriteAll(path, rs, report.Options{Lang: l}); err != nil {
		msg := lang.ErrorText(err, l)
		return "", &uiError{msg: txtExportFailed.Format(l, transcript.EscapeString(msg)), err: err}
	}
	return path, nil
}

// exportName is the proposed file name: the host tested (the domain for
// "every MX", when the hosts differ) and the session's start time.
func exportName(rs []*session.Result, ext string) string {
	r := rs[0]
	host := r.Server.Host
	if len(rs) > 1 {
		host = "all-mx"
		if _, d, ok := strings.Cut(firstRecipient(r), "@"); ok {
			host = d + "-all-mx"
		}
	}
	if host == "" {
		host = r.Server.IP
	}
	host = strings.NewReplacer(" ", "", ":", "-").Replace(safeFileName(host))
	if host == "profile" || host == "" {
		host = "session"
	}
	return "smtpprobe-" + host + "-" + r.Started.Local().Format("20060102-150405") + ext
}

func firstRecipient(r *session.Result) string {
	for _, s := range r.Steps {
		if s.Recipient != "" {
			return s.Recipient
		}
	}
	return ""
}

// CopyAsSwaks returns the swaks command line repeating the test described
// by p (the wizard's form converted like a profile to save), with "# note:"
// lines in the UI language above it for what swaks cannot do. A profile
// never holds the password: the command carries report.PasswordPlaceholder.
func (a *Exports) CopyAsSwaks(p profile.Profile, langCode string) (string, error) {
	l := parseLang(langCode)
	if err := checkCopyProfile(p, l); err != nil {
		return "", err
	}
	return report.Swaks(p, l), nil
}

// CopyAsTelnet returns the telnet script an admin types by hand for the
// test described by p, with its notes in language langCode ("en" or "es").
// Secrets are placeholders with instructions.
func (a *Exports) CopyAsTelnet(p profile.Profile, langCode string) (string, error) {
	l := parseLang(langCode)
	if err := checkCopyProfile(p, l); err != nil {
		return "", err
	}
	return report.TelnetScript(p, l), nil
}

// checkCopyProfile bounds what a copied command may hold: the form is not
// validated as a saved profile would be (a half-filled form still copies),
// but a body beyond what a profile may store would not paste anywhere.
func checkCopyProfile(p profile.Profile, l lang.Lang) error {
	if len(p.Message.Body) > profile.MaxBody {
		return errors.New(txtProfileLarge.Format(l, profile.MaxBody))
	}
	return nil
}
