package tlsreport

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"smtpprobe/backend/atomicfile"
)

// SavePEM writes chain as PEM certificates, leaf first, to path. The write is
// atomic (see package atomicfile) so an interrupted run never leaves a truncated file where a previous good one
// was. The file mode is 0644: certificates are public.
func SavePEM(path string, chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return errors.New("tlsreport: save certificate: the server sent no certificate")
	}
	var data []byte
	for _, c := range chain {
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	return nil
}
