package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/report"
	"smtpprobe/backend/sendercheck"
	"smtpprobe/backend/session"
)

// senderFlag is send --no-sender-checks.
type senderFlag struct{ off bool }

func registerSenderFlag(fs *flag.FlagSet) *senderFlag {
	f := &senderFlag{}
	fs.BoolVar(&f.off, "no-sender-checks", false, "do not run the sender checks (reverse DNS, EHLO name, SPF, DMARC, blocklists) beside the session")
	return f
}

// attach chains the sender checks into o's step callbacks, so they start
// once the egress IP is known without the session waiting on them; nil
// when turned off.
func (f *senderFlag) attach(ctx context.Context, o *session.Options) *session.SenderChecks {
	if f.off {
		return nil
	}
	sc := session.NewSenderChecks(ctx, sendercheck.Input{HELO: o.HELO, MailFrom: o.From},
		sendercheck.Options{DNS: mxlookup.Options{Servers: o.DNSServers}})
	sc.Attach(o)
	return sc
}

// finishSender waits for the checks after the session and adds them to
// every result, localized in l.
func finishSender(sc *session.SenderChecks, results []*session.Result, l lang.Lang) {
	if sc != nil {
		sc.FinishAll(results, l)
	}
}

// printSender prints the "Sender checks" section of the first result that
// has one (every MX host shares the same report).
func printSender(w io.Writer, results []*session.Result, l lang.Lang) {
	for _, r := range results {
		if r.Sender != nil {
			fmt.Fprintln(w)
			report.SenderText(w, r.Sender, l)
			return
		}
	}
}
