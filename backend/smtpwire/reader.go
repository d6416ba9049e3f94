package smtpwire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/transcript"
)

// Limits on one reply. RFC 5321 §4.5.3.1.5 allows 512 octets a reply line;
// real servers exceed it (long EHLO AUTH lists, banners with notices), so the
// reader is generous, but a server can never make it buffer without bound.
const (
	// MaxLineLength is the longest reply line accepted, CRLF included.
	MaxLineLength = 2000
	// MaxReplyLines is the most lines one reply may have.
	MaxReplyLines = 200
	// MaxReplyBytes is the most octets one reply may have, CRLFs included.
	MaxReplyBytes = 64 << 10
)

// maxShownLine caps how much of an offending line an error repeats.
const maxShownLine = 120

// ReplyReader reads replies from a server, one complete reply at a time,
// enforcing RFC 5321 §4.2 and the limits above.
type ReplyReader struct {
	br *bufio.Reader
	// OnLine, when set, receives each raw line (with its line ending, or the
	// part read when the line broke a limit or the stream ended) as soon as it
	// is read and before it is checked, so that a transcript shows even the
	// line that broke a rule. The slice is only valid during the call.
	OnLine func(raw []byte)
}

// NewReplyReader returns a reader of replies from r.
func NewReplyReader(r io.Reader) *ReplyReader {
	// The buffer is larger than MaxLineLength so that one ReadSlice sees a
	// whole legal line and an oversize line is caught without copying.
	return &ReplyReader{br: bufio.NewReaderSize(r, 4096)}
}

// Buffered returns how many bytes have been read from the underlying reader
// but not yet consumed. Data waiting after a reply to STARTTLS was sent before
// the handshake and must not be trusted (the STARTTLS command injection flaw,
// CVE-2011-0411), so the caller checks this before switching to TLS.
func (rr *ReplyReader) Buffered() int { return rr.br.Buffered() }

// Reset makes rr read from r, dropping anything buffered.
func (rr *ReplyReader) Reset(r io.Reader) { rr.br.Reset(r) }

// ReadReply reads one complete reply. It returns io.EOF when the stream ends
// before the reply starts, io.ErrUnexpectedEOF when it ends inside a reply,
// a *ProtocolError when the reply breaks a rule, and any error of the
// underlying reader (such as a deadline) wrapped as is.
func (rr *ReplyReader) ReadReply() (Reply, error) {
	var (
		reply Reply
		total int
	)
	for {
		line, err := rr.readLine(len(reply.Lines) > 0)
		if err != nil {
			return Reply{}, err
		}
		total += len(line)
		if len(reply.Lines) >= MaxReplyLines {
			return Reply{}, protoErr(fmt.Sprintf("limit: %d lines a reply", MaxReplyLines),
				lang.Text{
					EN: fmt.Sprintf("the reply has more than %d lines", MaxReplyLines),
					ES: fmt.Sprintf("la respuesta tiene más de %d líneas", MaxReplyLines),
				}, line)
		}
		if total > MaxReplyBytes {
			return Reply{}, protoErr(fmt.Sprintf("limit: %d KiB a reply", MaxReplyBytes>>10),
				lang.Text{
					EN: fmt.Sprintf("the reply is longer than %d bytes", MaxReplyBytes),
					ES: fmt.Sprintf("la respuesta ocupa más de %d bytes", MaxReplyBytes),
				}, line)
		}
		code, last, text, err := parseLine(line)
		if err != nil {
			return Reply{}, err
		}
		if len(reply.Lines) == 0 {
			reply.Code = code
			reply.Enhanced = enhancedCode(code, text)
		} else if code != reply.Code {
			return Reply{}, protoErr("RFC 5321 §4.2.1", lang.Text{
				EN: fmt.Sprintf("a line of a multi-line reply has code %d, the first line had %d", code, reply.Code),
				ES: fmt.Sprintf("una línea de una respuesta multilínea tiene el código %d y la primera tenía %d", code, reply.Code),
			}, line)
		}
		reply.Lines = append(reply.Lines, transcript.Escape(text))
		if last {
			return reply, nil
		}
	}
}

// readLine returns one line with its CRLF. inReply says whether a reply has
// started, which turns an end of stream into io.ErrUnexpectedEOF.
func (rr *ReplyReader) readLine(inReply bool) ([]byte, error) {
	line, err := rr.br.ReadSlice('\n')
	if len(line) > 0 && rr.OnLine != nil {
		shown := line
		if len(shown) > MaxLineLength {
			shown = shown[:MaxLineLength]
		}
		rr.OnLine(shown)
	}
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || (err == nil && len(line) > MaxLineLength):
		return nil, protoErr(fmt.Sprintf("limit: %d bytes a line", MaxLineLength), lang.Text{
			EN: fmt.Sprintf("a reply line is longer than %d bytes", MaxLineLength),
			ES: fmt.Sprintf("una línea de la respuesta ocupa más de %d bytes", MaxLineLength),
		}, line)
	case err == io.EOF && len(line) == 0 && !inReply:
		return nil, io.EOF
	case err == io.EOF:
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, err
	}
	return line, nil
}

// parseLine checks one reply line (with its line ending) against the grammar
// of RFC 5321 §4.2:
//
//	Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//	             Reply-code [ SP textstring ] CRLF
//	Reply-code = %x32-35 %x30-35 %x30-39
//
// Text outside the ASCII of textstring (UTF-8, control bytes) is accepted and
// escaped by the caller: refusing it would hide what the server said.
func parseLine(line []byte) (code int, last bool, text []byte, err error) {
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return 0, false, nil, protoErr("RFC 5321 §2.3.8", lang.Text{
			EN: "a reply line must end with CRLF, not a bare LF",
			ES: "una línea de respuesta debe terminar en CRLF, no en un LF suelto",
		}, line)
	}
	body := line[:len(line)-2]
	if bytes.IndexByte(body, '\r') >= 0 {
		return 0, false, nil, protoErr("RFC 5321 §2.3.8", lang.Text{
			EN: "a reply line contains a bare CR",
			ES: "una línea de respuesta contiene un CR suelto",
		}, line)
	}
	if len(body) < 3 || body[0] < '2' || body[0] > '5' || body[1] < '0' || body[1] > '5' || body[2] < '0' || body[2] > '9' {
		return 0, false, nil, protoErr("RFC 5321 §4.2", lang.Text{
			EN: "a reply line must start with a three-digit code: first digit 2 to 5, second 0 to 5",
			ES: "una línea de respuesta debe empezar con un código de tres dígitos: el primero de 2 a 5, el segundo de 0 a 5",
		}, line)
	}
	code = int(body[0]-'0')*100 + int(body[1]-'0')*10 + int(body[2]-'0')
	if len(body) == 3 {
		return code, true, nil, nil
	}
	switch body[3] {
	case ' ':
		return code, true, body[4:], nil
	case '-':
		return code, false, body[4:], nil
	}
	return 0, false, nil, protoErr("RFC 5321 §4.2.1", lang.Text{
		EN: "the reply code must be followed by a space, a hyphen or the end of the line",
		ES: "el código de respuesta debe ir seguido de un espacio, un guion o el fin de línea",
	}, line)
}

// enhancedCode returns the RFC 3463 status code at the start of text
// ("class.subject.detail", subject and detail of 1 to 3 digits, followed by a
// space or the end of the text) when its class equals the reply code's first
// digit (RFC 2034 §4), else "". Class 3 does not exist in RFC 3463 §3.1.
func enhancedCode(code int, text []byte) string {
	class := code / 100
	if class == 3 || len(text) < 5 || int(text[0]) != '0'+class || text[1] != '.' {
		return ""
	}
	i := 2
	for part := 0; part < 2; part++ {
		n := 0
		for i < len(text) && text[i] >= '0' && text[i] <= '9' && n < 4 {
			i++
			n++
		}
		if n == 0 || n > 3 {
			return ""
		}
		if part == 0 {
			if i >= len(text) || text[i] != '.' {
				return ""
			}
			i++
		}
	}
	if i < len(text) && text[i] != ' ' {
		return ""
	}
	return string(text[:i])
}

// protoErr builds a ProtocolError quoting line without its line ending.
func protoErr(rule string, reason lang.Text, line []byte) *ProtocolError {
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	cut := len(line) > maxShownLine
	if cut {
		line = line[:maxShownLine]
	}
	shown := transcript.Escape(line)
	if cut {
		shown += "..."
	}
	return &ProtocolError{Rule: rule, Reason: reason, Line: shown}
}

// ParseReply parses b, which must hold exactly one complete reply.
func ParseReply(b []byte) (Reply, error) {
	rr := NewReplyReader(bytes.NewReader(b))
	r, err := rr.ReadReply()
	if err != nil {
		return Reply{}, err
	}
	if rr.Buffered() > 0 {
		return Reply{}, fmt.Errorf("parsing reply: %d bytes after the last line", rr.Buffered())
	}
	return r, nil
}
