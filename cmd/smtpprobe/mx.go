package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
)

func init() {
	register("mx", "look up the mail exchangers of a domain (like nslookup -type=mx)", runMX)
}

// maxTimeout caps --timeout: a longer wait only hides a broken resolver.
const maxTimeout = 10 * time.Minute

// Texts of the mx command.
var (
	txtMXServer    = lang.Text{EN: "Server:  %s (%s)", ES: "Servidor:  %s (%s)"}
	txtMXName      = lang.Text{EN: "Name:    %s", ES: "Nombre:  %s"}
	txtMXEqual     = lang.Text{EN: "equal preference %d: %s (senders pick among them at random)", ES: "misma preferencia %d: %s (los remitentes eligen entre ellos al azar)"}
	txtMXImplicit  = lang.Text{EN: "%s  no MX record: implicit MX, preference = 0, mail exchanger = %s", ES: "%s  sin registro MX: MX implícito, preferencia = 0, intercambiador de correo = %s"}
	txtMXNoAddr    = lang.Text{EN: "%s  *** no address: %s", ES: "%s  *** sin dirección: %s"}
	txtMXVerdict   = lang.Text{EN: "Verdict: %s", ES: "Veredicto: %s"}
	txtMXWarning   = lang.Text{EN: "Warning: %s", ES: "Aviso: %s"}
	txtMXOK        = lang.Text{EN: "mail for %s goes to %d host(s); senders try %s first.", ES: "el correo para %s va a %d servidor(es); los remitentes prueban primero %s."}
	txtMXOKImplied = lang.Text{EN: "%s has no MX record; mail goes to the domain's own address (implicit MX).", ES: "%s no tiene registro MX; el correo va a la dirección del propio dominio (MX implícito)."}
	txtMXPartial   = lang.Text{EN: " %d of them have no address.", ES: " %d de ellos no tienen dirección."}
	txtMXNoneAddr  = lang.Text{EN: "%s has MX records but none of its hosts has an address: mail cannot be delivered now.", ES: "%s tiene registros MX pero ninguno de sus servidores tiene dirección: ahora no se le puede entregar correo."}
	txtMXUsage     = lang.Text{
		EN: "Usage: smtpprobe mx DOMAIN [--dns-server HOST[:PORT]]... [--timeout 20s] [--json] [--lang en|es]",
		ES: "Uso: smtpprobe mx DOMINIO [--dns-server HOST[:PUERTO]]... [--timeout 20s] [--json] [--lang en|es]"}
)

// timeoutFlag accepts a Go duration ("20s", "1m") or, like nslookup's
// "set timeout=20", a plain number of seconds.
type timeoutFlag time.Duration

func (t *timeoutFlag) String() string { return time.Duration(*t).String() }

func (t *timeoutFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		n, nerr := strconv.Atoi(v)
		if nerr != nil {
			return fmt.Errorf("not a duration (20s, 1m) or a number of seconds")
		}
		d = time.Duration(n) * time.Second
	}
	if d <= 0 || d > maxTimeout {
		return fmt.Errorf("must be more than 0 and at most %s", maxTimeout)
	}
	*t = timeoutFlag(d)
	return nil
}

// dnsServerFlag registers the repeatable --dns-server flag, checking each
// address as it is parsed; errors are in l, the environment's language,
// since --lang may come later on the command line.
func dnsServerFlag(fs *flag.FlagSet, servers *[]string, l lang.Lang) {
	fs.Func("dns-server", "DNS server to ask, IP[:port]; repeat for more (default: the system's)", func(v string) error {
		addr, err := mxlookup.ParseServer(v)
		if err != nil {
			return errors.New(mxlookup.Explain(err).In(l))
		}
		*servers = append(*servers, addr)
		return nil
	})
}

func runMX(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		servers []string
		timeout = timeoutFlag(mxlookup.DefaultTimeout)
		asJSON  bool
		langStr string
	)
	l := lang.FromEnv()
	fs := flag.NewFlagSet("mx", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dnsServerFlag(fs, &servers, l)
	fs.Var(&timeout, "timeout", "total time allowed, e.g. 20s")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	fs.Usage = func() {
		fmt.Fprintln(stderr, txtMXUsage.In(l))
		fs.PrintDefaults()
	}
	pos, parsed, code, ok := parseCommandLine(fs, args, &langStr, stderr)
	if !ok {
		return code
	}
	l = parsed
	if len(pos) != 1 {
		fmt.Fprintln(stderr, txtMXUsage.In(l))
		return exitcode.Usage
	}

	opts := mxlookup.Options{Servers: servers, Timeout: time.Duration(timeout)}
	res, err := mxlookup.Lookup(ctx, pos[0], opts)
	code = mxExitCode(res, err)
	if asJSON {
		if werr := writeMXJSON(stdout, res, err, l); werr != nil {
			fmt.Fprintf(stderr, "smtpprobe mx: writing JSON: %v\n", werr)
			return exitcode.Protocol
		}
		return code
	}
	if mxlookup.Usage(err) {
		fmt.Fprintf(stderr, "smtpprobe mx: %s\n", mxlookup.Explain(err).In(l))
		return code
	}
	writeMXText(stdout, res, err, l)
	return code
}

// mxExitCode maps the outcome to the shared exit codes. A lookup that found
// MX hosts but no usable address is temporary when any host failed for a
// temporary reason (its servers may answer later), else permanent.
func mxExitCode(res mxlookup.Result, err error) int {
	switch {
	case err == nil:
	case mxlookup.Usage(err):
		return exitcode.Usage
	case mxlookup.Permanent(err):
		return exitcode.Permanent
	default:
		return exitcode.Temporary
	}
	temporary := false
	for _, h := range res.Hosts {
		if len(h.Addresses) > 0 {
			return exitcode.OK
		}
		temporary = temporary || mxlookup.Temporary(h.Err)
	}
	if temporary {
		return exitcode.Temporary
	}
	return exitcode.Permanent
}

// verdict is the one-line summary of the outcome.
func verdict(res mxlookup.Result, err error, l lang.Lang) string {
	if err != nil {
		return mxlookup.Explain(err).In(l)
	}
	domain := res.Name.Display()
	if res.ImplicitMX {
		return txtMXOKImplied.Format(l, domain)
	}
	missing := 0
	first := ""
	for _, h := range res.Hosts {
		if len(h.Addresses) == 0 {
			missing++
		} else if first == "" {
			first = h.Exchanger
		}
	}
	if first == "" {
		return txtMXNoneAddr.Format(l, domain)
	}
	v := txtMXOK.Format(l, domain, len(res.Hosts), first)
	if missing > 0 {
		v += txtMXPartial.Format(l, missing)
	}
	return v
}

// writeMXText prints the result the way nslookup does, then a verdict and
// the warnings. The record lines keep nslookup's English wording in both
// languages (Windows nslookup prints them so on Spanish systems too), so an
// admin can compare them line by line.
func writeMXText(w io.Writer, res mxlookup.Result, err error, l lang.Lang) {
	if res.Resolver.Addr != "" {
		fmt.Fprintln(w, txtMXServer.Format(l, res.Resolver.Addr, strings.ToUpper(res.Resolver.Net)))
	}
	if res.Name.IsIDN() {
		fmt.Fprintln(w, txtMXName.Format(l, res.Name.Display()))
	}
	if res.Resolver.Addr != "" || res.Name.IsIDN() {
		fmt.Fprintln(w)
	}
	domain := strings.TrimSuffix(res.Name.ASCII, ".")
	prev := domain
	for _, c := range res.CNAMEs {
		fmt.Fprintf(w, "%s  canonical name = %s\n", prev, c)
		prev = c
	}
	if res.NullMX {
		fmt.Fprintf(w, "%s  MX preference = 0, mail exchanger = .\n", prev)
	}
	for _, h := range res.Hosts {
		if h.Implicit {
			fmt.Fprintln(w, txtMXImplicit.Format(l, prev, h.Exchanger))
			continue
		}
		name := h.Exchanger
		if h.ExchangerUnicode != "" {
			name += " (" + h.ExchangerUnicode + ")"
		}
		fmt.Fprintf(w, "%s  MX preference = %d, mail exchanger = %s\n", prev, h.Preference, name)
	}
	writeEqualGroups(w, res.Hosts, l)
	for _, h := range res.Hosts {
		from := h.Exchanger
		for _, c := range h.CNAMEs {
			fmt.Fprintf(w, "%s  canonical name = %s\n", from, c)
			from = c
		}
		for _, a := range h.Addresses {
			if a.IP.Is4() {
				fmt.Fprintf(w, "%s  internet address = %s\n", h.Exchanger, a.IP)
			} else {
				fmt.Fprintf(w, "%s  AAAA IPv6 address = %s\n", h.Exchanger, a.IP)
			}
		}
		if h.Err != nil {
			fmt.Fprintln(w, txtMXNoAddr.Format(l, h.Exchanger, mxlookup.Explain(h.Err).In(l)))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, txtMXVerdict.Format(l, verdict(res, err, l)))
	for _, wn := range res.Warnings {
		fmt.Fprintln(w, txtMXWarning.Format(l, wn.Text.In(l)))
	}
}

// writeEqualGroups lists the hosts that share a preference.
func writeEqualGroups(w io.Writer, hosts []mxlookup.Host, l lang.Lang) {
	for i := 0; i < len(hosts); {
		j := i + 1
		for j < len(hosts) && hosts[j].Preference == hosts[i].Preference {
			j++
		}
		if j-i > 1 {
			names := make([]string, 0, j-i)
			for _, h := range hosts[i:j] {
				names = append(names, h.Exchanger)
			}
			fmt.Fprintln(w, txtMXEqual.Format(l, hosts[i].Preference, strings.Join(names, ", ")))
		}
		i = j
	}
}

// mxJSON is the --json document; its keys are part of the interface.
type mxJSON struct {
	Domain        string       `json:"domain"`
	DomainUnicode string       `json:"domain_unicode,omitempty"`
	Resolver      string       `json:"resolver"`
	Rcode         string       `json:"rcode"`
	NullMX        bool         `json:"null_mx"`
	ImplicitMX    bool         `json:"implicit_mx"`
	Hosts         []mxHostJSON `json:"hosts"`
	Warnings      []string     `json:"warnings"`
	ElapsedMS     float64      `json:"elapsed_ms"`
	Error         string       `json:"error,omitempty"`
}

type mxHostJSON struct {
	Preference uint16   `json:"preference"`
	Exchanger  string   `json:"exchanger"`
	Addresses  []string `json:"addresses"`
	Error      *string  `json:"error"`
}

func writeMXJSON(w io.Writer, res mxlookup.Result, err error, l lang.Lang) error {
	doc := mxJSON{
		Domain:     strings.TrimSuffix(res.Name.ASCII, "."),
		Resolver:   res.Resolver.String(),
		Rcode:      res.RcodeName(),
		NullMX:     res.NullMX,
		ImplicitMX: res.ImplicitMX,
		Hosts:      []mxHostJSON{},
		Warnings:   []string{},
		ElapsedMS:  float64(res.Elapsed.Microseconds()) / 1000,
	}
	if doc.Domain == "" {
		// Rejected before parsing finished: show what was typed, escaped.
		var ne *mxlookup.NameError
		if errors.As(err, &ne) {
			doc.Domain = ne.Input
		}
	}
	if res.Name.IsIDN() {
		doc.DomainUnicode = res.Name.Unicode
	}
	for _, h := range res.Hosts {
		hj := mxHostJSON{Preference: h.Preference, Exchanger: h.Exchanger, Addresses: []string{}}
		for _, a := range h.Addresses {
			hj.Addresses = append(hj.Addresses, a.IP.String())
		}
		if h.Err != nil {
			s := mxlookup.Explain(h.Err).In(l)
			hj.Error = &s
		}
		doc.Hosts = append(doc.Hosts, hj)
	}
	for _, wn := range res.Warnings {
		doc.Warnings = append(doc.Warnings, wn.Text.In(l))
	}
	if err != nil {
		doc.Error = mxlookup.Explain(err).In(l)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
