// Package version holds the single version string shared by the desktop
// app, the smtpprobe command line and the bound Version() method.
package version

// Version is the release of SMTP Probe. Release builds may override it with
// -ldflags "-X smtpprobe/backend/version.Version=...".
var Version = "0.1.0"

// Name is the product name shown in window titles and reports.
const Name = "SMTP Probe"
