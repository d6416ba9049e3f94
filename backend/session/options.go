package session

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/address"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/smtpauth"
	"smtpprobe/backend/transcript"
)

// Timeouts bound each wait of a session. Zero fields take the defaults of
// RFC 5321 §4.5.3.2.
type Timeouts struct {
	// Connect bounds opening the TCP connection (default 30 s).
	Connect time.Duration
	// Banner bounds the wait for the 220 greeting (default 5 min).
	Banner time.Duration
	// Command bounds EHLO, HELO, RSET and QUIT (default 5 min).
	Command time.Duration
	// Mail bounds MAIL FROM (default 5 min).
	Mail time.Duration
	// Rcpt bounds each RCPT TO (default 5 min).
	Rcpt time.Duration
	// Data bounds the DATA command's 354 (default 2 min).
	Data time.Duration
	// DataBlock bounds writing each block of the message, and each BDAT
	// reply (default 3 min).
	DataBlock time.Duration
	// FinalDot bounds the reply to the final dot (default 10 min).
	FinalDot time.Duration
}

// DefaultTimeouts are the timeouts of RFC 5321 §4.5.3.2.
var DefaultTimeouts = Timeouts{
	Connect:   30 * time.Second,
	Banner:    5 * time.Minute,
	Command:   5 * time.Minute,
	Mail:      5 * time.Minute,
	Rcpt:      5 * time.Minute,
	Data:      2 * time.Minute,
	DataBlock: 3 * time.Minute,
	FinalDot:  10 * time.Minute,
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	return Timeouts{
		Connect:   pick(t.Connect, d.Connect),
		Banner:    pick(t.Banner, d.Banner),
		Command:   pick(t.Command, d.Command),
		Mail:      pick(t.Mail, d.Mail),
		Rcpt:      pick(t.Rcpt, d.Rcpt),
		Data:      pick(t.Data, d.Data),
		DataBlock: pick(t.DataBlock, d.DataBlock),
		FinalDot:  pick(t.FinalDot, d.FinalDot),
	}
}

// Defaults and limits.
const (
	// DefaultPort is the SMTP port.
	DefaultPort = 25
	// DefaultChunkSize is the size of each BDAT chunk.
	DefaultChunkSize = 64 << 10
	// DefaultMaxAttempts bounds how many addresses are tried before giving
	// up, so a domain with a hundred dead MX hosts cannot keep a session
	// going for an hour.
	DefaultMaxAttempts = 10
	// DefaultMaxParallel bounds the sessions RunAllMX runs at once. Few
	// domains publish more than eight MX hosts, so every host usually
	// starts at once and the run takes as long as the slowest one.
	DefaultMaxParallel = 8
	// MaxRecipients bounds the recipients of one session.
	MaxRecipients = 100
	// MaxEnvID is the longest ENVID, after xtext encoding (RFC 3461 §4.4).
	MaxEnvID = 100
)

// Options describe one test run. Only From and To are required.
//
// The callbacks are called synchronously from the goroutine running the
// session (in RunAllMX, from one of its worker goroutines, but never two at
// once): they must be quick and must not block, or the session waits for
// them. The Entry and Step values are copies; the Result stays the
// authoritative record.
type Options struct {
	// From is the reverse-path: an address, or "" / "<>" for the null
	// sender.
	From string
	// To lists the recipients (at least one).
	To []string
	// Server is "host", "host:port", an IP address or "[IPv6]:port". Empty
	// means the MX hosts of the first recipient's domain.
	Server string
	// Port is the port when Server has none, and for MX hosts (default 25).
	Port int
	// HELO is the name sent with EHLO/HELO: a domain or an address literal.
	// Empty means this computer's host name, or the local address as a
	// literal when the host name is not a usable domain.
	HELO string

	// Subject, Body, Headers, Date and MessageID make the message; see
	// message.Message.
	Subject   string
	Body      string
	Headers   []message.Header
	Date      time.Time
	MessageID string

	// Notify asks for delivery status notifications (RFC 3461 §4.1):
	// any of "success", "failure", "delay", or "never" alone. Empty sends
	// no NOTIFY.
	Notify []string
	// Ret is "full" or "hdrs" (RFC 3461 §4.3); empty sends no RET.
	Ret string
	// EnvID is the envelope identifier (RFC 3461 §4.4), sent xtext-encoded.
	EnvID string
	// ORCPT sends ORCPT=rfc822;address with each recipient (RFC 3461 §4.2).
	ORCPT bool
	// ForceDSN sends the DSN parameters even when the server does not offer
	// DSN (it will most likely reject them, which is the point of trying).
	ForceDSN bool

	// StopAfter ends the session after this step: connect, banner, ehlo,
	// mail, rcpt or data (empty: run everything). After connect the
	// connection is closed without a command, since no greeting was read;
	// after the others QUIT is sent and nothing else.
	StopAfter StepName
	// Pipelining batches commands when the server offers PIPELINING
	// (RFC 2920).
	Pipelining bool
	// PipeliningByDefault says Pipelining is the product's default rather
	// than the user's explicit choice: a server that does not offer
	// PIPELINING then gets lock-step without the warning that an explicit
	// request earns.
	PipeliningByDefault bool
	// Chunking sends the message with BDAT when the server offers CHUNKING
	// (RFC 3030).
	Chunking bool
	// ChunkSize is the size of each BDAT chunk (default DefaultChunkSize).
	ChunkSize int

	// DNSServers are the DNS servers for MX and host lookups when Resolver
	// is nil; empty means the system's.
	DNSServers []string
	// Resolver finds the servers; nil means MXResolver over DNSServers.
	Resolver Resolver
	// Timeouts bound each wait.
	Timeouts Timeouts
	// MaxAttempts bounds the addresses tried (default DefaultMaxAttempts).
	MaxAttempts int
	// MaxParallel bounds the sessions of RunAllMX (default
	// DefaultMaxParallel).
	MaxParallel int
	// Lang is the language of the info lines of the transcript.
	Lang lang.Lang

	// TLS is the TLS mode (default TLSOpportunistic). See TLSMode.
	TLS TLSMode
	// CAFile is a PEM file of authorities trusted in addition to the
	// system roots.
	CAFile string
	// InsecureSkipVerify continues when the certificate does not verify;
	// the failure is still reported in the transcript and Result.TLS.
	InsecureSkipVerify bool
	// TLSMin is the lowest TLS version accepted: "1.0" to "1.3", or "" for
	// Go's default (1.2).
	TLSMin string

	// AuthUser turns on AUTH (RFC 4954) with this user name.
	AuthUser string
	// AuthMech is auto (the default: the strongest offered), plain, login,
	// cram-md5 or xoauth2.
	AuthMech string
	// AuthSecret is the password, or the OAuth token for xoauth2. It prints
	// and marshals as "********" and is never recorded.
	AuthSecret smtpauth.Secret `json:"-"`
	// AllowPlaintextAuth lets AUTH go over a connection without TLS, or over
	// TLS whose certificate did not verify (as InsecureSkipVerify also does).
	AllowPlaintextAuth bool

	// OnEntry receives each transcript entry as it is recorded.
	OnEntry func(transcript.Entry)
	// OnStep receives each step when it starts (Status running) and when
	// it ends, with its Evaluation, and again when a later turn changes an
	// ended step (a server moved on from becomes a warning). Steps are
	// explained beside the session, so an end may come after the next
	// step's start; a consumer keeps the latest call for each Step.ID.
	// Calls are serialised but may come from a goroutine other than the
	// session's; all are made before Run returns.
	OnStep func(Step)
	// OnHostEntry and OnHostStep are used by RunAllMX instead of OnEntry and
	// OnStep when set, with the index of the host's Result.
	OnHostEntry func(host int, e transcript.Entry)
	OnHostStep  func(host int, s Step)
}

// stopPoints are the steps a session may stop after.
var stopPoints = map[StepName]bool{
	StepConnect: true, StepBanner: true, StepEHLO: true, StepMail: true, StepRcpt: true, StepData: true,
}

// plan is Options checked and converted for the wire.
type plan struct {
	o        Options
	t        Timeouts
	from     address.Mailbox
	to       []address.Mailbox
	needUTF8 bool
	helo     string // "" means: address literal of the local address
	server   string // host name or IP literal; "" means MX
	serverIP netip.Addr
	port     int
	domain   string // ASCII domain of the first recipient, for MX
	notify   string
	ret      string
	envid    string
	msg      message.Message
	resolver Resolver
	tls      TLSMode
	authMech string // upper case; "AUTO" when the server's offer decides
}

// IsInputError reports whether err is a rejection of the input, found before
// anything was sent: the CLI exits with exitcode.Usage for it.
func IsInputError(err error) bool {
	var fe *lang.FieldError
	return errors.As(err, &fe)
}

func inputErr(field, value string, kind lang.FieldKind, en, es string) error {
	return lang.NewFieldError(field, value, kind, lang.Text{EN: en, ES: es})
}

// check validates o before any byte is sent. Every error is an
// *lang.FieldError naming the option.
func check(o Options) (*plan, error) {
	p := &plan{o: o, t: o.Timeouts.withDefaults(), port: DefaultPort}
	if err := p.checkTLS(); err != nil {
		return nil, err
	}
	if p.tls == TLSImplicit {
		p.port = DefaultImplicitTLSPort
	}
	if err := p.checkAuth(); err != nil {
		return nil, err
	}
	from, _, err := address.ParseReversePath(o.From)
	if err != nil {
		return nil, lang.RenameField(err, "from")
	}
	p.from = from
	p.needUTF8 = from.NeedsSMTPUTF8()
	if len(o.To) == 0 {
		return nil, inputErr("to", "", lang.KindEmpty, "at least one recipient is needed", "hace falta al menos un destinatario")
	}
	if len(o.To) > MaxRecipients {
		return nil, inputErr("to", "", lang.KindTooLong,
			fmt.Sprintf("%d recipients; the limit is %d", len(o.To), MaxRecipients),
			fmt.Sprintf("%d destinatarios; el límite es %d", len(o.To), MaxRecipients))
	}
	for _, s := range o.To {
		mb, err := address.Parse(s)
		if err != nil {
			return nil, lang.RenameField(err, "to")
		}
		p.to = append(p.to, mb)
		p.needUTF8 = p.needUTF8 || mb.NeedsSMTPUTF8()
	}
	p.domain = p.to[0].ASCIIDomain

	if o.HELO != "" {
		if p.helo, err = address.NormalizeHELO(o.HELO); err != nil {
			return nil, lang.RenameField(err, "helo")
		}
	} else {
		p.helo = defaultHELO()
	}

	if o.Port != 0 {
		if o.Port < 1 || o.Port > 65535 {
			return nil, inputErr("port", strconv.Itoa(o.Port), lang.KindSyntax, "must be 1 to 65535", "debe estar entre 1 y 65535")
		}
		p.port = o.Port
	}
	if o.Server != "" {
		if err := p.parseServer(o.Server); err != nil {
			return nil, err
		}
	}
	for _, s := range o.DNSServers {
		if _, err := mxlookup.ParseServer(s); err != nil {
			var se *mxlookup.ServerError
			reason := lang.Text{EN: err.Error(), ES: mxlookup.Explain(err).ES}
			if errors.As(err, &se) {
				reason = se.Reason
			}
			return nil, lang.NewFieldError("dns-server", s, lang.KindSyntax, reason)
		}
	}
	if err := p.checkDSN(); err != nil {
		return nil, err
	}
	if o.StopAfter != "" && !stopPoints[o.StopAfter] {
		return nil, inputErr("stop-after", string(o.StopAfter), lang.KindSyntax,
			"must be one of connect, banner, ehlo, mail, rcpt, data",
			"debe ser connect, banner, ehlo, mail, rcpt o data")
	}
	if o.ChunkSize < 0 {
		return nil, inputErr("chunk-size", strconv.Itoa(o.ChunkSize), lang.KindSyntax, "must be positive", "debe ser positivo")
	}
	for _, d := range []time.Duration{o.Timeouts.Connect, o.Timeouts.Banner, o.Timeouts.Command, o.Timeouts.Mail,
		o.Timeouts.Rcpt, o.Timeouts.Data, o.Timeouts.DataBlock, o.Timeouts.FinalDot} {
		if d < 0 {
			return nil, inputErr("timeout", d.String(), lang.KindSyntax, "must not be negative", "no puede ser negativo")
		}
	}

	to := make([]string, len(p.to))
	for i, mb := range p.to {
		to[i] = mb.String()
	}
	p.msg = message.Message{
		From: p.from.String(), To: to, Subject: o.Subject, Body: o.Body,
		Headers: o.Headers, Date: o.Date, MessageID: o.MessageID,
	}
	if err := message.Validate(p.msg); err != nil {
		return nil, err
	}
	// The longest MAIL and RCPT lines this session could send, checked now
	// so that a too long line is refused before connecting.
	if err := address.CheckCommandLineLimit(p.mailCommand(dsnAll, 1<<62, "BODY=8BITMIME", "SMTPUTF8"), p.mailLimit(dsnAll, true)); err != nil {
		return nil, lang.RenameField(err, "from")
	}
	for _, mb := range p.to {
		if err := address.CheckCommandLineLimit(p.rcptCommand(mb, dsnAll), p.rcptLimit(dsnAll)); err != nil {
			return nil, lang.RenameField(err, "to")
		}
	}
	p.resolver = o.Resolver
	if p.resolver == nil {
		p.resolver = MXResolver{Options: mxlookup.Options{Servers: o.DNSServers}}
	}
	return p, nil
}

func (p *plan) parseServer(s string) error {
	host, port := s, ""
	if h, pt, err := net.SplitHostPort(s); err == nil {
		host, port = h, pt
	} else if strings.Count(s, ":") == 1 || strings.HasPrefix(s, "[") {
		return inputErr("server", s, lang.KindSyntax,
			"must be HOST, HOST:PORT, an IP address or [IPv6]:PORT",
			"debe ser HOST, HOST:PUERTO, una dirección IP o [IPv6]:PUERTO")
	}
	if _, _, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return inputErr("server", s, lang.KindSyntax, "the port must be 1 to 65535", "el puerto debe estar entre 1 y 65535")
		}
		p.port = n
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Zone() == "" {
		p.server, p.serverIP = ip.String(), ip.Unmap()
		return nil
	}
	_, ascii, err := address.NormalizeDomain(strings.TrimSuffix(host, "."))
	if err != nil {
		return lang.RenameField(err, "server")
	}
	p.server = ascii
	return nil
}

// dsnMode says which DSN parameters go on the wire.
type dsnMode int

const (
	dsnNone dsnMode = iota
	dsnAll
)

func (p *plan) checkDSN() error {
	o := p.o
	seen := map[string]bool{}
	var parts []string
	for _, n := range o.Notify {
		for _, v := range strings.Split(n, ",") {
			v = strings.ToUpper(strings.TrimSpace(v))
			switch v {
			case "SUCCESS", "FAILURE", "DELAY", "NEVER":
			default:
				return inputErr("notify", n, lang.KindSyntax,
					"must be success, failure, delay (comma-separated) or never",
					"debe ser success, failure, delay (separados por comas) o never")
			}
			if !seen[v] {
				seen[v] = true
				parts = append(parts, v)
			}
		}
	}
	if seen["NEVER"] && len(parts) > 1 {
		return inputErr("notify", strings.Join(o.Notify, ","), lang.KindSyntax,
			"never cannot be combined with other values (RFC 3461 §4.1)",
			"never no se puede combinar con otros valores (RFC 3461 §4.1)")
	}
	p.notify = strings.Join(parts, ",")
	switch strings.ToUpper(o.Ret) {
	case "", "FULL", "HDRS":
		p.ret = strings.ToUpper(o.Ret)
	default:
		return inputErr("ret", o.Ret, lang.KindSyntax, "must be full or hdrs (RFC 3461 §4.3)", "debe ser full o hdrs (RFC 3461 §4.3)")
	}
	if o.EnvID != "" {
		if err := address.CheckText("envid", o.EnvID, 0); err != nil {
			return err
		}
		p.envid = address.EncodeXText(o.EnvID)
		if len(p.envid) > MaxEnvID {
			return inputErr("envid", o.EnvID, lang.KindTooLong,
				fmt.Sprintf("is %d characters once encoded; the limit is %d (RFC 3461 §4.4)", len(p.envid), MaxEnvID),
				fmt.Sprintf("ocupa %d caracteres codificado; el límite es %d (RFC 3461 §4.4)", len(p.envid), MaxEnvID))
		}
	}
	return nil
}

// mailCommand builds MAIL FROM with the parameters that apply. size < 0
// leaves SIZE out.
func (p *plan) mailCommand(dsn dsnMode, size int64, params ...string) string {
	var b strings.Builder
	b.WriteString("MAIL FROM:")
	b.WriteString(p.from.Path())
	if size >= 0 {
		fmt.Fprintf(&b, " SIZE=%d", size)
	}
	for _, s := range params {
		b.WriteString(" ")
		b.WriteString(s)
	}
	if dsn == dsnAll {
		if p.ret != "" {
			b.WriteString(" RET=" + p.ret)
		}
		if p.envid != "" {
			b.WriteString(" ENVID=" + p.envid)
		}
	}
	return b.String()
}

// mailLimit is the longest MAIL line allowed: 512 raised by each extension
// used (SIZE +26, RFC 1870 §3; BODY +15, RFC 6152 §2; SMTPUTF8 +10,
// RFC 6531 §3.4; DSN +100, RFC 3461 §5).
func (p *plan) mailLimit(dsn dsnMode, withSize bool) int {
	n := address.CommandLineLimit + 15 + 10
	if withSize {
		n += 26
	}
	if dsn == dsnAll {
		n += 100
	}
	return n
}

func (p *plan) rcptCommand(mb address.Mailbox, dsn dsnMode) string {
	cmd := "RCPT TO:" + mb.Path()
	if dsn == dsnAll {
		if p.notify != "" {
			cmd += " NOTIFY=" + p.notify
		}
		if p.o.ORCPT && !mb.NeedsSMTPUTF8() {
			cmd += " ORCPT=rfc822;" + address.EncodeXText(mb.String())
		}
	}
	return cmd
}

// rcptLimit is the longest RCPT line allowed: 512, +500 with DSN
// (RFC 3461 §5).
func (p *plan) rcptLimit(dsn dsnMode) int {
	if dsn == dsnAll {
		return address.CommandLineLimit + 500
	}
	return address.CommandLineLimit
}

// usesDSN reports whether any DSN parameter was asked for.
func (p *plan) usesDSN() bool {
	return p.notify != "" || p.ret != "" || p.envid != "" || p.o.ORCPT
}

// defaultHELO returns this computer's host name when it is a usable EHLO
// name, else "" (the local address literal is then used, RFC 5321 §4.1.4).
func defaultHELO() string {
	h, err := os.Hostname()
	if err != nil || !strings.Contains(h, ".") {
		// A bare name such as "DESKTOP-1234" is not a domain; servers that
		// check EHLO reject it, so the address literal is the honest choice.
		return ""
	}
	n, err := address.NormalizeHELO(h)
	if err != nil {
		return ""
	}
	return n
}

// addrLiteral returns the EHLO address literal for ip (RFC 5321 §4.1.3).
func addrLiteral(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is6() {
		return "[IPv6:" + ip.WithZone("").String() + "]"
	}
	return "[" + ip.String() + "]"
}
