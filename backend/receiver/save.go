package receiver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"smtpprobe/backend/atomicfile"
)

// saveEML writes m to dir as an .eml file and returns its path. The name is
// built only from the receiver's own data (time, ids, random), never from
// anything the client sent, so it is safe on every file system. The file is
// written under a temporary name and linked into place, so a reader never
// sees half a message and an existing file is never overwritten.
func saveEML(dir, domain, ehlo, remote string, m *Message, reserve func(int64) bool) (string, error) {
	var head strings.Builder
	fmt.Fprintf(&head, "Return-Path: <%s>\r\n", headerSafe(m.Envelope.From))
	for _, rc := range m.Envelope.Rcpts {
		fmt.Fprintf(&head, "X-SMTPProbe-Rcpt: <%s>\r\n", headerSafe(rc.Addr))
	}
	with := "ESMTP"
	if m.TLS {
		with += "S"
	}
	if m.AuthUser != "" {
		with += "A"
	}
	// RFC 5321 §4.4 trace field, so the file reads like delivered mail.
	fmt.Fprintf(&head, "Received: from %s (%s)\r\n\tby %s (SMTP Probe) with %s id c%dm%d;\r\n\t%s\r\n",
		headerSafe(ehlo), headerSafe(remote), domain, with, m.ConnID, m.ID, m.Time.Format(time.RFC1123Z))

	if !reserve(int64(head.Len() + len(m.Raw))) {
		return "", fmt.Errorf("%w (Config.MaxSaveBytes)", errSaveBudget)
	}
	// The name comes from the receiver's own data; the random part makes
	// a clash (two receivers on one folder) only a retry.
	name := func() string {
		var rnd [4]byte
		_, _ = rand.Read(rnd[:])
		return fmt.Sprintf("%s-c%d-m%d-%s.eml", m.Time.UTC().Format("20060102T150405.000Z"), m.ConnID, m.ID, hex.EncodeToString(rnd[:]))
	}
	final, err := atomicfile.WriteNew(dir, 0o600, name, func(w io.Writer) error {
		if _, err := io.WriteString(w, head.String()); err != nil {
			return err
		}
		_, err := w.Write(m.Raw)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("save message to %s: %w", dir, err)
	}
	return final, nil
}

// errSaveBudget: saving the message would pass Config.MaxSaveBytes.
var errSaveBudget = errors.New("the save folder's byte budget for this run is used up")

// headerSafe keeps client-supplied text from breaking out of a header
// line: control characters (CR, LF among them) become '?'.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return '?'
		}
		return r
	}, s)
}
