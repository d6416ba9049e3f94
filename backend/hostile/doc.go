// Package hostile holds no code, only tests: scenario tests that point the
// session engine at scripted servers which break the protocol on purpose
// (endless replies, slow bytes, resets, half-closes, bad codes, hostile
// bytes), and tests that feed every user input field hostile values. Each
// scenario asserts the failed step, the failure kind, the exit code, the
// transcript and the verdict, so that what a test tool reports about a
// broken server stays true. The servers come from
// smtpprobe/backend/internal/scriptserver and listen on loopback only.
package hostile
