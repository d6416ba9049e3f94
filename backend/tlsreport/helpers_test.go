package tlsreport

import (
	"crypto/x509"

	"smtpprobe/backend/internal/testcerts"
)

func x509HostnameError(l *testcerts.Leaf) error {
	return x509.HostnameError{Certificate: l.Cert, Host: "other.example.test"}
}

func x509Expired(l *testcerts.Leaf, detail string) error {
	return x509.CertificateInvalidError{Cert: l.Cert, Reason: x509.Expired, Detail: detail}
}

func x509Unknown(l *testcerts.Leaf) error {
	return x509.UnknownAuthorityError{Cert: l.Cert}
}
