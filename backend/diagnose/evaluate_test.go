package diagnose

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/smtpwire"
)

func mustParse(t *testing.T, s string) *smtpwire.Reply {
	t.Helper()
	r, err := ParseReply(s)
	if err != nil {
		t.Fatalf("ParseReply(%q): %v", s, err)
	}
	return r
}

// TestSeedCases covers every row of step 4 of the seed (the Exchange
// "Usar Telnet para probar la comunicación SMTP" table), in both languages,
// with the seed's own Spanish wording for the causes.
func TestSeedCases(t *testing.T) {
	tests := []struct {
		name      string
		step      string
		reply     string // empty: the connection failed
		failure   string
		rule      string
		severity  Severity
		class     Class
		wantEN    string // substring of the English summary
		wantES    string // substring of the Spanish summary
		causesES  []string
		wantCause string // substring of an English cause
	}{
		{name: "open host 25 failed (RFC 5321 §5)", step: "connect", failure: "refused", rule: "fail.connect.refused",
			severity: SeverityError, class: ClassTransient, wantEN: "connection refused", wantES: "conexión rechazada",
			causesES: []string{
				"El servicio SMTP de destino no está disponible.",
				"Existen restricciones en el firewall de destino.",
				"Existen restricciones en el firewall de origen.",
				"Se especificó una dirección IP o un FQDN incorrecto para el servidor SMTP de destino.",
				"Se especificó un número de puerto incorrecto.",
			}, wantCause: "incorrect port number"},
		{name: "220 banner (RFC 5321 §4.3.2)", step: "banner", reply: "220 mail1.fabrikam.com Microsoft ESMTP MAIL Service ready at Thu, 1 Jan 2026 10:00:00 +0100",
			rule: "seed.banner.220", severity: SeverityOK, class: ClassSuccess, wantEN: "ready", wantES: "listo"},
		{name: "EHLO 250 (RFC 5321 §4.1.1.1)", step: "ehlo", reply: "250-mail1.fabrikam.com Hello [192.0.2.10]\n250-SIZE 37748736\n250 STARTTLS",
			rule: "seed.ehlo.250", severity: SeverityOK, class: ClassSuccess, wantEN: "accepted your greeting", wantES: "aceptó su saludo"},
		{name: "EHLO 501 5.5.4", step: "ehlo", reply: "501 5.5.4 Invalid domain name", rule: "seed.ehlo.501.5.5.4",
			severity: SeverityError, class: ClassPermanent, wantEN: "Invalid domain name", wantES: "no válido",
			causesES: []string{
				"Existen caracteres no válidos en el nombre de dominio.",
				"Asimismo, también pueden existir restricciones de conexión en el servidor SMTP de destino.",
			}},
		{name: "MAIL 250 2.1.0", step: "mail", reply: "250 2.1.0 Sender OK", rule: "seed.mail.250.2.1.0",
			severity: SeverityOK, class: ClassSuccess, wantEN: "Sender accepted", wantES: "Remitente aceptado"},
		{name: "MAIL 550 5.1.7", step: "mail", reply: "550 5.1.7 Invalid address", rule: "seed.mail.550.5.1.7",
			severity: SeverityError, class: ClassPermanent, wantEN: "Invalid sender", wantES: "remitente no válida",
			causesES: []string{"Hay un error de sintaxis en la dirección de correo electrónico del remitente."}},
		{name: "MAIL 530 5.7.1 anonymous refused", step: "mail", reply: "530 5.7.1 Client was not authenticated", rule: "seed.mail.530.5.7.1",
			severity: SeverityError, class: ClassPermanent, wantEN: "not authenticated", wantES: "envíos anónimos",
			causesES:  []string{"El servidor de destino no acepta envíos de mensajes anónimos. Recibe este error si intenta utilizar Telnet para enviar un mensaje directamente a un servidor de transporte de concentradores."},
			wantCause: "Hub Transport"},
		{name: "RCPT 250 2.1.5", step: "rcpt", reply: "250 2.1.5 Recipient OK", rule: "seed.rcpt.250.2.1.5",
			severity: SeverityOK, class: ClassSuccess, wantEN: "Recipient accepted", wantES: "Destinatario aceptado"},
		{name: "RCPT 550 5.1.1", step: "rcpt", reply: "550 5.1.1 User unknown", rule: "seed.rcpt.550.5.1.1",
			severity: SeverityError, class: ClassPermanent, wantEN: "does not exist", wantES: "no existe",
			causesES: []string{"El destinatario especificado no existe en la organización."}},
		{name: "DATA 354", step: "data", reply: "354 Start mail input; end with <CRLF>.<CRLF>", rule: "seed.data.354",
			severity: SeverityInfo, class: ClassIntermediate, wantEN: "ready for the message", wantES: "listo para recibir"},
		{name: "end of data 250 2.6.0", step: "data_end", reply: "250 2.6.0 <a1b2c3@mail1.fabrikam.com> Queued mail for delivery", rule: "seed.data_end.250.2.6.0",
			severity: SeverityOK, class: ClassSuccess, wantEN: "Queued mail for delivery", wantES: "en cola"},
		{name: "QUIT 221 2.0.0", step: "quit", reply: "221 2.0.0 Service closing transmission channel", rule: "seed.quit.221.2.0.0",
			severity: SeverityOK, class: ClassSuccess, wantEN: "closing transmission channel", wantES: "cierra el canal"},
		{name: "500 5.3.3 at any step", step: "mail", reply: "500 5.3.3 Unrecognized command", rule: "seed.any.500.5.3.3",
			severity: SeverityError, class: ClassPermanent, wantEN: "Unrecognized command", wantES: "Comando no reconocido"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev Evaluation
			if tt.reply == "" {
				ev = EvaluateFailure(tt.step, tt.failure, "dial tcp 192.0.2.1:25: connect: connection refused", Context{})
			} else {
				ev = Evaluate(tt.step, mustParse(t, tt.reply), Context{Software: SoftwareExchange})
			}
			if ev.Rule != tt.rule || ev.Severity != tt.severity || ev.Class != tt.class {
				t.Fatalf("rule, severity, class = %s, %s, %s; want %s, %s, %s", ev.Rule, ev.Severity, ev.Class, tt.rule, tt.severity, tt.class)
			}
			en, es := ev.Localize(lang.EN), ev.Localize(lang.ES)
			if !strings.Contains(en.Summary, tt.wantEN) || !strings.Contains(es.Summary, tt.wantES) {
				t.Errorf("summaries %q / %q; want %q / %q", en.Summary, es.Summary, tt.wantEN, tt.wantES)
			}
			if en.Meaning == "" || es.Meaning == "" || en.Meaning == es.Meaning {
				t.Errorf("meanings %q / %q must exist and differ", en.Meaning, es.Meaning)
			}
			if len(en.Causes) == 0 || len(es.Causes) != len(en.Causes) || len(en.Actions) == 0 || len(es.Actions) != len(en.Actions) {
				t.Errorf("causes/actions incomplete: en %d/%d, es %d/%d", len(en.Causes), len(en.Actions), len(es.Causes), len(es.Actions))
			}
			// The seed's causes come first, in its own words; more may follow.
			if tt.causesES != nil && (len(es.Causes) < len(tt.causesES) || !slices.Equal(es.Causes[:len(tt.causesES)], tt.causesES)) {
				t.Errorf("Spanish causes = %q\nwant the seed's %q first", es.Causes, tt.causesES)
			}
			if tt.wantCause != "" && !slices.ContainsFunc(en.Causes, func(c string) bool { return strings.Contains(c, tt.wantCause) }) {
				t.Errorf("English causes %q lack %q", en.Causes, tt.wantCause)
			}
		})
	}
}

// TestPrecedence checks the lookup order of the package documentation.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		step  string
		reply *smtpwire.Reply
		ctx   Context
		rule  string
	}{
		{"step+code+enhanced beats a text rule", "rcpt", &smtpwire.Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 User unknown"}}, Context{}, "seed.rcpt.550.5.1.1"},
		{"text rule beats the registry without a step", "", &smtpwire.Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 User unknown"}}, Context{}, "rule.user_unknown"},
		{"registry when no rule matches (RFC 3463 X.1.1)", "", &smtpwire.Reply{Code: 550, Enhanced: "5.1.1", Lines: []string{"5.1.1 nope"}}, Context{}, "iana.X.1.1"},
		{"code+enhanced at any step", "rcpt", &smtpwire.Reply{Code: 500, Enhanced: "5.3.3", Lines: []string{"5.3.3 what"}}, Context{}, "seed.any.500.5.3.3"},
		{"vendor exact beats text rules", "", &smtpwire.Reply{Code: 530, Enhanced: "5.7.57", Lines: []string{"5.7.57 Client not authenticated to send mail"}}, Context{}, "ms.5.7.57"},
		{"vendor range", "", &smtpwire.Reply{Code: 550, Enhanced: "5.7.620", Lines: []string{"5.7.620 x"}}, Context{}, "ms.5.7.606-649"},
		{"outside the range: subject", "", &smtpwire.Reply{Code: 550, Enhanced: "5.7.650", Lines: []string{"5.7.650 x"}}, Context{}, "subject.X.7"},
		{"vendor text constraint not met: registry", "", &smtpwire.Reply{Code: 550, Enhanced: "5.4.1", Lines: []string{"5.4.1 no answer"}}, Context{}, "iana.X.4.1"},
		{"vendor text constraint met", "", &smtpwire.Reply{Code: 550, Enhanced: "5.4.1", Lines: []string{"5.4.1 Recipient address rejected: Access denied. AS(201806281)"}}, Context{}, "ms.5.4.1.dbeb"},
		{"software narrows: Exchange", "rcpt", &smtpwire.Reply{Code: 550, Enhanced: "5.7.1", Lines: []string{"5.7.1 Unable to relay"}}, Context{Software: SoftwareExchange}, "ms.5.7.1.relay.exchange"},
		{"software narrows: other", "rcpt", &smtpwire.Reply{Code: 550, Enhanced: "5.7.1", Lines: []string{"5.7.1 Unable to relay"}}, Context{}, "ms.5.7.1.relay"},
		{"auth narrows: not authenticated", "rcpt", &smtpwire.Reply{Code: 554, Lines: []string{"<bob@example.org>: Relay access denied"}}, Context{}, "rule.relay"},
		{"auth narrows: authenticated", "rcpt", &smtpwire.Reply{Code: 554, Lines: []string{"<bob@example.org>: Relay access denied"}}, Context{AuthUsed: true}, "rule.relay.authenticated"},
		{"text rules skip success replies", "banner", &smtpwire.Reply{Code: 220, Lines: []string{"mx.example ESMTP no spam, no relay access denied"}}, Context{}, "seed.banner.220"},
		{"code alone (RFC 5321 §4.2.3)", "", &smtpwire.Reply{Code: 550, Lines: []string{"no"}}, Context{}, "code.550"},
		{"step+code beats code", "rcpt", &smtpwire.Reply{Code: 550, Lines: []string{"no"}}, Context{}, "code.rcpt.550"},
		{"class alone (RFC 5321 §4.2.1)", "", &smtpwire.Reply{Code: 599, Lines: []string{"no"}}, Context{}, "class.5"},
		{"outside 2xx-5xx", "", &smtpwire.Reply{Code: 650, Lines: []string{"no"}}, Context{}, "fallback"},
		{"enhanced of another class is ignored (RFC 2034 §4)", "", &smtpwire.Reply{Code: 550, Enhanced: "4.1.1", Lines: []string{"4.1.1 no"}}, Context{}, "code.550"},
		{"malformed enhanced is ignored", "", &smtpwire.Reply{Code: 550, Enhanced: "5.1", Lines: []string{"5.1 no"}}, Context{}, "code.550"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Evaluate(tt.step, tt.reply, tt.ctx)
			if ev.Rule != tt.rule {
				t.Errorf("rule = %s, want %s", ev.Rule, tt.rule)
			}
		})
	}
}

func TestEvaluateFailurePrecedence(t *testing.T) {
	tests := []struct {
		step, kind, rule string
		class            Class
	}{
		{"connect", "timeout", "fail.connect.timeout", ClassTransient},
		{"banner", "timeout", "fail.banner.timeout", ClassTransient},
		{"mail", "timeout", "fail.timeout", ClassTransient},
		{"data_end", "timeout", "fail.data_end.timeout", ClassTransient},
		{"banner", "closed", "fail.banner.closed", ClassTransient},
		{"rcpt", "closed", "fail.closed", ClassTransient},
		{"resolve", "DNS_NXDOMAIN", "fail.dns_nxdomain", ClassPermanent},
		{"starttls", "tls_name_mismatch", "fail.tls_name_mismatch", ClassPermanent},
		{"starttls", "tls_fallback_plaintext", "fail.tls_fallback_plaintext", ClassPermanent},
		{"x", "bogus\r\nkind", "fail.unknown", ClassPermanent},
	}
	for _, tt := range tests {
		ev := EvaluateFailure(tt.step, tt.kind, "", Context{})
		if ev.Rule != tt.rule || ev.Class != tt.class {
			t.Errorf("EvaluateFailure(%q, %q) = %s, %s; want %s, %s", tt.step, tt.kind, ev.Rule, ev.Class, tt.rule, tt.class)
		}
	}
}

// TestTextRules feeds real-world reply texts (from Postfix, Exim, Sendmail,
// Exchange, Microsoft 365, Gmail, Outlook.com, Yahoo and blocklists) with no
// step, as "smtpprobe explain" gets them.
func TestTextRules(t *testing.T) {
	tests := []struct {
		reply   string
		sw      Software
		verdict string
		rule    string // optional
	}{
		// Postfix
		{"554 5.7.1 <bob@example.org>: Relay access denied", "", "relay_denied", "rule.relay"},
		{"504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname", "", "helo_rejected", "rule.helo"},
		{"450 4.7.1 <box>: Helo command rejected: Host not found", "", "helo_rejected", "rule.helo"},
		{"450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html", "", "greylisted", "rule.greylist"},
		{"450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.7]", "", "reverse_dns", "rule.rdns"},
		{"550 5.7.25 Client host rejected: cannot find your reverse hostname, [192.0.2.7]", "", "reverse_dns", ""},
		{"554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: Access denied", "", "policy_rejected", "rule.client_access_denied"},
		{"450 4.1.8 <a@nonexistent.example>: Sender address rejected: Domain not found", "", "sender_rejected", "rule.sender_domain"},
		{"550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table", "", "recipient_unknown", "rule.postfix.local_recipient"},
		{"550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table", "", "recipient_unknown", "rule.postfix.virtual_mailbox"},
		{"550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in relay recipient table", "", "recipient_unknown", "rule.postfix.relay_recipient"},
		{"553 5.7.1 <ceo@example.org>: Sender address rejected: not owned by user alice", "", "sender_not_allowed", "rule.sender_login"},
		{"554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7", "", "blocklisted", "rule.blocklist.spamhaus"},
		{"554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using b.barracudacentral.org", "", "blocklisted", "rule.blocklist.barracuda"},
		{"550 5.7.1 Rejected: 192.0.2.7 listed at bl.spamcop.net", "", "blocklisted", "rule.blocklist.spamcop"},
		{"421 4.7.0 mail.example.org Error: too many errors", "", "protocol_error", "rule.too_many_errors"},
		{"503 5.5.1 Error: need RCPT command", "", "protocol_error", "rule.sequence"},
		{"554 5.5.1 Error: no valid recipients", "", "protocol_error", "rule.sequence"},
		{"530 5.7.0 Must issue a STARTTLS command first", "", "tls_required", "rule.tls_required"},
		{"535 5.7.8 Error: authentication failed: authentication failure", "", "auth_failed", ""},
		{"552 5.3.4 Message size exceeds fixed limit", "", "message_too_big", "rule.too_big"},
		{"452 4.2.2 <bob@example.org>: Recipient address rejected: Mailbox full", "", "mailbox_full", ""},
		{"421 4.7.0 mail.example.org Error: too many connections from 192.0.2.7", "", "throttled", "rule.throttle"},
		{"550 5.5.1 Protocol error: Improper use of SMTP command pipelining", "", "protocol_error", "rule.pipelining"},
		// Exim
		{"550 relay not permitted", "", "relay_denied", "rule.relay"},
		{"550-Verification failed for <a@nonexistent.example>\n550-Unrouteable address\n550 Sender verify failed", "", "sender_rejected", "rule.sender_domain"},
		{"550 Rejected because 192.0.2.7 is in a black list at dnsbl.sorbs.net", "", "blocklisted", "rule.blocklist"},
		{"550 Administrative prohibition", "", "policy_rejected", "rule.client_access_denied"},
		{"550 No Such User Here", "", "recipient_unknown", "rule.user_unknown"},
		{"451 Temporary local problem - please try later", "", "server_unavailable", "rule.temp_local"},
		{"501 Syntactically invalid EHLO argument(s)", "", "helo_rejected", "rule.helo"},
		// Sendmail
		{"550 5.7.1 <bob@example.org>... Relaying denied. Proper authentication required.", "", "relay_denied", "rule.relay"},
		{"550 5.1.1 <bob@example.org>... User unknown", "", "recipient_unknown", "rule.user_unknown"},
		{"553 5.1.8 <a@nonexistent.example>... Domain of sender address a@nonexistent.example does not exist", "", "sender_rejected", "rule.sender_domain"},
		{"503 5.0.0 Polite people say HELO first", "", "protocol_error", "rule.sequence"},
		// Exchange Server
		{"550 5.7.1 Unable to relay", SoftwareExchange, "relay_denied", "ms.5.7.1.relay.exchange"},
		{"451 4.7.0 Temporary server error. Please try again later. PRX4", SoftwareExchange, "server_unavailable", "ms.exchange.prx"},
		{"452 4.3.1 Insufficient system resources", SoftwareExchange, "server_unavailable", "ms.exchange.4.3.1"},
		{"421 4.3.2 Service not available, closing transmission channel", SoftwareExchange, "server_unavailable", "ms.exchange.4.3.2"},
		{"504 5.7.4 Unrecognized authentication type", SoftwareExchange, "auth_failed", "rule.authtype"},
		{"550 5.7.1 Client does not have permissions to send as this sender", SoftwareExchange, "sender_not_allowed", "ms.5.7.1.sendas"},
		{"550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found", SoftwareExchange, "recipient_unknown", "ms.5.1.1.exrecip"},
		// Microsoft 365 / Exchange Online
		{"530 5.7.57 Client not authenticated to send mail. [AM0PR02CA0001.eurprd02.prod.outlook.com]", "", "auth_required", "ms.5.7.57"},
		{"550 5.7.64 TenantAttribution; Relay Access Denied [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]", "", "relay_denied", "ms.5.7.64"},
		{"550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", "", "relay_denied", "ms.5.7.54"},
		{"550 5.7.606 Access denied, banned sending IP [192.0.2.7]. To request removal from this list please visit https://sender.office.com/", "", "blocklisted", "ms.5.7.606-649"},
		{"451 4.7.500 Server busy. Please try again later from [192.0.2.7]. (S77719)", "", "throttled", "ms.4.7.500-899"},
		{"550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN8NAM12FT058.eop-nam12.prod.protection.outlook.com]", "", "recipient_unknown", "ms.5.4.1.dbeb"},
		{"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "", "auth_failed", "ms.5.7.139"},
		{"535 5.7.3 Authentication unsuccessful [BN0PR04CA0001.namprd04.prod.outlook.com]", "", "auth_failed", "ms.5.7.3.auth"},
		{"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "", "recipient_unknown", "ms.5.1.10"},
		{"550 5.7.509 Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject.", "", "spf_dkim_dmarc", "ms.5.7.509"},
		{"451 5.7.3 STARTTLS is required to send mail [DM5PR1501CA0001.namprd15.prod.outlook.com]", "", "tls_required", "rule.tls_required"},
		{"550 5.7.1 Unfortunately, messages from [192.0.2.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", "", "blocklisted", "ms.outlookcom.blocklist"},
		// Gmail
		{"550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. Learn more at\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp", "", "recipient_unknown", "gmail.5.1.1"},
		{"550-5.7.1 [192.0.2.7] The IP you're using to send mail is not authorized to\r\n550-5.7.1 send email directly to our servers. Please use the SMTP relay at your\r\n550 5.7.1 service provider instead. - gsmtp", "", "blocklisted", "gmail.5.7.1.direct"},
		{"550-5.7.26 This mail is unauthenticated, which poses a security risk to the\n550 5.7.26 sender and Gmail users, and has been blocked. - gsmtp", "", "spf_dkim_dmarc", ""},
		{"421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating\n421 4.7.28 from your IP address. - gsmtp", "", "throttled", "gmail.unsolicited.rate"},
		{"535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials - gsmtp", "", "auth_failed", "gmail.auth.badcreds"},
		{"534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor - gsmtp", "", "auth_failed", "gmail.auth.apppassword"},
		{"452-4.2.2 The email account that you tried to reach is over quota. - gsmtp", "", "mailbox_full", ""},
		{"550 5.4.5 Daily user sending limit exceeded. - gsmtp", "", "throttled", "gmail.sendquota"},
		{"550 5.7.0 Mail relay denied [192.0.2.7]. - gsmtp", "", "relay_denied", "rule.relay"},
		{"450-4.2.1 The user you are trying to contact is receiving mail too quickly. - gsmtp", "", "throttled", "gmail.ratelimit.recipient"},
		{`441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10060, Win32 error code: 10060." Attempted failover to alternate host, but that did not succeed.`, SoftwareExchange, "connect_timeout", "rule.exchange.winsock10060"},
		{"451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain", SoftwareExchange, "dns_nxdomain", "rule.exchange.nonexistent_domain"},
		{"554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS records for this domain are configured in a loop", SoftwareExchange, "routing_loop", "rule.exchange.mxloopback"},
		{"454 4.7.0 Temporary authentication failure", SoftwareExchange, "server_unavailable", "rule.temp_auth"},
		{"554 5.4.14 Hop count exceeded - possible mail loop ATTR34", "", "routing_loop", "ms.5.4.14"},
		{"421-4.7.0 [192.0.2.7] Our system has detected that this message is\n421 4.7.0 suspicious due to the very low reputation of the sending IP address. - gsmtp", "", "poor_reputation", "rule.reputation"},
		// Others
		{"421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1", "", "throttled", "yahoo.tss"},
		{"451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451", "", "greylisted", "rule.greylist.mimecast"},
		{"550 Rejected by header based Anti-Spoofing policy: bob@example.org", "", "policy_rejected", "rule.mimecast"},
		{"550 5.7.1 Message rejected as spam by Content Filtering.", SoftwareExchange, "content_rejected", "rule.content"},
		{"550 5.7.23 The message was rejected because of Sender Policy Framework violation", "", "spf_dkim_dmarc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.reply[:min(len(tt.reply), 50)], func(t *testing.T) {
			ev := Evaluate("", mustParse(t, tt.reply), Context{Software: tt.sw})
			if ev.Verdict != tt.verdict || (tt.rule != "" && ev.Rule != tt.rule) {
				t.Errorf("verdict, rule = %s, %s; want %s, %s", ev.Verdict, ev.Rule, tt.verdict, tt.rule)
			}
			if ev.Summary.EN == "" || ev.Summary.ES == "" || len(ev.Causes) == 0 {
				t.Errorf("incomplete: %+v", ev)
			}
		})
	}
}

// TestHostileReplies: a server controls the reply text and code; nothing it
// sends may panic, slow the matching down or leak into the output unescaped.
func TestHostileReplies(t *testing.T) {
	huge := strings.Repeat("A", 1<<20)
	replies := []*smtpwire.Reply{
		{Code: 550, Lines: []string{huge}},
		{Code: 550, Lines: slices.Repeat([]string{"x"}, 100000)},
		{Code: 0},
		{Code: -5, Enhanced: "9.9.9"},
		{Code: 550, Enhanced: "5.1.1-5.1.9", Lines: []string{"range as code"}},
		{Code: 550, Enhanced: "X.1.1", Lines: []string{"registry key as code"}},
		{Code: 999999, Lines: []string{"\x00\x1b[31m\u202e"}},
	}
	for _, r := range replies {
		ev := Evaluate("rcpt", r, Context{})
		if ev.Summary.EN == "" || ev.Rule == "" {
			t.Errorf("reply %d/%q: empty evaluation", r.Code, r.Enhanced)
		}
		if ev.Enhanced != "" && !enhancedRe.get().MatchString(ev.Enhanced) {
			t.Errorf("reply %d: enhanced %q passed through unchecked", r.Code, ev.Enhanced)
		}
	}
	ev := EvaluateFailure("connect", "refused", "evil\r\n220 fake banner\x1b[2J"+huge, Context{})
	if len(ev.Detail) > maxDetail+len("…") || strings.ContainsAny(ev.Detail, "\r\n\x1b") {
		t.Errorf("detail not escaped and bounded: %d bytes", len(ev.Detail))
	}
}

func TestLocalizeJSON(t *testing.T) {
	ev := Evaluate("rcpt", mustParse(t, "550 5.1.1 User unknown"), Context{})
	b, err := json.Marshal(ev.Localize(lang.ES))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"class", "code", "enhanced", "severity", "summary", "meaning", "causes", "actions", "references"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["class"] != "permanent" || m["code"] != float64(550) || m["enhanced"] != "5.1.1" || m["severity"] != "error" {
		t.Errorf("unexpected JSON %s", b)
	}
	// The bilingual form keeps both languages for the GUI.
	b, _ = json.Marshal(ev)
	if !strings.Contains(string(b), `"es":"El destinatario no existe"`) || !strings.Contains(string(b), `"en":"Recipient does not exist"`) {
		t.Errorf("bilingual JSON lacks a language: %s", b)
	}
}

// TestAuthFailureKindsExplained: AUTH problems found on the client side (no
// reply to explain) still get a specific explanation in both languages, not
// the generic "failed without a reply" (RFC 4954 §4).
func TestAuthFailureKindsExplained(t *testing.T) {
	for _, kind := range []string{"auth_plaintext_refused", "auth_unverified_refused", "auth_not_available", "auth_unsupported",
		"auth_bad_challenge", "auth_aborted", "auth_protocol", "auth_input"} {
		ev := EvaluateFailure("auth", kind, "", Context{})
		if ev.Rule != "fail."+kind {
			t.Errorf("%s: decided by rule %q, want fail.%s", kind, ev.Rule, kind)
		}
		if ev.Summary.EN == "" || ev.Summary.ES == "" || ev.Summary.ES == ev.Summary.EN || len(ev.Actions) == 0 {
			t.Errorf("%s: incomplete explanation %+v", kind, ev.Summary)
		}
	}
}

// TestLazyRegexpsCompile compiles every package-level regexp that is
// compiled on first use, as regexp.MustCompile at init used to: a typo in
// one must fail here.
func TestLazyRegexpsCompile(t *testing.T) {
	if len(lazyREs) < 15 {
		t.Fatalf("only %d lazy regexps registered; extract.go and data.go have more", len(lazyREs))
	}
	for _, l := range lazyREs {
		if _, err := regexp.Compile(l.expr); err != nil {
			t.Errorf("%q: %v", l.expr, err)
		}
		if l.get() == nil {
			t.Errorf("%q: get returned nil", l.expr)
		}
	}
}
