package report

import (
	"fmt"
	"io"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/sendercheck"
)

// Labels of the "Sender checks" section.
var (
	txtSender       = lang.Text{EN: "Sender checks", ES: "Comprobaciones del remitente"}
	txtSenderIP     = lang.Text{EN: "Sending IP", ES: "IP de envío"}
	txtSenderPTR    = lang.Text{EN: "Reverse DNS", ES: "DNS inverso"}
	txtSenderEHLO   = lang.Text{EN: "EHLO name", ES: "Nombre de EHLO"}
	txtSenderSPF    = lang.Text{EN: "SPF", ES: "SPF"}
	txtSenderDMARC  = lang.Text{EN: "DMARC", ES: "DMARC"}
	txtSenderLists  = lang.Text{EN: "Blocklists", ES: "Listas de bloqueo"}
	txtFromServer   = lang.Text{EN: "%s (as the server saw it)", ES: "%s (tal como la vio el servidor)"}
	txtFromLocal    = lang.Text{EN: "%s (local address of the connection)", ES: "%s (dirección local de la conexión)"}
	txtFromGiven    = lang.Text{EN: "%s (given)", ES: "%s (indicada)"}
	txtPrivate      = lang.Text{EN: ", private: behind NAT", ES: ", privada: detrás de un NAT"}
	txtConfirmed    = lang.Text{EN: "%s (forward-confirmed)", ES: "%s (confirmado en sentido directo)"}
	txtUnconfirmed  = lang.Text{EN: "%s (NOT forward-confirmed)", ES: "%s (NO confirmado en sentido directo)"}
	txtEHLOLine     = lang.Text{EN: "%s (resolves to the IP: %s; matches the PTR: %s)", ES: "%s (resuelve a la IP: %s; coincide con el PTR: %s)"}
	txtSPFLine      = lang.Text{EN: "%s for %s (%s; %d of 10 DNS lookups)", ES: "%s para %s (%s; %d de 10 consultas DNS)"}
	txtDMARCLine    = lang.Text{EN: "%s p=%s, SPF aligned: %s", ES: "%s p=%s, SPF alineado: %s"}
	txtDMARCMissing = lang.Text{EN: "%s: no record", ES: "%s: sin registro"}
	txtListsLine    = lang.Text{EN: "%d queries, %d listed", ES: "%d consultas, %d listadas"}
	txtYes          = lang.Text{EN: "yes", ES: "sí"}
	txtNo           = lang.Text{EN: "no", ES: "no"}
	txtNotChecked   = lang.Text{EN: "not checked", ES: "no comprobado"}
	txtConsequence  = lang.Text{EN: "Consequence", ES: "Consecuencia"}
)

var senderStatusWords = map[sendercheck.Status]lang.Text{
	sendercheck.Pass:          {EN: "PASS", ES: "CORRECTO"},
	sendercheck.Warning:       {EN: "WARNING", ES: "AVISO"},
	sendercheck.Fail:          {EN: "FAIL", ES: "FALLO"},
	sendercheck.CouldNotCheck: {EN: "UNCHECKED", ES: "SIN COMPROBAR"},
}

// SenderStatusWord names a finding's status for people.
func SenderStatusWord(s sendercheck.Status, l lang.Lang) string {
	if t, ok := senderStatusWords[s]; ok {
		return t.In(l)
	}
	return esc(string(s))
}

func yesNo(b bool, l lang.Lang) string {
	if b {
		return txtYes.In(l)
	}
	return txtNo.In(l)
}

// senderFields are the label/value lines of the section's header.
func senderFields(r *sendercheck.Report, l lang.Lang) []htmlField {
	var out []htmlField
	add := func(label lang.Text, v string) { out = append(out, htmlField{label.In(l), v}) }
	ipLine := txtFromGiven
	switch r.IPSource {
	case sendercheck.FromServer:
		ipLine = txtFromServer
	case sendercheck.FromLocal:
		ipLine = txtFromLocal
	}
	ip := ipLine.Format(l, (r.IP))
	if r.Local {
		ip = strings.TrimSuffix(ip, ")") + txtPrivate.In(l) + ")"
	}
	add(txtSenderIP, ip)
	switch {
	case r.Local:
		add(txtSenderPTR, txtNotChecked.In(l))
	case len(r.PTR) == 0:
		add(txtSenderPTR, txtNone.In(l))
	case r.FCrDNS:
		add(txtSenderPTR, txtConfirmed.Format(l, (strings.Join(r.PTR, ", "))))
	default:
		add(txtSenderPTR, txtUnconfirmed.Format(l, (strings.Join(r.PTR, ", "))))
	}
	if r.HELO.Name != "" {
		add(txtSenderEHLO, txtEHLOLine.Format(l, (r.HELO.Name), yesNo(r.HELO.ResolvesToIP, l), yesNo(r.HELO.MatchesPTR, l)))
	}
	if s := r.SPF; s.Result != "" {
		matched := s.Matched
		if matched == "" {
			matched = "-"
		}
		add(txtSenderSPF, txtSPFLine.Format(l, (s.Result), (s.Domain), (matched), s.Lookups))
	}
	if d := r.DMARC; d.Domain != "" {
		if d.Policy == "" {
			add(txtSenderDMARC, txtDMARCMissing.Format(l, (d.Domain)))
		} else {
			add(txtSenderDMARC, txtDMARCLine.Format(l, (d.Domain), (d.Policy), yesNo(d.SPFAligned, l)))
		}
	}
	listed := 0
	for _, b := range r.DNSBL {
		if b.Listed {
			listed++
		}
	}
	add(txtSenderLists, txtListsLine.Format(l, len(r.DNSBL), listed))
	return out
}

// The report's strings were escaped by sendercheck when they came from
// the network, so they are written as they are (escaping twice would double
// every backslash).

// SenderText writes the "Sender checks" section: where the IP came from,
// its reverse DNS, EHLO name, SPF, DMARC and blocklist answers, then each
// finding with its meaning, consequence and actions, in l.
func SenderText(w io.Writer, r *sendercheck.Report, l lang.Lang) error {
	if r == nil {
		return nil
	}
	r = r.In(l)
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", txtSender.In(l))
	for _, f := range senderFields(r, l) {
		fmt.Fprintf(&b, "  %-28s %s\n", f.Label+":", f.Value)
	}
	for _, d := range r.DNSBL {
		if d.Status != sendercheck.Pass {
			fmt.Fprintf(&b, "    %-13s %s  %s  %s\n", SenderStatusWord(d.Status, l), (d.Query), (strings.Join(d.Codes, ",")), (d.Meaning))
		}
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %-13s %s\n", SenderStatusWord(f.Status, l), (f.Summary))
		fmt.Fprintf(&b, "  %-13s %s\n", "", (f.Meaning))
		if f.Consequence != "" {
			fmt.Fprintf(&b, "  %-13s %s: %s\n", "", txtConsequence.In(l), (f.Consequence))
		}
		for _, a := range f.Actions {
			fmt.Fprintf(&b, "  %-13s -> %s\n", "", (a))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// htmlSender is the "Sender checks" section of the HTML report.
type htmlSender struct {
	Fields   []htmlField
	Findings []htmlFinding
}

type htmlFinding struct {
	Class, Status, Summary, Meaning, Consequence string
	Actions                                      []string
}

var senderClasses = map[sendercheck.Status]string{
	sendercheck.Pass: "ok", sendercheck.Warning: "warn", sendercheck.Fail: "fail", sendercheck.CouldNotCheck: "skip",
}

func senderView(r *sendercheck.Report, l lang.Lang) *htmlSender {
	if r == nil {
		return nil
	}
	r = r.In(l)
	v := &htmlSender{Fields: senderFields(r, l)}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, htmlFinding{
			Class: senderClasses[f.Status], Status: SenderStatusWord(f.Status, l),
			Summary: f.Summary, Meaning: f.Meaning, Consequence: f.Consequence, Actions: f.Actions,
		})
	}
	return v
}
