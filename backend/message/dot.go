package message

import (
	"bytes"
	"errors"
	"io"
)

// errClosed is returned by a DotWriter used after Close.
var errClosed = errors.New("message: write to closed DATA writer")

// EncodeDATA prepares data to follow the DATA command: line endings become
// CRLF (a bare CR or LF is how "SMTP smuggling" hides a second message
// behind a fake end of data, so none may pass), a line starting with "." gets
// another "." (RFC 5321 §4.5.2), the last line gets its CRLF if missing, and
// the terminating ".\r\n" is appended.
func EncodeDATA(data []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(data) + len(data)/64 + 5)
	w := NewDotWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(data)
	_ = w.Close()
	return buf.Bytes()
}

// NewDotWriter returns a writer that does to a stream what EncodeDATA does
// to a slice. Close completes the last line and writes ".\r\n"; it does not
// close w.
func NewDotWriter(w io.Writer) io.WriteCloser {
	return &dotWriter{w: w, lineStart: true}
}

type dotWriter struct {
	w         io.Writer
	lineStart bool   // the next byte starts a line
	pendingCR bool   // the last byte written in was CR; its LF may follow
	out       []byte // reused between writes
	err       error
}

// Write transforms p and passes it on in one write. It returns len(p) on
// success even though more bytes reach w.
func (d *dotWriter) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	out := d.out[:0]
	for _, c := range p {
		if d.pendingCR {
			d.pendingCR = false
			out = append(out, '\r', '\n')
			d.lineStart = true
			if c == '\n' {
				continue
			}
		}
		switch c {
		case '\r':
			d.pendingCR = true
			continue
		case '\n':
			out = append(out, '\r', '\n')
			d.lineStart = true
			continue
		}
		if d.lineStart && c == '.' {
			out = append(out, '.')
		}
		d.lineStart = false
		out = append(out, c)
	}
	d.out = out
	if len(out) > 0 {
		if _, err := d.w.Write(out); err != nil {
			d.err = err
			return 0, err
		}
	}
	return len(p), nil
}

// Close ends the data: a pending CR becomes CRLF, an unfinished last line
// gets its CRLF, then ".\r\n" follows. Empty data gives just ".\r\n".
func (d *dotWriter) Close() error {
	if d.err != nil {
		return d.err
	}
	var tail []byte
	if d.pendingCR {
		tail = append(tail, '\r', '\n')
		d.pendingCR = false
	} else if !d.lineStart {
		tail = append(tail, '\r', '\n')
	}
	tail = append(tail, '.', '\r', '\n')
	d.err = errClosed
	if _, err := d.w.Write(tail); err != nil {
		return err
	}
	return nil
}
