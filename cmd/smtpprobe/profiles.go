package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/transcript"
)

func init() {
	register("profiles", "list, show, delete, export and import saved test profiles", runProfiles)
}

// Texts of the profiles command.
var (
	txtProfUsage = lang.Text{
		EN: "Usage: smtpprobe profiles list | show ID|NAME | delete ID | export ID FILE | import FILE [--dir DIR] [--json] [--lang en|es]",
		ES: "Uso: smtpprobe profiles list | show ID|NOMBRE | delete ID | export ID ARCHIVO | import ARCHIVO [--dir CARPETA] [--json] [--lang en|es]",
	}
	txtProfArgs          = lang.Text{EN: "smtpprobe profiles %s: expected %s", ES: "smtpprobe profiles %s: se esperaba %s"}
	txtProfUnknown       = lang.Text{EN: "smtpprobe profiles: unknown action \"%s\"", ES: "smtpprobe profiles: acción desconocida \"%s\""}
	txtProfFolder        = lang.Text{EN: "Profiles in %s", ES: "Perfiles en %s"}
	txtProfNone          = lang.Text{EN: "No profiles.", ES: "No hay perfiles."}
	txtProfDamaged       = lang.Text{EN: "DAMAGED", ES: "DAÑADO"}
	txtProfDamagedN      = lang.Text{EN: "%d damaged file(s): they are left untouched; \"smtpprobe profiles delete ID\" removes one.", ES: "%d archivo(s) dañado(s): no se modifican; \"smtpprobe profiles delete ID\" elimina uno."}
	txtProfDeleted       = lang.Text{EN: "Deleted profile %s.", ES: "Perfil %s eliminado."}
	txtProfExported      = lang.Text{EN: "Exported profile %s (%s) to %s. The file holds no password.", ES: "Perfil %s (%s) exportado a %s. El archivo no contiene ninguna contraseña."}
	txtProfImported      = lang.Text{EN: "Imported %s as profile %s (%s).", ES: "%s importado como perfil %s (%s)."}
	txtProfNoSecret      = lang.Text{EN: "Secrets never travel in profile files: the password of AUTH user %s will be asked for when the test runs.", ES: "Los secretos nunca viajan en los archivos de perfil: la contraseña del usuario de AUTH %s se pedirá al ejecutar la prueba."}
	txtProfError         = lang.Text{EN: "smtpprobe profiles %s: %s", ES: "smtpprobe profiles %s: %s"}
	txtProfShowAmbiguous = lang.Text{EN: "%d saved profiles have that name; use the id (%s)", ES: "%d perfiles guardados tienen ese nombre; use el id (%s)"}
	txtProfNoDefault     = lang.Text{EN: "cannot find the profile folder: %s (use --dir FOLDER)", ES: "no se encuentra la carpeta de perfiles: %s (use --dir CARPETA)"}
	txtProfMX            = lang.Text{EN: "MX of %s", ES: "MX de %s"}
	txtProfMXRcpt        = lang.Text{EN: "MX of the recipient's domain", ES: "MX del dominio del destinatario"}
	txtProfNullPath      = lang.Text{EN: "<> (null reverse-path)", ES: "<> (remitente nulo)"}
	txtProfDefault       = lang.Text{EN: "default", ES: "predeterminado"}
	txtProfWhole         = lang.Text{EN: "whole session", ES: "sesión completa"}
	txtProfYes           = lang.Text{EN: "yes", ES: "sí"}
	txtProfNo            = lang.Text{EN: "no", ES: "no"}
	txtProfInKeyring     = lang.Text{EN: "stored in the system keyring", ES: "guardado en el llavero del sistema"}
	txtProfAskSecret     = lang.Text{EN: "not stored; asked for at run time", ES: "no guardado; se pide al ejecutar"}
	txtProfTimeouts      = lang.Text{EN: "connect %s, banner %s, command %s, data block %s, final dot %s", ES: "conexión %s, saludo %s, comando %s, bloque de datos %s, punto final %s"}
	txtProfBodySize      = lang.Text{EN: "%d bytes, %d lines", ES: "%d bytes, %d líneas"}
)

// Labels of "profiles show", in display order.
var txtProfLabels = map[string]lang.Text{
	"id":          {EN: "ID", ES: "ID"},
	"name":        {EN: "Name", ES: "Nombre"},
	"description": {EN: "Description", ES: "Descripción"},
	"target":      {EN: "Target", ES: "Destino"},
	"tls":         {EN: "TLS", ES: "TLS"},
	"dns":         {EN: "DNS server", ES: "Servidor DNS"},
	"allmx":       {EN: "Every MX", ES: "Todos los MX"},
	"ehlo":        {EN: "EHLO", ES: "EHLO"},
	"from":        {EN: "MAIL FROM", ES: "MAIL FROM"},
	"to":          {EN: "RCPT TO", ES: "RCPT TO"},
	"notify":      {EN: "DSN NOTIFY", ES: "DSN NOTIFY"},
	"ret":         {EN: "DSN RET", ES: "DSN RET"},
	"envid":       {EN: "DSN ENVID", ES: "DSN ENVID"},
	"subject":     {EN: "Subject", ES: "Asunto"},
	"header":      {EN: "Header", ES: "Cabecera"},
	"body":        {EN: "Body", ES: "Cuerpo"},
	"auth":        {EN: "AUTH", ES: "AUTH"},
	"secret":      {EN: "Secret", ES: "Secreto"},
	"timeouts":    {EN: "Timeouts", ES: "Tiempos de espera"},
	"stop":        {EN: "Stop after", ES: "Detener tras"},
	"pipelining":  {EN: "Pipelining", ES: "Pipelining"},
	"chunking":    {EN: "Chunking (BDAT)", ES: "Chunking (BDAT)"},
	"created":     {EN: "Created", ES: "Creado"},
	"updated":     {EN: "Updated", ES: "Modificado"},
	"damaged":     {EN: "Damaged", ES: "Dañado"},
}

// profilesOptions are the flags shared by every action.
type profilesOptions struct {
	dir    string
	asJSON bool
	l      lang.Lang
}

func runProfiles(_ context.Context, args []string, stdout, stderr io.Writer) int {
	l := lang.FromEnv()
	var opt profilesOptions
	var langStr string
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opt.dir, "dir", "", "profile folder (default: the per-user configuration folder)")
	fs.BoolVar(&opt.asJSON, "json", false, "print the result as JSON")
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	fs.Usage = func() {
		fmt.Fprintln(stderr, txtProfUsage.In(l))
		fs.PrintDefaults()
	}
	pos, parsed, code, ok := parseCommandLine(fs, args, &langStr, stderr)
	if !ok {
		return code
	}
	l = parsed
	var err error
	opt.l = l
	if len(pos) == 0 {
		fmt.Fprintln(stderr, txtProfUsage.In(l))
		return exitcode.Usage
	}
	action, pos := pos[0], pos[1:]
	want := map[string]struct {
		n    int
		args string
	}{
		"list":   {0, "no arguments"},
		"show":   {1, "ID or NAME"},
		"delete": {1, "ID"},
		"export": {2, "ID FILE"},
		"import": {1, "FILE"},
	}
	w, ok := want[action]
	if !ok {
		fmt.Fprintln(stderr, txtProfUnknown.Format(l, transcript.EscapeString(action)))
		fmt.Fprintln(stderr, txtProfUsage.In(l))
		return exitcode.Usage
	}
	if len(pos) != w.n {
		fmt.Fprintln(stderr, txtProfArgs.Format(l, action, w.args))
		return exitcode.Usage
	}
	if opt.dir == "" {
		if opt.dir, err = profile.DefaultDir(); err != nil {
			fmt.Fprintln(stderr, txtProfError.Format(l, action, txtProfNoDefault.Format(l, transcript.EscapePath(err.Error()))))
			return exitcode.Permanent
		}
	}
	store := profile.NewStore(opt.dir)
	switch action {
	case "list":
		err = profilesList(store, opt, stdout)
	case "show":
		err = profilesShow(store, pos[0], opt, stdout)
	case "delete":
		err = profilesDelete(store, pos[0], opt, stdout)
	case "export":
		err = profilesExport(store, pos[0], pos[1], opt, stdout)
	case "import":
		err = profilesImport(store, pos[0], opt, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, txtProfError.Format(l, action, transcript.EscapePath(lang.ErrorText(err, l))))
		return profilesExit(action, err)
	}
	return exitcode.OK
}

// profilesExit maps an error to the shared exit codes: a bad id, an unknown
// profile or an unusable import file is invalid input (2); a busy folder is
// temporary (3); anything else, such as a damaged stored profile or a disk
// error, is a failure that retrying will not fix (1).
func profilesExit(action string, err error) int {
	var ve *profile.ValidationError
	var ae *profAmbiguousError
	switch {
	case errors.Is(err, profile.ErrInvalidID), errors.Is(err, profile.ErrNotFound), errors.As(err, &ve), errors.As(err, &ae):
		return exitcode.Usage
	case action == "import" && (errors.Is(err, profile.ErrDamaged) || errors.Is(err, fs.ErrNotExist)):
		return exitcode.Usage
	case errors.Is(err, profile.ErrLocked):
		return exitcode.Temporary
	}
	return exitcode.Permanent
}

// profJSONEntry is one line of "profiles list --json".
type profJSONEntry struct {
	ID      string           `json:"id"`
	File    string           `json:"file"`
	Profile *profile.Profile `json:"profile,omitempty"`
	Damaged *profJSONDamage  `json:"damaged,omitempty"`
}

type profJSONDamage struct {
	Kind  string `json:"kind"`
	Error string `json:"error"`
}

func profWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func profilesList(store *profile.Store, opt profilesOptions, w io.Writer) error {
	entries, err := store.List()
	if err != nil {
		return err
	}
	if opt.asJSON {
		out := struct {
			Dir      string          `json:"dir"`
			Profiles []profJSONEntry `json:"profiles"`
		}{Dir: store.Dir(), Profiles: []profJSONEntry{}}
		for _, e := range entries {
			je := profJSONEntry{ID: e.ID, File: e.File, Profile: e.Profile}
			if e.Err != nil {
				je.Damaged = &profJSONDamage{Kind: profDamageKind(e.Err), Error: lang.ErrorText(e.Err, opt.l)}
			}
			out.Profiles = append(out.Profiles, je)
		}
		return profWriteJSON(w, out)
	}
	l := opt.l
	fmt.Fprintln(w, txtProfFolder.Format(l, transcript.EscapePath(store.Dir())))
	if len(entries) == 0 {
		fmt.Fprintln(w, txtProfNone.In(l))
		return nil
	}
	damaged := 0
	for _, e := range entries {
		if e.Err != nil {
			damaged++
			fmt.Fprintf(w, "%s  %s: %s\n", e.ID, txtProfDamaged.In(l), transcript.EscapeString(lang.ErrorText(e.Err, l)))
			continue
		}
		p := e.Profile
		fmt.Fprintf(w, "%s  %-40s  %-40s  %s\n", e.ID, profClip(transcript.EscapeString(p.Name), 40),
			profClip(transcript.EscapeString(profTargetText(p, l)), 40), p.Updated.Local().Format("2006-01-02 15:04"))
	}
	if damaged > 0 {
		fmt.Fprintln(w, txtProfDamagedN.Format(l, damaged))
	}
	return nil
}

func profDamageKind(err error) string {
	var d *profile.DamagedError
	if errors.As(err, &d) {
		return string(d.Kind)
	}
	return ""
}

// profAmbiguousError is "profiles show NAME" when several profiles have
// that name.
type profAmbiguousError struct{ ids []string }

func (e *profAmbiguousError) Error() string { return e.Localize(lang.EN) }

// Localize implements lang.Localized.
func (e *profAmbiguousError) Localize(l lang.Lang) string {
	return txtProfShowAmbiguous.Format(l, len(e.ids), strings.Join(e.ids, ", "))
}

// profilesShow shows the profile with that id or, as send --profile
// accepts, that name.
func profilesShow(store *profile.Store, id string, opt profilesOptions, w io.Writer) error {
	p, ids, err := findStored(store, id)
	if len(ids) > 1 {
		return &profAmbiguousError{ids}
	}
	if err != nil {
		return err
	}
	if opt.asJSON {
		return profWriteJSON(w, p)
	}
	l := opt.l
	esc := transcript.EscapeString
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-18s %s\n", txtProfLabels[label].In(l)+":", value)
		}
	}
	yesNo := func(b bool) string {
		if b {
			return txtProfYes.In(l)
		}
		return txtProfNo.In(l)
	}
	line("id", p.ID)
	line("name", esc(p.Name))
	line("description", esc(p.Description))
	line("target", esc(profTargetText(&p, l)))
	tls := string(p.Target.TLS)
	if tls == "" {
		tls = string(profile.TLSOpportunistic)
	}
	line("tls", tls)
	line("dns", esc(p.Target.DNSServer))
	line("allmx", yesNo(p.Target.AllMX))
	line("ehlo", esc(p.Envelope.EHLO))
	from := "<" + esc(p.Envelope.From) + ">"
	if p.Envelope.From == "" {
		from = txtProfNullPath.In(l)
	}
	line("from", from)
	for _, to := range p.Envelope.To {
		line("to", "<"+esc(to)+">")
	}
	line("notify", strings.ToUpper(strings.Join(p.Envelope.DSN.Notify, ",")))
	line("ret", strings.ToUpper(p.Envelope.DSN.Ret))
	line("envid", esc(p.Envelope.DSN.EnvID))
	line("subject", esc(p.Message.Subject))
	for _, h := range p.Message.Headers {
		line("header", esc(h.Name)+": "+esc(h.Value))
	}
	if p.Message.Body != "" {
		body := strings.TrimSuffix(strings.ReplaceAll(p.Message.Body, "\r\n", "\n"), "\n")
		line("body", txtProfBodySize.Format(l, len(p.Message.Body), strings.Count(body, "\n")+1))
	}
	if p.Auth.Mechanism != "" || p.Auth.User != "" {
		line("auth", strings.TrimSpace(esc(p.Auth.Mechanism)+" "+esc(p.Auth.User)))
		// Only whether a secret exists: the secret itself is never read here.
		if p.Auth.SecretRef != "" {
			line("secret", txtProfInKeyring.In(l))
		} else {
			line("secret", txtProfAskSecret.In(l))
		}
	}
	line("timeouts", profTimeoutsText(p.Timeouts, l))
	stop := p.StopAfter
	if stop == "" {
		stop = txtProfWhole.In(l)
	}
	line("stop", stop)
	line("pipelining", yesNo(p.Pipelining))
	line("chunking", yesNo(p.Chunking))
	line("created", p.Created.Local().Format(time.RFC3339))
	line("updated", p.Updated.Local().Format(time.RFC3339))
	return nil
}

func profilesDelete(store *profile.Store, id string, opt profilesOptions, w io.Writer) error {
	if err := store.Delete(id); err != nil {
		return err
	}
	if opt.asJSON {
		return profWriteJSON(w, map[string]any{"deleted": id})
	}
	fmt.Fprintln(w, txtProfDeleted.Format(opt.l, id))
	return nil
}

func profilesExport(store *profile.Store, id, path string, opt profilesOptions, w io.Writer) error {
	p, err := store.Get(id)
	if err != nil {
		return err
	}
	if err := store.Export(id, path); err != nil {
		return err
	}
	if opt.asJSON {
		return profWriteJSON(w, map[string]any{"exported": id, "file": path})
	}
	fmt.Fprintln(w, txtProfExported.Format(opt.l, id, transcript.EscapeString(p.Name), transcript.EscapePath(path)))
	return nil
}

func profilesImport(store *profile.Store, path string, opt profilesOptions, w io.Writer) error {
	p, err := store.Import(path)
	if err != nil {
		return err
	}
	if opt.asJSON {
		return profWriteJSON(w, p)
	}
	fmt.Fprintln(w, txtProfImported.Format(opt.l, transcript.EscapePath(path), p.ID, transcript.EscapeString(p.Name)))
	if p.Auth.User != "" {
		fmt.Fprintln(w, txtProfNoSecret.Format(opt.l, transcript.EscapeString(p.Auth.User)))
	}
	return nil
}

// profTargetText says where a profile connects: host:port, or whose MX hosts.
func profTargetText(p *profile.Profile, l lang.Lang) string {
	t := p.Target
	switch {
	case t.Host != "":
		if t.Port != 0 {
			if strings.Contains(t.Host, ":") { // IPv6
				return "[" + t.Host + "]:" + strconv.Itoa(t.Port)
			}
			return t.Host + ":" + strconv.Itoa(t.Port)
		}
		return t.Host
	case t.Domain != "":
		return txtProfMX.Format(l, t.Domain)
	}
	return txtProfMXRcpt.In(l)
}

func profTimeoutsText(t profile.Timeouts, l lang.Lang) string {
	def := txtProfDefault.In(l)
	v := func(s string) string {
		if s == "" {
			return def
		}
		return s
	}
	if t == (profile.Timeouts{}) {
		return def
	}
	return txtProfTimeouts.Format(l, v(t.Connect), v(t.Banner), v(t.Command), v(t.DataBlock), v(t.FinalDot))
}

// profClip shortens s to n runes for a table column.
func profClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
