package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Retention says how long runs are kept. Zero fields keep everything.
type Retention struct {
	// MaxAge removes runs that started longer ago than this.
	MaxAge time.Duration `json:"max_age_ns"`
	// MaxRuns keeps only the newest MaxRuns runs.
	MaxRuns int `json:"max_runs"`
}

// DefaultRetention is the retention of a new history: a year, and few
// enough runs that listing and pruning stay instant (docs/benchmarks.md).
var DefaultRetention = Retention{MaxAge: 365 * 24 * time.Hour, MaxRuns: 10000}

// Setting keys in the settings table. The retention lives in the database,
// not in the app's settings.json, so the app and the command line prune
// alike.
const (
	keyMaxAge  = "retention.max_age_ns"
	keyMaxRuns = "retention.max_runs"
)

// Retention returns the stored retention, or DefaultRetention.
func (s *Store) Retention(ctx context.Context) (Retention, error) {
	r := DefaultRetention
	for key, dst := range map[string]func(int64){
		keyMaxAge:  func(v int64) { r.MaxAge = time.Duration(v) },
		keyMaxRuns: func(v int64) { r.MaxRuns = int(v) },
	} {
		var v string
		err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return r, wrap("read retention", err)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return r, fmt.Errorf("history: setting %s: bad value %q", key, v)
		}
		dst(n)
	}
	return r, nil
}

// SetRetention stores r; negative values are refused.
func (s *Store) SetRetention(ctx context.Context, r Retention) error {
	if r.MaxAge < 0 || r.MaxRuns < 0 {
		return errors.New("history: retention cannot be negative")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(s.path, err)
	}
	defer tx.Rollback()
	for key, v := range map[string]int64{keyMaxAge: int64(r.MaxAge), keyMaxRuns: int64(r.MaxRuns)} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, strconv.FormatInt(v, 10)); err != nil {
			return classify(s.path, fmt.Errorf("store retention: %w", err))
		}
	}
	return wrap("store retention", tx.Commit())
}

// Prune removes the runs the stored retention no longer keeps, as of now,
// and returns how many went.
func (s *Store) Prune(ctx context.Context, now time.Time) (int64, error) {
	r, err := s.Retention(ctx)
	if err != nil {
		return 0, err
	}
	return s.PruneWith(ctx, r, now)
}

// PruneWith removes the runs r does not keep, as of now.
func (s *Store) PruneWith(ctx context.Context, r Retention, now time.Time) (int64, error) {
	var total int64
	if r.MaxAge > 0 {
		res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE started_ms < ?`, now.Add(-r.MaxAge).UnixMilli())
		if err != nil {
			return 0, classify(s.path, fmt.Errorf("prune by age: %w", err))
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if r.MaxRuns > 0 {
		res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id IN (
			SELECT id FROM runs ORDER BY started_ms DESC, id DESC LIMIT -1 OFFSET ?)`, r.MaxRuns)
		if err != nil {
			return total, classify(s.path, fmt.Errorf("prune by count: %w", err))
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
