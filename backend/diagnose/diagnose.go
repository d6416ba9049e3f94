// Package diagnose explains SMTP server replies and connection failures in
// plain language, in English and Spanish: what a reply means, its likely
// causes and what to try next, plus one headline verdict for a whole session.
//
// The knowledge lives in JSON files (data/*.json), not in hand-written code,
// so that admins and translators can read and extend it; go generate turns
// them into knowledge_gen.go, so the binary loads them without parsing
// (data/README.md). Lookup for a reply goes from the most to the least
// specific entry:
//
//  1. step + code + enhanced code (the seed's table: "RCPT 550 5.1.1")
//  2. code + enhanced code
//  3. an exact or ranged enhanced code defined by a vendor (Microsoft 365's
//     5.7.57, 5.7.606–5.7.649...), optionally narrowed by server software or
//     reply text
//  4. text rules: regular expressions over the reply text, for the many
//     replies that carry no enhanced code or only a generic one ("Relay access
//     denied", greylisting, blocklist hits); the first matching rule wins,
//     and rules apply to 4xx and 5xx replies unless they name a code or class
//  5. the IANA registry meaning of the enhanced code (X.1.1, RFC 3463...)
//  6. the registry meaning of its subject (X.1.XXX)
//  7. the basic reply code (RFC 5321 §4.2.3); X.0.0, which only repeats the
//     class (RFC 3463 §3.1), ranks just below it
//  8. the reply class (first digit)
//
// Every entry may be narrowed by step, software, TLS and authentication
// state. The most specific match gives the summary; causes and actions come
// from the first match that has them; references are gathered from all.
//
// The package is pure: no I/O, no network, safe for concurrent use.
package diagnose

import (
	"fmt"
	"strings"

	"smtpprobe/backend/lang"
)

// Severity grades an evaluation for display.
type Severity string

// The severities, from harmless to blocking.
const (
	SeverityOK      Severity = "ok"
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Class is the outcome class of a reply or failure.
type Class string

// The classes. Intermediate is the 3xx class (354 after DATA, 334 during
// AUTH): the server is waiting for more from the client.
const (
	ClassSuccess      Class = "success"
	ClassIntermediate Class = "intermediate"
	ClassTransient    Class = "transient"
	ClassPermanent    Class = "permanent"
)

// Software is the kind of server on the other end, as far as its banner and
// EHLO reply tell.
type Software string

// The server software SMTP Probe recognises.
const (
	SoftwareOther        Software = "other"
	SoftwareExchange     Software = "exchange"
	SoftwareMicrosoft365 Software = "m365"
	SoftwarePostfix      Software = "postfix"
	SoftwareExim         Software = "exim"
	SoftwareSendmail     Software = "sendmail"
	SoftwareGmail        Software = "gmail"
)

// ParseSoftware accepts the names above (case-insensitive) plus a few common
// spellings ("o365", "office365", "exchange-online", "google").
func ParseSoftware(s string) (Software, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "other", "unknown":
		return SoftwareOther, nil
	case "exchange", "exchange-onprem", "exchange-server":
		return SoftwareExchange, nil
	case "m365", "o365", "office365", "microsoft365", "exchange-online", "eop":
		return SoftwareMicrosoft365, nil
	case "postfix":
		return SoftwarePostfix, nil
	case "exim":
		return SoftwareExim, nil
	case "sendmail":
		return SoftwareSendmail, nil
	case "gmail", "google", "google-workspace":
		return SoftwareGmail, nil
	}
	return SoftwareOther, fmt.Errorf("unknown server software %q (use exchange, m365, postfix, exim, sendmail, gmail or other)", s)
}

// Context is what is known about the session when a reply arrived. The zero
// value means plain text, no authentication, unknown software.
type Context struct {
	// TLS reports whether the reply arrived inside TLS (after STARTTLS or on
	// an implicit-TLS port).
	TLS bool
	// AuthUsed reports whether the client authenticated before this reply.
	AuthUsed bool
	// Software is the guessed server software (see GuessSoftware).
	Software Software
}

// Steps are the session step names Evaluate and EvaluateFailure understand.
// Any other step name is accepted and treated as "no particular step".
var Steps = []string{"resolve", "connect", "banner", "ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data", "bdat", "data_end", "quit"}

// FailureKinds are the failure kinds EvaluateFailure knows. Any other kind is
// explained as an unclassified failure.
var FailureKinds = []string{
	"refused", "timeout", "reset", "unreachable",
	"dns_nxdomain", "dns_temporary", "dns_null_mx",
	"protocol", "closed", "canceled",
	"tls", "tls_expired", "tls_unknown_authority", "tls_name_mismatch", "tls_handshake", "starttls_unavailable",
	"tls_fallback_plaintext",
	"auth_plaintext_refused", "auth_unverified_refused", "auth_not_available", "auth_unsupported", "auth_bad_challenge", "auth_aborted",
	"auth_protocol", "auth_input",
}

// Evaluation explains one reply or failure with every text in both
// languages, so a display can switch language without evaluating again.
type Evaluation struct {
	// Step is the session step the reply answered ("rcpt"), if known.
	Step string `json:"step,omitempty"`
	// Class is the outcome class.
	Class Class `json:"class"`
	// Code is the basic reply code; 0 for a failure without a reply.
	Code int `json:"code,omitempty"`
	// Enhanced is the enhanced status code ("5.1.1"), if the reply had one.
	Enhanced string `json:"enhanced,omitempty"`
	// Failure is the failure kind ("refused") when there was no reply.
	Failure string `json:"failure,omitempty"`
	// Detail is the low-level error text that came with a failure, escaped
	// and shortened for display.
	Detail string `json:"detail,omitempty"`
	// Severity grades the evaluation.
	Severity Severity `json:"severity"`
	// Summary is one line saying what happened.
	Summary lang.Text `json:"summary"`
	// CodeMeaning is the meaning of the basic code (or of the failure kind).
	CodeMeaning lang.Text `json:"code_meaning"`
	// EnhancedMeaning is the meaning of the enhanced code; empty without one.
	EnhancedMeaning lang.Text `json:"enhanced_meaning"`
	// Causes are the likely causes, most likely first.
	Causes []lang.Text `json:"causes"`
	// Actions are what to try next, most useful first.
	Actions []lang.Text `json:"actions"`
	// References name RFC sections and vendor documents.
	References []string `json:"references"`
	// Rule is the id of the data entry that decided the summary, for
	// support tickets and tests.
	Rule string `json:"rule"`
	// Verdict is the headline key this evaluation suggests when it decides a
	// session (see Verdict).
	Verdict string `json:"verdict"`
}

// Meaning returns the meanings of the basic and the enhanced code in l,
// joined into one text.
func (e Evaluation) Meaning(l lang.Lang) string {
	var parts []string
	if m := e.CodeMeaning.In(l); m != "" {
		switch {
		case e.Code != 0:
			parts = append(parts, fmt.Sprintf("%d: %s", e.Code, m))
		default:
			parts = append(parts, m)
		}
	}
	if m := e.EnhancedMeaning.In(l); m != "" && e.Enhanced != "" {
		parts = append(parts, fmt.Sprintf("%s: %s", e.Enhanced, m))
	}
	return strings.Join(parts, " ")
}

// LocalizedEvaluation is an Evaluation in one language: the flat JSON form
// of "smtpprobe explain --json" and of the result file.
type LocalizedEvaluation struct {
	Step       string   `json:"step,omitempty"`
	Class      Class    `json:"class"`
	Code       int      `json:"code,omitempty"`
	Enhanced   string   `json:"enhanced,omitempty"`
	Failure    string   `json:"failure,omitempty"`
	Detail     string   `json:"detail,omitempty"`
	Severity   Severity `json:"severity"`
	Summary    string   `json:"summary"`
	Meaning    string   `json:"meaning"`
	Causes     []string `json:"causes"`
	Actions    []string `json:"actions"`
	References []string `json:"references"`
	Rule       string   `json:"rule"`
}

// Localize returns the evaluation in language l.
func (e Evaluation) Localize(l lang.Lang) LocalizedEvaluation {
	refs := e.References
	if refs == nil {
		refs = []string{}
	}
	return LocalizedEvaluation{
		Step:       e.Step,
		Class:      e.Class,
		Code:       e.Code,
		Enhanced:   e.Enhanced,
		Failure:    e.Failure,
		Detail:     e.Detail,
		Severity:   e.Severity,
		Summary:    e.Summary.In(l),
		Meaning:    e.Meaning(l),
		Causes:     texts(e.Causes, l),
		Actions:    texts(e.Actions, l),
		References: refs,
		Rule:       e.Rule,
	}
}

func texts(ts []lang.Text, l lang.Lang) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.In(l))
	}
	return out
}
