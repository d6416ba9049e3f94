package mxlookup

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Limits on domain names (RFC 1035 §2.3.4: 63 octets per label, 255 octets
// on the wire, which is 253 characters in dotted form without the final dot).
const (
	MaxLabelLen = 63
	MaxNameLen  = 253
	// maxInputLen rejects absurd input before IDNA processing touches it.
	maxInputLen = 1024
)

// Name is a domain name checked and converted for DNS.
type Name struct {
	// Input is what the user typed, escaped so that it is safe to display.
	Input string
	// ASCII is the name in A-labels (Punycode for internationalised labels),
	// lower case, fully qualified with a trailing dot: what goes on the wire.
	ASCII string
	// Unicode is the name in U-labels without the trailing dot. It equals
	// ASCII without its dot when the name is not internationalised.
	Unicode string
}

// IsIDN reports whether the name has internationalised labels, i.e. whether
// its ASCII and Unicode forms differ.
func (n Name) IsIDN() bool { return n.Unicode != strings.TrimSuffix(n.ASCII, ".") }

// Display returns the name for people: the ASCII form without the trailing
// dot, followed by the Unicode form in parentheses when they differ.
func (n Name) Display() string {
	a := strings.TrimSuffix(n.ASCII, ".")
	if n.IsIDN() {
		return a + " (" + transcript.EscapeString(n.Unicode) + ")"
	}
	return a
}

// ParseDomain checks a domain name typed by a user and converts it for DNS.
// It accepts "fabrikam.com" and "fabrikam.com."; internationalised names are
// converted to A-labels (IDNA2008 lookup profile, UTS #46 mapping), so
// "Bücher.example" becomes "xn--bcher-kva.example.". Labels must follow the
// letters-digits-hyphen rule of RFC 5321 §4.1.2, because the name is a mail
// domain. Errors are *NameError and match ErrInvalidName. Nothing is sent on
// the network.
func ParseDomain(s string) (Name, error) {
	bad := func(reason lang.Text) (Name, error) {
		return Name{}, &NameError{Input: transcript.EscapeString(s), Reason: reason}
	}
	switch {
	case s == "":
		return bad(txtNameEmpty.fmt())
	case len(s) > maxInputLen:
		return bad(txtNameTooLong.fmt(MaxNameLen))
	case strings.ContainsAny(s, "\r\n"):
		return bad(txtNameCRLF.fmt())
	case !utf8.ValidString(s):
		return bad(txtNameUTF8.fmt())
	}
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return bad(txtNameControl.fmt())
		case unicode.IsSpace(r):
			return bad(txtNameSpace.fmt())
		case unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
			// Bidi overrides and other invisible format characters make a
			// name look like another; the joiners are left to IDNA rules.
			return bad(txtNameInvisible.fmt())
		}
	}
	trimmed := strings.TrimSuffix(s, ".")
	if trimmed == "" || strings.HasPrefix(trimmed, ".") || strings.HasSuffix(trimmed, ".") || strings.Contains(trimmed, "..") {
		return bad(txtNameEmptyLabel.fmt())
	}
	if _, err := netip.ParseAddr(strings.Trim(trimmed, "[]")); err == nil {
		return bad(txtNameIsIP.fmt())
	}

	ascii := trimmed
	if !isASCII(trimmed) {
		a, err := idna.Lookup.ToASCII(trimmed)
		if err != nil {
			return bad(txtNameIDNA.fmt(transcript.EscapeString(err.Error())))
		}
		ascii = a
	}
	ascii = strings.ToLower(ascii)
	if reason, ok := checkLDH(ascii); !ok {
		return bad(reason)
	}
	uni, err := toUnicode(ascii)
	if err != nil {
		// Only xn-- labels can fail here: Punycode that does not decode to a
		// valid U-label.
		return bad(txtNameIDNA.fmt(transcript.EscapeString(err.Error())))
	}
	return Name{Input: transcript.EscapeString(s), ASCII: ascii + ".", Unicode: uni}, nil
}

// checkLDH checks a lower-case ASCII name without trailing dot: label and
// name lengths (RFC 1035 §2.3.4) and the letters-digits-hyphen syntax of
// RFC 5321 §4.1.2, plus a non-numeric last label so that the name cannot be
// mistaken for an address (RFC 3696 §2).
func checkLDH(name string) (lang.Text, bool) {
	if len(name) > MaxNameLen {
		return txtNameTooLong.fmt(MaxNameLen), false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if len(l) > MaxLabelLen {
			return txtNameLabelLong.fmt(transcript.EscapeString(truncate(l, 20)), len(l), MaxLabelLen), false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return txtNameBadChar.fmt(transcript.EscapeString(string(r)), transcript.EscapeString(l)), false
			}
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return txtNameHyphen.fmt(l), false
		}
	}
	last := labels[len(labels)-1]
	if strings.Trim(last, "0123456789") == "" {
		return txtNameNumericTLD.fmt(last), false
	}
	return lang.Text{}, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// toUnicode converts the A-labels ("xn--") of an ASCII name to U-labels and
// leaves the other labels alone: converting the whole name would apply the
// IDNA hyphen rule to plain ASCII labels such as "r3--sn-abc", which are
// fine host names.
func toUnicode(ascii string) (string, error) {
	if !strings.Contains(ascii, "xn--") {
		return ascii, nil
	}
	labels := strings.Split(ascii, ".")
	for i, l := range labels {
		if strings.HasPrefix(l, "xn--") {
			u, err := idna.Lookup.ToUnicode(l)
			if err != nil {
				return "", err
			}
			labels[i] = u
		}
	}
	return strings.Join(labels, "."), nil
}
