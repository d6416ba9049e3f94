package smtpwire

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"time"

	"smtpprobe/backend/transcript"
)

// Recorder numbers, timestamps and keeps transcript entries, and hands each to
// a callback as it is made. It is safe for concurrent use; entries are
// numbered in the order Add is called.
type Recorder struct {
	mu      sync.Mutex
	start   time.Time
	entries []transcript.Entry
	onEntry func(transcript.Entry)
	// redact are secrets the client sent (see Redact), longest first.
	redact []string
}

// redacted replaces a secret a server echoed.
const redacted = "********"

// minRedact is the shortest secret form replaced: shorter ones would mask
// ordinary words of the replies.
const minRedact = 4

// NewRecorder returns a Recorder whose entries count elapsed time from start.
// onEntry, when not nil, is called synchronously from the goroutine that
// adds each entry, after the entry is stored; it must be quick and must not
// call back into the Recorder.
func NewRecorder(start time.Time, onEntry func(transcript.Entry)) *Recorder {
	return &Recorder{start: start, onEntry: onEntry}
}

// Start returns the time elapsed times are counted from.
func (r *Recorder) Start() time.Time { return r.start }

// Add records one line. text is shown as is, so the caller escapes it; raw is
// copied (nil for info and masked lines).
func (r *Recorder) Add(dir transcript.Direction, text string, raw []byte, tls bool) transcript.Entry {
	now := time.Now()
	var rawCopy []byte
	if raw != nil {
		rawCopy = append([]byte(nil), raw...)
	}
	r.mu.Lock()
	if dir == transcript.Server {
		text = r.scrubLocked(text)
		for _, f := range r.redact {
			rawCopy = bytes.ReplaceAll(rawCopy, []byte(f), []byte(redacted))
		}
	}
	el := now.Sub(r.start)
	e := transcript.Entry{
		Seq:       len(r.entries) + 1,
		Time:      now,
		Elapsed:   el,
		ElapsedMS: float64(el.Microseconds()) / 1000,
		Dir:       dir,
		Text:      text,
		TLS:       tls,
		Raw:       rawCopy,
	}
	r.entries = append(r.entries, e)
	cb := r.onEntry
	// The callback runs under the lock so that entries reach it in Seq order
	// even when several goroutines record.
	if cb != nil {
		cb(e)
	}
	r.mu.Unlock()
	return e
}

// Redact makes every later server line show forms (a secret as sent, its
// base64, its escaped text) as ******** in its text and raw bytes: a
// hostile or careless server may echo an AUTH response in its reply, and a
// transcript, a log or a reply shown must not carry it.
func (r *Recorder) Redact(forms ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range forms {
		if len(f) >= minRedact && !slices.Contains(r.redact, f) {
			r.redact = append(r.redact, f)
		}
	}
	// Longest first, so that a secret inside a longer form does not break
	// the longer one's match.
	slices.SortFunc(r.redact, func(a, b string) int { return len(b) - len(a) })
}

// Scrub returns s with every form given to Redact replaced, for text taken
// from a reply outside the transcript (a step's reply).
func (r *Recorder) Scrub(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scrubLocked(s)
}

func (r *Recorder) scrubLocked(s string) string {
	for _, f := range r.redact {
		s = strings.ReplaceAll(s, f, redacted)
	}
	return s
}

// Replay records an entry made by another Recorder with the same start
// (such as a DNS lookup shared by several sessions), keeping its time and
// renumbering it. The callback is not called: the entry was streamed when
// it was first made.
func (r *Recorder) Replay(e transcript.Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Seq = len(r.entries) + 1
	r.entries = append(r.entries, e)
}

// Info records a note from SMTP Probe itself; text is escaped here.
func (r *Recorder) Info(text string) transcript.Entry {
	return r.Add(transcript.Info, transcript.EscapeString(text), nil, false)
}

// Entries returns a copy of the entries recorded so far.
func (r *Recorder) Entries() []transcript.Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]transcript.Entry(nil), r.entries...)
}

// Len returns how many entries have been recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}
