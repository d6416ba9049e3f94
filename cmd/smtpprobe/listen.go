package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/transcript"
)

func init() {
	register("listen", "run the built-in SMTP receiver and show what arrives", runListen)
}

// Texts of the listen command.
var (
	lsListening   = lang.Text{EN: "listening on %s", ES: "escuchando en %s"}
	lsLoopback    = lang.Text{EN: "Only this machine can connect; use --addr 0.0.0.0:%s to accept other machines.", ES: "Solo este equipo puede conectarse; use --addr 0.0.0.0:%s para aceptar otros equipos."}
	lsTLS         = lang.Text{EN: "STARTTLS offered with a self-signed certificate for %s, SHA-256 %s", ES: "STARTTLS ofrecido con un certificado autofirmado para %s, SHA-256 %s"}
	lsInsecure    = lang.Text{EN: "Warning: AUTH is offered without TLS; passwords cross the network in clear text (add --tls).", ES: "Aviso: AUTH se ofrece sin TLS; las contraseñas viajan por la red sin cifrar (agregue --tls)."}
	lsStopHint    = lang.Text{EN: "Press Ctrl+C to stop.", ES: "Pulse Ctrl+C para detener."}
	lsConnect     = lang.Text{EN: "%s #%d connection from %s", ES: "%s #%d conexión desde %s"}
	lsMessage     = lang.Text{EN: "%s #%d message %d from <%s> to %s: %d bytes, subject \"%s\"", ES: "%s #%d mensaje %d de <%s> para %s: %d bytes, asunto \"%s\""}
	lsSaved       = lang.Text{EN: "  saved to %s", ES: "  guardado en %s"}
	lsNotSaved    = lang.Text{EN: "  NOT saved (refused with 451): %s", ES: "  NO guardado (rechazado con 451): %s"}
	lsClosed      = lang.Text{EN: "%s #%d closed after %.1f s: EHLO %s, %s, %d message(s)", ES: "%s #%d cerrada tras %.1f s: EHLO %s, %s, %d mensaje(s)"}
	lsNoTLS       = lang.Text{EN: "no TLS", ES: "sin TLS"}
	lsAuthAs      = lang.Text{EN: ", AUTH as %s", ES: ", AUTH como %s"}
	lsDropped     = lang.Text{EN: ", %d transcript line(s) not kept", ES: ", %d línea(s) de transcripción no guardadas"}
	lsSummary     = lang.Text{EN: "stopped: %d connection(s), %d message(s) accepted, %d recipient(s) rejected, %d greylisted, %d refused for missing AUTH, %d connection(s) turned away", ES: "detenido: %d conexión(es), %d mensaje(s) aceptados, %d destinatario(s) rechazados, %d en lista gris, %d rechazados por falta de AUTH, %d conexión(es) rechazadas"}
	lsBadRegex    = lang.Text{EN: "smtpprobe listen: --reject-rcpt: invalid regular expression: %v", ES: "smtpprobe listen: --reject-rcpt: expresión regular no válida: %v"}
	lsNeedPass    = lang.Text{EN: "smtpprobe listen: --auth-user needs --auth-password-env naming an environment variable that holds the password", ES: "smtpprobe listen: --auth-user necesita --auth-password-env con el nombre de una variable de entorno que contenga la contraseña"}
	lsEmptyPass   = lang.Text{EN: "smtpprobe listen: environment variable %s is empty or not set", ES: "smtpprobe listen: la variable de entorno %s está vacía o no existe"}
	lsPassNoUser  = lang.Text{EN: "smtpprobe listen: --auth-password-env needs --auth-user", ES: "smtpprobe listen: --auth-password-env necesita --auth-user"}
	lsRequireAuth = lang.Text{EN: "smtpprobe listen: --require-auth needs --auth-user and --auth-password-env", ES: "smtpprobe listen: --require-auth necesita --auth-user y --auth-password-env"}
	lsArgs        = lang.Text{EN: "smtpprobe listen: unexpected argument %q", ES: "smtpprobe listen: argumento inesperado %q"}
	lsStdoutStuck = lang.Text{EN: "smtpprobe listen: stopped without the summary: the output is not being read", ES: "smtpprobe listen: detenido sin el resumen: nadie está leyendo la salida"}
	lsConfig      = lang.Text{EN: "smtpprobe listen: %v", ES: "smtpprobe listen: %v"}
)

// listenOptions are the parsed flags.
type listenOptions struct {
	cfg      receiver.Config
	jsonOut  bool
	showText bool
	lang     lang.Lang
}

func parseListenFlags(args []string, stderr io.Writer) (listenOptions, int) {
	var o listenOptions
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smtpprobe listen [flags]")
		fmt.Fprintln(stderr, "\nRuns a test SMTP server and prints each connection and message as it arrives.")
		fmt.Fprintln(stderr, "Port 25 needs administrator rights on Windows (root on Linux) and an inbound")
		fmt.Fprintln(stderr, "firewall rule for TCP 25 to be reachable from other machines.")
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", receiver.DefaultAddr, "`HOST:PORT` to listen on (port 0 picks a free port)")
	domain := fs.String("domain", receiver.DefaultDomain, "host `NAME` in the banner and EHLO reply")
	useTLS := fs.Bool("tls", false, "offer STARTTLS with a self-signed certificate generated now")
	tlsName := fs.String("tls-name", "", "`NAME` in the certificate (default: --domain)")
	authUser := fs.String("auth-user", "", "enable AUTH PLAIN and LOGIN for `USER`")
	passEnv := fs.String("auth-password-env", "", "environment `VAR` holding the AUTH password")
	requireAuth := fs.Bool("require-auth", false, "refuse MAIL FROM with 530 5.7.0 until the client authenticates")
	save := fs.String("save", "", "save each message as an .eml file in `DIR` (must exist)")
	rejectRcpt := fs.String("reject-rcpt", "", "refuse recipients matching `REGEX` with 550 5.1.1")
	greylist := fs.Bool("greylist", false, "answer 451 4.7.1 to the first try of each sender/recipient pair")
	greyDelay := fs.Duration("greylist-delay", 0, "minimum `DURATION` before a greylisted retry is accepted")
	bannerDelay := fs.Duration("banner-delay", 0, "wait `DURATION` before the 220 banner")
	maxSize := fs.Int64("max-size", receiver.DefaultMaxMessageBytes, "largest message in `BYTES` (552 5.3.4 above)")
	maxRcpt := fs.Int("max-rcpt", receiver.DefaultMaxRecipients, "most recipients per message (452 4.5.3 above)")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object per line")
	fs.BoolVar(&o.showText, "transcript", false, "also print every line of every session")
	langFlag := fs.String("lang", string(lang.FromEnv()), "language of the output: `en` or es")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, exitcode.OK
		}
		return o, exitcode.Usage
	}
	l, err := lang.Parse(*langFlag)
	if err != nil {
		fmt.Fprintf(stderr, "smtpprobe listen: --lang: %v\n", err)
		return o, exitcode.Usage
	}
	o.lang = l
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, lsArgs.Format(l, fs.Arg(0)))
		return o, exitcode.Usage
	}
	o.cfg = receiver.Config{
		Addr: *addr, Domain: *domain, TLS: *useTLS, TLSName: *tlsName,
		SaveDir: *save, Greylist: *greylist, GreylistDelay: *greyDelay,
		BannerDelay: *bannerDelay, MaxMessageBytes: *maxSize, MaxRecipients: *maxRcpt,
		RequireAuth: *requireAuth,
	}
	if *rejectRcpt != "" {
		re, err := regexp.Compile(*rejectRcpt)
		if err != nil {
			fmt.Fprintln(stderr, lsBadRegex.Format(l, err))
			return o, exitcode.Usage
		}
		o.cfg.RejectRcpt = re
	}
	switch {
	case *authUser != "" && *passEnv == "":
		fmt.Fprintln(stderr, lsNeedPass.In(l))
		return o, exitcode.Usage
	case *authUser == "" && *passEnv != "":
		fmt.Fprintln(stderr, lsPassNoUser.In(l))
		return o, exitcode.Usage
	case *requireAuth && *authUser == "":
		fmt.Fprintln(stderr, lsRequireAuth.In(l))
		return o, exitcode.Usage
	case *authUser != "":
		// The password comes from the environment so it never shows in
		// the process list or shell history.
		pass := os.Getenv(*passEnv)
		if pass == "" {
			fmt.Fprintln(stderr, lsEmptyPass.Format(l, *passEnv))
			return o, exitcode.Usage
		}
		o.cfg.AuthUser, o.cfg.AuthPassword = *authUser, pass
		// Without --tls the admin asked for AUTH on a test server; allow
		// it in clear text and warn, rather than offer nothing.
		o.cfg.AllowInsecureAuth = !*useTLS
	}
	return o, -1
}

func runListen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, code := parseListenFlags(args, stderr)
	if code >= 0 {
		return code
	}
	l := o.lang
	out := &lockedWriter{w: stdout}
	ready := make(chan struct{})
	o.cfg.OnEvent = func(e receiver.Event) {
		<-ready // the listening line comes first
		printEvent(out, e, o)
	}
	r, err := receiver.New(o.cfg)
	if err != nil {
		fmt.Fprintln(stderr, lsConfig.Format(l, err))
		return exitcode.Usage
	}
	// Listening is quick; a cancelled ctx stops the receiver right after.
	if err := r.Start(context.WithoutCancel(ctx)); err != nil {
		var le *receiver.ListenError
		if errors.As(err, &le) {
			fmt.Fprintln(stderr, le.Localize(l))
		} else {
			fmt.Fprintln(stderr, lsConfig.Format(l, err))
		}
		return exitcode.Connect
	}
	printListening(out, stderr, r, o)
	close(ready)

	<-ctx.Done()
	// Closing waits for the event printer, which is stuck while stdout is
	// not read (a paused terminal, a full pipe): Ctrl+C must still end the
	// command, without the summary if need be.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Close(); err != nil {
			fmt.Fprintln(stderr, lsConfig.Format(l, err))
		}
		st := r.Stats()
		if o.jsonOut {
			writeJSON(out, struct {
				Event string `json:"event"`
				receiver.Stats
			}{"summary", st})
		} else {
			fmt.Fprintln(out, lsSummary.Format(l, st.Connections, st.Messages, st.RejectedRcpts, st.Greylisted, st.AuthRequired, st.Refused))
		}
	}()
	t := time.NewTimer(listenStopGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		fmt.Fprintln(stderr, lsStdoutStuck.In(l))
	}
	return exitcode.OK
}

// listenStopGrace is how long Ctrl+C waits for the last events and the
// summary to be written before listen leaves without them.
const listenStopGrace = 3 * time.Second

func printListening(out, stderr io.Writer, r *receiver.Receiver, o listenOptions) {
	l, cfg := o.lang, r.Config()
	addr := r.Addr().String()
	if o.jsonOut {
		writeJSON(out, struct {
			Event      string `json:"event"`
			Addr       string `json:"addr"`
			Domain     string `json:"domain"`
			TLS        bool   `json:"tls"`
			CertSHA256 string `json:"cert_sha256,omitempty"`
			Auth       bool   `json:"auth"`
		}{"listening", addr, cfg.Domain, cfg.TLS, r.CertificateFingerprint(), cfg.AuthUser != ""})
	} else {
		fmt.Fprintln(out, lsListening.Format(l, addr))
		if cfg.TLS {
			fmt.Fprintln(out, lsTLS.Format(l, cfg.TLSName, r.CertificateFingerprint()))
		}
	}
	// Advice goes to stderr so stdout stays one event per line.
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		fmt.Fprintln(stderr, lsLoopback.Format(l, port))
	}
	if receiver.IsPort25(addr) {
		fmt.Fprintln(stderr, receiver.Port25Help.In(l))
	}
	if cfg.AllowInsecureAuth {
		fmt.Fprintln(stderr, lsInsecure.In(l))
	}
	if !o.jsonOut {
		fmt.Fprintln(stderr, lsStopHint.In(l))
	}
}

// The JSON lines. Field names are part of the command's interface.
type (
	jsonConnect struct {
		Event  string    `json:"event"`
		Time   time.Time `json:"time"`
		Conn   int64     `json:"conn"`
		Remote string    `json:"remote"`
	}
	jsonLine struct {
		Event string           `json:"event"`
		Conn  int64            `json:"conn"`
		Entry transcript.Entry `json:"entry"`
	}
	jsonMessage struct {
		Event      string            `json:"event"`
		Time       time.Time         `json:"time"`
		Conn       int64             `json:"conn"`
		ID         int64             `json:"id"`
		From       string            `json:"from"`
		MailParams map[string]string `json:"mail_params"`
		Rcpts      []string          `json:"rcpts"`
		Size       int64             `json:"size"`
		Subject    string            `json:"subject"`
		TLS        bool              `json:"tls"`
		AuthUser   string            `json:"auth_user"`
		SavedPath  string            `json:"saved_path"`
		SaveError  string            `json:"save_error"`
	}
	jsonDisconnect struct {
		Event             string    `json:"event"`
		Time              time.Time `json:"time"`
		Conn              int64     `json:"conn"`
		Remote            string    `json:"remote"`
		EHLO              string    `json:"ehlo"`
		TLS               bool      `json:"tls"`
		TLSVersion        string    `json:"tls_version"`
		AuthUser          string    `json:"auth_user"`
		Messages          int       `json:"messages"`
		DurationMS        float64   `json:"duration_ms"`
		TranscriptDropped int       `json:"transcript_dropped"`
	}
)

func printEvent(out io.Writer, e receiver.Event, o listenOptions) {
	l := o.lang
	clock := e.Time.Format("15:04:05")
	switch e.Kind {
	case receiver.EventConnect:
		if o.jsonOut {
			writeJSON(out, jsonConnect{"connect", e.Time, e.ConnID, e.Conn.Remote})
			return
		}
		fmt.Fprintln(out, lsConnect.Format(l, clock, e.ConnID, e.Conn.Remote))
	case receiver.EventLine:
		if !o.showText {
			return
		}
		if o.jsonOut {
			writeJSON(out, jsonLine{"line", e.ConnID, *e.Entry})
			return
		}
		fmt.Fprintf(out, "  #%d %s: %s\n", e.ConnID, e.Entry.Dir, e.Entry.Text)
	case receiver.EventMessage:
		m := e.Message
		rcpts := make([]string, len(m.Envelope.Rcpts))
		for i, rc := range m.Envelope.Rcpts {
			rcpts[i] = rc.Addr
		}
		if o.jsonOut {
			// Escaped as in the text output: JSON would carry C1
			// controls and bidi overrides through to a terminal raw.
			params := map[string]string{}
			for k, v := range m.Envelope.MailParams {
				params[transcript.EscapeString(k)] = transcript.EscapeString(v)
			}
			esc := make([]string, len(rcpts))
			for i, rc := range rcpts {
				esc[i] = transcript.EscapeString(rc)
			}
			writeJSON(out, jsonMessage{"message", m.Time, m.ConnID, m.ID, transcript.EscapeString(m.Envelope.From), params, esc,
				m.Size, m.Subject, m.TLS, m.AuthUser, m.SavedPath, m.SaveError})
			return
		}
		for i, rc := range rcpts {
			rcpts[i] = "<" + transcript.EscapeString(rc) + ">"
		}
		fmt.Fprintln(out, lsMessage.Format(l, clock, m.ConnID, m.ID, transcript.EscapeString(m.Envelope.From), strings.Join(rcpts, ", "), m.Size, m.Subject))
		switch {
		case m.SaveError != "":
			fmt.Fprintln(out, lsNotSaved.Format(l, m.SaveError))
		case m.SavedPath != "":
			fmt.Fprintln(out, lsSaved.Format(l, m.SavedPath))
		}
	case receiver.EventDisconnect:
		c := e.Conn
		dur := c.End.Sub(c.Start)
		if o.jsonOut {
			writeJSON(out, jsonDisconnect{"disconnect", e.Time, c.ID, c.Remote, c.EHLO, c.TLS, c.TLSVersion, c.AuthUser,
				c.Messages, float64(dur.Microseconds()) / 1000, c.TranscriptDropped})
			return
		}
		state := lsNoTLS.In(l)
		if c.TLS {
			state = c.TLSVersion
		}
		if c.AuthUser != "" {
			state += lsAuthAs.Format(l, c.AuthUser)
		}
		if c.TranscriptDropped > 0 {
			state += lsDropped.Format(l, c.TranscriptDropped)
		}
		ehlo := c.EHLO // already escaped by the receiver
		if ehlo == "" {
			ehlo = "-"
		}
		fmt.Fprintln(out, lsClosed.Format(l, clock, c.ID, dur.Seconds(), ehlo, state, c.Messages))
	}
}

func writeJSON(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain structs are marshalled; this cannot happen.
		panic(fmt.Sprintf("smtpprobe listen: marshal %T: %v", v, err))
	}
	w.Write(append(b, '\n'))
}

// lockedWriter serialises writes from the event goroutine and the command.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
