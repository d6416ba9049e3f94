package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/report"
	"smtpprobe/backend/sendercheck"
	"smtpprobe/backend/transcript"
)

func init() {
	register("sender", "check whether receivers will trust the sending machine: reverse DNS, EHLO name, SPF, DMARC, blocklists", runSender)
}

// Texts of the sender command.
var (
	txtSenderUsage = lang.Text{
		EN: "Usage: smtpprobe sender [--ip IP] [--helo NAME] [--from ADDR] [--from-header-domain DOMAIN] [--dns-server IP[:PORT]]... [--dnsbl ZONE]... [--dbl ZONE]... [--timeout 20s] [--json] [--lang en|es]\n" +
			"Without --ip, the local address this computer would send from is checked (marked private when it is behind NAT).",
		ES: "Uso: smtpprobe sender [--ip IP] [--helo NOMBRE] [--from DIR] [--from-header-domain DOMINIO] [--dns-server IP[:PUERTO]]... [--dnsbl ZONA]... [--dbl ZONA]... [--timeout 20s] [--json] [--lang en|es]\n" +
			"Sin --ip se comprueba la dirección local desde la que este equipo enviaría (marcada como privada si está detrás de un NAT)."}
	txtSenderBadIP = lang.Text{EN: "--ip %q is not an IP address", ES: "--ip %q no es una dirección IP"}
	txtSenderNoIP  = lang.Text{EN: "no local address found (%v): give the sending address with --ip", ES: "no se encontró la dirección local (%v): indique la dirección de envío con --ip"}
)

func runSender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		dnsbl, dbl                 multiFlag
		ipStr, helo, from, fromHdr string
		timeout                    = timeoutFlag(sendercheck.DefaultTimeout)
		asJSON                     bool
		langStr                    string
		dnsblSet, dblSet           bool
	)
	l := lang.FromEnv()
	fs := flag.NewFlagSet("sender", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&ipStr, "ip", "", "the sending IP address to check (default: this computer's local address)")
	fs.StringVar(&helo, "helo", "", "the EHLO/HELO name the sending server announces")
	fs.StringVar(&from, "from", "", "the MAIL FROM address (its domain's SPF is evaluated); \"<>\" for the null sender")
	fs.StringVar(&fromHdr, "from-header-domain", "", "the domain of the From: header, for DMARC (default: the MAIL FROM domain)")
	var dnsServers []string
	dnsServerFlag(fs, &dnsServers, l)
	fs.Func("dnsbl", "IP blocklist zone; repeat for more (default: the widely used public ones)", func(v string) error {
		dnsblSet = true
		return dnsbl.Set(v)
	})
	fs.Func("dbl", "domain blocklist zone; repeat for more (default: dbl.spamhaus.org, multi.surbl.org)", func(v string) error {
		dblSet = true
		return dbl.Set(v)
	})
	fs.Var(&timeout, "timeout", "total time allowed, e.g. 20s")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	fs.Usage = func() {
		fmt.Fprintln(stderr, txtSenderUsage.In(l))
		fs.PrintDefaults()
	}
	pos, parsed, code, ok := parseCommandLine(fs, args, &langStr, stderr)
	if !ok {
		return code
	}
	l = parsed
	usage := func(msg string) int {
		fmt.Fprintf(stderr, "smtpprobe sender: %s\n", msg)
		return exitcode.Usage
	}
	if len(pos) > 0 {
		return usage(txtSendArgs.Format(l, transcript.EscapeString(pos[0])))
	}

	in := sendercheck.Input{HELO: helo, MailFrom: from, FromDomain: fromHdr, Source: sendercheck.Given}
	if dnsblSet {
		in.DNSBL = append([]string{}, dnsbl...)
	}
	if dblSet {
		in.DBL = append([]string{}, dbl...)
	}
	if ipStr != "" {
		ip, err := netip.ParseAddr(ipStr)
		if err != nil {
			return usage(txtSenderBadIP.Format(l, transcript.EscapeString(ipStr)))
		}
		in.IP = ip
	} else {
		ip, err := localAddress(dnsServers)
		if err != nil {
			return usage(txtSenderNoIP.Format(l, err))
		}
		in.IP, in.Source = ip, sendercheck.FromLocal
	}
	rep, err := sendercheck.Check(ctx, in, sendercheck.Options{DNS: mxlookup.Options{Servers: dnsServers}, Timeout: time.Duration(timeout)})
	if err != nil {
		return usage(lang.ErrorText(err, l))
	}
	rep.Localize(l)
	code = senderExitCode(rep)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "smtpprobe sender: writing JSON: %v\n", err)
			return exitcode.Protocol
		}
		return code
	}
	if err := report.SenderText(stdout, rep, l); err != nil {
		fmt.Fprintf(stderr, "smtpprobe sender: %v\n", err)
	}
	return code
}

// senderExitCode is 1 when a check fails, 3 when none fails but some could
// not be made, else 0.
func senderExitCode(r *sendercheck.Report) int {
	switch r.Worst() {
	case sendercheck.Fail:
		return exitcode.Permanent
	case sendercheck.CouldNotCheck:
		return exitcode.Temporary
	}
	return exitcode.OK
}

// localAddress returns the address this computer would send from: the
// source the routing table picks for the first DNS server (or a public
// address when none was given). Connecting a UDP socket sends nothing.
func localAddress(servers []string) (netip.Addr, error) {
	target := "192.0.2.1:25" // TEST-NET-1: routed like any Internet address, never reached
	if len(servers) > 0 {
		target = servers[0]
	}
	c, err := net.Dial("udp", target)
	if err != nil {
		return netip.Addr{}, err
	}
	defer c.Close()
	ap, err := netip.ParseAddrPort(c.LocalAddr().String())
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr().Unmap(), nil
}
