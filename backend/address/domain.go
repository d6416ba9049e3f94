package address

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"

	"smtpprobe/backend/lang"
)

// idnaProfile converts internationalised names the way resolvers look them
// up (UTS #46 non-transitional mapping, IDNA2008 validity, the Bidi rule of
// RFC 5893, STD3 host-name characters). DNS length checks are ours, so that
// errors can name the RFC 5321 limits.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(false),
)

// NormalizeHELO checks the name given to EHLO/HELO and returns the form to
// send: a domain converted to A-labels, or an address literal such as
// [192.0.2.1] or [IPv6:2001:db8::1] (RFC 5321 §4.1.1.1, §4.1.3). One
// trailing dot is dropped, because fully qualified names from DNS often carry
// it. A bare IP address is refused with a hint to bracket it.
func NormalizeHELO(name string) (string, error) {
	const field = "EHLO"
	if name == "" {
		return "", newError(field, name, lang.KindEmpty, "is empty", "está vacío")
	}
	if fe := scanHostile(field, name, false); fe != nil {
		return "", fe
	}
	d := strings.TrimSuffix(name, ".")
	_, ascii, fe := checkDomainOrLiteral(field, name, d)
	if fe != nil {
		return "", fe
	}
	return ascii, nil
}

// ValidateHELO reports whether name can be sent with EHLO/HELO; see
// NormalizeHELO.
func ValidateHELO(name string) error {
	_, err := NormalizeHELO(name)
	return err
}

// NormalizeDomain checks a domain name (not a literal) and returns its
// Unicode and A-label forms, e.g. for the domain whose MX hosts are wanted.
func NormalizeDomain(name string) (unicode, ascii string, err error) {
	const field = "domain"
	if name == "" {
		return "", "", newError(field, name, lang.KindEmpty, "is empty", "está vacío")
	}
	if fe := scanHostile(field, name, false); fe != nil {
		return "", "", fe
	}
	if strings.HasPrefix(name, "[") {
		return "", "", newError(field, name, lang.KindSyntax,
			"is an address literal; a domain name is needed here",
			"es un literal de dirección; aquí se necesita un nombre de dominio")
	}
	u, a, fe := checkDomainOrLiteral(field, name, name)
	if fe != nil {
		return "", "", fe
	}
	return u, a, nil
}

// checkDomainOrLiteral checks d (the part of s after the @, or a whole EHLO
// name) and returns its display and wire forms.
func checkDomainOrLiteral(field, s, d string) (unicode, ascii string, fe *lang.FieldError) {
	if d == "" {
		return "", "", newError(field, s, lang.KindEmpty, "has an empty domain", "tiene el dominio vacío")
	}
	if strings.HasPrefix(d, "[") {
		lit, fe := checkLiteral(field, s, d)
		return lit, lit, fe
	}
	return checkDomain(field, s, d)
}

// checkLiteral checks an address-literal (RFC 5321 §4.1.3). General address
// literals (a registered tag other than IPv6) are refused: nothing registers
// one, and a server would not know it either.
func checkLiteral(field, s, d string) (string, *lang.FieldError) {
	if !strings.HasSuffix(d, "]") {
		return "", newError(field, s, lang.KindSyntax,
			"opens an address literal with '[' but does not close it with ']'",
			"abre un literal de dirección con '[' pero no lo cierra con ']'")
	}
	inner := d[1 : len(d)-1]
	if len(inner) >= 5 && strings.EqualFold(inner[:5], "IPv6:") {
		a, err := netip.ParseAddr(inner[5:])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", newError(field, s, lang.KindSyntax,
				"has an IPv6 address literal that is not a valid IPv6 address (zones such as %eth0 are not allowed)",
				"tiene un literal IPv6 que no es una dirección IPv6 válida (no se admiten zonas como %eth0)")
		}
		return "[IPv6:" + a.String() + "]", nil
	}
	if a, err := netip.ParseAddr(inner); err == nil {
		if a.Is4() {
			return "[" + a.String() + "]", nil
		}
		return "", newError(field, s, lang.KindSyntax,
			fmt.Sprintf("has an IPv6 literal without its tag; write it as [IPv6:%s] (RFC 5321 §4.1.3)", a.String()),
			fmt.Sprintf("tiene un literal IPv6 sin su etiqueta; escríbalo como [IPv6:%s] (RFC 5321 §4.1.3)", a.String()))
	}
	if strings.Contains(inner, ":") {
		return "", newError(field, s, lang.KindSyntax,
			"has a general address literal, which is not supported; use [192.0.2.1] or [IPv6:2001:db8::1]",
			"tiene un literal de dirección general, que no se admite; use [192.0.2.1] o [IPv6:2001:db8::1]")
	}
	return "", newError(field, s, lang.KindSyntax,
		"has an address literal that is not a valid IPv4 address (four decimal numbers 0-255, no leading zeros)",
		"tiene un literal de dirección que no es una IPv4 válida (cuatro números decimales 0-255, sin ceros a la izquierda)")
}

// checkDomain checks a domain name: LDH labels (RFC 5321 §4.1.2 Domain,
// RFC 1035 §2.3.1), or Unicode labels that IDNA2008 converts to A-labels.
func checkDomain(field, s, d string) (unicode, ascii string, fe *lang.FieldError) {
	if a, err := netip.ParseAddr(d); err == nil {
		hint := a.String()
		if a.Is6() {
			hint = "IPv6:" + hint
		}
		return "", "", newError(field, s, lang.KindSyntax,
			fmt.Sprintf("uses a bare IP address; an IP address must be written in brackets: [%s] (RFC 5321 §4.1.3)", hint),
			fmt.Sprintf("usa una dirección IP sin corchetes; una IP debe escribirse entre corchetes: [%s] (RFC 5321 §4.1.3)", hint))
	}
	if strings.HasSuffix(d, ".") {
		return "", "", newError(field, s, lang.KindSyntax,
			"has a domain ending in a dot; leave the final dot out",
			"tiene un dominio que termina en punto; quite el punto final")
	}
	ascii = d
	if !isASCII(d) {
		var err error
		ascii, err = idnaProfile.ToASCII(d)
		if err != nil {
			return "", "", newError(field, s, lang.KindSyntax,
				fmt.Sprintf("has a domain that is not a valid internationalised name (IDNA2008): %v", err),
				fmt.Sprintf("tiene un dominio que no es un nombre internacionalizado válido (IDNA2008): %v", err))
		}
	}
	ascii = strings.ToLower(ascii)
	if len(ascii) > MaxDomain {
		return "", "", newError(field, s, lang.KindTooLong,
			fmt.Sprintf("has a domain of %d octets; the limit is %d (RFC 5321 §4.5.3.1.2)", len(ascii), MaxDomain),
			fmt.Sprintf("tiene un dominio de %d octetos; el límite es %d (RFC 5321 §4.5.3.1.2)", len(ascii), MaxDomain))
	}
	punycode := false
	for _, label := range strings.Split(ascii, ".") {
		if fe := checkLabel(field, s, label); fe != nil {
			return "", "", fe
		}
		if strings.HasPrefix(label, "xn--") {
			punycode = true
		}
	}
	unicode = ascii
	if punycode {
		var err error
		unicode, err = idnaProfile.ToUnicode(ascii)
		if err != nil {
			return "", "", newError(field, s, lang.KindSyntax,
				fmt.Sprintf("has an xn-- label that is not valid Punycode for IDNA2008: %v", err),
				fmt.Sprintf("tiene una etiqueta xn-- que no es Punycode válido para IDNA2008: %v", err))
		}
		// A name the user typed in Unicode must come back as itself after the
		// round trip; otherwise the A-label was not produced by a valid
		// mapping and we would send something other than what was shown.
		if back, err := idnaProfile.ToASCII(unicode); err != nil || back != ascii {
			return "", "", newError(field, s, lang.KindSyntax,
				"has an xn-- label that does not round-trip through IDNA2008",
				"tiene una etiqueta xn-- que no se conserva al convertirla con IDNA2008")
		}
	}
	return unicode, ascii, nil
}

// checkLabel checks one LDH label: 1-63 octets of letters, digits and
// hyphens, not starting or ending with a hyphen.
func checkLabel(field, s, label string) *lang.FieldError {
	if label == "" {
		return newError(field, s, lang.KindSyntax,
			"has an empty label in the domain (a leading dot or two dots in a row)",
			"tiene una etiqueta vacía en el dominio (un punto al principio o dos puntos seguidos)")
	}
	if len(label) > MaxLabel {
		return newError(field, s, lang.KindTooLong,
			fmt.Sprintf("has a domain label of %d octets; the limit is %d (RFC 1035 §2.3.4)", len(label), MaxLabel),
			fmt.Sprintf("tiene una etiqueta de dominio de %d octetos; el límite es %d (RFC 1035 §2.3.4)", len(label), MaxLabel))
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		case c == ' ':
			return newError(field, s, lang.KindSyntax,
				"contains a space in the domain",
				"contiene un espacio en el dominio")
		default:
			return newError(field, s, lang.KindSyntax,
				fmt.Sprintf("contains '%c' in the domain; only letters, digits, hyphens and dots are allowed (RFC 5321 §4.1.2)", c),
				fmt.Sprintf("contiene '%c' en el dominio; solo se admiten letras, dígitos, guiones y puntos (RFC 5321 §4.1.2)", c))
		}
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return newError(field, s, lang.KindSyntax,
			"has a domain label that starts or ends with a hyphen",
			"tiene una etiqueta de dominio que empieza o termina con guion")
	}
	return nil
}
