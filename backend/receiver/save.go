package receiver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// saveEML writes m to dir as an .eml file and returns its path. The name is
// built only from the receiver's own data (time, ids, random), never from
// anything the client sent, so it is safe on every file system. The file is
// written under a temporary name and linked into place, so a reader never
// sees half a message and an existing file is never overwritten.
func saveEML(dir, domain, ehlo, remote string, m *Message) (string, error) {
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

	tmp, err := os.CreateTemp(dir, ".smtpprobe-*.tmp")
	if err != nil {
		return "", fmt.Errorf("save message: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the link, or after a failure
	_, err = tmp.WriteString(head.String())
	if err == nil {
		_, err = tmp.Write(m.Raw)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("save message to %s: %w", dir, err)
	}
	for range 5 {
		var rnd [4]byte
		_, _ = rand.Read(rnd[:])
		name := fmt.Sprintf("%s-c%d-m%d-%s.eml", m.Time.UTC().Format("20060102T150405.000Z"), m.ConnID, m.ID, hex.EncodeToString(rnd[:]))
		final := filepath.Join(dir, name)
		err = os.Link(tmpName, final)
		if err == nil {
			return final, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// Some file systems (FAT, some network shares) have no hard
		// links; fall back to rename when the name is free.
		if _, serr := os.Lstat(final); errors.Is(serr, fs.ErrNotExist) {
			if rerr := os.Rename(tmpName, final); rerr == nil {
				return final, nil
			}
		}
		return "", fmt.Errorf("save message to %s: %w", dir, err)
	}
	return "", fmt.Errorf("save message to %s: no free file name: %w", dir, err)
}

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
