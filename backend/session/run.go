package session

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/message"
	"smtpprobe/backend/mxlookup"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// Run checks o and, when it is valid, runs one test session: resolve the
// server (the MX hosts of the first recipient's domain when o.Server is
// empty), connect, and talk SMTP step by step as o asks, moving to the next
// MX host when a connection is refused or times out or a server refuses the
// session at the greeting.
//
// The error is non-nil only for invalid input, found before anything was
// sent; it is a *lang.FieldError (see IsInputError). Everything that
// happens on the network, failures included, is in the Result. Cancelling
// ctx closes the connection at once; the Result then records the step that
// was cut short as failed with FailCanceled.
func Run(ctx context.Context, o Options) (*Result, error) {
	p, err := check(o)
	if err != nil {
		return nil, err
	}
	p.preload()
	return p.run(ctx), nil
}

// preload starts loading, in the background, what the session needs later
// but takes time to load, so it happens while DNS and the connection
// proceed: the system's trusted roots, which the TLS handshake and its
// report need as soon as STARTTLS is answered. The explanations' text rules
// are not preloaded: they compile on first use, on the explainer's
// goroutine beside the wire, and compiling all of them (diagnose.Preload)
// cost a one-shot send about 1.5 ms of CPU for rules it never reached.
//
// It also loads, beside the connection, the two things that building the
// message loads on first use, between the EHLO reply and MAIL FROM: the local
// time zone (the Date: header reads /etc/localtime or the Windows registry)
// and the random source of the Message-ID.
func (p *plan) preload() {
	if p.tls != TLSNone {
		go tlsreport.PreloadRoots()
	}
	go message.Preload()
}

func (p *plan) run(ctx context.Context) *Result {
	e := newEngine(ctx, p, time.Now(), p.o.OnEntry, p.o.OnStep)
	targets := e.resolve()
	e.failover(targets)
	return e.finish()
}

// resolve records the resolve step and returns the servers to try, or nil
// when there is none.
func (e *engine) resolve() []Target {
	p := e.p
	if p.serverIP.IsValid() {
		e.skip(StepResolve, "", lang.Text{EN: "the server is an IP address", ES: "el servidor es una dirección IP"})
		return []Target{{Host: p.server, Addrs: []netip.Addr{p.serverIP}}}
	}
	if p.server != "" {
		e.host = p.server
		i := e.begin(StepResolve, "", "")
		e.info(lang.Text{EN: "Looking up the addresses of %s", ES: "Buscando las direcciones de %s"}, p.server)
		addrs, err := p.resolver.LookupHost(e.ctx, p.server)
		if err != nil || len(addrs) == 0 {
			e.dnsFail(i, err)
			return nil
		}
		e.info(lang.Text{EN: "%s has %s", ES: "%s tiene %s"}, p.server, joinAddrs(addrs))
		e.end(i, StatusOK, "", nil)
		return []Target{{Host: p.server, Addrs: addrs}}
	}
	i := e.begin(StepResolve, "", "")
	e.info(lang.Text{EN: "Looking up the MX records of %s", ES: "Buscando los registros MX de %s"}, p.domain)
	targets, warns, err := p.resolver.LookupMX(e.ctx, p.domain)
	for _, w := range warns {
		e.warn(w.Code, w.Text)
	}
	if err != nil || len(targets) == 0 {
		e.dnsFail(i, err)
		return nil
	}
	for _, t := range targets {
		pref := lang.Text{EN: "implicit MX (the domain itself)", ES: "MX implícito (el propio dominio)"}.In(e.l)
		if t.Preference != nil {
			pref = "MX " + itoa(int(*t.Preference))
		}
		if len(t.Addrs) == 0 {
			why := fmt.Sprint(t.Err)
			if e.l != lang.EN && t.Err != nil {
				why = mxlookup.Explain(t.Err).In(e.l)
			}
			e.info(lang.Text{EN: "%s %s: no address (%s)", ES: "%s %s: sin dirección (%s)"}, pref, t.Host, why)
			continue
		}
		e.info(lang.Text{EN: "%s %s: %s", ES: "%s %s: %s"}, pref, t.Host, joinAddrs(t.Addrs))
	}
	e.end(i, StatusOK, "", nil)
	return targets
}

func (e *engine) dnsFail(i int, err error) {
	f := FailDNSNoHost
	why := lang.Text{EN: "no address found", ES: "no se encontró ninguna dirección"}
	if err != nil {
		f = classifyDNS(e.ctx, err)
		// The English text stays the error itself; the Spanish one is
		// mxlookup's explanation, not the English error.
		why = lang.Text{EN: err.Error(), ES: mxlookup.Explain(err).ES}
		if f == FailCanceled {
			why = describe(f, lang.Text{}, 0, err)
		}
	}
	e.end(i, StatusFailed, f, &why)
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func itoa(n int) string { return strconv.Itoa(n) }

// failover tries the targets' addresses in order until one session runs.
func (e *engine) failover(targets []Target) {
	type cand struct {
		t  Target
		ip netip.Addr
	}
	var cands []cand
	for _, t := range targets {
		for _, ip := range t.Addrs {
			cands = append(cands, cand{t, ip})
		}
	}
	max := e.p.o.MaxAttempts
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	if len(cands) > max {
		e.warn("attempts-capped", lang.Text{
			EN: "Only the first " + itoa(max) + " of " + itoa(len(cands)) + " addresses will be tried",
			ES: "Solo se probarán las primeras " + itoa(max) + " de " + itoa(len(cands)) + " direcciones",
		})
		cands = cands[:max]
	}
	for k, c := range cands {
		if e.ctx.Err() != nil && k > 0 {
			return
		}
		if e.attempt(c.t, c.ip, k == len(cands)-1) == done {
			return
		}
	}
}

// RunAllMX checks o and runs the session against every MX host of the first
// recipient's domain, at most o.MaxParallel at once, each host's addresses
// tried in turn. It returns one Result per host, in MX order; each carries
// the shared resolve step. When the lookup fails it returns the one Result
// with the failed resolve step. o.Server must be empty.
//
// Entries and steps stream to o.OnHostEntry and o.OnHostStep with the index
// of the host's Result (-1 for the shared resolve), or to o.OnEntry and
// o.OnStep when those are nil; calls are serialised, never concurrent.
func RunAllMX(ctx context.Context, o Options) ([]*Result, error) {
	if o.Server != "" {
		return nil, inputErr("all-mx", o.Server, lang.KindSyntax,
			"every-MX mode takes the servers from DNS; leave the server empty",
			"el modo de todos los MX toma los servidores del DNS; deje el servidor vacío")
	}
	p, err := check(o)
	if err != nil {
		return nil, err
	}
	p.preload()
	var mu sync.Mutex
	entryFor := func(h int) func(transcript.Entry) {
		switch {
		case o.OnHostEntry != nil:
			return func(en transcript.Entry) { mu.Lock(); o.OnHostEntry(h, en); mu.Unlock() }
		case o.OnEntry != nil:
			return func(en transcript.Entry) { mu.Lock(); o.OnEntry(en); mu.Unlock() }
		}
		return nil
	}
	stepFor := func(h int) func(Step) {
		switch {
		case o.OnHostStep != nil:
			return func(s Step) { mu.Lock(); o.OnHostStep(h, s); mu.Unlock() }
		case o.OnStep != nil:
			return func(s Step) { mu.Lock(); o.OnStep(s); mu.Unlock() }
		}
		return nil
	}

	start := time.Now()
	re := newEngine(ctx, p, start, entryFor(-1), stepFor(-1))
	targets := re.resolve()
	if targets == nil {
		return []*Result{re.finish()}, nil
	}
	// The hosts start from the lookup as it stands; its explanation, worked
	// out beside them, joins their Results at the end.
	shared := &Result{Steps: re.res.Steps, Warnings: re.res.Warnings, Transcript: re.rec.Entries()}
	results := make([]*Result, len(targets))
	par := o.MaxParallel
	if par <= 0 {
		par = DefaultMaxParallel
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for h, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			e := newEngine(ctx, p, start, entryFor(h), stepFor(h))
			e.res.Steps = append(e.res.Steps, shared.Steps...)
			e.res.Warnings = append(e.res.Warnings, shared.Warnings...)
			for _, en := range shared.Transcript {
				e.rec.Replay(en)
			}
			e.info(lang.Text{EN: "Every-MX mode: host %d of %d", ES: "Modo todos los MX: host %d de %d"}, h+1, len(targets))
			if len(t.Addrs) == 0 {
				e.host = t.Host
				e.res.Server = Server{Host: t.Host, Port: p.port, MXPreference: t.Preference}
				i := e.begin(StepConnect, "", "")
				why := lang.Text{EN: "the host has no address", ES: "el host no tiene dirección"}
				if t.Err != nil {
					why = lang.Text{EN: "the host has no address: " + t.Err.Error(), ES: "el host no tiene dirección: " + mxlookup.Explain(t.Err).ES}
				}
				e.end(i, StatusFailed, classifyDNS(ctx, t.Err), &why)
			} else {
				e.failover([]Target{t})
			}
			results[h] = e.finish()
		}()
	}
	wg.Wait()
	done := re.finish()
	for _, r := range results {
		for k, s := range done.Steps {
			r.Steps[k].Diagnosis, r.Steps[k].Evaluation = s.Diagnosis, s.Evaluation
		}
	}
	return results, nil
}
