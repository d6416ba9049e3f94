package report

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/address"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// PasswordPlaceholder stands in for the AUTH secret in a swaks command. A
// profile never holds the secret, and a command line copied to a ticket
// must not either.
const PasswordPlaceholder = "<PASSWORD>"

// swaksQuitAfter maps a profile's stop step to swaks --quit-after. swaks
// has no point after DATA, so stop-after data is left out.
var swaksQuitAfter = map[string]string{
	"connect": "CONNECT",
	"banner":  "BANNER",
	"ehlo":    "HELO",
	"mail":    "MAIL",
	"rcpt":    "RCPT",
}

// Swaks returns the swaks command line that repeats the test of p, quoted
// for a POSIX shell: --server/--port (left out when the MX hosts are
// used: swaks looks them up itself), --from ('<>' for the null sender),
// --to, --helo, a --header per header (Subject first), --body, --tls,
// --tls-optional or --tls-on-connect for the TLS mode (with --tls-verify,
// --tls-ca-path and --tls-protocol where the engine would verify or limit
// the version), --auth with --auth-user and --auth-password
// PasswordPlaceholder, --pipeline, --quit-after for a stop step swaks
// knows, and --timeout.
//
// swaks has one --timeout for every wait; it gets the profile's command
// timeout (the engine's default when unset), which bounds the replies to
// EHLO, MAIL, RCPT and DATA. What swaks 20201014 cannot express is said in
// "# note:" comment lines in language l above the command, so the pasted
// text still runs in a shell: BDAT (CHUNKING), the DSN parameters (swaks
// has no DSN options), stopping after DATA (the command stops after RCPT
// instead, so that no message goes out) and timeouts other than the
// command timeout. Without notes the result is one line.
//
// Control and invisible format characters (U+202E and friends) in
// single-line values are written as transcript.Escape escapes, so a
// hostile profile cannot hide part of the command from the person pasting
// it; the body keeps its line breaks and tabs.
func Swaks(p profile.Profile, l lang.Lang) string {
	var notes []string
	note := func(t lang.Text, args ...any) { notes = append(notes, txtSwaksNote.In(l)+t.Format(l, args...)) }
	args := []string{"swaks"}
	add := func(flag string, value ...string) {
		args = append(args, flag)
		for _, v := range value {
			args = append(args, ShellQuote(v))
		}
	}
	if p.Target.Host != "" {
		add("--server", oneLine(p.Target.Host))
	}
	if p.Target.Port != 0 {
		add("--port", strconv.Itoa(p.Target.Port))
	}
	from := oneLine(p.Envelope.From)
	if from == "" {
		from = "<>"
	}
	add("--from", from)
	if len(p.Envelope.To) > 0 {
		to := make([]string, len(p.Envelope.To))
		for i, t := range p.Envelope.To {
			to[i] = oneLine(t)
		}
		add("--to", strings.Join(to, ","))
	}
	if p.Envelope.EHLO != "" {
		add("--helo", oneLine(p.Envelope.EHLO))
	}
	if p.Message.Subject != "" {
		add("--header", "Subject: "+oneLine(p.Message.Subject))
	}
	for _, h := range p.Message.Headers {
		add("--header", oneLine(h.Name)+": "+oneLine(h.Value))
	}
	if p.Message.Body != "" {
		add("--body", multiLine(p.Message.Body))
	}
	switch p.Target.TLS {
	case profile.TLSStartTLS:
		add("--tls")
	case profile.TLSImplicit:
		add("--tls-on-connect")
	case profile.TLSNone:
	default: // empty means opportunistic, as in the session engine
		add("--tls-optional")
	}
	if p.Target.TLS == profile.TLSStartTLS || p.Target.TLS == profile.TLSImplicit {
		// Required TLS verifies the certificate in the engine unless
		// skip-verify was chosen; swaks does not verify unless told to.
		if !p.Target.InsecureSkipVerify {
			add("--tls-verify")
			if p.Target.CAFile != "" {
				add("--tls-ca-path", oneLine(p.Target.CAFile))
			}
		}
	}
	if p.Target.TLS != profile.TLSNone {
		if no := swaksNoTLS[p.Target.TLSMin]; no != "" {
			add("--tls-protocol", no)
		}
	}
	if p.Auth.Mechanism != "" || p.Auth.User != "" {
		mech := oneLine(p.Auth.Mechanism)
		if mech == "" {
			mech = "PLAIN"
		}
		add("--auth", mech)
		if p.Auth.User != "" {
			add("--auth-user", oneLine(p.Auth.User))
		}
		add("--auth-password", PasswordPlaceholder)
	}
	if p.Pipelining {
		add("--pipeline")
	}
	if p.Chunking {
		note(txtSwaksChunking)
	}
	if dsn := dsnParams(p.Envelope.DSN); dsn != "" {
		note(txtSwaksDSN, dsn)
	}
	if q, ok := swaksQuitAfter[p.StopAfter]; ok {
		add("--quit-after", q)
	} else if p.StopAfter == "data" {
		note(txtSwaksStopData)
		add("--quit-after", "RCPT")
	}
	cmd, others := swaksTimeouts(p.Timeouts, l)
	add("--timeout", cmd)
	if others != "" {
		note(txtSwaksTimeout, cmd, others)
	}
	return strings.Join(append(notes, strings.Join(args, " ")), "\n")
}

// swaksNoTLS maps a profile's minimum TLS version to swaks --tls-protocol,
// which takes the versions to leave out (OpenSSL's names).
var swaksNoTLS = map[string]string{
	"1.1": "no_tlsv1",
	"1.2": "no_tlsv1,no_tlsv1_1",
	"1.3": "no_tlsv1,no_tlsv1_1,no_tlsv1_2",
}

// Notes of the swaks command.
var (
	txtSwaksNote     = lang.Text{EN: "# note: ", ES: "# nota: "}
	txtSwaksChunking = lang.Text{
		EN: "swaks cannot send with BDAT (CHUNKING, RFC 3030); this command sends the message with DATA.",
		ES: "swaks no puede enviar con BDAT (CHUNKING, RFC 3030); este comando envía el mensaje con DATA.",
	}
	txtSwaksDSN = lang.Text{
		EN: "swaks has no DSN options (RFC 3461); %s is not sent.",
		ES: "swaks no tiene opciones DSN (RFC 3461); %s no se envía.",
	}
	txtSwaksStopData = lang.Text{
		EN: "swaks cannot stop after DATA; this command stops after RCPT TO, so no message goes out either.",
		ES: "swaks no puede parar tras DATA; este comando para tras RCPT TO, así que tampoco sale ningún mensaje.",
	}
	txtSwaksTimeout = lang.Text{
		EN: "swaks has a single --timeout for every wait; it is set to the command timeout (%s). Not carried over: %s.",
		ES: "swaks tiene un solo --timeout para todas las esperas; se fija al de los comandos (%s). No se trasladan: %s.",
	}
)

// dsnParams lists the DSN parameters of d as they would go on the wire
// (NOTIFY=..., RET=..., ENVID, ORCPT), or "" when there are none.
func dsnParams(d profile.DSN) string {
	var out []string
	if len(d.Notify) > 0 {
		n := make([]string, len(d.Notify))
		for i, v := range d.Notify {
			n[i] = strings.ToUpper(oneLine(v))
		}
		out = append(out, "NOTIFY="+strings.Join(n, ","))
	}
	if d.Ret != "" {
		out = append(out, "RET="+strings.ToUpper(oneLine(d.Ret)))
	}
	if d.EnvID != "" {
		out = append(out, "ENVID")
	}
	if d.ORCPT {
		out = append(out, "ORCPT")
	}
	return strings.Join(out, " ")
}

// swaksTimeouts returns the command timeout of t in swaks' syntax (digits
// and an h, m or s suffix; the engine's default when unset) and, named in
// l, the other timeouts the profile sets that differ from it, for the note.
func swaksTimeouts(t profile.Timeouts, l lang.Lang) (cmd, others string) {
	connect, banner, _, block, dot, _ := t.Durations()
	cmd = swaksDuration(commandTimeout(t))
	var rest []string
	for _, o := range []struct {
		set  string
		d    time.Duration
		name lang.Text
	}{
		{t.Connect, connect, lang.Text{EN: "connect", ES: "conexión"}},
		{t.Banner, banner, lang.Text{EN: "greeting", ES: "saludo"}},
		{t.DataBlock, block, lang.Text{EN: "message block", ES: "bloque del mensaje"}},
		{t.FinalDot, dot, lang.Text{EN: "final dot", ES: "punto final"}},
	} {
		if o.set != "" && o.d > 0 && swaksDuration(o.d) != cmd {
			rest = append(rest, o.name.In(l)+" "+swaksDuration(o.d))
		}
	}
	return cmd, strings.Join(rest, ", ")
}

// swaksDuration writes d as swaks --timeout reads it: whole hours,
// minutes or seconds, rounded up to the second (0 would mean no timeout).
func swaksDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10) + "s"
}

// ShellQuote quotes s as one word for a POSIX shell: words made only of
// characters no shell treats specially pass as they are, anything else is
// wrapped in single quotes, inside which only the quote itself needs care:
// it becomes quote, backslash, quote, quote, which ends the quoting, adds a
// literal quote and starts quoting again.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PowerShellQuote quotes s as a PowerShell single-quoted string, in which
// nothing is expanded or run: each single quote, including the typographic
// ones PowerShell also takes as quotes (U+2018 to U+201B), is doubled.
// Double quotes would expand $name and run $(...).
func PowerShellQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if r == '\'' || (r >= '\u2018' && r <= '\u201B') {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// portableQuote quotes s for an openssl line that may be pasted into a
// POSIX shell, cmd-less PowerShell or either: a plain host-name token
// stays bare, anything else goes in single quotes, which both take
// literally; a value holding a single quote (or a typographic one, a quote
// to PowerShell) has no quoting common to both and becomes placeholder.
func portableQuote(s, placeholder string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:[]-", r))
	}) < 0 && s[0] != '-' {
		return s
	}
	if strings.ContainsAny(s, "'\u2018\u2019\u201A\u201B") {
		return placeholder
	}
	return "'" + s + "'"
}

// oneLine makes a single-line value safe to show and to type: line
// breaks, control bytes and invisible format characters become escapes.
func oneLine(s string) string { return transcript.EscapeString(s) }

// multiLine keeps line breaks (as LF) and tabs, escaping everything else
// that oneLine would.
func multiLine(s string) string {
	lines := bodyLines(s)
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = transcript.EscapeString(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}

// bodyLines splits a body on CRLF, LF or a lone CR, as the message builder
// treats them all as line ends.
func bodyLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// Notes of the telnet script.
var (
	txtTelnetHead = lang.Text{
		EN: "# SMTP Probe telnet script. Type each line that does not start with '#', in order, and wait for the server's reply before the next one.",
		ES: "# Guion de telnet de SMTP Probe. Escriba en orden cada línea que no empiece por '#' y espere la respuesta del servidor antes de la siguiente.",
	}
	txtTelnetStart = lang.Text{
		EN: "# Start telnet (Windows: 'telnet', after installing the Telnet client), then:",
		ES: "# Inicie telnet (Windows: 'telnet', tras instalar el cliente Telnet) y luego:",
	}
	txtTelnetMX = lang.Text{
		EN: "# First find the mail server of %s: nslookup, then 'set type=mx', then '%s.'; use the host with the lowest preference as MX-HOST.",
		ES: "# Primero busque el servidor de correo de %s: nslookup, luego 'set type=mx', luego '%s.'; use como MX-HOST el host de menor preferencia.",
	}
	txtTelnetMXNone = lang.Text{
		EN: "# No server or domain is set: replace MX-HOST with the mail server to test.",
		ES: "# No hay servidor ni dominio: sustituya MX-HOST por el servidor de correo que quiere probar.",
	}
	txtTelnetStartTLS = lang.Text{
		EN: "# This test needs STARTTLS, which telnet cannot do. Run this instead and type the lines below into it (-crlf ends lines as SMTP requires; -ign_eof stops lines starting with R or Q being taken as openssl commands):",
		ES: "# Esta prueba necesita STARTTLS, que telnet no puede hacer. Ejecute esto en su lugar y escriba en él las líneas siguientes (-crlf termina las líneas como exige SMTP; -ign_eof evita que las líneas que empiezan por R o Q se tomen como órdenes de openssl):",
	}
	txtTelnetOptTLS = lang.Text{
		EN: "# Telnet cannot do STARTTLS, so this session runs unencrypted. For the encrypted variant use: %s",
		ES: "# Telnet no puede hacer STARTTLS, así que esta sesión va sin cifrar. Para la variante cifrada use: %s",
	}
	txtTelnetImplicit = lang.Text{
		EN: "# This server expects TLS from the first byte (port 465), which telnet cannot do. Run this instead and type the lines below into it:",
		ES: "# Este servidor espera TLS desde el primer byte (puerto 465), que telnet no puede hacer. Ejecute esto en su lugar y escriba en él las líneas siguientes:",
	}
	txtTelnetAfterTLS = lang.Text{
		EN: "# openssl has already sent EHLO and STARTTLS; send EHLO again inside TLS:",
		ES: "# openssl ya envió EHLO y STARTTLS; envíe EHLO de nuevo dentro de TLS:",
	}
	txtTelnetAuthPlain = lang.Text{
		EN: "# AUTH PLAIN: replace the placeholder with the base64 of NUL, user name, NUL, password (PowerShell: [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(\"`0\" + %s + \"`0\" + 'PASSWORD'))). Anyone who sees it can decode it.",
		ES: "# AUTH PLAIN: sustituya el marcador por el base64 de NUL, usuario, NUL, contraseña (PowerShell: [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(\"`0\" + %s + \"`0\" + 'CONTRASEÑA'))). Quien lo vea puede decodificarlo.",
	}
	txtTelnetAuthLogin = lang.Text{
		EN: "# AUTH LOGIN: after each 334 reply type the base64 of the user name (given below), then the base64 of the password. Anyone who sees it can decode it.",
		ES: "# AUTH LOGIN: tras cada respuesta 334 escriba el base64 del usuario (abajo), y luego el base64 de la contraseña. Quien lo vea puede decodificarlo.",
	}
	txtTelnetAuthOther = lang.Text{
		EN: "# AUTH %s is a challenge-response mechanism that cannot be typed by hand; use swaks or SMTP Probe itself.",
		ES: "# AUTH %s es un mecanismo de desafío y respuesta que no se puede escribir a mano; use swaks o el propio SMTP Probe.",
	}
	txtTelnetStopData = lang.Text{
		EN: "# Stop after DATA: after the 354 reply close the connection (Ctrl+] then 'quit' in telnet) without sending the message; a QUIT would be taken as message text.",
		ES: "# Parada tras DATA: tras la respuesta 354 cierre la conexión (Ctrl+] y luego 'quit' en telnet) sin enviar el mensaje; un QUIT se tomaría como texto del mensaje.",
	}
	txtTelnetConnectOnly = lang.Text{
		EN: "# Stop after connect: close the connection as soon as it opens (Ctrl+] then 'quit').",
		ES: "# Parada tras la conexión: cierre la conexión en cuanto se abra (Ctrl+] y luego 'quit').",
	}
	txtTelnetData = lang.Text{
		EN: "# The message: headers, a blank line, the body, and a line with a single dot. Body lines starting with a dot get a second dot (RFC 5321 §4.5.2).",
		ES: "# El mensaje: encabezados, una línea en blanco, el cuerpo y una línea con un solo punto. Las líneas del cuerpo que empiezan por punto llevan un segundo punto (RFC 5321 §4.5.2).",
	}
	txtTelnetPipelining = lang.Text{
		EN: "# Note: typed by hand one line at a time, waiting for each reply; the app pipelines (RFC 2920): MAIL FROM, RCPT TO and DATA go in one flight when the server offers PIPELINING.",
		ES: "# Nota: a mano se escribe una línea cada vez, esperando cada respuesta; la aplicación usa pipelining (RFC 2920): MAIL FROM, RCPT TO y DATA van juntos cuando el servidor ofrece PIPELINING.",
	}
	txtTelnetChunking = lang.Text{
		EN: "# Note: the app sends the message with BDAT (CHUNKING, RFC 3030) when the server offers it; by hand DATA is simpler and is used below.",
		ES: "# Nota: la aplicación envía el mensaje con BDAT (CHUNKING, RFC 3030) cuando el servidor lo ofrece; a mano es más sencillo DATA, que es lo que se usa abajo.",
	}
	txtTelnetTimeouts = lang.Text{
		EN: "# Timeouts: the app waits up to %s for each reply and %s for the reply to the final dot; a server silent for longer has timed out.",
		ES: "# Tiempos de espera: la aplicación espera hasta %s cada respuesta y %s la respuesta al punto final; un servidor callado más tiempo ha agotado el plazo.",
	}
	txtTelnetUTF8 = lang.Text{
		EN: "# Note: an address is not ASCII; the server must offer SMTPUTF8 and MAIL FROM needs the SMTPUTF8 parameter (RFC 6531).",
		ES: "# Nota: una dirección no es ASCII; el servidor debe ofrecer SMTPUTF8 y MAIL FROM necesita el parámetro SMTPUTF8 (RFC 6531).",
	}
)

// PlainPlaceholder and PasswordB64Placeholder stand in for the base64
// credentials of the telnet script.
const (
	PlainPlaceholder       = "<BASE64 OF NUL+USER+NUL+PASSWORD>"
	PasswordB64Placeholder = "<BASE64 OF PASSWORD>"
)

// TelnetScript returns the lines to type, in order, to run the test of p
// by hand in telnet, as in the Exchange "use Telnet to test SMTP" routine:
// open host port, EHLO, (AUTH), MAIL FROM with RET/ENVID, RCPT TO with
// NOTIFY, DATA, the headers, a blank line, the dot-stuffed body, the final
// dot, QUIT. Lines starting with '#' are notes in language l. Secrets are
// placeholders with instructions to base64 them; STARTTLS and implicit TLS,
// which telnet cannot do, are given as their openssl s_client equivalent.
// Values are made single-line and visible with transcript.Escape.
func TelnetScript(p profile.Profile, l lang.Lang) string {
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	add(txtTelnetHead.In(l))
	if p.Pipelining {
		add(txtTelnetPipelining.In(l))
	}
	if p.Chunking {
		add(txtTelnetChunking.In(l))
	}
	add(txtTelnetTimeouts.Format(l, swaksDuration(commandTimeout(p.Timeouts)), swaksDuration(finalDotTimeout(p.Timeouts))))

	host := oneLine(p.Target.Host)
	if host == "" {
		host = "MX-HOST"
		domain := p.Target.Domain
		if domain == "" && len(p.Envelope.To) > 0 {
			if at := strings.LastIndexByte(p.Envelope.To[0], '@'); at >= 0 {
				domain = p.Envelope.To[0][at+1:]
			}
		}
		if domain != "" {
			d := oneLine(domain)
			add(txtTelnetMX.Format(l, d, d))
		} else {
			add(txtTelnetMXNone.In(l))
		}
	}
	port := p.Target.Port
	if port == 0 {
		port = 25
		if p.Target.TLS == profile.TLSImplicit {
			port = 465
		}
	}
	helo := oneLine(p.Envelope.EHLO)
	if helo == "" {
		helo = "client.example.com"
	}
	hostPort := hostPort(host, port)
	starttls := "openssl s_client -starttls smtp -name " + portableQuote(helo, "EHLO-NAME") + " -connect " + portableQuote(hostPort, "MX-HOST:"+strconv.Itoa(port)) + " -crlf -ign_eof"
	switch p.Target.TLS {
	case profile.TLSStartTLS:
		add(txtTelnetStartTLS.In(l), starttls, txtTelnetAfterTLS.In(l))
	case profile.TLSImplicit:
		add(txtTelnetImplicit.In(l), "openssl s_client -connect "+portableQuote(hostPort, "MX-HOST:"+strconv.Itoa(port))+" -crlf -ign_eof")
	case profile.TLSNone:
		add(txtTelnetStart.In(l), fmt.Sprintf("open %s %d", host, port))
	default:
		add(txtTelnetOptTLS.Format(l, starttls), txtTelnetStart.In(l), fmt.Sprintf("open %s %d", host, port))
	}
	if p.StopAfter == "connect" {
		add(txtTelnetConnectOnly.In(l))
		return strings.Join(lines, "\n") + "\n"
	}
	if p.StopAfter == "banner" {
		add("QUIT")
		return strings.Join(lines, "\n") + "\n"
	}
	add("EHLO " + helo)
	if p.StopAfter != "ehlo" {
		lines = append(lines, authLines(p, l)...)
	}
	if p.StopAfter == "ehlo" {
		add("QUIT")
		return strings.Join(lines, "\n") + "\n"
	}

	utf8 := false
	mail := "MAIL FROM:<" + oneLine(p.Envelope.From) + ">"
	if !isASCII(p.Envelope.From) {
		utf8 = true
	}
	for _, t := range p.Envelope.To {
		if !isASCII(t) {
			utf8 = true
		}
	}
	if utf8 {
		add(txtTelnetUTF8.In(l))
		mail += " SMTPUTF8"
	}
	if r := p.Envelope.DSN.Ret; r != "" {
		mail += " RET=" + strings.ToUpper(oneLine(r))
	}
	if e := p.Envelope.DSN.EnvID; e != "" {
		mail += " ENVID=" + address.EncodeXText(e)
	}
	add(mail)
	if p.StopAfter == "mail" {
		add("QUIT")
		return strings.Join(lines, "\n") + "\n"
	}
	notify := ""
	if len(p.Envelope.DSN.Notify) > 0 {
		n := make([]string, len(p.Envelope.DSN.Notify))
		for i, v := range p.Envelope.DSN.Notify {
			n[i] = strings.ToUpper(oneLine(v))
		}
		notify = " NOTIFY=" + strings.Join(n, ",")
	}
	for _, t := range p.Envelope.To {
		add("RCPT TO:<" + oneLine(t) + ">" + notify)
	}
	if p.StopAfter == "rcpt" {
		add("QUIT")
		return strings.Join(lines, "\n") + "\n"
	}
	add("DATA")
	if p.StopAfter == "data" {
		add(txtTelnetStopData.In(l))
		return strings.Join(lines, "\n") + "\n"
	}
	add(txtTelnetData.In(l))
	if p.Envelope.From != "" {
		add("From: <" + oneLine(p.Envelope.From) + ">")
	}
	if len(p.Envelope.To) > 0 {
		to := make([]string, len(p.Envelope.To))
		for i, t := range p.Envelope.To {
			to[i] = "<" + oneLine(t) + ">"
		}
		add("To: " + strings.Join(to, ", "))
	}
	if p.Message.Subject != "" {
		add("Subject: " + oneLine(p.Message.Subject))
	}
	for _, h := range p.Message.Headers {
		add(oneLine(h.Name) + ": " + oneLine(h.Value))
	}
	add("")
	for _, b := range bodyLines(strings.TrimRight(p.Message.Body, "\r\n")) {
		b = multiLine(b)
		if strings.HasPrefix(b, ".") {
			b = "." + b // RFC 5321 §4.5.2 transparency
		}
		add(b)
	}
	add(".", "QUIT")
	return strings.Join(lines, "\n") + "\n"
}

// commandTimeout and finalDotTimeout are the waits the engine uses for the
// test of t: the profile's, or the engine's defaults.
func commandTimeout(t profile.Timeouts) time.Duration {
	if _, _, c, _, _, err := t.Durations(); err == nil && c > 0 {
		return c
	}
	return session.DefaultTimeouts.Mail
}

func finalDotTimeout(t profile.Timeouts) time.Duration {
	if _, _, _, _, d, err := t.Durations(); err == nil && d > 0 {
		return d
	}
	return session.DefaultTimeouts.FinalDot
}

func authLines(p profile.Profile, l lang.Lang) []string {
	if p.Auth.Mechanism == "" && p.Auth.User == "" {
		return nil
	}
	mech := strings.ToUpper(oneLine(p.Auth.Mechanism))
	user := p.Auth.User
	switch mech {
	case "", "PLAIN":
		return []string{txtTelnetAuthPlain.Format(l, PowerShellQuote(oneLine(user))), "AUTH PLAIN " + PlainPlaceholder}
	case "LOGIN":
		// The user name is not a secret, so its base64 can be given; only
		// the password stays a placeholder.
		return []string{txtTelnetAuthLogin.In(l), "AUTH LOGIN", base64.StdEncoding.EncodeToString([]byte(user)), PasswordB64Placeholder}
	}
	return []string{txtTelnetAuthOther.Format(l, mech)}
}

func hostPort(host string, port int) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
