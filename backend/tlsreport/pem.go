package tlsreport

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SavePEM writes chain as PEM certificates, leaf first, to path. The write is
// atomic (a temporary file in the same directory, fsync, rename) so an
// interrupted run never leaves a truncated file where a previous good one
// was. The file mode is 0644: certificates are public.
func SavePEM(path string, chain []*x509.Certificate) (err error) {
	if len(chain) == 0 {
		return errors.New("tlsreport: save certificate: the server sent no certificate")
	}
	var data []byte
	for _, c := range chain {
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("tlsreport: save certificate: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the platform allows it; failure is
// not an error because the file itself is already complete and synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
