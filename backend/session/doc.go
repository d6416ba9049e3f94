// Package session runs an SMTP test session the way a mail admin does it by
// hand over telnet (resolve the MX, connect to port 25, EHLO, MAIL FROM,
// RCPT TO with DSN, DATA, the message, the final dot, QUIT), watching every
// reply, and records it as steps and a direction-tagged transcript.
//
// The engine is its own SMTP client on top of package smtpwire: every byte
// is recorded, replies are read strictly, every wait has a timeout
// (RFC 5321 §4.5.3.2 defaults), and cancelling the context closes the
// connection at once. Input is checked completely before anything goes on
// the network (Run returns a *lang.FieldError then).
//
// Run runs one session, moving along the MX hosts in preference order when a
// connection fails or a server refuses the session at its greeting.
// RunAllMX runs the same steps against every MX host concurrently.
// Options.OnEntry and Options.OnStep stream the transcript and the steps as
// they happen (steps are explained beside the session, so the next command
// never waits for an explanation; see Options.OnStep); the returned Result
// is the authoritative copy, and its JSON form is documented on Result.
package session
