package tlsreport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/neterrno"
)

// Kind names a class of TLS failure. The values are stable: they appear in
// JSON results and scripts may match on them.
type Kind string

// The failure kinds.
const (
	KindExpired          Kind = "tls_expired"
	KindNotYetValid      Kind = "tls_not_yet_valid"
	KindUnknownAuthority Kind = "tls_unknown_authority"
	KindSelfSigned       Kind = "tls_self_signed"
	KindNameMismatch     Kind = "tls_name_mismatch"
	KindIncompleteChain  Kind = "tls_incomplete_chain"
	KindHandshake        Kind = "tls_handshake"
	KindTimeout          Kind = "tls_timeout"
)

// Problem is a TLS failure explained in both languages, saying what to do.
type Problem struct {
	Kind Kind `json:"kind"`
	// Text holds the English and Spanish explanation ("en", "es" in JSON).
	lang.Text
	// Detail is the underlying error as Go reported it, escaped, for people
	// who want the technical wording.
	Detail string `json:"detail,omitempty"`
}

var texts = map[Kind]lang.Text{
	KindExpired: {
		EN: "The server's certificate has expired. Renew it and bind the new certificate to the SMTP service (on Exchange: Enable-ExchangeCertificate -Services SMTP).",
		ES: "El certificado del servidor ha caducado. Renuévelo y asigne el nuevo certificado al servicio SMTP (en Exchange: Enable-ExchangeCertificate -Services SMTP).",
	},
	KindNotYetValid: {
		EN: "The server's certificate is not valid yet (its start date is in the future). Check the clock on the server and on this computer, or wait until the certificate becomes valid.",
		ES: "El certificado del servidor todavía no es válido (su fecha de inicio está en el futuro). Revise el reloj del servidor y de este equipo, o espere a que el certificado entre en vigor.",
	},
	KindSelfSigned: {
		EN: "The server presents a self-signed certificate, which no other server will trust. Install a certificate from a public authority for the SMTP service, or, for an internal test, trust it explicitly: give the certificate in the CA certificate file field (--ca-file on the command line).",
		ES: "El servidor presenta un certificado autofirmado, en el que ningún otro servidor confiará. Instale para el servicio SMTP un certificado de una entidad pública o, para una prueba interna, confíe en él explícitamente: indique el certificado en el campo Archivo de certificado de CA (--ca-file en la línea de comandos).",
	},
	KindUnknownAuthority: {
		EN: "The server's certificate was issued by an authority this computer does not trust. If it comes from your internal CA, give that CA's certificate in the CA certificate file field (--ca-file on the command line); for mail from the Internet, use a certificate from a public authority.",
		ES: "El certificado del servidor fue emitido por una entidad en la que este equipo no confía. Si procede de su CA interna, indique el certificado de esa CA en el campo Archivo de certificado de CA (--ca-file en la línea de comandos); para correo desde Internet, use un certificado de una entidad pública.",
	},
	KindIncompleteChain: {
		EN: "The server sent its certificate without the intermediate certificate that links it to a trusted authority (incomplete chain). Install the intermediate certificates from your certificate provider on the server. Some clients fetch the missing certificate themselves, but many mail servers do not.",
		ES: "El servidor envió su certificado sin el certificado intermedio que lo une a una entidad de confianza (cadena incompleta). Instale en el servidor los certificados intermedios de su proveedor. Algunos clientes descargan el certificado que falta por su cuenta, pero muchos servidores de correo no.",
	},
	KindNameMismatch: {
		EN: "The server's certificate is not valid for the name you connected to. Use a certificate that lists this name (for example the MX host name) among its subject alternative names, or connect using a name the certificate covers.",
		ES: "El certificado del servidor no es válido para el nombre al que se conectó. Use un certificado que incluya este nombre (por ejemplo el nombre del registro MX) entre sus nombres alternativos, o conéctese con un nombre que el certificado cubra.",
	},
	KindHandshake: {
		EN: "The TLS handshake failed: the server and SMTP Probe could not agree on a protocol version or cipher, or the server aborted. Check the TLS versions enabled on the server; to test an old server, lower the minimum with --tls-min.",
		ES: "La negociación TLS falló: el servidor y SMTP Probe no acordaron una versión del protocolo o un cifrado, o el servidor la interrumpió. Revise las versiones de TLS habilitadas en el servidor; para probar un servidor antiguo, baje el mínimo con --tls-min.",
	},
	KindTimeout: {
		EN: "The server did not complete the TLS handshake in time. A firewall or a filtering device between you and the server may be blocking TLS.",
		ES: "El servidor no completó la negociación TLS a tiempo. Puede que un cortafuegos o un dispositivo de filtrado entre usted y el servidor esté bloqueando TLS.",
	},
}

var (
	textNotTLS = lang.Text{
		EN: "The server did not answer with TLS. On port 25 and 587 use STARTTLS (--tls starttls); implicit TLS (--tls implicit) is for port 465.",
		ES: "El servidor no respondió con TLS. En los puertos 25 y 587 use STARTTLS (--tls starttls); el TLS implícito (--tls implicit) es para el puerto 465.",
	}
	textClosed = lang.Text{
		EN: "The server closed the connection during the TLS handshake. It often means it supports none of the TLS versions or ciphers offered; check its TLS settings or try --tls-min.",
		ES: "El servidor cerró la conexión durante la negociación TLS. Suele indicar que no admite ninguna de las versiones o cifrados ofrecidos; revise su configuración de TLS o pruebe --tls-min.",
	}
	textUnparsable = lang.Text{
		EN: "The server sent a certificate that cannot be read (malformed or using an encoding Go does not accept, RFC 5280). Reissue the certificate or bind a valid one to the SMTP service.",
		ES: "El servidor envió un certificado que no se puede leer (mal formado o con una codificación que Go no acepta, RFC 5280). Vuelva a emitir el certificado o asigne uno válido al servicio SMTP.",
	}
	textVersion = lang.Text{
		EN: "The server and SMTP Probe have no TLS version in common. The server may only offer old versions (TLS 1.0/1.1): update it, or lower the minimum with --tls-min to test it anyway.",
		ES: "El servidor y SMTP Probe no tienen ninguna versión de TLS en común. Puede que el servidor solo ofrezca versiones antiguas (TLS 1.0/1.1): actualícelo, o baje el mínimo con --tls-min para probarlo de todos modos.",
	}
)

// Text returns the explanation for kind k (the generic handshake text for an
// unknown kind).
func Text(k Kind) lang.Text {
	if t, ok := texts[k]; ok {
		return t
	}
	return texts[KindHandshake]
}

// Classify maps a verification or handshake error to a Problem. A nil error
// gives the zero Problem.
func Classify(err error) Problem {
	if err == nil {
		return Problem{}
	}
	p := Problem{Detail: escape(err.Error())}
	p.Kind, p.Text = classify(err)
	return p
}

func classify(err error) (Kind, lang.Text) {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Kind, Text(ve.Kind)
	}
	// Timeouts first: a deadline can surface wrapped in other errors.
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return KindTimeout, Text(KindTimeout)
	}
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var rec tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &host):
		return KindNameMismatch, Text(KindNameMismatch)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if strings.Contains(invalid.Detail, " is before ") {
			return KindNotYetValid, Text(KindNotYetValid)
		}
		return KindExpired, Text(KindExpired)
	case errors.As(err, &unknown):
		// Without the chain the server sent, only the self-signed case can be
		// told apart (the handshake path uses chainKind instead).
		if unknown.Cert != nil && selfSigned(unknown.Cert) {
			return KindSelfSigned, Text(KindSelfSigned)
		}
		return KindUnknownAuthority, Text(KindUnknownAuthority)
	case errors.As(err, &invalid):
		return KindUnknownAuthority, Text(KindUnknownAuthority)
	case errors.As(err, &rec):
		return KindHandshake, textNotTLS
	case errors.As(err, &alert) && alert == 70: // protocol_version, RFC 8446 §6.2
		return KindHandshake, textVersion
	case strings.Contains(err.Error(), "unsupported protocol version") || strings.Contains(err.Error(), "protocol version not supported"):
		// crypto/tls reports a server that picked a version below our minimum
		// with a plain error string, not a typed error.
		return KindHandshake, textVersion
	case strings.Contains(err.Error(), "failed to parse certificate"):
		// crypto/tls wraps the x509 parse error in a plain string.
		return KindHandshake, textUnparsable
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || neterrno.Of(err) == neterrno.Reset:
		return KindHandshake, textClosed
	}
	return KindHandshake, Text(KindHandshake)
}
