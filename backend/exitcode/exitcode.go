// Package exitcode defines the process exit codes shared by every smtpprobe
// command, so scripts and tickets can rely on one meaning per number.
package exitcode

// Exit codes. They are documented in the README and never renumbered.
const (
	// OK means the command did what was asked and the server(s) accepted it.
	OK = 0
	// Permanent is a permanent failure: NXDOMAIN, null MX, a 5xx rejection.
	Permanent = 1
	// Usage is invalid input or usage; nothing was sent on the network.
	Usage = 2
	// Temporary is a temporary failure: SERVFAIL or timeout from every DNS
	// server, a 4xx reply.
	Temporary = 3
	// Connect means no connection could be opened to any server.
	Connect = 4
	// Protocol is a protocol violation, a TLS failure or a timeout in the
	// middle of a session, and also a refusal SMTP Probe makes itself before
	// a secret would go out in clear (AUTH without TLS).
	Protocol = 5
)
