package mxlookup

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"smtpprobe/backend/lang"
)

// msg is a text in both languages with fmt verbs, filled in by fmt.
type msg lang.Text

// fmt fills in both languages with the same arguments.
func (m msg) fmt(args ...any) lang.Text {
	return lang.Text{EN: fmt.Sprintf(m.EN, args...), ES: fmt.Sprintf(m.ES, args...)}
}

// Reasons a domain name is refused (ParseDomain).
var (
	txtNameEmpty = msg{
		EN: "the name is empty",
		ES: "el nombre está vacío"}
	txtNameTooLong = msg{
		EN: "the name is longer than %d characters (RFC 1035 §2.3.4)",
		ES: "el nombre tiene más de %d caracteres (RFC 1035 §2.3.4)"}
	txtNameCRLF = msg{
		EN: "the name contains a line break (CR or LF)",
		ES: "el nombre contiene un salto de línea (CR o LF)"}
	txtNameUTF8 = msg{
		EN: "the name is not valid UTF-8 text",
		ES: "el nombre no es texto UTF-8 válido"}
	txtNameControl = msg{
		EN: "the name contains a control character",
		ES: "el nombre contiene un carácter de control"}
	txtNameSpace = msg{
		EN: "the name contains spaces",
		ES: "el nombre contiene espacios"}
	txtNameInvisible = msg{
		EN: "the name contains an invisible formatting character",
		ES: "el nombre contiene un carácter de formato invisible"}
	txtNameEmptyLabel = msg{
		EN: "the name has an empty label (a dot at the start, two dots in a row, or only a dot)",
		ES: "el nombre tiene una etiqueta vacía (un punto al principio, dos puntos seguidos o solo un punto)"}
	txtNameIsIP = msg{
		EN: "this is an IP address, not a domain: connect to it directly instead of looking up its MX",
		ES: "es una dirección IP, no un dominio: conéctese a ella directamente en lugar de buscar su MX"}
	txtNameIDNA = msg{
		EN: "not a valid internationalised domain name (%s)",
		ES: "no es un nombre de dominio internacionalizado válido (%s)"}
	txtNameLabelLong = msg{
		EN: "the label %q is %d octets long; the limit is %d (RFC 1035 §2.3.4)",
		ES: "la etiqueta %q mide %d octetos; el límite es %d (RFC 1035 §2.3.4)"}
	txtNameBadChar = msg{
		EN: "the character %q in %q is not allowed: only letters, digits and hyphens (RFC 5321 §4.1.2)",
		ES: "el carácter %q en %q no está permitido: solo letras, dígitos y guiones (RFC 5321 §4.1.2)"}
	txtNameHyphen = msg{
		EN: "the label %q starts or ends with a hyphen (RFC 5321 §4.1.2)",
		ES: "la etiqueta %q empieza o termina con un guion (RFC 5321 §4.1.2)"}
	txtNameNumericTLD = msg{
		EN: "the last label %q is all digits, which no domain can be",
		ES: "la última etiqueta %q es solo dígitos, y ningún dominio puede serlo"}
)

// Reasons a DNS server address is refused (ParseServer).
var (
	txtServerEmpty = msg{
		EN: "the DNS server address is empty",
		ES: "la dirección del servidor DNS está vacía"}
	txtServerChars = msg{
		EN: "the DNS server address contains spaces or control characters, or is too long",
		ES: "la dirección del servidor DNS contiene espacios o caracteres de control, o es demasiado larga"}
	txtServerNotIP = msg{
		EN: "give the DNS server as an IP address, optionally with a port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)",
		ES: "indique el servidor DNS como dirección IP, con puerto opcional (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)"}
	txtServerPort = msg{
		EN: "the port %q is not a number from 1 to 65535",
		ES: "el puerto %q no es un número de 1 a 65535"}
)

// What a server said, in one phrase (Attempt.Describe).
var (
	txtAttemptTimeout = msg{
		EN: "no answer (timeout)",
		ES: "sin respuesta (tiempo agotado)"}
	txtAttemptCanceled = msg{
		EN: "cancelled",
		ES: "cancelado"}
	txtAttemptMismatch = msg{
		EN: "a reply that does not match the question (ignored)",
		ES: "una respuesta que no corresponde a la pregunta (ignorada)"}
	txtAttemptError = msg{
		EN: "error: %s",
		ES: "error: %s"}
	txtAttemptTruncated = msg{
		EN: "truncated answer, asking again over TCP",
		ES: "respuesta truncada, se vuelve a preguntar por TCP"}
)

// Warnings (Result.Warnings).
var (
	txtWarnDomainCNAME = msg{
		EN: "%s is an alias (CNAME) of %s; its MX records were taken from there",
		ES: "%s es un alias (CNAME) de %s; sus registros MX se tomaron de allí"}
	txtWarnNullPref = msg{
		EN: "a null MX (\".\") has preference %d; RFC 7505 requires 0",
		ES: "un MX nulo (\".\") tiene preferencia %d; la RFC 7505 exige 0"}
	txtWarnNullMixed = msg{
		EN: "a null MX (\".\") is published next to real MX records; it was ignored (RFC 7505 §3 forbids the mix)",
		ES: "se publica un MX nulo (\".\") junto a registros MX reales; se ha ignorado (la RFC 7505 §3 prohíbe la mezcla)"}
	txtWarnTooMany = msg{
		EN: "%d MX records; only the first %d were resolved",
		ES: "%d registros MX; solo se resolvieron los %d primeros"}
	txtWarnImplicit = msg{
		EN: "%s has no MX record: senders use the domain's own address (implicit MX, RFC 5321 §5.1)",
		ES: "%s no tiene registro MX: los remitentes usan la dirección del propio dominio (MX implícito, RFC 5321 §5.1)"}
	txtWarnIPLiteral = msg{
		EN: "the MX record points to %s, an IP address and not a host name; senders will not use it (RFC 5321 §5.1)",
		ES: "el registro MX apunta a %s, una dirección IP y no un nombre de host; los remitentes no lo usarán (RFC 5321 §5.1)"}
	txtWarnCNAME = msg{
		EN: "the MX target %s is an alias (CNAME -> %s); RFC 2181 §10.3 forbids this and some senders refuse it",
		ES: "el destino MX %s es un alias (CNAME -> %s); la RFC 2181 §10.3 lo prohíbe y algunos remitentes lo rechazan"}
	txtWarnOddName = msg{
		EN: "the MX target %s contains characters not allowed in a host name (shown escaped)",
		ES: "el destino MX %s contiene caracteres no permitidos en un nombre de host (se muestran escapados)"}
)

// Explanations of errors (Explain).
var (
	txtErrName = msg{
		EN: "Invalid domain name %q: %s. Nothing was sent.",
		ES: "Nombre de dominio no válido %q: %s. No se envió nada."}
	txtErrServer = msg{
		EN: "Invalid DNS server %q: %s. Nothing was sent.",
		ES: "Servidor DNS no válido %q: %s. No se envió nada."}
	txtErrNoResolver = msg{
		EN: "No DNS server is configured on this computer. Give the address of a DNS server to ask (--dns-server on the command line).",
		ES: "Este equipo no tiene ningún servidor DNS configurado. Indique la dirección de un servidor DNS al que preguntar (--dns-server en la línea de comandos)."}
	txtErrNoResolverWhy = msg{
		EN: "No DNS server is configured on this computer (%s). Give the address of a DNS server to ask (--dns-server on the command line).",
		ES: "Este equipo no tiene ningún servidor DNS configurado (%s). Indique la dirección de un servidor DNS al que preguntar (--dns-server en la línea de comandos)."}
	txtErrNXDomain = msg{
		EN: "%s does not exist (NXDOMAIN). Mail to it fails permanently; check the spelling.",
		ES: "%s no existe (NXDOMAIN). El correo a este dominio falla de forma permanente; revise cómo está escrito."}
	txtErrNullMX = msg{
		EN: "%s publishes a null MX (0 .): it accepts no mail at all (RFC 7505).",
		ES: "%s publica un MX nulo (0 .): no acepta ningún correo (RFC 7505)."}
	txtErrNoMailHost = msg{
		EN: "%s exists but has no MX record and no address: mail cannot be delivered to it.",
		ES: "%s existe pero no tiene registro MX ni dirección: no se le puede entregar correo."}
	txtErrNoAddress = msg{
		EN: "%s has no address (no A or AAAA record).",
		ES: "%s no tiene dirección (ningún registro A ni AAAA)."}
	txtErrNXHost = msg{
		EN: "%s does not exist (NXDOMAIN).",
		ES: "%s no existe (NXDOMAIN)."}
	txtErrLoop = msg{
		EN: "The CNAME records of %s form a loop (%s): the DNS zone is broken.",
		ES: "Los registros CNAME de %s forman un bucle (%s): la zona DNS está mal configurada."}
	txtErrDepth = msg{
		EN: "More than %d CNAME records chained from %s: gave up.",
		ES: "Más de %d registros CNAME encadenados desde %s: se abandonó la búsqueda."}
	txtErrIPLiteral = msg{
		EN: "The MX record names the IP address %s instead of a host name; senders will not use it.",
		ES: "El registro MX indica la dirección IP %s en lugar de un nombre de host; los remitentes no la usarán."}
	txtErrAllFailed = msg{
		EN: "No DNS server answered the %s query for %s (%s). This is temporary: try again later or ask another DNS server.",
		ES: "Ningún servidor DNS respondió a la consulta %s de %s (%s). Es temporal: inténtelo más tarde o pregunte a otro servidor DNS."}
	txtErrAllFailedNone = msg{
		EN: "time ran out before any server could be asked",
		ES: "se agotó el tiempo antes de poder preguntar a ningún servidor"}
	txtErrCanceled = msg{
		EN: "The lookup was cancelled.",
		ES: "La búsqueda se canceló."}
	txtErrOther = msg{
		EN: "%s",
		ES: "%s"}
)

// Explain turns an error from this package into a sentence for people, in
// both languages. Any error is accepted; unknown ones are shown escaped.
func Explain(err error) lang.Text {
	var ne *NameError
	var se *ServerError
	var le *LookupError
	switch {
	case err == nil:
		return lang.Text{}
	case errors.As(err, &ne):
		return lang.Text{EN: txtErrName.fmt(ne.Input, ne.Reason.EN).EN, ES: txtErrName.fmt(ne.Input, ne.Reason.ES).ES}
	case errors.As(err, &se):
		return lang.Text{EN: txtErrServer.fmt(se.Input, se.Reason.EN).EN, ES: txtErrServer.fmt(se.Input, se.Reason.ES).ES}
	case errors.Is(err, ErrNoResolver):
		// Only the cause, in the system's words: the sentinel's own English
		// text would otherwise sit inside the Spanish sentence.
		why := strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrNoResolver.Error()), ": ")
		if why == "" {
			return txtErrNoResolver.fmt()
		}
		return txtErrNoResolverWhy.fmt(safe(why))
	case errors.As(err, &le):
		return explainLookup(le)
	case errors.Is(err, context.Canceled):
		return txtErrCanceled.fmt()
	}
	return txtErrOther.fmt(safe(err.Error()))
}

func explainLookup(le *LookupError) lang.Text {
	chain := strings.Join(le.Chain, " -> ")
	switch {
	case errors.Is(le.Err, ErrNXDomain):
		if le.Query == "MX" {
			return txtErrNXDomain.fmt(le.Name)
		}
		return txtErrNXHost.fmt(le.Name)
	case errors.Is(le.Err, ErrNullMX):
		return txtErrNullMX.fmt(le.Name)
	case errors.Is(le.Err, ErrNoMailHost):
		return txtErrNoMailHost.fmt(le.Name)
	case errors.Is(le.Err, ErrNoAddress):
		return txtErrNoAddress.fmt(le.Name)
	case errors.Is(le.Err, ErrCNAMELoop):
		return txtErrLoop.fmt(le.Name, chain)
	case errors.Is(le.Err, ErrCNAMEDepth):
		return txtErrDepth.fmt(MaxCNAMEChain, le.Name)
	case errors.Is(le.Err, ErrIPLiteralTarget):
		return txtErrIPLiteral.fmt(le.Name)
	case errors.Is(le.Err, ErrAllServersFailed):
		var out lang.Text
		for _, l := range []lang.Lang{lang.EN, lang.ES} {
			said := txtErrAllFailedNone.fmt().In(l)
			if len(le.Attempts) > 0 {
				parts := make([]string, len(le.Attempts))
				for i, a := range le.Attempts {
					parts[i] = a.Server + "/" + a.Net + ": " + a.Describe(l)
				}
				said = strings.Join(parts, "; ")
			}
			s := txtErrAllFailed.fmt(le.Query, le.Name, said).In(l)
			if l == lang.EN {
				out.EN = s
			} else {
				out.ES = s
			}
		}
		return out
	}
	return txtErrOther.fmt(safe(le.Error()))
}

// idnaDisplay returns the U-label form of an ASCII host name, escaped, or an
// error when its A-labels do not decode to valid U-labels.
func idnaDisplay(ascii string) (string, error) {
	u, err := toUnicode(strings.ToLower(ascii))
	if err != nil {
		return "", err
	}
	return safe(u), nil
}
