package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/sendercheck"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpauth"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// entryBatchInterval is how often streamed transcript lines are sent to the
// frontend: often enough to look live, rarely enough that a flood of lines
// costs one message per frame or so, not one per line.
const entryBatchInterval = 50 * time.Millisecond

// Header is one extra message header from the Message step.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// TestRequest is everything the wizard collected for one run.
type TestRequest struct {
	// Lang is the language of transcript notes and input errors.
	Lang string `json:"lang"`
	// Mode is "mx" (MX hosts in preference order, or Host when one was
	// picked), "all" (every MX host) or "host" (the typed server).
	Mode string `json:"mode"`
	// Domain is the domain whose MX hosts are used; empty means the first
	// recipient's.
	Domain    string   `json:"domain"`
	Host      string   `json:"host"`
	Port      int      `json:"port"`
	TLS       string   `json:"tls"`
	DNSServer string   `json:"dns_server"`
	EHLO      string   `json:"ehlo"`
	From      string   `json:"from"`
	To        []string `json:"to"`
	Notify    []string `json:"notify"`
	AuthMech  string   `json:"auth_mech"`
	AuthUser  string   `json:"auth_user"`
	Password  string   `json:"password"`
	Subject   string   `json:"subject"`
	Body      string   `json:"body"`
	Headers   []Header `json:"headers"`
	StopAfter string   `json:"stop_after"`
	// Timeouts are Go durations ("30s", "2m"); empty takes the engine's
	// RFC 5321 §4.5.3.2 default.
	Timeouts profile.Timeouts `json:"timeouts"`
	// Pipelining and Chunking use PIPELINING (RFC 2920) and BDAT
	// (RFC 3030) when the server offers them.
	Pipelining bool `json:"pipelining"`
	Chunking   bool `json:"chunking"`
	// ProfileID is the saved profile the form came from: when Password is
	// empty and that profile remembers a password for AuthUser, it is read
	// from the keyring here, so it never travels through the frontend.
	ProfileID string `json:"profile_id"`
	// InsecureSkipVerify goes on when the certificate does not verify (the
	// failure is still reported in the certificate panel).
	InsecureSkipVerify bool `json:"insecure_skip_verify"`
	// AllowPlaintextAuth lets AUTH go over a connection without TLS, or
	// over TLS whose certificate did not verify.
	AllowPlaintextAuth bool `json:"allow_plaintext_auth"`
	// CAFile is a PEM file of authorities trusted besides the system's;
	// the engine reads and checks it before connecting.
	CAFile string `json:"ca_file"`
	// TLSMin is the lowest TLS version accepted ("1.0" to "1.3"; "" is
	// the engine's default, 1.2).
	TLSMin string `json:"tls_min"`
	// Ret ("full" or "hdrs"), EnvID, ORCPT and ForceDSN are the DSN
	// options of RFC 3461 next to Notify.
	Ret      string `json:"ret"`
	EnvID    string `json:"envid"`
	ORCPT    bool   `json:"orcpt"`
	ForceDSN bool   `json:"force_dsn"`
}

// EntryDTO is one transcript line as the live pane shows it.
type EntryDTO struct {
	Seq       int     `json:"seq"`
	ElapsedMS float64 `json:"elapsed_ms"`
	Dir       string  `json:"dir"`
	Text      string  `json:"text"`
	TLS       bool    `json:"tls"`
	// Host tells the hosts of an "every MX" run apart ("" otherwise).
	Host string `json:"host,omitempty"`
}

// StepDTO is one step with its explanation in both languages, so the
// frontend can switch language without running the test again. (The
// engine's own Step carries the explanation in one language only.)
type StepDTO struct {
	ID         int             `json:"id"`
	Name       string          `json:"name"`
	Host       string          `json:"host,omitempty"`
	Command    string          `json:"command,omitempty"`
	Recipient  string          `json:"recipient,omitempty"`
	Reply      *smtpwire.Reply `json:"reply,omitempty"`
	Status     string          `json:"status"`
	Failure    string          `json:"failure,omitempty"`
	Error      string          `json:"error,omitempty"`
	ErrorText  *lang.Text      `json:"error_text,omitempty"`
	Started    time.Time       `json:"started"`
	DurationMS float64         `json:"duration_ms"`
	// OffsetMS is when the step started, from the session start, for the
	// timing waterfall.
	OffsetMS   float64              `json:"offset_ms"`
	Evaluation *diagnose.Evaluation `json:"evaluation,omitempty"`
}

func stepDTO(s session.Step, start time.Time) StepDTO {
	return StepDTO{
		ID: s.ID, Name: string(s.Name), Host: s.Host, Command: s.Command, Recipient: s.Recipient,
		Reply: s.Reply, Status: string(s.Status), Failure: string(s.Failure), Error: s.Error,
		ErrorText: s.ErrorText, Started: s.Started, DurationMS: s.DurationMS,
		OffsetMS: ms(s.Started.Sub(start)),
	}
}

// StepEvent is the payload of session:<id>:step: the step at Index of the
// host's list changed (a new step, or one that finished).
type StepEvent struct {
	Host  string  `json:"host"`
	Index int     `json:"index"`
	Step  StepDTO `json:"step"`
}

// HostRun is the outcome with one server.
type HostRun struct {
	Host         string            `json:"host"`
	IP           string            `json:"ip"`
	Port         int               `json:"port"`
	MXPreference *uint16           `json:"mx_preference,omitempty"`
	OK           bool              `json:"ok"`
	ExitCode     int               `json:"exit_code"`
	Steps        []StepDTO         `json:"steps"`
	Verdict      diagnose.Headline `json:"verdict"`
	Warnings     []string          `json:"warnings"`
	Extensions   []string          `json:"extensions"`
	// TLS is what the TLS handshake showed (version, cipher, chain, the
	// problem in both languages); nil when the session did not encrypt.
	TLS *tlsreport.Report `json:"tls,omitempty"`
}

// RunResult is what StartTest returns: authoritative, it replaces whatever
// the streamed events built up.
type RunResult struct {
	ID         string     `json:"id"`
	OK         bool       `json:"ok"`
	ExitCode   int        `json:"exit_code"`
	Canceled   bool       `json:"canceled"`
	Runs       []HostRun  `json:"runs"`
	Transcript []EntryDTO `json:"transcript"`
	// FieldErrors maps a wizard field to why its value was refused;
	// nothing was sent.
	FieldErrors map[string]string `json:"field_errors,omitempty"`
	Error       string            `json:"error,omitempty"`
	// HistoryError says why the run could not be stored in the history
	// (the test itself ran).
	HistoryError string `json:"history_error,omitempty"`
	// JSON is the engine's Result (an array for "every MX"). Exports do
	// not use it: ExportResult renders from the Go copy kept by session id.
	JSON string `json:"json"`
	// Sender is the sender checks run beside the session, in the request's
	// language, when the session connected.
	Sender *sendercheck.Report `json:"sender,omitempty"`
}

// Sessions run tests: one SMTP session (or one per MX host) per call,
// streamed to the frontend as it goes.
type Sessions struct {
	life     *lifetime
	emit     Emitter
	profiles *profile.Store
	results  *resultCache
	history  *History

	mu      sync.Mutex
	running map[string]context.CancelFunc
}

var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// StartTest runs one test. The frontend generates id and subscribes to
// session:<id>:entries, session:<id>:step and session:<id>:done first; the
// call returns when the session is over, with the authoritative result.
// Input the engine refuses comes back in FieldErrors, before any byte is
// sent.
func (a *Sessions) StartTest(id string, req TestRequest) (RunResult, error) {
	l := parseLang(req.Lang)
	if !sessionIDPattern.MatchString(id) {
		return RunResult{}, fmt.Errorf("invalid session id %q", transcript.EscapeString(id))
	}
	out := RunResult{ID: id, Runs: []HostRun{}, Transcript: []EntryDTO{}}
	if req.AuthMech != "" && req.Password == "" {
		req.Password = a.rememberedSecret(req.ProfileID, strings.TrimSpace(req.AuthUser))
	}
	opts, fieldErr := buildOptions(req, l)
	if fieldErr != nil {
		out.FieldErrors = fieldErr
		out.Error = lang.Text{EN: "Nothing was sent: some fields need fixing.", ES: "No se envió nada: hay campos que corregir."}.In(l)
		out.ExitCode = 2
		return out, nil
	}

	parent := a.life.context()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	a.mu.Lock()
	if _, dup := a.running[id]; dup {
		a.mu.Unlock()
		return RunResult{}, fmt.Errorf("session %s is already running", id)
	}
	a.running[id] = cancel
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.running, id)
		a.mu.Unlock()
	}()

	st := newStreamer(a.emit, id, now())
	// A single run reports as host -1 like RunAllMX's shared resolve step:
	// both belong to no particular host.
	opts.OnEntry = func(e transcript.Entry) { st.entry(-1, e) }
	opts.OnStep = func(s session.Step) { st.step(-1, s) }
	opts.OnHostEntry = st.entry
	opts.OnHostStep = st.step
	sc := session.NewSenderChecks(ctx, sendercheck.Input{HELO: opts.HELO, MailFrom: opts.From},
		sendercheck.Options{DNS: mxlookup.Options{Servers: opts.DNSServers}})
	sc.Attach(&opts)
	go st.run()

	var results []*session.Result
	var err error
	if req.Mode == "all" {
		results, err = session.RunAllMX(ctx, opts)
	} else {
		var r *session.Result
		r, err = session.Run(ctx, opts)
		if r != nil {
			results = []*session.Result{r}
		}
	}
	st.stop()
	out.Sender = sc.FinishAll(results, l)

	if err != nil && session.IsInputError(err) {
		out.FieldErrors = map[string]string{}
		var fe *lang.FieldError
		if errors.As(err, &fe) {
			out.FieldErrors[wizardField(fe.Field)] = fe.Localize(l)
		}
		out.Error = lang.Text{EN: "Nothing was sent: some fields need fixing.", ES: "No se envió nada: hay campos que corregir."}.In(l)
		out.ExitCode = 2
	} else if err != nil {
		out.Error = err.Error()
	}
	out.Canceled = ctx.Err() != nil && parent.Err() == nil
	out.OK = len(results) > 0
	for _, r := range results {
		if r == nil {
			continue
		}
		run := hostRun(r, l)
		out.Runs = append(out.Runs, run)
		out.OK = out.OK && r.OK
		if r.ExitCode > out.ExitCode {
			out.ExitCode = r.ExitCode
		}
		host := ""
		if len(results) > 1 {
			host = run.Host
		}
		for _, e := range r.Transcript {
			out.Transcript = append(out.Transcript, entryDTO(e, host))
		}
	}
	if len(results) > 0 && results[0] != nil {
		a.results.put(id, results)
		if err := a.history.record(a.profileName(req.ProfileID), results); err != nil && !errors.Is(err, errNoHistory) {
			out.HistoryError = lang.ErrorText(err, l)
		}
	}
	var raw any = results
	if len(results) == 1 {
		raw = results[0]
	}
	if b, err := json.MarshalIndent(raw, "", "  "); err == nil {
		out.JSON = string(b)
	}
	return out, nil
}

// profileName is the name of the saved profile id, or "".
func (a *Sessions) profileName(id string) string {
	if id == "" || a.profiles == nil {
		return ""
	}
	p, err := a.profiles.Get(id)
	if err != nil {
		return ""
	}
	return p.Name
}

// cancelAll stops every running test (the window is closing).
func (a *Sessions) cancelAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, cancel := range a.running {
		cancel()
	}
}

// CancelTest stops a running test; the connection is closed at once and
// StartTest returns with Canceled set. Unknown ids are ignored: the test may
// have just finished.
func (a *Sessions) CancelTest(id string) {
	a.mu.Lock()
	cancel := a.running[id]
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// rememberedSecret is the password the keyring keeps for profile id, when
// that profile authenticates as user (a form whose user was changed since
// must not send another account's password). "" when there is none: the
// engine then asks for the password as a field error.
func (a *Sessions) rememberedSecret(id, user string) string {
	if id == "" || user == "" || a.profiles == nil || !profile.ValidID(id) {
		return ""
	}
	p, err := a.profiles.Get(id)
	if err != nil || p.Auth.User != user || p.Auth.SecretRef == "" {
		return ""
	}
	secret, err := a.profiles.GetSecret(id)
	if err != nil {
		return ""
	}
	return secret
}

// wizardField maps the engine's field names to the wizard's inputs.
func wizardField(f string) string {
	switch f {
	case "helo":
		return "ehlo"
	case "server":
		return "host"
	case "dns-server":
		return "dnsServer"
	case "stop-after":
		return "stopAfter"
	case "auth-user":
		return "authUser"
	case "auth-password":
		return "password"
	case "auth-mech":
		return "authMech"
	case "ca-file":
		return "caFile"
	case "tls-min":
		return "tlsMin"
	}
	if strings.HasPrefix(strings.ToLower(f), "header") {
		return "headers"
	}
	return f
}

// buildOptions turns the wizard's request into engine options. It checks
// only what the engine cannot: the engine validates everything else again.
func buildOptions(req TestRequest, l lang.Lang) (session.Options, map[string]string) {
	errs := map[string]string{}
	o := session.Options{
		From:       strings.TrimSpace(req.From),
		Port:       req.Port,
		HELO:       strings.TrimSpace(req.EHLO),
		Subject:    req.Subject,
		Body:       req.Body,
		Notify:     req.Notify,
		StopAfter:  session.StepName(req.StopAfter),
		Lang:       l,
		Pipelining: req.Pipelining,
		// The wizard pipelines unless "one command at a time" is ticked:
		// on is the product's default, so a server without PIPELINING
		// gets lock-step without a warning.
		PipeliningByDefault: req.Pipelining,
		Chunking:            req.Chunking,
		Ret:                 strings.ToLower(strings.TrimSpace(req.Ret)),
		EnvID:               strings.TrimSpace(req.EnvID),
		ORCPT:               req.ORCPT,
		ForceDSN:            req.ForceDSN,
	}
	o.Timeouts = parseTimeouts(req.Timeouts, l, errs)
	for _, t := range req.To {
		if t = strings.TrimSpace(t); t != "" {
			o.To = append(o.To, t)
		}
	}
	for _, h := range req.Headers {
		if strings.TrimSpace(h.Name) == "" {
			continue
		}
		o.Headers = append(o.Headers, message.Header{Name: strings.TrimSpace(h.Name), Value: h.Value})
	}
	if s := strings.TrimSpace(req.DNSServer); s != "" {
		o.DNSServers = []string{s}
	}
	switch req.Mode {
	case "host":
		if strings.TrimSpace(req.Host) == "" {
			errs["host"] = lang.Text{EN: "Type the server to test.", ES: "Escriba el servidor que quiere probar."}.In(l)
		}
		o.Server = strings.TrimSpace(req.Host)
	case "mx", "all", "":
		o.Server = strings.TrimSpace(req.Host) // a host picked from the MX table
		if d := strings.TrimSpace(req.Domain); d != "" && o.Server == "" {
			o.Resolver = domainResolver{
				MXResolver: session.MXResolver{Options: mxlookup.Options{Servers: o.DNSServers}},
				domain:     d,
			}
		}
	default:
		errs["mode"] = "unknown destination mode " + strconv.Quote(req.Mode)
	}
	o.TLS = session.TLSMode(req.TLS)
	// The profile's rule for ENVID, so a run that passes can be saved: the
	// characters xtext sends as they are (RFC 3461 §4.4), what the admin
	// typed is what the server sees in its DSN.
	if strings.IndexFunc(o.EnvID, func(r rune) bool { return r <= ' ' || r > '~' || r == '+' || r == '=' }) >= 0 {
		errs["envid"] = txtEnvID.In(l)
	} else if len(o.EnvID) > session.MaxEnvID {
		errs["envid"] = txtEnvIDLong.Format(l, session.MaxEnvID)
	}
	o.InsecureSkipVerify = req.InsecureSkipVerify
	o.CAFile = strings.TrimSpace(req.CAFile)
	if o.CAFile != "" {
		// The engine refuses the same files; this says why in the admin's
		// words, with the path as typed.
		if _, err := tlsreport.LoadRoots(o.CAFile); err != nil {
			shown := transcript.EscapeString(o.CAFile)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				errs["caFile"] = txtCANotFound.Format(l, shown)
			case errors.Is(err, fs.ErrPermission):
				errs["caFile"] = txtCANoAccess.Format(l, shown)
			default:
				errs["caFile"] = txtCANotPEM.Format(l, shown)
			}
		}
	}
	o.TLSMin = strings.TrimSpace(req.TLSMin)
	if req.AuthMech != "" {
		o.AuthMech = strings.ToLower(req.AuthMech)
		o.AuthUser = strings.TrimSpace(req.AuthUser)
		o.AuthSecret = smtpauth.Secret(req.Password)
		o.AllowPlaintextAuth = req.AllowPlaintextAuth
	}
	if len(errs) > 0 {
		return o, errs
	}
	return o, nil
}

var (
	txtCANotFound = lang.Text{
		EN: "The CA certificate file %s does not exist. Choose the PEM file of your certificate authority with Browse…",
		ES: "El archivo de certificado de CA %s no existe. Elija con Examinar… el archivo PEM de su entidad de certificación.",
	}
	txtCANoAccess = lang.Text{
		EN: "The CA certificate file %s cannot be read: access is denied.",
		ES: "No se puede leer el archivo de certificado de CA %s: acceso denegado.",
	}
	txtCANotPEM = lang.Text{
		EN: "The CA certificate file %s holds no PEM certificate (a text file starting with -----BEGIN CERTIFICATE-----). Export the CA certificate as Base-64 encoded X.509 (.CER).",
		ES: "El archivo de certificado de CA %s no contiene ningún certificado PEM (un archivo de texto que empieza por -----BEGIN CERTIFICATE-----). Exporte el certificado de la CA como X.509 codificado en Base 64 (.CER).",
	}
	txtEnvID = lang.Text{
		EN: "Use printable ASCII without spaces, '+' or '=' (RFC 3461 §4.4).",
		ES: "Use ASCII imprimible sin espacios, '+' ni '=' (RFC 3461 §4.4).",
	}
	txtEnvIDLong     = lang.Text{EN: "Use at most %d characters.", ES: "Use %d caracteres como mucho."}
	txtTimeoutSyntax = lang.Text{
		EN: "Write a duration such as 30s, 2m or 1m30s.",
		ES: "Escriba una duración como 30s, 2m o 1m30s.",
	}
	txtTimeoutRange = lang.Text{
		EN: "Choose a duration above zero and at most %s.",
		ES: "Elija una duración mayor que cero y de %s como mucho.",
	}
)

// parseTimeouts reads the wizard's advanced timeouts. Command also bounds
// MAIL, RCPT and DATA, as the command line's --timeout-command does: the
// wizard shows the five waits an admin reasons about, not eight.
func parseTimeouts(t profile.Timeouts, l lang.Lang, errs map[string]string) session.Timeouts {
	one := func(field, v string) time.Duration {
		v = strings.TrimSpace(v)
		if v == "" {
			return 0
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs[field] = txtTimeoutSyntax.In(l)
		case d <= 0 || d > profile.MaxTimeout:
			// "24h", not Go's "24h0m0s": the same words as the wizard's check.
			errs[field] = txtTimeoutRange.Format(l, strings.TrimSuffix(strings.TrimSuffix(profile.MaxTimeout.String(), "0s"), "0m"))
		default:
			return d
		}
		return 0
	}
	cmd := one("timeoutCommand", t.Command)
	return session.Timeouts{
		Connect:   one("timeoutConnect", t.Connect),
		Banner:    one("timeoutBanner", t.Banner),
		Command:   cmd,
		Mail:      cmd,
		Rcpt:      cmd,
		Data:      cmd,
		DataBlock: one("timeoutDataBlock", t.DataBlock),
		FinalDot:  one("timeoutFinalDot", t.FinalDot),
	}
}

func hostRun(r *session.Result, l lang.Lang) HostRun {
	run := HostRun{
		Host: r.Server.Host, IP: r.Server.IP, Port: r.Server.Port, MXPreference: r.Server.MXPreference,
		OK: r.OK, ExitCode: r.ExitCode, Steps: []StepDTO{}, Warnings: []string{}, Extensions: r.Extensions,
		TLS: r.TLS,
	}
	if run.Extensions == nil {
		run.Extensions = []string{}
	}
	// The engine evaluated each step as it ended, knowing the server's
	// software, TLS and AUTH state and the steps before it; those
	// explanations (in both languages) are the ones shown.
	for _, s := range r.Steps {
		d := stepDTO(s, r.Started)
		d.Evaluation = s.Diagnosis
		run.Steps = append(run.Steps, d)
	}
	if r.Headline != nil {
		run.Verdict = *r.Headline
	}
	for _, w := range r.Warnings {
		run.Warnings = append(run.Warnings, w.Text.In(l))
	}
	return run
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func entryDTO(e transcript.Entry, host string) EntryDTO {
	return EntryDTO{Seq: e.Seq, ElapsedMS: e.ElapsedMS, Dir: string(e.Dir), Text: e.Text, TLS: e.TLS, Host: host}
}

// streamer collects what the engine reports and sends it to the frontend
// from its own goroutine, so the engine never waits on the UI: entries in
// batches every entryBatchInterval, step changes in order after them.
type streamer struct {
	emit  Emitter
	id    string
	start time.Time

	mu      sync.Mutex
	entries []pendingEntry
	steps   []pendingStep
	index   map[[2]int]int // (host, step ID) -> position in the host's list
	count   map[int]int    // host -> steps seen
	names   map[int]string // host -> its name, from its first step
	shared  []session.Step // every-MX: the MX lookup all hosts share (host -1)
	done    chan struct{}
	stopped chan struct{}
}

func newStreamer(emit Emitter, id string, start time.Time) *streamer {
	return &streamer{
		emit: emit, id: id, start: start,
		index: map[[2]int]int{}, count: map[int]int{}, names: map[int]string{},
		done: make(chan struct{}), stopped: make(chan struct{}),
	}
}

// hostKey names host h of an "every MX" run in events: its host name once
// a step has said it (the first step of a host does, so the live grid
// shows names, the same keys as the final result), "#1", "#2" before.
// Called with mu held.
func (s *streamer) hostKey(h int) string {
	if h < 0 {
		return ""
	}
	if n := s.names[h]; n != "" {
		return n
	}
	return "#" + strconv.Itoa(h+1)
}

// entry and step run on engine goroutines: they only append under a lock.
func (s *streamer) entry(h int, e transcript.Entry) {
	s.mu.Lock()
	s.entries = append(s.entries, pendingEntry{host: h, entry: e})
	s.mu.Unlock()
}

func (s *streamer) step(h int, st session.Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h < 0 {
		// The shared MX lookup of an every-MX run: kept to be repeated at
		// the head of each host's list, as the final result has it.
		// The end of a step may come after the next one's start (see
		// session.Options.OnStep): the latest call for an ID wins, in the
		// lists of the hosts already streaming too.
		k := slices.IndexFunc(s.shared, func(sh session.Step) bool { return sh.ID == st.ID })
		if k >= 0 {
			s.shared[k] = st
		} else {
			s.shared = append(s.shared, st)
		}
		for _, host := range slices.Sorted(maps.Keys(s.count)) {
			if host >= 0 {
				s.queueStep(host, st)
			}
		}
	}
	if h >= 0 && st.Host != "" && s.names[h] == "" {
		s.names[h] = st.Host
	}
	if h >= 0 && s.count[h] == 0 {
		for _, sh := range s.shared {
			s.queueStep(h, sh)
		}
	}
	s.queueStep(h, st)
}

// queueStep queues st for host h at its place in the host's list. Called
// with mu held.
func (s *streamer) queueStep(h int, st session.Step) {
	key := [2]int{h, st.ID}
	i, ok := s.index[key]
	if !ok {
		i = s.count[h]
		s.count[h]++
		s.index[key] = i
	}
	s.steps = append(s.steps, pendingStep{host: s.hostKey(h), index: i, step: st})
}

// pendingEntry is a transcript line waiting for the next flush. Its host is
// named at the flush, and the lines a host writes before its first step
// (the "host 1 of 2" note, "Connecting to") wait for that step, so every
// streamed line carries the host's name; the last flush sends whatever is
// left, under "#n" if a host never had a step.
type pendingEntry struct {
	host  int
	entry transcript.Entry
}

// pendingStep is a step change waiting for the next flush.
type pendingStep struct {
	host  string
	index int
	step  session.Step
}

// run flushes until stop, then once more so nothing is left behind.
func (s *streamer) run() {
	defer close(s.stopped)
	t := time.NewTicker(entryBatchInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.flush(false)
		case <-s.done:
			s.flush(true)
			return
		}
	}
}

func (s *streamer) flush(last bool) {
	s.mu.Lock()
	pending, steps := s.entries, s.steps
	s.entries, s.steps = nil, nil
	entries := make([]EntryDTO, 0, len(pending))
	for _, p := range pending {
		if !last && p.host >= 0 && s.names[p.host] == "" {
			s.entries = append(s.entries, p)
			continue
		}
		entries = append(entries, entryDTO(p.entry, s.hostKey(p.host)))
	}
	s.mu.Unlock()
	if len(entries) > 0 {
		s.emit.Emit(SessionEntries(s.id), entries)
	}
	for _, p := range steps {
		ev := StepEvent{Host: p.host, Index: p.index, Step: stepDTO(p.step, s.start)}
		// The engine explained the step when it ended, with the session's
		// context; the live row shows the same words as the final result.
		ev.Step.Evaluation = p.step.Diagnosis
		s.emit.Emit(SessionStep(s.id), ev)
	}
}

func (s *streamer) stop() {
	close(s.done)
	<-s.stopped
}

// domainResolver looks up the MX hosts of the domain typed in the
// Destination step rather than the first recipient's: an admin often tests
// a recipient address against another domain's servers (a smart host, a
// migration target).
type domainResolver struct {
	session.MXResolver
	domain string
}

func (r domainResolver) LookupMX(ctx context.Context, _ string) ([]session.Target, []session.Warning, error) {
	name, err := mxlookup.ParseDomain(r.domain)
	if err != nil {
		return nil, nil, fmt.Errorf("destination domain: %w", err)
	}
	return r.MXResolver.LookupMX(ctx, name.ASCII)
}
