package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

func init() {
	register("send", "run an SMTP test session (EHLO, MAIL, RCPT, DATA, QUIT) and show every step", runSend)
}

// maxBodyFile caps --body-file: a test message, not a mailbox export.
const maxBodyFile = 10 << 20

// Texts of the send command.
var (
	txtSendUsage = lang.Text{
		EN: "Usage: smtpprobe send --from ADDR --to ADDR [--to ADDR]... [--server HOST[:PORT]] [flags]\n" +
			"Runs the test that is otherwise typed by hand over telnet to port 25 and shows every line.\n" +
			"--from \"<>\" sends with the null sender. Without --server the MX hosts of the first recipient's domain are used.",
		ES: "Uso: smtpprobe send --from DIR --to DIR [--to DIR]... [--server HOST[:PUERTO]] [opciones]\n" +
			"Hace la prueba que se escribe a mano con telnet al puerto 25 y muestra cada línea.\n" +
			"--from \"<>\" envía con el remitente nulo. Sin --server se usan los MX del dominio del primer destinatario.",
	}
	txtSendSteps   = lang.Text{EN: "Steps:", ES: "Pasos:"}
	txtSendHost    = lang.Text{EN: "Host %d: %s", ES: "Host %d: %s"}
	txtSendWarning = lang.Text{EN: "Warning: %s", ES: "Aviso: %s"}
	txtSendOK      = lang.Text{EN: "Result: OK (exit code %d)", ES: "Resultado: correcto (código de salida %d)"}
	txtSendFail    = lang.Text{EN: "Result: FAILED at %s (exit code %d): %s", ES: "Resultado: FALLÓ en %s (código de salida %d): %s"}
	txtSendFailNo  = lang.Text{EN: "Result: FAILED (exit code %d)", ES: "Resultado: FALLÓ (código de salida %d)"}
	txtSendVerdict = lang.Text{EN: "Verdict: %s", ES: "Veredicto: %s"}
	txtSendCause   = lang.Text{EN: "Likely cause: %s", ES: "Causa probable: %s"}
	txtSendTry     = lang.Text{EN: "Try next: %s", ES: "Qué probar: %s"}
	txtSendNeed    = lang.Text{EN: "%s is required", ES: "falta %s"}
	txtSendBoth    = lang.Text{EN: "--body and --body-file cannot be used together", ES: "--body y --body-file no se pueden usar juntos"}
	txtSendArgs    = lang.Text{EN: "unexpected argument %q (every value goes with a flag)", ES: "argumento inesperado %q (cada valor va con una opción)"}
	txtSendHeader  = lang.Text{EN: "--header %q: expected \"Name: value\"", ES: "--header %q: se esperaba \"Nombre: valor\""}
	txtSendBigBody = lang.Text{EN: "--body-file is larger than %d bytes", ES: "--body-file ocupa más de %d bytes"}
	txtSendTimeout = lang.Text{EN: "--%s must be more than 0 and at most %s", ES: "--%s debe ser mayor que 0 y como máximo %s"}

	statusWords = map[session.Status]lang.Text{
		session.StatusOK:      {EN: "ok", ES: "ok"},
		session.StatusWarning: {EN: "warning", ES: "aviso"},
		session.StatusFailed:  {EN: "FAILED", ES: "FALLÓ"},
		session.StatusSkipped: {EN: "skipped", ES: "omitido"},
	}
)

// maxSessionTimeout caps each --timeout-*: RFC 5321's longest is 10 min.
const maxSessionTimeout = time.Hour

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		o                            session.Options
		from, body, bodyFile, stop   string
		langStr, notify              string
		to, headers, dnsServers      multiFlag
		allMX, asJSON, fromSet       bool
		tConn, tBanner, tCmd, tBlock time.Duration
		tDot                         time.Duration
	)
	l := lang.FromEnv()
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Func("from", "sender address (MAIL FROM); \"<>\" for the null sender", func(v string) error {
		from, fromSet = v, true
		return nil
	})
	fs.Var(&to, "to", "recipient address (RCPT TO); repeat for more")
	fs.StringVar(&o.Server, "server", "", "server HOST[:PORT] or IP; default: the MX hosts of the first recipient's domain")
	fs.IntVar(&o.Port, "port", 0, "port (default 25)")
	fs.StringVar(&o.HELO, "helo", "", "name for EHLO/HELO (default: this computer's name, or its address literal)")
	fs.StringVar(&o.Subject, "subject", "", "subject of the test message")
	fs.StringVar(&body, "body", "", "text of the test message")
	fs.StringVar(&bodyFile, "body-file", "", "read the text of the test message from this file")
	fs.Var(&headers, "header", "extra header \"Name: value\"; repeat for more")
	fs.StringVar(&notify, "notify", "", "DSN NOTIFY: success,failure,delay or never (RFC 3461)")
	fs.StringVar(&o.Ret, "ret", "", "DSN RET: full or hdrs")
	fs.StringVar(&o.EnvID, "envid", "", "DSN ENVID: envelope identifier")
	fs.BoolVar(&o.ORCPT, "orcpt", false, "send ORCPT=rfc822;ADDRESS with each recipient")
	fs.BoolVar(&o.ForceDSN, "force-dsn", false, "send the DSN parameters even when the server does not offer DSN")
	fs.StringVar(&stop, "stop-after", "", "stop after connect, banner, ehlo, mail, rcpt (verify recipients) or data")
	fs.BoolVar(&allMX, "all-mx", false, "run against every MX host of the domain, one result each")
	fs.BoolVar(&o.Pipelining, "pipelining", true, "pipeline commands when the server offers PIPELINING (RFC 2920), as MTAs do; --pipelining=false or --no-pipelining sends one command and waits for its reply, like telnet")
	fs.BoolFunc("no-pipelining", "lock-step: one command, one reply (same as --pipelining=false)", func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("--no-pipelining: %w", err)
		}
		o.Pipelining = !b
		return nil
	})
	fs.BoolVar(&o.Chunking, "chunking", false, "send the message with BDAT when the server offers CHUNKING (RFC 3030)")
	fs.Var(&dnsServers, "dns-server", "DNS server IP[:PORT] for the MX lookup; repeat for more (default: the system's)")
	fs.DurationVar(&tConn, "timeout-connect", session.DefaultTimeouts.Connect, "time allowed to connect")
	fs.DurationVar(&tBanner, "timeout-banner", session.DefaultTimeouts.Banner, "time allowed for the greeting")
	fs.DurationVar(&tCmd, "timeout-command", session.DefaultTimeouts.Mail, "time allowed for EHLO, MAIL, RCPT, DATA, RSET and QUIT replies")
	fs.DurationVar(&tBlock, "timeout-data-block", session.DefaultTimeouts.DataBlock, "time allowed to send each block of the message")
	fs.DurationVar(&tDot, "timeout-final-dot", session.DefaultTimeouts.FinalDot, "time allowed for the reply to the final dot")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON (an array of results with --all-mx)")
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	extras := registerSendExtras(fs) // --profile, --profile-dir, --save-profile, --log
	sec := registerSecureFlags(fs)   // --tls..., --auth-... (send_tls.go)
	hist := registerHistoryFlags(fs) // --no-history, --history-dir (send_history.go)
	sender := registerSenderFlag(fs) // --no-sender-checks (send_sender.go)
	fs.Usage = func() {
		fmt.Fprintln(stderr, txtSendUsage.In(l))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitcode.OK
		}
		return exitcode.Usage
	}
	var err error
	if l, err = lang.Parse(langStr); err != nil {
		fmt.Fprintf(stderr, "smtpprobe send: %v\n", err)
		return exitcode.Usage
	}
	usage := func(msg string) int {
		fmt.Fprintf(stderr, "smtpprobe send: %s\n", msg)
		return exitcode.Usage
	}
	if fs.NArg() > 0 {
		return usage(txtSendArgs.Format(l, fs.Arg(0)))
	}
	if msg := extras.prepare(l, stderr); msg != "" {
		return usage(msg)
	}
	if !fromSet {
		return usage(txtSendNeed.Format(l, "--from"))
	}
	if len(to) == 0 {
		return usage(txtSendNeed.Format(l, "--to"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"timeout-connect", tConn}, {"timeout-banner", tBanner}, {"timeout-command", tCmd}, {"timeout-data-block", tBlock}, {"timeout-final-dot", tDot}} {
		if d.v <= 0 || d.v > maxSessionTimeout {
			return usage(txtSendTimeout.Format(l, d.name, maxSessionTimeout))
		}
	}
	if body != "" && bodyFile != "" {
		return usage(txtSendBoth.In(l))
	}
	if bodyFile != "" {
		b, err := readBodyFile(bodyFile)
		if err != nil {
			return usage(err.Error())
		}
		if len(b) > maxBodyFile {
			return usage(txtSendBigBody.Format(l, maxBodyFile))
		}
		body = string(b)
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return usage(txtSendHeader.Format(l, transcript.EscapeString(h)))
		}
		o.Headers = append(o.Headers, message.Header{Name: name, Value: strings.TrimPrefix(value, " ")})
	}
	sec.remembered = extras.rememberedSecret(l, stderr)
	if msg := sec.apply(l, &o, stderr); msg != "" {
		return usage(msg)
	}
	o.From, o.To, o.Body = from, to, body
	// Pipelining is the default; only --pipelining on the command line is
	// a request worth a warning when the server does not offer it.
	o.PipeliningByDefault = !extras.given("pipelining")
	if notify != "" {
		o.Notify = []string{notify}
	}
	o.StopAfter = session.StepName(stop)
	o.DNSServers = dnsServers
	o.Lang = l
	o.Timeouts = session.Timeouts{
		Connect: tConn, Banner: tBanner, Command: tCmd, Mail: tCmd, Rcpt: tCmd, Data: tCmd,
		DataBlock: tBlock, FinalDot: tDot,
	}

	if msg := extras.save(l, body, stderr); msg != "" {
		return usage(msg)
	}
	var results []*session.Result
	stopLive := func() {}
	if !asJSON {
		live := newLivePrinter(stdout)
		o.OnEntry = func(e transcript.Entry) { live.entry("", e) }
		o.OnHostEntry = func(h int, e transcript.Entry) {
			prefix := "[mx] "
			if h >= 0 {
				prefix = fmt.Sprintf("[%d] ", h+1)
			}
			live.entry(prefix, e)
		}
		// The report below must follow the last transcript line.
		stopLive = live.close
	}
	sc := sender.attach(ctx, &o)
	if allMX {
		results, err = session.RunAllMX(ctx, o)
	} else {
		var r *session.Result
		r, err = session.Run(ctx, o)
		results = []*session.Result{r}
	}
	stopLive()
	if err != nil {
		var fe *lang.FieldError
		if errors.As(err, &fe) {
			return usage(fe.Localize(l))
		}
		return usage(err.Error())
	}
	finishSender(sc, results, l)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		var v any = results[0]
		if allMX {
			v = results
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "smtpprobe send: %v\n", err)
		}
	} else {
		for h, r := range results {
			if allMX {
				fmt.Fprintln(stdout)
				fmt.Fprintln(stdout, txtSendHost.Format(l, h+1, r.Server.Host))
			}
			printTLS(stdout, l, r)
			printVerdict(stdout, l, r)
		}
		printSender(stdout, results, l)
	}
	sec.saveChain(results, l, stdout, stderr, asJSON)
	hist.save(ctx, extras.base, results, l, stderr)
	return extras.finish(results, l, stderr, session.CombinedExitCode(results))
}

func readBodyFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--body-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBodyFile+1))
	if err != nil {
		return nil, fmt.Errorf("--body-file: %w", err)
	}
	return b, nil
}

// printVerdict prints one line per step, the warnings, and the outcome.
func printVerdict(w io.Writer, l lang.Lang, r *session.Result) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, txtSendSteps.In(l))
	for _, s := range r.Steps {
		detail := ""
		switch {
		case s.Reply != nil:
			detail = s.Reply.String()
		case s.ErrorText != nil:
			detail = s.ErrorText.In(l)
		}
		if s.Recipient != "" {
			detail = "<" + transcript.EscapeString(s.Recipient) + "> " + detail
		}
		if s.Reply != nil && s.ErrorText != nil && s.Status != session.StatusOK {
			detail += " (" + s.ErrorText.In(l) + ")"
		}
		fmt.Fprintf(w, "  %-8s %-9s %8.1f ms  %s\n", statusWords[s.Status].In(l), s.Name, s.DurationMS, detail)
		if ev := s.Evaluation; ev != nil && ev.Summary != "" {
			fmt.Fprintf(w, "  %-8s %-9s             -> %s\n", "", "", ev.Summary)
		}
	}
	for _, wn := range r.Warnings {
		fmt.Fprintln(w, txtSendWarning.Format(l, wn.Text.In(l)))
	}
	printHeadline(w, l, r)
	switch f := r.Failed(); {
	case r.OK:
		fmt.Fprintln(w, txtSendOK.Format(l, r.ExitCode))
	case f != nil:
		why := string(f.Failure)
		if f.ErrorText != nil {
			why = f.ErrorText.In(l)
		}
		fmt.Fprintln(w, txtSendFail.Format(l, f.Name, r.ExitCode, why))
	default:
		fmt.Fprintln(w, txtSendFailNo.Format(l, r.ExitCode))
	}
}

// printHeadline prints the session verdict, its likely cause and what to try
// next, as the evaluator put them.
func printHeadline(w io.Writer, l lang.Lang, r *session.Result) {
	h := r.Verdict
	if h == nil || h.Title == "" {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, txtSendVerdict.Format(l, h.Title))
	if h.Cause != "" && !r.OK {
		fmt.Fprintln(w, txtSendCause.Format(l, h.Cause))
	}
	if !r.OK {
		for _, a := range h.Actions {
			fmt.Fprintln(w, txtSendTry.Format(l, a))
		}
	}
}
