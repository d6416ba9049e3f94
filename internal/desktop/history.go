package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"time"

	"smtpprobe/backend/history"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
)

// errNoHistory is returned when the app runs without a config folder.
var errNoHistory = errors.New("history: no config folder")

// History is the bound service of the History page: the runs of the app
// (stored when they finish) and of the command line, in the same SQLite
// database (backend/history) under the config folder.
type History struct {
	dir string

	mu    sync.Mutex
	store *history.Store
	// notice is the damaged-database message of the first open, shown once.
	notice *history.DamagedError
}

// HistoryFilter is the History page's filter bar.
type HistoryFilter struct {
	Profile string `json:"profile"`
	Domain  string `json:"domain"`
	Host    string `json:"host"`
	Search  string `json:"search"`
	Failed  bool   `json:"failed"`
	// SinceDays keeps the runs of the last N days; 0 keeps every run.
	SinceDays int `json:"since_days"`
	// Limit and Before page through the list (newest first).
	Limit  int   `json:"limit"`
	Before int64 `json:"before"`
}

// HistoryRun is one stored run for the result view: its summary and the
// Result JSON as it was stored.
type HistoryRun struct {
	Run  history.Run `json:"run"`
	JSON string      `json:"json"`
}

// HistoryComparison is two runs and what changed, in the UI language.
type HistoryComparison struct {
	Old     history.Run        `json:"old"`
	New     history.Run        `json:"new"`
	Changes []HistoryChangeDTO `json:"changes"`
}

// HistoryChangeDTO is a history.Change with its meaning in one language.
type HistoryChangeDTO struct {
	Field   string `json:"field"`
	Kind    string `json:"kind"`
	Step    string `json:"step,omitempty"`
	Old     string `json:"old"`
	New     string `json:"new"`
	Meaning string `json:"meaning"`
}

// open opens the store once; a failure is retried on the next call, so a
// folder made writable later works without a restart.
func (h *History) open(ctx context.Context) (*history.Store, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.store != nil {
		return h.store, nil
	}
	if h.dir == "" {
		return nil, errNoHistory
	}
	s, err := history.Open(ctx, h.dir)
	if err != nil {
		return nil, err
	}
	h.store, h.notice = s, s.Recovered()
	return s, nil
}

// Notice returns, once, the message about a damaged database that was
// moved aside, in lng; "" when there is none.
func (h *History) Notice(lng string) string {
	if _, err := h.open(context.Background()); err != nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.notice
	h.notice = nil
	if n == nil {
		return ""
	}
	return n.Localize(parseLang(lng))
}

// record stores the finished runs of one test; an error is returned for
// the caller to show, never to fail the test.
func (h *History) record(profileName string, results []*session.Result) error {
	if h == nil {
		return errNoHistory
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	s, err := h.open(ctx)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r == nil {
			continue
		}
		if _, err := s.Add(ctx, history.Meta{Source: history.SourceApp, Profile: profileName}, r); err != nil {
			return err
		}
	}
	_, err = s.Prune(ctx, time.Now())
	return err
}

// ListRuns returns the runs that match f, newest first.
func (h *History) ListRuns(f HistoryFilter, lng string) ([]history.Run, error) {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return nil, localized(err, lng)
	}
	hf := history.Filter{Profile: f.Profile, Domain: f.Domain, Host: f.Host, Search: f.Search, Failed: f.Failed,
		Limit: f.Limit, Before: f.Before}
	if f.SinceDays > 0 {
		hf.Since = time.Now().AddDate(0, 0, -f.SinceDays)
	}
	runs, err := s.List(ctx, hf)
	return runs, localized(err, lng)
}

// GetRun returns a stored run with its Result JSON.
func (h *History) GetRun(id int64, lng string) (HistoryRun, error) {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return HistoryRun{}, localized(err, lng)
	}
	e, err := s.Get(ctx, id)
	if err != nil {
		return HistoryRun{}, localized(err, lng)
	}
	b, err := json.MarshalIndent(e.Result, "", "  ")
	if err != nil {
		return HistoryRun{}, err
	}
	return HistoryRun{Run: e.Run, JSON: string(b)}, nil
}

// CompareRuns lists what changed from run a to run b, in lng.
func (h *History) CompareRuns(a, b int64, lng string) (HistoryComparison, error) {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return HistoryComparison{}, localized(err, lng)
	}
	x, err := s.Get(ctx, a)
	if err != nil {
		return HistoryComparison{}, localized(err, lng)
	}
	y, err := s.Get(ctx, b)
	if err != nil {
		return HistoryComparison{}, localized(err, lng)
	}
	l := parseLang(lng)
	out := HistoryComparison{Old: x.Run, New: y.Run, Changes: []HistoryChangeDTO{}}
	for _, c := range history.Compare(x.Result, y.Result) {
		out.Changes = append(out.Changes, HistoryChangeDTO{Field: c.Field, Kind: string(c.Kind), Step: c.Step,
			Old: c.Old, New: c.New, Meaning: c.Meaning.In(l)})
	}
	return out, nil
}

// DeleteRun removes a stored run.
func (h *History) DeleteRun(id int64, lng string) error {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return localized(err, lng)
	}
	return localized(s.Delete(ctx, id), lng)
}

// HistoryRetention is the retention in the units of the settings page.
type HistoryRetention struct {
	MaxAgeDays int `json:"max_age_days"`
	MaxRuns    int `json:"max_runs"`
}

// Retention returns the stored retention.
func (h *History) Retention(lng string) (HistoryRetention, error) {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return HistoryRetention{}, localized(err, lng)
	}
	r, err := s.Retention(ctx)
	return HistoryRetention{MaxAgeDays: int(r.MaxAge / (24 * time.Hour)), MaxRuns: r.MaxRuns}, localized(err, lng)
}

// SetRetention stores the retention and applies it at once.
func (h *History) SetRetention(r HistoryRetention, lng string) error {
	ctx := context.Background()
	s, err := h.open(ctx)
	if err != nil {
		return localized(err, lng)
	}
	if err := s.SetRetention(ctx, history.Retention{MaxAge: time.Duration(r.MaxAgeDays) * 24 * time.Hour, MaxRuns: r.MaxRuns}); err != nil {
		return localized(err, lng)
	}
	_, err = s.Prune(ctx, time.Now())
	return localized(err, lng)
}

// close closes the database (the window is closing).
func (h *History) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.store != nil {
		h.store.Close()
		h.store = nil
	}
}

// localized turns err into an error whose text is in lng: the frontend
// shows Error() as it is.
func localized(err error, lng string) error {
	if err == nil {
		return nil
	}
	return errors.New(lang.ErrorText(err, parseLang(lng)))
}

// historyDir is the history's folder inside the config folder.
func historyDir(configDir string) string {
	if configDir == "" {
		return ""
	}
	return filepath.Join(configDir, "history")
}
