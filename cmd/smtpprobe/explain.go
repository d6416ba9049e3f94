package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
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
}

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
		fmt.Fprintln(stderr, "\nExplains a server reply pasted from a transcript or a bounce message, for example:")
		fmt.Fprintln(stderr, "  smtpprobe explain \"550 5.1.1 User unknown\" --step rcpt --lang es")
		fmt.Fprintln(stderr, "A multi-line reply may be given as one argument with line breaks or as one argument per line.")
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
	if len(words) == 0 {
		fmt.Fprintln(stderr, "smtpprobe explain: give the reply to explain, for example \"550 5.1.1 User unknown\"")
		fs.Usage()
		return exitcode.Usage
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
	reply, err := diagnose.ParseReply(joinReplyWords(words))
	if err != nil {
		fmt.Fprintf(stderr, "smtpprobe explain: %v\n", err)
		return exitcode.Usage
	}
	ctx := diagnose.Context{TLS: *tls, AuthUsed: *auth}
	if *software != "" {
		if ctx.Software, err = diagnose.ParseSoftware(*software); err != nil {
			fmt.Fprintf(stderr, "smtpprobe explain: %v\n", err)
			return exitcode.Usage
		}
	} else {
		// Vendors sign their replies ("- gsmtp", "prod.outlook.com"), which
		// is often all a pasted line tells about the server.
		ctx.Software = diagnose.GuessSoftware(reply, nil)
	}

	ev := diagnose.Evaluate(s, reply, ctx)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ev.Localize(l)); err != nil {
			fmt.Fprintf(stderr, "smtpprobe explain: write JSON: %v\n", err)
			return exitcode.Usage
		}
		return exitcode.OK
	}
	printExplanation(stdout, l, ev, reply.Lines, ctx.Software)
	return exitcode.OK
}

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
