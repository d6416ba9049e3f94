package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
	"smtpprobe/backend/version"
)

// Labels of the text and HTML reports.
var (
	txtTitle      = lang.Text{EN: "session log", ES: "registro de sesión"}
	txtDate       = lang.Text{EN: "Date", ES: "Fecha"}
	txtTarget     = lang.Text{EN: "Server", ES: "Servidor"}
	txtPort       = lang.Text{EN: "port %d", ES: "puerto %d"}
	txtCauseItem  = lang.Text{EN: "Cause", ES: "Causa"}
	txtMXPref     = lang.Text{EN: "MX preference %d", ES: "preferencia MX %d"}
	txtLocal      = lang.Text{EN: "Local address", ES: "Dirección local"}
	txtResolver   = lang.Text{EN: "DNS server", ES: "Servidor DNS"}
	txtSystemDNS  = lang.Text{EN: "the system's (not recorded)", ES: "el del sistema (no registrado)"}
	txtTLS        = lang.Text{EN: "TLS", ES: "TLS"}
	txtNoTLS      = lang.Text{EN: "not used or not recorded", ES: "no usado o no registrado"}
	txtLanguage   = lang.Text{EN: "Language", ES: "Idioma"}
	txtLangName   = lang.Text{EN: "English", ES: "español"}
	txtResult     = lang.Text{EN: "Result", ES: "Resultado"}
	txtResultOK   = lang.Text{EN: "OK (exit code %d)", ES: "correcto (código de salida %d)"}
	txtResultFail = lang.Text{EN: "FAILED (exit code %d)", ES: "FALLIDO (código de salida %d)"}
	txtDuration   = lang.Text{EN: "Duration", ES: "Duración"}
	txtStopAfter  = lang.Text{EN: "Stopped after", ES: "Detenido tras"}
	txtMessageID  = lang.Text{EN: "Message-ID", ES: "Message-ID"}
	txtExtensions = lang.Text{EN: "Extensions", ES: "Extensiones"}
	txtTranscript = lang.Text{EN: "Transcript", ES: "Transcripción"}
	txtSteps      = lang.Text{EN: "Steps", ES: "Pasos"}
	txtWarnings   = lang.Text{EN: "Warnings", ES: "Advertencias"}
	txtVerdict    = lang.Text{EN: "Verdict", ES: "Veredicto"}
	txtCause      = lang.Text{EN: "Likely cause", ES: "Causa probable"}
	txtTry        = lang.Text{EN: "Try", ES: "Pruebe"}
	txtAccepted   = lang.Text{EN: "Accepted", ES: "Aceptados"}
	txtRejected   = lang.Text{EN: "Rejected", ES: "Rechazados"}
	txtMeaning    = lang.Text{EN: "Meaning", ES: "Significado"}
	txtCauses     = lang.Text{EN: "Possible causes", ES: "Causas posibles"}
	txtActions    = lang.Text{EN: "What to try", ES: "Qué probar"}
	txtNone       = lang.Text{EN: "none", ES: "ninguna"}

	txtTLSVerified = lang.Text{EN: "%s, %s, certificate verified for %s", ES: "%s, %s, certificado verificado para %s"}
	txtTLSSkipped  = lang.Text{EN: "%s, %s, certificate NOT verified (checks skipped by the user): %s", ES: "%s, %s, certificado NO verificado (comprobaciones omitidas por el usuario): %s"}
	txtTLSFailed   = lang.Text{EN: "failed: %s", ES: "falló: %s"}
	txtTLSUnknown  = lang.Text{EN: "%s, %s, certificate not verified", ES: "%s, %s, certificado no verificado"}
)

var statusWords = map[session.Status]lang.Text{
	session.StatusOK:      {EN: "OK", ES: "OK"},
	session.StatusWarning: {EN: "WARNING", ES: "AVISO"},
	session.StatusFailed:  {EN: "FAILED", ES: "FALLO"},
	session.StatusSkipped: {EN: "SKIPPED", ES: "OMITIDO"},
	session.StatusRunning: {EN: "RUNNING", ES: "EN CURSO"},
}

func statusWord(s session.Status, l lang.Lang) string {
	if t, ok := statusWords[s]; ok {
		return t.In(l)
	}
	return esc(string(s))
}

// Text writes r like a telnet log file: a header (application, date,
// server, resolver, TLS, language, outcome), the transcript with elapsed
// milliseconds and C: (sent), S: (received) or * (a note), one verdict line
// per step with its explanation, the warnings and the session's verdict.
func Text(w io.Writer, r *session.Result, opts Options) error {
	if r == nil {
		return errors.New("report: no result")
	}
	l := opts.Lang
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	field := func(label lang.Text, value string) { p("%-17s %s\n", label.In(l)+":", value) }

	p("%s %s — %s\n", version.Name, version.Version, txtTitle.In(l))
	field(txtDate, r.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	field(txtTarget, serverLine(r.Server, l))
	if r.LocalAddr != "" {
		local := esc(r.LocalAddr)
		if r.IPVersion != 0 {
			local += fmt.Sprintf(" (IPv%d)", r.IPVersion)
		}
		field(txtLocal, local)
	}
	field(txtResolver, resolverLine(opts.Resolver, l))
	field(txtTLS, TLSSummary(tlsOf(r, opts), l))
	field(txtLanguage, txtLangName.In(l))
	field(txtDuration, fmt.Sprintf("%.1f ms", r.DurationMS))
	if r.StopAfter != "" {
		field(txtStopAfter, esc(string(r.StopAfter)))
	}
	if r.MessageID != "" {
		field(txtMessageID, esc(r.MessageID))
	}
	field(txtResult, resultLine(r, l))
	if len(r.Extensions) > 0 {
		field(txtExtensions, strings.Join(r.Extensions, ", "))
	}

	p("\n%s:\n", txtTranscript.In(l))
	for _, e := range r.Transcript {
		p("%s\n", TranscriptLine(e))
	}

	p("\n%s:\n", txtSteps.In(l))
	for _, s := range r.Steps {
		p("  %-8s %-9s %9.1f ms  %s\n", statusWord(s.Status, l), esc(string(s.Name)), s.DurationMS, stepDetail(s, l))
		for _, line := range EvaluationLines(s.Evaluation, l) {
			p("  %-8s %-9s %12s  %s\n", "", "", "", line)
		}
	}
	if len(r.Warnings) > 0 {
		p("\n%s:\n", txtWarnings.In(l))
		for _, wn := range r.Warnings {
			p("  ! %s\n", esc(wn.Text.In(l)))
		}
	}
	p("\n")
	for _, line := range VerdictLines(r.Verdict, l) {
		p("%s\n", line)
	}
	p("%s: %s\n", txtResult.In(l), resultLine(r, l))
	if r.Sender != nil {
		p("\n")
		if err := SenderText(bw, r.Sender, l); err != nil {
			return fmt.Errorf("report: write text: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write text: %w", err)
	}
	return nil
}

// TranscriptLine formats one transcript entry as the text report shows it:
// elapsed milliseconds, a TLS mark for lines that travelled encrypted, the
// direction (C:, S: or *) and the already-escaped text.
func TranscriptLine(e transcript.Entry) string {
	mark := "   "
	if e.TLS {
		mark = "TLS"
	}
	// An empty line (the blank line after the headers) gets no trailing
	// space, which editors and diff tools would strip or flag.
	return strings.TrimSuffix(fmt.Sprintf("%10.1f ms %s %s %s", e.ElapsedMS, mark, dirMark(e.Dir), e.Text), " ")
}

func dirMark(d transcript.Direction) string {
	switch d {
	case transcript.Client:
		return "C:"
	case transcript.Server:
		return "S:"
	}
	return "* "
}

func serverLine(s session.Server, l lang.Lang) string {
	var b strings.Builder
	b.WriteString(esc(s.Host))
	if s.IP != "" && s.IP != s.Host {
		fmt.Fprintf(&b, " [%s]", esc(s.IP))
	}
	if s.Port != 0 {
		b.WriteString(" " + txtPort.Format(l, s.Port))
	}
	if s.MXPreference != nil {
		b.WriteString(", " + txtMXPref.Format(l, *s.MXPreference))
	}
	return b.String()
}

func resolverLine(res string, l lang.Lang) string {
	if res == "" {
		return txtSystemDNS.In(l)
	}
	return esc(res)
}

func resultLine(r *session.Result, l lang.Lang) string {
	if r.OK {
		return txtResultOK.Format(l, r.ExitCode)
	}
	return txtResultFail.Format(l, r.ExitCode)
}

// stepDetail is the reply (or the failure) of a step, with the recipient
// for rcpt steps.
func stepDetail(s session.Step, l lang.Lang) string {
	var parts []string
	if s.Recipient != "" {
		parts = append(parts, "<"+esc(s.Recipient)+">")
	}
	if s.Reply != nil {
		// Reply lines are escaped by the wire reader already.
		parts = append(parts, s.Reply.String())
	}
	if s.ErrorText != nil && (s.Reply == nil || s.Status != session.StatusOK) {
		why := esc(s.ErrorText.In(l))
		if s.Reply != nil {
			why = "(" + why + ")"
		}
		parts = append(parts, why)
	} else if s.ErrorText == nil && s.Error != "" && s.Reply == nil {
		parts = append(parts, esc(s.Error))
	}
	return strings.Join(parts, " ")
}

// TLSSummary is the one-line TLS summary of the header: protocol, cipher
// suite and whether the certificate was verified, or why the handshake
// failed. A nil report means TLS was not used or not recorded.
func TLSSummary(rep *tlsreport.Report, l lang.Lang) string {
	if rep == nil {
		return txtNoTLS.In(l)
	}
	// tlsreport escaped the name and the problem text already.
	name := rep.ServerName
	switch {
	case rep.Version == "" && rep.Problem != nil:
		return txtTLSFailed.Format(l, problemText(rep.Problem, l))
	case rep.Verified:
		return txtTLSVerified.Format(l, esc(rep.Version), esc(rep.CipherSuite), name)
	case rep.SkipVerify && rep.Problem != nil:
		return txtTLSSkipped.Format(l, esc(rep.Version), esc(rep.CipherSuite), problemText(rep.Problem, l))
	case rep.Problem != nil:
		return txtTLSFailed.Format(l, problemText(rep.Problem, l))
	}
	return txtTLSUnknown.Format(l, esc(rep.Version), esc(rep.CipherSuite))
}

func problemText(p *tlsreport.Problem, l lang.Lang) string {
	s := p.Text.In(l)
	if s == "" {
		s = string(p.Kind)
	}
	return s
}

// EvaluationLines explains a step's evaluation in a few indented lines:
// the summary, then the likely causes and what to try. A nil or empty
// evaluation gives no lines.
func EvaluationLines(ev *diagnose.LocalizedEvaluation, l lang.Lang) []string {
	if ev == nil || ev.Summary == "" {
		return nil
	}
	lines := []string{"-> " + esc(ev.Summary)}
	for _, c := range ev.Causes {
		lines = append(lines, "   "+txtCauseItem.In(l)+": "+esc(c))
	}
	for _, a := range ev.Actions {
		lines = append(lines, "   "+txtTry.In(l)+": "+esc(a))
	}
	return lines
}

// VerdictLines renders the session's headline: the verdict, its likely
// cause, what to try next, and the recipients by fate. A nil headline gives
// no lines.
func VerdictLines(h *diagnose.LocalizedHeadline, l lang.Lang) []string {
	if h == nil || h.Title == "" {
		return nil
	}
	lines := []string{txtVerdict.In(l) + ": " + esc(h.Title)}
	if h.Cause != "" {
		lines = append(lines, txtCause.In(l)+": "+esc(h.Cause))
	}
	for _, a := range h.Actions {
		lines = append(lines, txtTry.In(l)+": "+esc(a))
	}
	if len(h.Accepted) > 0 {
		lines = append(lines, txtAccepted.In(l)+": "+escJoin(h.Accepted))
	}
	if len(h.Rejected) > 0 {
		lines = append(lines, txtRejected.In(l)+": "+escJoin(h.Rejected))
	}
	return lines
}

func escJoin(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = esc(s)
	}
	return strings.Join(out, ", ")
}
