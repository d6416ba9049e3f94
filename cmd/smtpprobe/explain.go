package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/transcript"
)

func init() {
	register("explain", "explain a pasted SMTP reply (\"550 5.1.1 User unknown\") in English or Spanish", runExplain)
}

// explainLabels are the headings of the text output.
var explainLabels = map[string]lang.Text{
	"reply":      {EN: "Reply", ES: "Respuesta"},
	"severity":   {EN: "Severity", ES: "Gravedad"},
	"meaning":    {EN: "Meaning", ES: "Significado"},
	"causes":     {EN: "Likely causes", ES: "Posibles motivos del error"},
	"actions":    {EN: "What to try next", ES: "Qué probar a continuación"},
	"references": {EN: "References", ES: "Referencias"},
	"server":     {EN: "Server software (guessed)", ES: "Software del servidor (estimado)"},
	"step":       {EN: "Answer to", ES: "Respuesta a"},
	"of":         {EN: "Reply %d of %d", ES: "Respuesta %d de %d"},
	"from-text":  {EN: "(as the bounce says)", ES: "(según el rebote)"},
}

// maxExplainInput bounds what explain reads, from the arguments or stdin.
const maxExplainInput = 64 << 10

// explainStdin is where explain reads a paste from; tests replace it.
var explainStdin io.Reader = os.Stdin

// stdinIsTerminal reports whether explainStdin is an interactive terminal,
// so that explain can say what it waits for.
var stdinIsTerminal = func() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

var explainWords = map[string]lang.Text{
	string(diagnose.SeverityOK):           {EN: "ok", ES: "correcto"},
	string(diagnose.SeverityInfo):         {EN: "information", ES: "información"},
	string(diagnose.SeverityWarning):      {EN: "warning", ES: "advertencia"},
	string(diagnose.SeverityError):        {EN: "error", ES: "error"},
	string(diagnose.ClassSuccess):         {EN: "success", ES: "correcto"},
	string(diagnose.ClassIntermediate):    {EN: "intermediate, more input expected", ES: "intermedia, se esperan más datos"},
	string(diagnose.ClassTransient):       {EN: "temporary failure", ES: "error temporal"},
	string(diagnose.ClassPermanent):       {EN: "permanent failure", ES: "error permanente"},
	string(diagnose.SoftwareExchange):     {EN: "Exchange Server", ES: "Exchange Server"},
	string(diagnose.SoftwareMicrosoft365): {EN: "Microsoft 365", ES: "Microsoft 365"},
	string(diagnose.SoftwarePostfix):      {EN: "Postfix", ES: "Postfix"},
	string(diagnose.SoftwareExim):         {EN: "Exim", ES: "Exim"},
	string(diagnose.SoftwareSendmail):     {EN: "Sendmail", ES: "Sendmail"},
	string(diagnose.SoftwareGmail):        {EN: "Gmail / Google Workspace", ES: "Gmail / Google Workspace"},
}

func runExplain(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	step := fs.String("step", "", "the command the reply answered: "+strings.Join(diagnose.Steps, ", "))
	langFlag := fs.String("lang", string(lang.FromEnv()), "output language: en or es")
	asJSON := fs.Bool("json", false, "print the evaluation as JSON")
	software := fs.String("software", "", "server software: exchange, m365, postfix, exim, sendmail, gmail or other (default: guessed from the reply)")
	tls := fs.Bool("tls", false, "the reply arrived inside TLS")
	auth := fs.Bool("auth", false, "the client had authenticated")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smtpprobe explain [flags] REPLY [REPLY-LINE...]")
		fmt.Fprintln(stderr, "       smtpprobe explain [flags] [-] < bounce.txt")
		fmt.Fprintln(stderr, "\nExplains a server reply pasted from a transcript or a bounce message, for example:")
		fmt.Fprintln(stderr, "  smtpprobe explain \"550 5.1.1 User unknown\" --step rcpt --lang es")
		fmt.Fprintln(stderr, "A multi-line reply may be given as one argument with line breaks or as one argument per line.")
		fmt.Fprintln(stderr, "Without a reply, or with -, it reads standard input (at most 64 KiB): paste a whole bounce")
		fmt.Fprintln(stderr, "(Exchange, Postfix, Exim, Sendmail, Gmail, a DSN) and each SMTP reply in it is explained;")
		fmt.Fprintln(stderr, "\"in reply to RCPT TO command\" and the like give the step unless --step is set.")
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}

	// Flags may come before or after the reply: admins paste the reply
	// first and add --step or --lang afterwards.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitcode.OK
			}
			return exitcode.Usage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		words = append(words, args[0])
		args = args[1:]
	}
	l, err := lang.Parse(*langFlag)
	if err != nil {
		fmt.Fprintf(stderr, "smtpprobe explain: %v\n", err)
		return exitcode.Usage
	}
	s := strings.ToLower(strings.TrimSpace(*step))
	if s != "" && !slices.Contains(diagnose.Steps, s) {
		fmt.Fprintf(stderr, "smtpprobe explain: unknown step \"%s\" (use %s)\n", transcript.EscapeString(*step), strings.Join(diagnose.Steps, ", "))
		return exitcode.Usage
	}
	var text string
	if len(words) == 0 || (len(words) == 1 && words[0] == "-") {
		if stdinIsTerminal() {
			fmt.Fprintln(stderr, lang.Text{
				EN: "Paste the reply or the bounce, then press Ctrl+D (Ctrl+Z and Enter on Windows):",
				ES: "Pegue la respuesta o el rebote y pulse Ctrl+D (Ctrl+Z e Intro en Windows):",
			}.In(l))
		}
		b, err := io.ReadAll(io.LimitReader(explainStdin, maxExplainInput+1))
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "smtpprobe explain: reading standard input: %v\n", err)
			return exitcode.Usage
		case len(b) > maxExplainInput:
			fmt.Fprintf(stderr, "smtpprobe explain: standard input is more than %d bytes (64 KiB); paste only the part of the bounce with the reply\n", maxExplainInput)
			return exitcode.Usage
		case strings.TrimSpace(string(b)) == "":
			fmt.Fprintln(stderr, "smtpprobe explain: give the reply to explain, for example \"550 5.1.1 User unknown\", or paste a bounce on standard input")
			fs.Usage()
			return exitcode.Usage
		}
		text = string(b)
	} else {
		text = joinReplyWords(words)
	}
	if len(text) > maxExplainInput {
		fmt.Fprintf(stderr, "smtpprobe explain: the text is %d bytes, more than the %d (64 KiB) this command reads\n", len(text), maxExplainInput)
		return exitcode.Usage
	}
	found, err := replies(text)
	if err != nil {
		fmt.Fprintf(stderr, "smtpprobe explain: %v\n", err)
		return exitcode.Usage
	}

	var evs []diagnose.Evaluation
	var sws []diagnose.Software
	var lines [][]string
	var hinted []bool
	for _, f := range found {
		ctx := diagnose.Context{TLS: *tls, AuthUsed: *auth}
		if *software != "" {
			if ctx.Software, err = diagnose.ParseSoftware(*software); err != nil {
				fmt.Fprintf(stderr, "smtpprobe explain: %v\n", err)
				return exitcode.Usage
			}
		} else {
			// Vendors sign their replies ("- gsmtp", "prod.outlook.com"), which
			// is often all a pasted line tells about the server.
			ctx.Software = diagnose.GuessSoftware(f.reply, nil)
		}
		st := s
		if st == "" {
			st = f.step
		}
		evs = append(evs, diagnose.Evaluate(st, f.reply, ctx))
		sws = append(sws, ctx.Software)
		lines = append(lines, f.reply.Lines)
		hinted = append(hinted, s == "" && f.step != "")
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		// One reply gives one object, as always; several an array.
		var v any = evs[0].Localize(l)
		if len(evs) > 1 {
			all := make([]diagnose.LocalizedEvaluation, len(evs))
			for i, ev := range evs {
				all[i] = ev.Localize(l)
			}
			v = all
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "smtpprobe explain: write JSON: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	for i, ev := range evs {
		if len(evs) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "== %s ==\n", fmt.Sprintf(explainLabels["of"].In(l), i+1, len(evs)))
		}
		printExplanation(stdout, l, ev, lines[i], sws[i])
		if hinted[i] {
			fmt.Fprintf(stdout, "%s: %s %s\n", explainLabels["step"].In(l), ev.Step, explainLabels["from-text"].In(l))
		}
	}
	return exitcode.OK
}

// foundReply is one reply to explain and the step its text named.
type foundReply struct {
	reply *smtpwire.Reply
	step  string
}

// replies reads the replies in text. A text whose every line starts with a
// reply code is a reply as typed, read strictly (diagnose.ParseReply); any
// other text is a paste from a bounce or a log, from which
// diagnose.ExtractReplies takes each reply. When neither finds one, the
// strict reader's complaint says why.
func replies(text string) ([]foundReply, error) {
	r, perr := diagnose.ParseReply(text)
	if plainReply(text) {
		if perr != nil {
			return nil, perr
		}
		// A reply typed on one line may still hold several lines joined
		// with spaces ("550-5.1.1 a 550 5.1.1 b"), as Postfix logs them.
		if ex := diagnose.ExtractReplies(text); len(ex) == 1 {
			if er, err := diagnose.ParseReply(ex[0].Reply); err == nil && len(er.Lines) > len(r.Lines) {
				return []foundReply{{er, ex[0].Step}}, nil
			}
		}
		return []foundReply{{r, ""}}, nil
	}
	var out []foundReply
	for _, e := range diagnose.ExtractReplies(text) {
		er, err := diagnose.ParseReply(e.Reply)
		if err != nil {
			continue
		}
		out = append(out, foundReply{er, e.Step})
	}
	if len(out) == 0 {
		if perr == nil {
			perr = diagnose.ErrEmptyReply
		}
		return nil, fmt.Errorf("no SMTP reply (a line such as \"550 5.1.1 ...\") found in the text: %w", perr)
	}
	return out, nil
}

// plainReply reports whether every non-blank line of text starts with three
// digits, as a reply copied from a transcript does.
func plainReply(text string) bool {
	seen := false
	for l := range strings.Lines(strings.ReplaceAll(text, "\r", "\n")) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if len(l) < 3 || !isDigitByte(l[0]) || !isDigitByte(l[1]) || !isDigitByte(l[2]) {
			return false
		}
		seen = true
	}
	return seen
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// joinReplyWords turns the command's arguments into reply text. Each
// argument that starts with a reply code begins a new line; any other
// argument continues the current line, so an unquoted paste (the shell split
// "550 5.1.1 User unknown" into four words) still reads as one line.
func joinReplyWords(words []string) string {
	var lines []string
	for _, w := range words {
		if len(lines) == 0 || startsWithCode(w) {
			lines = append(lines, w)
			continue
		}
		lines[len(lines)-1] += " " + w
	}
	return strings.Join(lines, "\n")
}

func startsWithCode(w string) bool {
	w = strings.TrimSpace(w)
	if len(w) < 3 {
		return false
	}
	for i := range 3 {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return len(w) == 3 || w[3] == ' ' || w[3] == '-' || w[3] == '\t' || w[3] == '\n' || w[3] == '\r'
}

func printExplanation(w io.Writer, l lang.Lang, ev diagnose.Evaluation, lines []string, sw diagnose.Software) {
	label := func(k string) string { return explainLabels[k].In(l) }
	word := func(k string) string {
		if t, ok := explainWords[k]; ok {
			return t.In(l)
		}
		return k
	}
	code := fmt.Sprint(ev.Code)
	if ev.Enhanced != "" {
		code += " " + ev.Enhanced
	}
	fmt.Fprintf(w, "%s  %s\n\n", code, ev.Summary.In(l))
	fmt.Fprintf(w, "%s:\n", label("reply"))
	for i, line := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(w, "  %d%s%s\n", ev.Code, sep, line)
	}
	fmt.Fprintf(w, "%s: %s (%s)\n", label("severity"), word(string(ev.Severity)), word(string(ev.Class)))
	if sw != "" && sw != diagnose.SoftwareOther {
		fmt.Fprintf(w, "%s: %s\n", label("server"), word(string(sw)))
	}
	fmt.Fprintf(w, "\n%s:\n", label("meaning"))
	if m := ev.CodeMeaning.In(l); m != "" {
		fmt.Fprintf(w, "  %d: %s\n", ev.Code, m)
	}
	if m := ev.EnhancedMeaning.In(l); m != "" && ev.Enhanced != "" {
		fmt.Fprintf(w, "  %s: %s\n", ev.Enhanced, m)
	}
	printList(w, label("causes"), ev.Causes, l)
	printList(w, label("actions"), ev.Actions, l)
	if len(ev.References) > 0 {
		fmt.Fprintf(w, "\n%s: %s\n", label("references"), strings.Join(ev.References, "; "))
	}
}

func printList(w io.Writer, title string, items []lang.Text, l lang.Lang) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, it := range items {
		fmt.Fprintf(w, "  - %s\n", it.In(l))
	}
}
