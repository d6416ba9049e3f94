package diagnose

import (
	"slices"
	"strings"
)

// Extracted is one SMTP reply found in pasted text: a bounce (NDR), a
// delivery status notification or a log line.
type Extracted struct {
	// Reply is the reply in wire form, one "550-..." line per reply line and
	// "550 ..." last, ready for ParseReply.
	Reply string `json:"reply"`
	// Step is the command the reply answered when the text says so ("in
	// reply to RCPT TO command", "after RCPT TO:<...>", a Sendmail ">>>"
	// line): one of Steps, or "" when the text does not say.
	Step string `json:"step,omitempty"`
}

// maxExtracted bounds how many replies ExtractReplies returns: a DSN for a
// large distribution list still gets an answer, a hostile paste no more.
const maxExtracted = 100

// ExtractReply returns the first SMTP reply in text, in wire form, and the
// step the text says it answered ("" when it does not say); ok is false
// when text holds no reply. See ExtractReplies.
func ExtractReply(text string) (reply, step string, ok bool) {
	found := ExtractReplies(text)
	if len(found) == 0 {
		return "", "", false
	}
	return found[0].Reply, found[0].Step, true
}

// ExtractReplies finds the SMTP replies in text pasted from a bounce or a
// log, taking off what the reporting software wrapped around them:
//
//	Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'   (Exchange)
//	Remote Server returned '<u@contoso.com> #550 5.1.1 ... ##'                 (Exchange 2007)
//	#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found> #SMTP#     (Outlook)
//	Reason: [{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{MSG=};...] (Exchange Online)
//	host mx[1.2.3.4] said: 550 5.1.1 ... (in reply to RCPT TO command)          (Postfix)
//	SMTP error from remote mail server after RCPT TO:<u@x>: 550 ...             (Exim)
//	>>> RCPT To:<u@x> / <<< 550 5.1.1 <u@x>... User unknown                     (Sendmail)
//	Diagnostic-Code: smtp; 550 5.1.1 ...                                         (RFC 3464 DSN)
//
// A line that starts with a reply code is a reply too (Gmail's "The
// response was:" puts it on the next line). Multi-line replies are read
// with their "550-" continuation prefixes, on separate lines or joined on
// one (Postfix and Exim join them with spaces), or without prefixes: a line
// with no code right after a reply continues it, until a blank line, a
// header ("Final-Recipient: ...") or the next decoration. Postfix's and
// Exim's wording gives the step. The same reply found twice (a bounce's
// text and its DSN part) is returned once; when Sendmail's transcript
// (<<<) is present only its replies count, not the summary lines after it.
//
// It reads at most the first 64 KiB and returns at most 100 replies; each
// Reply parses with ParseReply. Nothing in text is trusted: ParseReply
// escapes the lines for display.
func ExtractReplies(text string) []Extracted {
	if len(text) > maxPasteBytes {
		text = text[:maxPasteBytes]
	}
	x := &extractor{}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for line := range strings.SplitSeq(text, "\n") {
		x.line(line)
		if len(x.out) > maxExtracted {
			break
		}
	}
	x.close()
	out := x.out
	if x.sendmail {
		out = out[:0]
		for _, r := range x.out {
			if r.sendmail {
				out = append(out, r)
			}
		}
	}
	var res []Extracted
	seen := map[string]int{}
	for _, r := range out {
		e, key := r.extracted()
		if k, dup := seen[key]; dup {
			if res[k].Step == "" {
				res[k].Step = e.Step
			}
			continue
		}
		seen[key] = len(res)
		res = append(res, e)
		if len(res) == maxExtracted {
			break
		}
	}
	return res
}

// decoration is what some software writes right before a reply.
type decoration struct {
	// hints are lower-case words one of which the line must contain for re
	// to be tried (a cheap filter: most lines hold none).
	hints []string
	re    *lazyRE
	// step gives the step from the match, when the wording names one.
	step func(m []string) string
	// closer, when set, is what ends the reply on the same line: the quote
	// that opened it, when the line ends with it.
	closer func(m []string) string
	// sendmail marks Sendmail's "<<<" transcript lines.
	sendmail bool
}

var decorations = []decoration{
	// Exim: "SMTP error from remote mail server after RCPT TO:<u@x>:", the
	// reply on the same line (its log) or the next (its bounce).
	{hints: []string{"smtp error"}, re: lazyMustCompile(`(?i)\bSMTP error from remote (?:mail server|mailer|server) after ((?:pipelined )?(?:RCPT TO|MAIL FROM):<[^>]*>[^:]*|[^:]*):\s*`),
		step: func(m []string) string { return stepOfCommand(m[1]) }},
	// Postfix: "host mx.example[192.0.2.1] said: 550 ...", and "refused to
	// talk to me: 554 ..." for a refused greeting.
	{hints: []string{"said:"}, re: lazyMustCompile(`(?i)\bsaid:\s*`)},
	{hints: []string{"refused to talk"}, re: lazyMustCompile(`(?i)\brefused to talk to me:\s*`), step: func([]string) string { return "banner" }},
	// Exchange: "Remote Server returned '550 5.1.1 ...'", also with the
	// recipient and "#" first (Exchange 2007).
	{hints: []string{"returned"}, re: lazyMustCompile(`(?i)\breturned\s*(['"])\s*(?:<[^>]*>\s*)?#?\s*`), closer: func(m []string) string { return m[1] }},
	// Exchange Online message trace and NDRs: "[{LED=550 5.1.1 ...};{MSG=}...".
	{hints: []string{"{led="}, re: lazyMustCompile(`\{LED=\s*`), closer: func([]string) string { return "}" }},
	// RFC 3464 Diagnostic-Code "smtp; 550 ...", and Outlook's "#< #5.1.1
	// smtp;550 ...> #SMTP#".
	{hints: []string{"smtp"}, re: lazyMustCompile(`(?i)\bsmtp\s*;\s*`)},
	// Sendmail's transcript: "<<< 550 5.1.1 <u@x>... User unknown".
	{hints: []string{"<<<"}, re: lazyMustCompile(`^\s*<<<\s*`), sendmail: true},
	// Other "error:"-style lead-ins ("Error: 550 ...", "Remote host said:").
	{hints: []string{"error", "reason", "response", "status"}, re: lazyMustCompile(`(?i)\b(?:error|reason|response|status)\s*:\s*`)},
	// Exchange 2010 names the remote server first: "mx.fabrikam.com #550
	// 5.1.1 ... ##".
	{hints: []string{"#"}, re: lazyMustCompile(`(?:^|\s)#\s*`)},
	// A reply at the start of the line, maybe after "#" (Exchange 2007:
	// "#550 5.1.1 ... ##") or a quote.
	{re: lazyMustCompile(`^[\s#'"]*`)},
}

// sendmailCmd is a command line of Sendmail's transcript (">>> RCPT
// To:<u@x>"): the step of the reply after it.
var sendmailCmd = lazyMustCompile(`^\s*>>>\s*(.*)$`)

// header matches a header field line (a DSN's "Final-Recipient: ..."),
// which ends a reply being continued.
var header = lazyMustCompile(`^[A-Za-z][A-Za-z0-9-]*:(?:\s|$)`)

// inReplyTo is Postfix's "(in reply to RCPT TO command)" after a reply.
var inReplyTo = lazyMustCompile(`(?i)\s*\(in reply to ([^()]*)\)\s*$`)

// trailers are what some software writes right after a reply.
var trailers = []*lazyRE{
	lazyMustCompile(`\s*>\s*#SMTP#\s*$`), // Outlook "...> #SMTP#"
	lazyMustCompile(`\s*##\s*$`),         // Exchange 2007 "... ##"
}

// replyStart reports whether s starts with a reply code (RFC 5321 §4.2:
// first digit 2–5, second 0–5) followed by "-", a space or the end, and
// returns the code and the separator (' ' at the end).
func replyStart(s string) (code string, sep byte, ok bool) {
	if len(s) < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' || !isDigit(s[2]) {
		return "", 0, false
	}
	switch {
	case len(s) == 3:
		return s[:3], ' ', true
	case s[3] == '-' || s[3] == ' ' || s[3] == '\t':
		if s[3] == '-' {
			return s[:3], '-', true
		}
		return s[:3], ' ', true
	}
	return "", 0, false
}

// found is a reply being read.
type found struct {
	code string
	// lines are the reply lines, each in the pieces it was pasted in,
	// joined with spaces when the reply is built.
	lines    [][]string
	seps     []byte // each line's separator: '-' or ' '
	step     string
	sendmail bool
	bytes    int
}

// more reports whether the last line was a "550-" continuation.
func (f *found) more() bool { return len(f.seps) > 0 && f.seps[len(f.seps)-1] == '-' }

// add adds a line that came with the code.
func (f *found) add(text string, sep byte) {
	if len(f.lines) > 0 && (len(f.lines) >= maxPasteLines || f.bytes+len(text) > maxReplyText) {
		return
	}
	if len(text) > maxReplyText {
		text = text[:maxReplyText]
	}
	f.bytes += len(text)
	f.lines = append(f.lines, []string{text})
	f.seps = append(f.seps, sep)
}

// join adds a line that came without a code: a paste that lost the "550-"
// prefixes, or a bounce that wrapped a long line. It continues the last
// line; the reply lines are told apart again by split.
func (f *found) join(text string) {
	if f.bytes+len(text) > maxReplyText {
		return
	}
	f.bytes += len(text) + 1
	f.lines[len(f.lines)-1] = append(f.lines[len(f.lines)-1], text)
}

// maxReplyText bounds the text of one extracted reply, well within what
// ParseReply reads with the codes added back.
const maxReplyText = maxPasteBytes / 2

// extracted returns the reply in wire form and its step. key identifies the
// reply whatever its line breaks, to drop the same reply found twice.
func (f *found) extracted() (e Extracted, key string) {
	lines := make([]string, len(f.lines))
	for i, parts := range f.lines {
		lines[i] = strings.TrimSpace(strings.Join(parts, " "))
	}
	seps := f.seps
	step := f.step
	// Postfix ends with "(in reply to RCPT TO command)", maybe wrapped onto
	// the last lines.
	joined := strings.Join(lines, " ")
	if m := inReplyTo.get().FindStringSubmatchIndex(joined); m != nil {
		if step == "" {
			step = stepOfCommand(joined[m[2]:m[3]])
		}
		lines = cutJoined(lines, m[0])
	}
	var all []string
	for i, l := range lines {
		all = append(all, f.split(l, seps[i])...)
	}
	if len(all) > maxPasteLines {
		all = all[:maxPasteLines]
	}
	var b strings.Builder
	for i, l := range all {
		if len(l) > maxPasteLine-8 {
			l = l[:maxPasteLine-8]
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(f.code)
		if i < len(all)-1 {
			b.WriteString("-")
		} else {
			b.WriteString(" ")
		}
		b.WriteString(l)
	}
	key = f.code + " " + strings.Join(strings.Fields(strings.Join(all, " ")), " ")
	return Extracted{Reply: strings.TrimRight(b.String(), " "), Step: step}, key
}

// cutJoined keeps the first n bytes of strings.Join(lines, " "), as lines.
func cutJoined(lines []string, n int) []string {
	var out []string
	for _, l := range lines {
		if n <= 0 {
			break
		}
		if len(l) > n {
			l = l[:n]
		}
		n -= len(l) + 1
		out = append(out, strings.TrimSpace(l))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// split takes apart a line that holds further lines of the same reply
// joined with spaces, as Postfix and Exim write them: "5.1.1 a 550-5.1.1 b
// 550 5.1.1 c" after a "550-". Only a "-" line is split, at its code
// followed by the same enhanced code when it has one.
func (f *found) split(text string, sep byte) []string {
	var out []string
	enh := ""
	if first, _, _ := strings.Cut(text, " "); enhancedRe.get().MatchString(first) && first[0] == f.code[0] {
		enh = first
	}
	for sep == '-' {
		k := nextContinuation(text, f.code, enh)
		if k < 0 {
			break
		}
		out = append(out, strings.TrimSpace(text[:k]))
		next := text[k+1:]
		sep = next[3]
		text = strings.TrimSpace(next[4:])
	}
	return append(out, text)
}

type extractor struct {
	cur      *found
	out      []*found
	pending  string // a step named by a lead-in whose reply is on the next line
	sendmail bool
}

func (x *extractor) close() {
	if x.cur != nil {
		x.out = append(x.out, x.cur)
		x.cur = nil
	}
}

func (x *extractor) line(line string) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		x.close()
		x.pending = ""
		return
	}
	if m := sendmailCmd.get().FindStringSubmatch(line); m != nil {
		x.close()
		x.pending = stepOfCommand(m[1])
		return
	}
	if x.start(line) {
		return
	}
	switch {
	case x.cur == nil:
	case header.get().MatchString(trimmed):
		x.close()
	default:
		x.cur.join(trimmed)
	}
}

// start looks for a reply on the line and reads it; it returns false when
// there is none.
func (x *extractor) start(line string) bool {
	best, bestAt := -1, len(line)+1
	var bestM []int
	// Most lines of a bounce hold no reply code: only Exim's lead-in, whose
	// reply is on the next line, needs the patterns then.
	codes := hasThreeDigits(line)
	lower := strings.ToLower(line)
	for i, d := range decorations {
		if !codes && i > 0 {
			break
		}
		if len(d.hints) > 0 && !slices.ContainsFunc(d.hints, func(h string) bool { return strings.Contains(lower, h) }) {
			continue
		}
		m := d.re.get().FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		if _, _, ok := replyStart(line[m[1]:]); !ok {
			if i == 0 && strings.TrimSpace(line[m[1]:]) == "" {
				// Exim's lead-in alone: the reply is on the next line.
				x.close()
				x.pending = d.step(submatches(line, m))
				return true
			}
			continue
		}
		if m[1] < bestAt {
			best, bestAt, bestM = i, m[1], m
		}
	}
	if best < 0 {
		return false
	}
	d := decorations[best]
	sm := submatches(line, bestM)
	rest := line[bestAt:]
	if d.closer != nil {
		switch c := d.closer(sm); {
		case c == "}":
			if k := strings.Index(rest, c); k > 0 {
				rest = rest[:k]
			}
		case c != "":
			if t := strings.TrimRight(rest, " \t"); strings.HasSuffix(t, c) {
				rest = t[:len(t)-len(c)]
			}
		}
	}
	for _, t := range trailers {
		rest = t.get().ReplaceAllString(rest, "")
	}
	// Outlook wraps the whole reply in "<...>": an unmatched ">" at the end
	// is not the reply's.
	if t := strings.TrimRight(rest, " \t"); strings.HasSuffix(t, ">") && strings.Count(t, ">") > strings.Count(t, "<") {
		rest = t[:len(t)-1]
	}
	code, sep, _ := replyStart(rest)
	step := x.pending
	if d.step != nil {
		step = d.step(sm)
	}
	x.pending = ""
	if d.sendmail {
		x.sendmail = true
	}
	text := strings.TrimSpace(rest[min(4, len(rest)):])
	// A line that continues the reply being read ("550-a" then "550 b").
	if x.cur != nil && x.cur.more() && x.cur.code == code && best == len(decorations)-1 {
		x.cur.add(text, sep)
		return true
	}
	x.close()
	x.cur = &found{code: code, step: step, sendmail: d.sendmail}
	x.cur.add(text, sep)
	return true
}

// hasThreeDigits reports whether s has three digits in a row.
func hasThreeDigits(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if run++; run == 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func submatches(s string, m []int) []string {
	out := make([]string, len(m)/2)
	for i := range out {
		if m[2*i] >= 0 {
			out[i] = s[m[2*i]:m[2*i+1]]
		}
	}
	return out
}

// nextContinuation finds " 550-" or " 550 " (followed by enh when given)
// in text and returns the index of the space before the code, or -1.
func nextContinuation(text, code, enh string) int {
	from := 0
	for {
		k := strings.Index(text[from:], code)
		if k < 0 {
			return -1
		}
		k += from
		from = k + 1
		if k == 0 || (text[k-1] != ' ' && text[k-1] != '\t') || k+3 >= len(text) || (text[k+3] != '-' && text[k+3] != ' ') {
			continue
		}
		if enh != "" {
			after := text[k+4:]
			if !strings.HasPrefix(after, enh) || (len(after) > len(enh) && after[len(enh)] != ' ') {
				continue
			}
		}
		return k - 1
	}
}

// stepOfCommand maps the command a bounce names ("RCPT TO command", "end
// of DATA", "MAIL FROM:<a@b>", "initial connection") to a step, or "".
func stepOfCommand(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "pipelined ")
	s = strings.TrimSuffix(s, " command")
	switch {
	case strings.HasPrefix(s, "rcpt"):
		return "rcpt"
	case strings.HasPrefix(s, "mail"):
		return "mail"
	case strings.HasPrefix(s, "end of data"), s == ".", strings.HasPrefix(s, "message body"):
		return "data_end"
	case strings.HasPrefix(s, "data"):
		return "data"
	case strings.HasPrefix(s, "bdat"):
		return "bdat"
	case strings.HasPrefix(s, "ehlo"), strings.HasPrefix(s, "lhlo"):
		return "ehlo"
	case strings.HasPrefix(s, "helo"):
		return "helo"
	case strings.HasPrefix(s, "starttls"):
		return "starttls"
	case strings.HasPrefix(s, "auth"):
		return "auth"
	case strings.HasPrefix(s, "quit"):
		return "quit"
	case strings.HasPrefix(s, "initial"), strings.Contains(s, "greeting"), strings.HasPrefix(s, "connect"):
		return "banner"
	}
	return ""
}
