package desktop

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/tlsreport"
	"smtpprobe/backend/transcript"
)

// TLS picks the CA file a test trusts and saves the certificates a server
// presented. Both methods take langCode, the UI language of the dialog
// title and the errors.
type TLS struct {
	results *resultCache
	dialogs Dialogs
}

var (
	txtPickCATitle  = lang.Text{EN: "CA certificate file", ES: "Archivo de certificado de CA"}
	txtSaveCertName = lang.Text{EN: "Save certificate", ES: "Guardar certificado"}
	txtNoCert       = lang.Text{
		EN: "There is no certificate to save for this test: the server sent none, or the test is no longer in memory. Run it again, then save.",
		ES: "No hay certificado que guardar de esta prueba: el servidor no envió ninguno o la prueba ya no está en memoria. Vuelva a ejecutarla y guarde después.",
	}
	txtSaveCertFailed = lang.Text{EN: "The certificate could not be saved: %s", ES: "No se pudo guardar el certificado: %s"}
)

// PickCAFile asks for a PEM file of certificate authorities with the native
// open dialog (the wizard's CA file field). It returns the path, or "" when
// the user cancelled. The file is read and checked when the test starts.
func (a *TLS) PickCAFile(langCode string) (string, error) {
	if a.dialogs == nil {
		return "", errNoWindow
	}
	path, err := a.dialogs.OpenFile(txtPickCATitle.In(parseLang(langCode)), "*.pem;*.crt;*.cer")
	if err != nil {
		return "", fmt.Errorf("open dialog: %w", err)
	}
	return path, nil
}

// SaveCertificate writes the certificate chain the server of run host
// (the index in RunResult.Runs) presented in session id as PEM, leaf first,
// where the user picks in the native save dialog. The chain is the Go copy
// kept with the result (Result.PeerCertificates: the DER bytes never go to
// the frontend). It returns the path, or "" when the user cancelled; errors
// are in langCode, the UI language.
func (a *TLS) SaveCertificate(id string, host int, langCode string) (string, error) {
	l := parseLang(langCode)
	rs := a.results.get(id)
	if host < 0 || host >= len(rs) || rs[host] == nil || len(rs[host].PeerCertificates) == 0 {
		return "", errors.New(txtNoCert.In(l))
	}
	if a.dialogs == nil {
		return "", errNoWindow
	}
	r := rs[host]
	name := r.Server.Host
	if name == "" {
		name = r.Server.IP
	}
	name = strings.NewReplacer(" ", "", ":", "-").Replace(safeFileName(name))
	path, err := a.dialogs.SaveFile(txtSaveCertName.In(l), name+".pem", "*.pem")
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if filepath.Ext(path) == "" {
		path += ".pem"
	}
	if err := tlsreport.SavePEM(path, r.PeerCertificates); err != nil {
		return "", &uiError{msg: txtSaveCertFailed.Format(l, transcript.EscapeString(err.Error())), err: err}
	}
	return path, nil
}
