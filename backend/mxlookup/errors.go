package mxlookup

import (
	"errors"
	"fmt"
	"strings"

	"smtpprobe/backend/lang"
)

// Sentinel errors. Lookup and LookupHost return them wrapped (in *NameError,
// *ServerError or *LookupError); test for them with errors.Is, and use
// Permanent and Temporary for the broad class.
var (
	// ErrInvalidName: the name given is not a usable domain name. Nothing was
	// sent.
	ErrInvalidName = errors.New("invalid domain name")
	// ErrInvalidServer: a DNS server address given is not usable. Nothing was
	// sent.
	ErrInvalidServer = errors.New("invalid DNS server address")
	// ErrNoResolver: no DNS server was given and none is configured on this
	// computer. Nothing was sent.
	ErrNoResolver = errors.New("no DNS server configured")

	// ErrNXDomain: the name does not exist (RCODE 3, NXDOMAIN). Permanent.
	ErrNXDomain = errors.New("domain does not exist (NXDOMAIN)")
	// ErrNullMX: the domain publishes a null MX "0 ." and accepts no mail
	// (RFC 7505). Permanent.
	ErrNullMX = errors.New("domain accepts no mail (null MX, RFC 7505)")
	// ErrNoMailHost: the domain exists but has neither MX records nor
	// addresses for an implicit MX (RFC 5321 §5.1). Permanent.
	ErrNoMailHost = errors.New("domain has no MX record and no address")
	// ErrNoAddress: a host name exists but has no A or AAAA record.
	// Permanent.
	ErrNoAddress = errors.New("host has no A or AAAA record")
	// ErrCNAMELoop: a chain of CNAME records leads back to itself. Permanent
	// (the zone is broken).
	ErrCNAMELoop = errors.New("CNAME loop")
	// ErrCNAMEDepth: a chain of CNAME records is longer than MaxCNAMEChain.
	// Permanent.
	ErrCNAMEDepth = errors.New("CNAME chain too long")
	// ErrIPLiteralTarget: an MX record names an IP address instead of a
	// host name (RFC 5321 §5.1 requires a domain name); its addresses are not
	// looked up. Permanent.
	ErrIPLiteralTarget = errors.New("MX target is an IP address, not a host name")

	// ErrAllServersFailed: no DNS server gave a usable answer (SERVFAIL,
	// REFUSED, timeouts, broken replies). Temporary; *LookupError lists each
	// server tried and what it said.
	ErrAllServersFailed = errors.New("no DNS server answered")
)

// Permanent reports whether err is an outcome that asking again will not
// change: the name does not exist, accepts no mail, or its DNS is broken.
func Permanent(err error) bool {
	for _, e := range []error{ErrNXDomain, ErrNullMX, ErrNoMailHost, ErrNoAddress, ErrCNAMELoop, ErrCNAMEDepth, ErrIPLiteralTarget} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Temporary reports whether err may go away when asked again later: every
// DNS server failed or timed out.
func Temporary(err error) bool { return errors.Is(err, ErrAllServersFailed) }

// Usage reports whether err is a problem with the input (name or DNS
// server), found before anything was sent.
func Usage(err error) bool {
	return errors.Is(err, ErrInvalidName) || errors.Is(err, ErrInvalidServer) || errors.Is(err, ErrNoResolver)
}

// NameError reports a domain name rejected before any query was sent.
type NameError struct {
	// Input is the rejected name, escaped for display.
	Input string
	// Reason says what is wrong, in both languages.
	Reason lang.Text
}

func (e *NameError) Error() string {
	return fmt.Sprintf("%v %q: %s", ErrInvalidName, e.Input, e.Reason.EN)
}

// Unwrap returns ErrInvalidName.
func (e *NameError) Unwrap() error { return ErrInvalidName }

// ServerError reports a DNS server address that cannot be used.
type ServerError struct {
	// Input is the rejected address, escaped for display.
	Input string
	// Reason says what is wrong, in both languages.
	Reason lang.Text
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("%v %q: %s", ErrInvalidServer, e.Input, e.Reason.EN)
}

// Unwrap returns ErrInvalidServer.
func (e *ServerError) Unwrap() error { return ErrInvalidServer }

// LookupError reports a failed lookup of one name: which name, which query,
// which servers were asked and what each said.
type LookupError struct {
	// Err is one of the sentinel errors of this package.
	Err error
	// Name is the name being resolved when the failure happened (after any
	// CNAME), presentation format, safe to display.
	Name string
	// Query is the record type asked for ("MX", "A", "AAAA").
	Query string
	// Chain lists the CNAME targets followed before the failure, in order.
	Chain []string
	// Attempts lists every exchange with a DNS server for this query.
	Attempts []Attempt
	// Cause is the context error when the lookup was cut short by a
	// cancellation or the total timeout, else nil.
	Cause error
}

func (e *LookupError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %v", e.Query, e.Name, e.Err)
	if len(e.Chain) > 0 {
		fmt.Fprintf(&b, " (via CNAME %s)", strings.Join(e.Chain, " -> "))
	}
	if errors.Is(e.Err, ErrAllServersFailed) && len(e.Attempts) > 0 {
		b.WriteString(": ")
		for i, a := range e.Attempts {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(a.Server + "/" + a.Net + ": " + a.Describe(lang.EN))
		}
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, " (%v)", e.Cause)
	}
	return b.String()
}

// Unwrap returns the sentinel error and, when set, the context error, so both
// errors.Is(err, ErrAllServersFailed) and errors.Is(err,
// context.DeadlineExceeded) work.
func (e *LookupError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}
