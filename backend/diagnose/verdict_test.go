package diagnose

import (
	"slices"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
)

// session builds outcomes from "step|reply" or "step|!failure" strings; a
// recipient is given as "rcpt:addr|reply".
func session(t *testing.T, steps ...string) []Outcome {
	t.Helper()
	var out []Outcome
	for _, s := range steps {
		step, text, _ := strings.Cut(s, "|")
		o := Outcome{}
		o.Step, o.Recipient, _ = strings.Cut(step, ":")
		switch {
		case strings.HasPrefix(text, "!"):
			o.Failure, o.Detail, _ = strings.Cut(text[1:], ":")
		case text == "-":
			o.Status = "skipped"
		default:
			o.Reply = mustParse(t, strings.ReplaceAll(text, `\n`, "\n"))
		}
		out = append(out, o)
	}
	return out
}

const (
	banner = "banner|220 mail1.fabrikam.com Microsoft ESMTP MAIL Service ready"
	ehlo   = `ehlo|250-mail1.fabrikam.com Hello [192.0.2.10]\n250-STARTTLS\n250 SIZE 37748736`
	mailOK = "mail|250 2.1.0 Sender OK"
	dataOK = "data|354 Start mail input; end with <CRLF>.<CRLF>"
	endOK  = "data_end|250 2.6.0 <guid@mail1.fabrikam.com> Queued mail for delivery"
	quitOK = "quit|221 2.0.0 Service closing transmission channel"
)

func TestVerdict(t *testing.T) {
	tests := []struct {
		name      string
		steps     []string
		verdict   string
		severity  Severity
		exit      int
		step      string
		recipient string
		accepted  []string
		rejected  []string
		titleES   string // substring of the Spanish title
		rule      string // rule of the deciding evaluation, if any
	}{
		{name: "success: queued for delivery",
			steps:   []string{"connect|-", banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", dataOK, endOK, quitOK},
			verdict: "accepted", severity: SeverityOK, exit: exitcode.OK, step: "data_end",
			accepted: []string{"kate@fabrikam.com"}, titleES: "Aceptado para su entrega", rule: "seed.data_end.250.2.6.0"},
		{name: "unknown recipient, DATA then refused for lack of recipients",
			steps:   []string{banner, ehlo, mailOK, "rcpt:nobody@fabrikam.com|550 5.1.1 User unknown", "data|554 5.5.1 Error: no valid recipients", quitOK},
			verdict: "recipient_unknown", severity: SeverityError, exit: exitcode.Permanent, step: "rcpt", recipient: "nobody@fabrikam.com",
			rejected: []string{"nobody@fabrikam.com"}, titleES: "El destinatario no existe", rule: "seed.rcpt.550.5.1.1"},
		{name: "relaying refused (Postfix)",
			steps:   []string{"banner|220 mx.example.net ESMTP Postfix", "ehlo|250 mx.example.net", mailOK, "rcpt:bob@elsewhere.example|554 5.7.1 <bob@elsewhere.example>: Relay access denied"},
			verdict: "relay_denied", severity: SeverityError, exit: exitcode.Permanent, step: "rcpt", recipient: "bob@elsewhere.example",
			rejected: []string{"bob@elsewhere.example"}, titleES: "Retransmisión denegada", rule: "rule.relay"},
		{name: "connection blocked before the banner",
			steps:   []string{"resolve|-", "connect|-", "banner|!closed:EOF"},
			verdict: "blocked_before_banner", severity: SeverityError, exit: exitcode.Protocol, step: "banner",
			titleES: "Conexión bloqueada antes del banner", rule: "fail.banner.closed"},
		{name: "connection refused",
			steps:   []string{"connect|!refused:dial tcp 192.0.2.1:25: connect: connection refused"},
			verdict: "connect_refused", severity: SeverityError, exit: exitcode.Connect, step: "connect", rule: "fail.connect.refused"},
		{name: "opportunistic STARTTLS handshake failed, delivered in plaintext on a second connection",
			steps: []string{"connect|-", banner, ehlo, "starttls|!tls_fallback_plaintext:remote error: tls: protocol version not supported",
				"connect|-", banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", dataOK, endOK, quitOK},
			verdict: "accepted", severity: SeverityOK, exit: exitcode.OK, step: "data_end",
			accepted: []string{"kate@fabrikam.com"}, titleES: "Aceptado para su entrega", rule: "seed.data_end.250.2.6.0"},
		{name: "plaintext fallback whose second connection is dropped before the banner",
			steps: []string{"connect|-", banner, ehlo, "starttls|!tls_fallback_plaintext:EOF",
				"connect|-", "banner|!closed:EOF"},
			verdict: "blocked_before_banner", severity: SeverityError, exit: exitcode.Protocol, step: "banner",
			titleES: "Conexión bloqueada antes del banner", rule: "fail.banner.closed"},
		{name: "TLS failure: name mismatch after 220 to STARTTLS",
			steps:   []string{banner, ehlo, "starttls|220 2.0.0 SMTP server ready", "starttls|!tls_name_mismatch:x509: certificate is valid for ex01.contoso.local, not mail1.fabrikam.com"},
			verdict: "tls_name_mismatch", severity: SeverityError, exit: exitcode.Protocol, step: "starttls",
			titleES: "el nombre del certificado no coincide", rule: "fail.tls_name_mismatch"},
		{name: "mixed recipients",
			steps:   []string{banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", "rcpt:ghost@fabrikam.com|550 5.1.1 User unknown", "rcpt:ana@fabrikam.com|250 2.1.5 Recipient OK", dataOK, endOK, quitOK},
			verdict: "accepted_partial", severity: SeverityWarning, exit: exitcode.Permanent, step: "rcpt",
			accepted: []string{"kate@fabrikam.com", "ana@fabrikam.com"}, rejected: []string{"ghost@fabrikam.com"},
			titleES: "solo para algunos destinatarios", rule: "seed.rcpt.550.5.1.1"},
		{name: "4xx greylisting",
			steps:   []string{"banner|220 mx.example.net ESMTP Postfix", "ehlo|250 mx.example.net", mailOK, "rcpt:bob@example.net|450 4.2.0 <bob@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html", quitOK},
			verdict: "greylisted", severity: SeverityWarning, exit: exitcode.Temporary, step: "rcpt", recipient: "bob@example.net",
			rejected: []string{"bob@example.net"}, titleES: "Lista gris", rule: "rule.greylist"},
		{name: "EHLO refused, HELO accepted: the session recovered",
			steps:   []string{"banner|220 old.example ready", "ehlo|502 5.5.1 Command not implemented", "helo|250 old.example", mailOK, "rcpt:a@old.example|250 OK", dataOK, "data_end|250 OK queued", "quit|!closed"},
			verdict: "accepted", severity: SeverityOK, exit: exitcode.OK, step: "data_end", accepted: []string{"a@old.example"}},
		{name: "software from the banner narrows the explanation",
			steps:   []string{banner, ehlo, mailOK, "rcpt:x@other.example|550 5.7.1 Unable to relay"},
			verdict: "relay_denied", severity: SeverityError, exit: exitcode.Permanent, step: "rcpt", recipient: "x@other.example",
			rejected: []string{"x@other.example"}, rule: "ms.5.7.1.relay.exchange"},
		{name: "AUTH accepted changes the relay explanation",
			steps:   []string{"banner|220 mx.example.net ESMTP Postfix", "ehlo|250 mx.example.net", "starttls|220 2.0.0 Ready to start TLS", "ehlo|250 mx.example.net", "auth|235 2.7.0 Authentication successful", mailOK, "rcpt:x@other.example|554 5.7.1 <x@other.example>: Relay access denied"},
			verdict: "relay_denied", severity: SeverityError, exit: exitcode.Permanent, step: "rcpt", recipient: "x@other.example",
			rejected: []string{"x@other.example"}, rule: "rule.relay.authenticated"},
		{name: "anonymous submission refused at MAIL",
			steps:   []string{banner, ehlo, "mail|530 5.7.1 Client was not authenticated"},
			verdict: "auth_required", severity: SeverityError, exit: exitcode.Permanent, step: "mail", rule: "seed.mail.530.5.7.1"},
		{name: "domain does not exist",
			steps:   []string{"resolve|!dns_nxdomain:NXDOMAIN fabrikam.invalid"},
			verdict: "dns_nxdomain", severity: SeverityError, exit: exitcode.Permanent, step: "resolve", rule: "fail.dns_nxdomain"},
		{name: "second MX answers after the first refused",
			steps:   []string{"connect|!refused", "connect|-", banner, ehlo},
			verdict: "server_reachable", severity: SeverityOK, exit: exitcode.OK},
		{name: "recipients only, no message",
			steps:   []string{banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", quitOK},
			verdict: "recipients_accepted", severity: SeverityOK, exit: exitcode.OK, accepted: []string{"kate@fabrikam.com"}},
		{name: "no reply to the final dot: delivery status unknown (RFC 5321 §4.1.1.4)",
			steps:   []string{banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", dataOK, "data_end|!timeout"},
			verdict: "delivery_status_unknown", severity: SeverityError, exit: exitcode.Protocol, step: "data_end",
			accepted: []string{"kate@fabrikam.com"}, rule: "fail.data_end.timeout"},
		{name: "closed after the final dot: delivery status unknown",
			steps:   []string{banner, ehlo, mailOK, "rcpt:kate@fabrikam.com|250 2.1.5 Recipient OK", dataOK, "data_end|!closed:EOF"},
			verdict: "delivery_status_unknown", severity: SeverityError, exit: exitcode.Protocol, step: "data_end",
			accepted: []string{"kate@fabrikam.com"}, rule: "fail.data_end.closed"},
		{name: "timeout in the middle",
			steps:   []string{banner, ehlo, "mail|!timeout"},
			verdict: "timeout_mid_session", severity: SeverityError, exit: exitcode.Protocol, step: "mail",
			rule: "fail.timeout"},
		{name: "connection lost at RCPT is not a refused recipient",
			steps:   []string{banner, ehlo, mailOK, "rcpt:a@fabrikam.com|250 2.1.5 Recipient OK", "rcpt:b@fabrikam.com|!closed:EOF"},
			verdict: "connection_closed", severity: SeverityError, exit: exitcode.Protocol, step: "rcpt", recipient: "b@fabrikam.com",
			accepted: []string{"a@fabrikam.com"}, rule: "fail.closed"},
		{name: "generic refusal names the step",
			steps:   []string{banner, ehlo, "mail|550 go away"},
			verdict: "rejected_permanent", severity: SeverityError, exit: exitcode.Permanent, step: "mail",
			titleES: "Rechazado en MAIL FROM", rule: "code.550"},
		{name: "nothing ran",
			steps:   nil,
			verdict: "no_result", severity: SeverityInfo, exit: exitcode.Protocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Verdict(session(t, tt.steps...))
			if h.Verdict != tt.verdict || h.Severity != tt.severity || h.ExitCode != tt.exit || h.Step != tt.step || h.Recipient != tt.recipient {
				t.Fatalf("got verdict=%s severity=%s exit=%d step=%s recipient=%s\nwant %s %s %d %s %s",
					h.Verdict, h.Severity, h.ExitCode, h.Step, h.Recipient, tt.verdict, tt.severity, tt.exit, tt.step, tt.recipient)
			}
			if !slices.Equal(h.Accepted, nonNil(tt.accepted)) || !slices.Equal(h.Rejected, nonNil(tt.rejected)) {
				t.Errorf("accepted %q rejected %q; want %q %q", h.Accepted, h.Rejected, tt.accepted, tt.rejected)
			}
			en, es := h.Localize(lang.EN), h.Localize(lang.ES)
			if en.Title == "" || es.Title == "" || en.Title == es.Title || strings.Contains(en.Title+es.Title, "%") {
				t.Errorf("titles %q / %q", en.Title, es.Title)
			}
			if tt.titleES != "" && !strings.Contains(es.Title, tt.titleES) {
				t.Errorf("Spanish title %q lacks %q", es.Title, tt.titleES)
			}
			if tt.rule != "" && (h.Evaluation == nil || h.Evaluation.Rule != tt.rule) {
				t.Errorf("deciding evaluation %+v, want rule %s", h.Evaluation, tt.rule)
			}
			if h.Evaluation != nil && h.Severity != SeverityOK && (en.Cause == "" || es.Cause == "" || len(es.Actions) == 0) {
				t.Errorf("a failure headline needs a cause and actions: %+v", es)
			}
		})
	}
}

func TestVerdictPartialCauseNamesRecipient(t *testing.T) {
	h := Verdict(session(t, banner, ehlo, mailOK, "rcpt:a@x.example|250 2.1.5 OK", "rcpt:b@x.example|552 5.2.2 Mailbox full", dataOK, endOK))
	if h.Verdict != "accepted_partial" {
		t.Fatalf("verdict %s", h.Verdict)
	}
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		if c := h.Localize(l).Cause; !strings.HasPrefix(c, "b@x.example: ") {
			t.Errorf("cause in %s = %q, want it to name the refused recipient", l, c)
		}
	}
}

func TestVerdictEscapesRecipient(t *testing.T) {
	h := Verdict(session(t, banner, ehlo, mailOK, "rcpt:evil\x1b[2J@x.example|550 5.1.1 User unknown"))
	if strings.ContainsRune(h.Recipient, 0x1b) || strings.ContainsRune(h.Rejected[0], 0x1b) {
		t.Errorf("recipient not escaped: %q", h.Recipient)
	}
}

func TestEvaluateOutcomesContext(t *testing.T) {
	evals := EvaluateOutcomes(session(t, banner, ehlo, "starttls|220 2.0.0 SMTP server ready", "connect|-", mailOK))
	if len(evals) != 5 || evals[3].Rule != "" {
		t.Fatalf("a skipped step must get a zero evaluation: %+v", evals[3])
	}
	if evals[0].Rule != "seed.banner.220" || evals[2].Rule != "code.starttls.220" || evals[4].Rule != "seed.mail.250.2.1.0" {
		t.Errorf("rules %s %s %s", evals[0].Rule, evals[2].Rule, evals[4].Rule)
	}
}
