package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// Texts of send --profile and --save-profile.
var (
	txtProfNotFound = lang.Text{
		EN: "--profile \"%s\": no such file, and no saved profile with that id or name in %s",
		ES: "--profile \"%s\": no existe ese archivo ni un perfil guardado con ese id o nombre en %s",
	}
	txtProfAmbiguous = lang.Text{
		EN: "--profile \"%s\": %d saved profiles have that name; use the id (%s)",
		ES: "--profile \"%s\": %d perfiles guardados tienen ese nombre; use el id (%s)",
	}
	txtProfLoad = lang.Text{
		EN: "--profile \"%s\": %s",
		ES: "--profile \"%s\": %s",
	}
	txtProfFlag = lang.Text{
		EN: "--profile \"%s\": its %s value \"%s\" is not usable: %v",
		ES: "--profile \"%s\": su valor de %s \"%s\" no se puede usar: %v",
	}
	txtProfDomain = lang.Text{
		EN: "Note: the profile's domain %s is not used: send looks up the MX hosts of the first recipient's domain.",
		ES: "Nota: no se usa el dominio %s del perfil: send busca los MX del dominio del primer destinatario.",
	}
	txtProfKeyring = lang.Text{
		EN: "Note: the password the profile remembers could not be read from the keyring: %s",
		ES: "Nota: no se pudo leer del almacén de claves la contraseña que recuerda el perfil: %s",
	}
	txtProfSaved = lang.Text{
		EN: "Saved profile \"%s\" (id %s) in %s",
		ES: "Perfil \"%s\" guardado (id %s) en %s",
	}
	txtProfSave = lang.Text{
		EN: "--save-profile \"%s\": %s",
		ES: "--save-profile \"%s\": %s",
	}
	txtProfOneDNS = lang.Text{
		EN: "Note: a profile keeps one DNS server; %s was saved, the others were not.",
		ES: "Nota: un perfil guarda un solo servidor DNS; se guardó %s y los demás no.",
	}
	txtProfNoDir = lang.Text{
		EN: "cannot find the profile folder: %v (use --profile-dir)",
		ES: "no se encuentra la carpeta de perfiles: %v (use --profile-dir)",
	}
)

// sendExtras are the send flags for profiles and logs. They reach the
// other flags only through the FlagSet (Visit, Lookup, Set), so send.go
// needs no more than a few calls.
type sendExtras struct {
	fs          *flag.FlagSet
	profileArg  string
	profileDir  string
	saveName    string
	log         sendLog
	from        *recordedFlag
	base        *profile.Profile // the profile loaded with --profile
	explicitSet map[string]bool  // flags given on the command line
}

// recordedFlag wraps a flag.Func flag, whose String is always empty, so
// that the value given can be read back for --save-profile.
type recordedFlag struct {
	flag.Value
	value string
}

func (r *recordedFlag) Set(v string) error { r.value = v; return r.Value.Set(v) }

// String is safe on the zero value, which flag's --help output makes.
func (r *recordedFlag) String() string {
	if r == nil || r.Value == nil {
		return ""
	}
	return r.value
}

// registerSendExtras adds --profile, --profile-dir, --save-profile and
// --log to the send flags. Call it after the other flags are defined.
func registerSendExtras(fs *flag.FlagSet) *sendExtras {
	x := &sendExtras{fs: fs}
	fs.StringVar(&x.profileArg, "profile", "", "run the test saved in this profile: a profile JSON file, or the id or name of a saved profile; flags given as well override it")
	fs.StringVar(&x.profileDir, "profile-dir", "", "folder of saved profiles (default: the user's SMTP Probe profiles folder)")
	fs.StringVar(&x.saveName, "save-profile", "", "save the settings of this run as a profile with this name (replacing one of the same name)")
	fs.StringVar(&x.log.path, "log", "", "also write the session log to FILE: .txt or .log (text), .json, .html or .htm, .raw (the bytes on the wire)")
	if f := fs.Lookup("from"); f != nil {
		x.from = &recordedFlag{Value: f.Value}
		f.Value = x.from
	}
	return x
}

// prepare runs after the flags are parsed: it checks --log and applies
// --profile to every flag not given on the command line. A non-empty
// message is a usage error.
func (x *sendExtras) prepare(l lang.Lang, stderr io.Writer) string {
	x.explicitSet = map[string]bool{}
	x.fs.Visit(func(f *flag.Flag) { x.explicitSet[f.Name] = true })
	if msg := x.log.check(l); msg != "" {
		return msg
	}
	if x.profileArg == "" {
		return ""
	}
	p, msg := x.loadProfile(l)
	if msg != "" {
		return msg
	}
	x.base = &p
	for _, kv := range profileFlags(p) {
		if x.explicitSet[kv.name] || (kv.name == "body" && x.explicitSet["body-file"]) ||
			(kv.name == "pipelining" && x.explicitSet["no-pipelining"]) {
			continue
		}
		if err := x.fs.Set(kv.name, kv.value); err != nil {
			return txtProfFlag.Format(l, transcript.EscapePath(x.profileArg), "--"+kv.name, transcript.EscapeString(kv.value), err)
		}
	}
	if p.Target.Host == "" && p.Target.Domain != "" && !x.explicitSet["server"] {
		fmt.Fprintln(stderr, txtProfDomain.Format(l, transcript.EscapeString(p.Target.Domain)))
	}
	return ""
}

// rememberedSecret returns the AUTH password the OS keyring keeps for the
// --profile, when the run authenticates as the profile's own user (a
// password is never sent for another user than it was saved for). A
// keyring that cannot be read is a note, and the password is asked for
// as without a profile.
func (x *sendExtras) rememberedSecret(l lang.Lang, stderr io.Writer) func(user string) string {
	return func(user string) string {
		if x.base == nil || x.base.Auth.SecretRef == "" || x.base.Auth.User != user {
			return ""
		}
		s, msg := x.store(l)
		if msg != "" {
			return ""
		}
		secret, err := s.GetSecret(x.base.ID)
		if err != nil {
			if !errors.Is(err, profile.ErrNoSecret) && !errors.Is(err, profile.ErrNotFound) {
				fmt.Fprintln(stderr, txtProfKeyring.Format(l, lang.ErrorText(err, l)))
			}
			return ""
		}
		return secret
	}
}

// given reports whether the flag name was on the command line (not only
// in --profile). Valid after prepare.
func (x *sendExtras) given(name string) bool { return x.explicitSet[name] }

func (x *sendExtras) store(l lang.Lang) (*profile.Store, string) {
	dir := x.profileDir
	if dir == "" {
		var err error
		if dir, err = profile.DefaultDir(); err != nil {
			return nil, txtProfNoDir.Format(l, err)
		}
	}
	return profile.NewStore(dir), ""
}

// loadProfile finds --profile: an existing file first, then an id, then a
// name in the store.
func (x *sendExtras) loadProfile(l lang.Lang) (profile.Profile, string) {
	arg := x.profileArg
	shown := transcript.EscapePath(arg)
	if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() {
		p, err := profile.ReadFile(arg)
		if err != nil {
			return p, txtProfLoad.Format(l, shown, transcript.EscapePath(lang.ErrorText(err, l)))
		}
		return p, ""
	}
	s, msg := x.store(l)
	if msg != "" {
		return profile.Profile{}, msg
	}
	p, ids, err := findStored(s, arg)
	switch {
	case len(ids) > 1:
		return profile.Profile{}, txtProfAmbiguous.Format(l, shown, len(ids), strings.Join(ids, ", "))
	case errors.Is(err, profile.ErrNotFound):
		return profile.Profile{}, txtProfNotFound.Format(l, shown, transcript.EscapePath(s.Dir()))
	case err != nil:
		return p, txtProfLoad.Format(l, shown, transcript.EscapePath(lang.ErrorText(err, l)))
	}
	return p, ""
}

// findStored finds a saved profile by id, or else by name (ignoring case),
// as send --profile and profiles show do. When several profiles have the
// name it returns their ids (more than one) and no profile; when none
// matches, an error matching profile.ErrNotFound.
func findStored(s *profile.Store, arg string) (profile.Profile, []string, error) {
	if profile.ValidID(arg) {
		p, err := s.Get(arg)
		if !errors.Is(err, profile.ErrNotFound) {
			return p, nil, err
		}
	}
	entries, err := s.List()
	if err != nil {
		return profile.Profile{}, nil, err
	}
	var found []profile.Profile
	for _, e := range entries {
		if e.Profile != nil && strings.EqualFold(e.Profile.Name, arg) {
			found = append(found, *e.Profile)
		}
	}
	switch len(found) {
	case 0:
		return profile.Profile{}, nil, fmt.Errorf("profile %q: %w", profClip(arg, 40), profile.ErrNotFound)
	case 1:
		return found[0], nil, nil
	}
	ids := make([]string, len(found))
	for i, p := range found {
		ids[i] = p.ID
	}
	return profile.Profile{}, ids, nil
}

type flagValue struct{ name, value string }

// profileFlags is p as send flags, in the order they would be typed.
func profileFlags(p profile.Profile) []flagValue {
	var out []flagValue
	add := func(name, value string) { out = append(out, flagValue{name, value}) }
	from := p.Envelope.From
	if from == "" {
		from = "<>" // RFC 5321 §4.5.5 null reverse-path
	}
	add("from", from)
	for _, t := range p.Envelope.To {
		add("to", t)
	}
	if p.Target.Host != "" {
		add("server", p.Target.Host)
	}
	if p.Target.Port != 0 {
		add("port", strconv.Itoa(p.Target.Port))
	}
	if p.Target.DNSServer != "" {
		add("dns-server", p.Target.DNSServer)
	}
	if p.Target.AllMX {
		add("all-mx", "true")
	}
	if p.Envelope.EHLO != "" {
		add("helo", p.Envelope.EHLO)
	}
	if len(p.Envelope.DSN.Notify) > 0 {
		add("notify", strings.Join(p.Envelope.DSN.Notify, ","))
	}
	if p.Envelope.DSN.Ret != "" {
		add("ret", p.Envelope.DSN.Ret)
	}
	if p.Envelope.DSN.EnvID != "" {
		add("envid", p.Envelope.DSN.EnvID)
	}
	if p.Envelope.DSN.ORCPT {
		add("orcpt", "true")
	}
	if p.Envelope.DSN.Force {
		add("force-dsn", "true")
	}
	if p.Target.TLS != "" {
		add("tls", string(p.Target.TLS))
	}
	if p.Auth.User != "" {
		add("auth-user", p.Auth.User)
		if p.Auth.Mechanism != "" {
			add("auth-mech", strings.ToLower(p.Auth.Mechanism))
		}
	}
	if p.Target.CAFile != "" {
		add("ca-file", p.Target.CAFile)
	}
	if p.Target.TLSMin != "" {
		add("tls-min", p.Target.TLSMin)
	}
	if p.Target.InsecureSkipVerify {
		add("insecure-skip-verify", "true")
	}
	if p.Message.Subject != "" {
		add("subject", p.Message.Subject)
	}
	if p.Message.Body != "" {
		add("body", p.Message.Body)
	}
	for _, h := range p.Message.Headers {
		add("header", h.Name+": "+h.Value)
	}
	if p.StopAfter != "" {
		add("stop-after", p.StopAfter)
	}
	// Always: pipelining is on by default, so a profile's false matters.
	add("pipelining", strconv.FormatBool(p.Pipelining))
	if p.Chunking {
		add("chunking", "true")
	}
	for _, t := range []struct{ name, v string }{
		{"timeout-connect", p.Timeouts.Connect}, {"timeout-banner", p.Timeouts.Banner},
		{"timeout-command", p.Timeouts.Command}, {"timeout-data-block", p.Timeouts.DataBlock},
		{"timeout-final-dot", p.Timeouts.FinalDot},
	} {
		if t.v != "" {
			add(t.name, t.v)
		}
	}
	return out
}

// save stores the effective settings (command line over --profile) under
// --save-profile, replacing a saved profile of the same name. body is the
// message text send will use (from --body or --body-file). A non-empty
// message is a usage error; nothing has been sent yet.
func (x *sendExtras) save(l lang.Lang, body string, stderr io.Writer) string {
	if x.saveName == "" {
		return ""
	}
	name := x.saveName
	shown := transcript.EscapeString(name)
	s, msg := x.store(l)
	if msg != "" {
		return msg
	}
	p := profile.New(name)
	if x.base != nil {
		// What send cannot express (description, the recipient domain) is
		// kept from the profile the run started from.
		p.Description, p.Target.Domain = x.base.Description, x.base.Target.Domain
	}
	entries, err := s.List()
	if err != nil {
		return txtProfSave.Format(l, shown, lang.ErrorText(err, l))
	}
	for _, e := range entries {
		if e.Profile != nil && e.Profile.Name == name {
			p.ID = e.ID
		}
	}
	set := map[string]bool{}
	x.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	str := func(name string) string {
		if f := x.fs.Lookup(name); f != nil && set[name] {
			return f.Value.String()
		}
		return ""
	}
	list := func(name string) []string {
		if f := x.fs.Lookup(name); f != nil && set[name] {
			if m, ok := f.Value.(*multiFlag); ok {
				return append([]string(nil), (*m)...)
			}
		}
		return nil
	}
	if x.from != nil && x.from.value != "<>" {
		p.Envelope.From = x.from.value
	}
	p.Envelope.To = list("to")
	p.Envelope.EHLO = str("helo")
	if server := str("server"); server != "" {
		p.Target.Host = server
		if h, port, err := net.SplitHostPort(server); err == nil {
			if n, err := strconv.Atoi(port); err == nil {
				p.Target.Host, p.Target.Port = h, n
			}
		}
	}
	if p.Target.Port == 0 && str("port") != "" && str("port") != "0" {
		p.Target.Port, _ = strconv.Atoi(str("port"))
	}
	if dns := list("dns-server"); len(dns) > 0 {
		p.Target.DNSServer = dns[0]
		if len(dns) > 1 {
			fmt.Fprintln(stderr, txtProfOneDNS.Format(l, transcript.EscapeString(dns[0])))
		}
	}
	p.Target.AllMX = str("all-mx") == "true"
	if n := str("notify"); n != "" {
		for _, v := range strings.Split(n, ",") {
			p.Envelope.DSN.Notify = append(p.Envelope.DSN.Notify, strings.ToLower(strings.TrimSpace(v)))
		}
	}
	p.Envelope.DSN.Ret = strings.ToLower(str("ret"))
	p.Envelope.DSN.EnvID = str("envid")
	p.Envelope.DSN.ORCPT = str("orcpt") == "true"
	p.Envelope.DSN.Force = str("force-dsn") == "true"
	p.Target.TLS = profile.TLSMode(str("tls"))
	if user := str("auth-user"); user != "" {
		p.Auth.User = user
		if m := str("auth-mech"); m != "" && m != "auto" {
			p.Auth.Mechanism = strings.ToUpper(m)
		}
	}
	p.Target.CAFile = str("ca-file")
	p.Target.TLSMin = str("tls-min")
	p.Target.InsecureSkipVerify = str("insecure-skip-verify") == "true"
	p.Message.Subject = str("subject")
	p.Message.Body = body
	for _, h := range list("header") {
		n, v, _ := strings.Cut(h, ":")
		p.Message.Headers = append(p.Message.Headers, profile.Header{Name: n, Value: strings.TrimPrefix(v, " ")})
	}
	p.StopAfter = str("stop-after")
	// The effective value, default included (pipelining is on unless
	// --pipelining=false, --no-pipelining or the profile turned it off).
	p.Pipelining = x.fs.Lookup("pipelining").Value.String() == "true"
	p.Chunking = str("chunking") == "true"
	p.Timeouts = profile.Timeouts{
		Connect: str("timeout-connect"), Banner: str("timeout-banner"), Command: str("timeout-command"),
		DataBlock: str("timeout-data-block"), FinalDot: str("timeout-final-dot"),
	}
	saved, err := s.Save(p)
	if err != nil {
		return txtProfSave.Format(l, shown, lang.ErrorText(err, l))
	}
	fmt.Fprintln(stderr, txtProfSaved.Format(l, shown, saved.ID, transcript.EscapePath(s.Dir())))
	return ""
}

// finish writes --log once the session is over and returns the exit code
// of the command: the session's, or exitcode.Usage when the session
// passed but its log could not be written (the user asked for both).
func (x *sendExtras) finish(results []*session.Result, l lang.Lang, stderr io.Writer, code int) int {
	return x.log.write(x.fs, results, l, stderr, code)
}
