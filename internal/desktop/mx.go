package desktop

import (
	"context"
	"errors"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/mxlookup"
)

// MXRequest asks for the mail exchangers of a domain.
type MXRequest struct {
	Domain string `json:"domain"`
	// DNSServer is an IP address with an optional port; empty means the
	// system's resolvers.
	DNSServer string `json:"dns_server"`
	// Lang is the language of the notes and errors ("en" or "es").
	Lang string `json:"lang"`
}

// MXHost is one mail exchanger as the Destination step shows it.
type MXHost struct {
	Preference       int      `json:"preference"`
	Exchanger        string   `json:"exchanger"`
	ExchangerUnicode string   `json:"exchanger_unicode,omitempty"`
	Equal            bool     `json:"equal"`
	Implicit         bool     `json:"implicit"`
	Addresses        []string `json:"addresses"`
	Flags            []string `json:"flags"`
	// Error says, in the asked language, why the host has no address.
	Error string `json:"error,omitempty"`
}

// MXResult is the outcome of LookupMX. Lookup failures are reported in
// Error (in the asked language) rather than as a rejected promise, because
// the partial answer (resolver, null MX flag) is worth showing with them.
type MXResult struct {
	Domain     string   `json:"domain"`
	Display    string   `json:"display"`
	Resolver   string   `json:"resolver"`
	Rcode      string   `json:"rcode"`
	NullMX     bool     `json:"null_mx"`
	ImplicitMX bool     `json:"implicit_mx"`
	Hosts      []MXHost `json:"hosts"`
	Warnings   []string `json:"warnings"`
	ElapsedMS  float64  `json:"elapsed_ms"`
	Error      string   `json:"error,omitempty"`
	// ErrorKind is "usage", "permanent", "temporary" or "" with no error.
	ErrorKind string `json:"error_kind,omitempty"`
}

// MX looks up mail exchangers for the Destination step.
type MX struct {
	life *lifetime
}

// LookupMX finds the mail exchangers of req.Domain (the wizard's "Look up
// MX" button).
func (a *MX) LookupMX(req MXRequest) MXResult {
	l := parseLang(req.Lang)
	var opts mxlookup.Options
	if s := strings.TrimSpace(req.DNSServer); s != "" {
		opts.Servers = []string{s}
	}
	ctx, cancel := context.WithTimeout(a.life.context(), mxlookup.DefaultTimeout)
	defer cancel()
	res, err := mxlookup.Lookup(ctx, strings.TrimSpace(req.Domain), opts)
	return mxResultDTO(res, err, l)
}

func mxResultDTO(res mxlookup.Result, err error, l lang.Lang) MXResult {
	out := MXResult{
		Domain:     res.Name.ASCII,
		Display:    res.Name.Display(),
		Resolver:   res.Resolver.String(),
		Rcode:      res.RcodeName(),
		NullMX:     res.NullMX,
		ImplicitMX: res.ImplicitMX,
		Hosts:      []MXHost{},
		Warnings:   []string{},
		ElapsedMS:  float64(res.Elapsed.Microseconds()) / 1000,
	}
	if res.Resolver.Addr == "" {
		out.Resolver = ""
	}
	for _, h := range res.Hosts {
		dto := MXHost{
			Preference:       int(h.Preference),
			Exchanger:        h.Exchanger,
			ExchangerUnicode: h.ExchangerUnicode,
			Equal:            h.Equal,
			Implicit:         h.Implicit,
			Addresses:        []string{},
			Flags:            []string{},
		}
		for _, ad := range h.Addresses {
			dto.Addresses = append(dto.Addresses, ad.IP.String())
		}
		for _, f := range h.Flags {
			dto.Flags = append(dto.Flags, string(f))
		}
		if h.Err != nil {
			dto.Error = mxlookup.Explain(h.Err).In(l)
		}
		out.Hosts = append(out.Hosts, dto)
	}
	for _, w := range res.Warnings {
		out.Warnings = append(out.Warnings, w.Text.In(l))
	}
	if err != nil {
		out.Error = mxlookup.Explain(err).In(l)
		switch {
		case mxlookup.Usage(err):
			out.ErrorKind = "usage"
		case mxlookup.Permanent(err):
			out.ErrorKind = "permanent"
		case mxlookup.Temporary(err), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			out.ErrorKind = "temporary"
		default:
			out.ErrorKind = "temporary"
		}
	}
	return out
}
