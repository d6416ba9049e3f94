package main

import (
	"context"
	"flag"
	"io"
	"time"

	"smtpprobe/backend/history"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
)

// sendHistory is send's --no-history and --history-dir.
type sendHistory struct {
	off bool
	dir string
}

func registerHistoryFlags(fs *flag.FlagSet) *sendHistory {
	h := &sendHistory{}
	fs.BoolVar(&h.off, "no-history", false, "do not store this run in the run history")
	fs.StringVar(&h.dir, "history-dir", "", "folder of the run history (default: $"+historyDirEnv+", or the user's SMTP Probe history folder)")
	return h
}

// historySaveTimeout bounds storing a finished run, which normally takes
// milliseconds; it outlives a Ctrl+C so that a cancelled run is kept too.
const historySaveTimeout = 15 * time.Second

// save stores the results unless --no-history; base is the --profile.
func (h *sendHistory) save(ctx context.Context, base *profile.Profile, results []*session.Result, l lang.Lang, stderr io.Writer) {
	if h.off {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), historySaveTimeout)
	defer cancel()
	m := history.Meta{Source: history.SourceCLI}
	if base != nil {
		m.Profile = base.Name
	}
	saveToHistory(ctx, h.dir, m, results, l, stderr)
}
