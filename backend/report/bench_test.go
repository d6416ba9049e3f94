package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// bigResult is a session with a 20,000-line transcript, the size the GUI
// is tested with, half of it hostile server text.
func bigResult() *session.Result {
	r := hostileResult()
	r.Transcript = r.Transcript[:0]
	for i := 1; i <= 20000; i++ {
		dir, raw := transcript.Client, fmt.Sprintf("line %d of the message body", i)
		if i%2 == 0 {
			dir, raw = transcript.Server, fmt.Sprintf("250-<b>%d</b>\x00\u202E", i)
		}
		r.Transcript = append(r.Transcript, transcript.Entry{Seq: i, Time: fixedStart.Add(time.Duration(i) * time.Microsecond),
			ElapsedMS: float64(i) / 1000, Dir: dir, Text: transcript.EscapeString(raw), Raw: []byte(raw + "\r\n")})
	}
	return r
}

func BenchmarkRender20k(b *testing.B) {
	r := bigResult()
	for _, f := range []Format{FormatText, FormatHTML, FormatJSON, FormatRaw} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, f, r, Options{Lang: lang.ES, TLS: hostileTLS()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
