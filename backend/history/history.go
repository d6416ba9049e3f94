// Package history keeps every finished run (of the desktop app, of
// smtpprobe send and of smtpprobe watch) in an embedded SQLite database
// under the user's config folder, so that "it worked last week" can be
// checked: list and filter past runs, show one as it was, compare two.
//
// The driver is modernc.org/sqlite, pure Go, so the Windows cross-build
// needs no C compiler. The database runs in WAL mode with a busy timeout
// and takes write locks at the start of a transaction, so the app and the
// command line can write at the same time. The session.Result JSON is the
// authoritative copy of a run; a few of its fields are copied into indexed
// columns for listing. A Result never holds a secret (the engine masks
// AUTH before anything is recorded), and this package adds none.
package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"smtpprobe/backend/session"
)

// FileName is the database's name in its folder.
const FileName = "history.db"

// busyTimeout is how long a writer waits for the other process's write
// transaction before giving up; a run is stored in milliseconds, so this
// only runs out when the other process is stuck.
const busyTimeout = 10 * time.Second

// DefaultDir returns the folder of the history: "SMTP Probe/history" in
// os.UserConfigDir, next to the profiles.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("history folder: %w", err)
	}
	return filepath.Join(base, "SMTP Probe", "history"), nil
}

// Store is an open history database. It is safe for concurrent use, and
// several processes may have the same file open.
type Store struct {
	db        *sql.DB
	path      string
	recovered *DamagedError
}

// Open opens (creating when missing) the database in dir, brings its schema
// up to date, and checks that it can be read. A file SQLite cannot read is
// moved aside (see Store.Recovered) and a new one started; a folder that
// cannot be written gives a *ReadOnlyError.
func Open(ctx context.Context, dir string) (*Store, error) {
	return open(ctx, dir, SchemaVersion)
}

func open(ctx context.Context, dir string, target int) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, classify(dir, fmt.Errorf("create folder: %w", err))
	}
	path := filepath.Join(dir, FileName)
	s, err := openFile(ctx, path, target)
	if err == nil || !isDamage(err) {
		return s, err
	}
	moved, merr := moveAside(path)
	if merr != nil {
		return nil, classify(dir, fmt.Errorf("move damaged database aside: %w (damage: %v)", merr, err))
	}
	s, err2 := openFile(ctx, path, target)
	if err2 != nil {
		return nil, err2
	}
	s.recovered = &DamagedError{Path: path, MovedTo: moved, Err: err}
	return s, nil
}

func openFile(ctx context.Context, path string, target int) (*Store, error) {
	// _txlock=immediate: a write transaction takes the write lock when it
	// begins, so two writers queue on the busy timeout instead of one
	// failing at once with SQLITE_BUSY when it upgrades a read lock.
	dsn := "file:" + filepath.ToSlash(path) + "?_txlock=immediate" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, wrap("open "+path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.check(ctx, target); err != nil {
		db.Close()
		return nil, classify(path, err)
	}
	return s, nil
}

// check migrates and reads every index of the runs table, which finds a
// file that is not a database and one cut short, without reading the
// Result bodies (quick_check would, and that is the whole file).
func (s *Store) check(ctx context.Context, target int) error {
	if err := s.db.PingContext(ctx); err != nil {
		return err
	}
	if err := migrate(ctx, s.db, target); err != nil || target < SchemaVersion {
		return err // an older schema (tests build them) has other tables
	}
	for _, q := range []string{
		`SELECT count(*) FROM sqlite_master`,
		`SELECT count(*) FROM runs INDEXED BY runs_started WHERE started_ms >= -9223372036854775808`,
		`SELECT count(*) FROM runs INDEXED BY runs_profile WHERE profile >= ''`,
		`SELECT count(*) FROM runs INDEXED BY runs_host WHERE host >= ''`,
		`SELECT count(*) FROM runs INDEXED BY runs_domain WHERE domain >= ''`,
		`SELECT count(*) FROM runs`,
		`SELECT count(*) FROM results`,
	} {
		var n int64
		if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("check %s: %w", s.path, err)
		}
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Recovered is the notice to show when Open found the database damaged and
// started a new one; nil otherwise.
func (s *Store) Recovered() *DamagedError { return s.recovered }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// isDamage reports whether err is SQLite saying the file is not a database
// or is corrupt, as opposed to a locked file or a permission problem,
// which moving the file aside would not fix.
func isDamage(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// classify turns permission errors into *ReadOnlyError.
func classify(path string, err error) error {
	var se *sqlite.Error
	ro := errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			ro = true
		}
	}
	if ro {
		return &ReadOnlyError{Path: filepath.Dir(path), Err: err}
	}
	return wrap("open "+path, err)
}

// moveAside renames the damaged database (with its -wal and -shm files)
// to history.db.damaged-<time>, a name no later Open reads.
func moveAside(path string) (string, error) {
	to := path + ".damaged-" + time.Now().UTC().Format("20060102-150405.000000000")
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+ext, to+ext); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return to, err
		}
	}
	return to, nil
}

// Source says which part of SMTP Probe ran a session.
type Source string

// The sources.
const (
	SourceApp   Source = "app"
	SourceCLI   Source = "cli"
	SourceWatch Source = "watch"
)

// Meta is what a run's Result does not say about it.
type Meta struct {
	// Source is who ran it.
	Source Source
	// Profile is the name of the profile it ran, if any.
	Profile string
	// Domain is the recipient domain tested; empty takes the first
	// recipient's domain from the Result.
	Domain string
}

// Run is the summary of a stored run: the indexed columns.
type Run struct {
	ID           int64      `json:"id"`
	Started      time.Time  `json:"started"`
	Source       Source     `json:"source"`
	Profile      string     `json:"profile"`
	Domain       string     `json:"domain"`
	Host         string     `json:"host"`
	Port         int        `json:"port"`
	Verdict      string     `json:"verdict"`
	OK           bool       `json:"ok"`
	ExitCode     int        `json:"exit_code"`
	TLSVersion   string     `json:"tls_version"`
	CertSHA256   string     `json:"cert_sha256"`
	CertNotAfter *time.Time `json:"cert_not_after,omitempty"`
	DurationMS   float64    `json:"duration_ms"`
}

// Entry is a stored run with its Result, as it was when the run finished.
type Entry struct {
	Run
	Result *session.Result `json:"result"`
}

// summarize takes the indexed columns out of a Result.
func summarize(m Meta, r *session.Result) Run {
	run := Run{
		Started: r.Started, Source: m.Source, Profile: m.Profile, Domain: m.Domain,
		Host: r.Server.Host, Port: r.Server.Port, OK: r.OK, ExitCode: r.ExitCode,
		DurationMS: r.DurationMS,
	}
	if run.Domain == "" {
		for _, st := range r.Steps {
			if _, d, ok := strings.Cut(st.Recipient, "@"); ok && st.Name == session.StepRcpt {
				run.Domain = strings.ToLower(d)
				break
			}
		}
	}
	if r.Verdict != nil {
		run.Verdict = r.Verdict.Verdict
	}
	if r.TLS != nil {
		run.TLSVersion = r.TLS.Version
		if len(r.TLS.Chain) > 0 {
			run.CertSHA256 = r.TLS.Chain[0].SHA256
			na := r.TLS.Chain[0].NotAfter.UTC()
			run.CertNotAfter = &na
		}
	}
	return run
}

// Add stores a finished run and returns its summary with its new id.
func (s *Store) Add(ctx context.Context, m Meta, r *session.Result) (Run, error) {
	if r == nil {
		return Run{}, errors.New("history: add: no result")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return Run{}, wrap("encode result", err)
	}
	run := summarize(m, r)
	var notAfter any
	if run.CertNotAfter != nil {
		notAfter = run.CertNotAfter.UnixMilli()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Run{}, classify(s.path, fmt.Errorf("add run: %w", err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO runs
		(started_ms, source, profile, domain, host, port, verdict, ok, exit_code, tls_version, cert_sha256, cert_not_after_ms, duration_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.Started.UnixMilli(), string(run.Source), run.Profile, run.Domain, run.Host, run.Port, run.Verdict,
		run.OK, run.ExitCode, run.TLSVersion, run.CertSHA256, notAfter, run.DurationMS)
	if err != nil {
		return Run{}, classify(s.path, fmt.Errorf("add run: %w", err))
	}
	if run.ID, err = res.LastInsertId(); err != nil {
		return Run{}, wrap("add run", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO results (run_id, result) VALUES (?, ?)`, run.ID, string(body)); err != nil {
		return Run{}, classify(s.path, fmt.Errorf("add run: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return Run{}, classify(s.path, fmt.Errorf("add run: %w", err))
	}
	run.Started = time.UnixMilli(run.Started.UnixMilli()).UTC()
	return run, nil
}

const runColumns = `id, started_ms, source, profile, domain, host, port, verdict, ok, exit_code, tls_version, cert_sha256, cert_not_after_ms, duration_ms`

type scanner interface{ Scan(dest ...any) error }

func scanRun(sc scanner, extra ...any) (Run, error) {
	var (
		r        Run
		started  int64
		notAfter sql.NullInt64
		source   string
	)
	dest := append([]any{&r.ID, &started, &source, &r.Profile, &r.Domain, &r.Host, &r.Port, &r.Verdict,
		&r.OK, &r.ExitCode, &r.TLSVersion, &r.CertSHA256, &notAfter, &r.DurationMS}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.Started = time.UnixMilli(started).UTC()
	r.Source = Source(source)
	if notAfter.Valid {
		t := time.UnixMilli(notAfter.Int64).UTC()
		r.CertNotAfter = &t
	}
	return r, nil
}

// Get returns the run id with its Result.
func (s *Store) Get(ctx context.Context, id int64) (Entry, error) {
	var body string
	run, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+`, result FROM runs JOIN results ON run_id = id WHERE id = ?`, id), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("history: run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, wrap(fmt.Sprintf("read run %d", id), err)
	}
	e := Entry{Run: run, Result: new(session.Result)}
	if err := json.Unmarshal([]byte(body), e.Result); err != nil {
		return Entry{}, wrap(fmt.Sprintf("decode run %d", id), err)
	}
	return e, nil
}

// Filter selects runs for List. Zero fields select everything.
type Filter struct {
	// Profile, Domain and Host match exactly (case-insensitively).
	Profile, Domain, Host string
	// Verdict matches the verdict key ("accepted", "recipient_unknown"...).
	Verdict string
	// Failed keeps only runs that did not pass.
	Failed bool
	// Search matches any part of the profile, domain, host or verdict.
	Search string
	// Since and Until bound the start time (Until exclusive).
	Since, Until time.Time
	// Limit caps the number of runs (newest first); 0 means 1000.
	Limit int
	// Before pages on: only runs with a smaller id.
	Before int64
}

// DefaultLimit is List's cap when Filter.Limit is 0.
const DefaultLimit = 1000

// List returns the runs that match f, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Run, error) {
	var (
		where []string
		args  []any
	)
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+` = ? COLLATE NOCASE`)
			args = append(args, v)
		}
	}
	eq("profile", f.Profile)
	eq("domain", f.Domain)
	eq("host", f.Host)
	eq("verdict", f.Verdict)
	if f.Failed {
		where = append(where, `ok = 0`)
	}
	if f.Search != "" {
		// LIKE's own wildcards in the search text are literal.
		pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Search) + "%"
		where = append(where, `(profile LIKE ? ESCAPE '\' OR domain LIKE ? ESCAPE '\' OR host LIKE ? ESCAPE '\' OR verdict LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat, pat)
	}
	if !f.Since.IsZero() {
		where = append(where, `started_ms >= ?`)
		args = append(args, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where = append(where, `started_ms < ?`)
		args = append(args, f.Until.UnixMilli())
	}
	if f.Before > 0 {
		where = append(where, `id < ?`)
		args = append(args, f.Before)
	}
	q := `SELECT ` + runColumns + ` FROM runs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	q += ` ORDER BY started_ms DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("list runs", err)
	}
	defer rows.Close()
	runs := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, wrap("list runs", err)
		}
		runs = append(runs, r)
	}
	return runs, wrap("list runs", rows.Err())
}

// Delete removes the run id.
func (s *Store) Delete(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id = ?`, id)
	if err != nil {
		return classify(s.path, fmt.Errorf("delete run %d: %w", id, err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("history: run %d: %w", id, ErrNotFound)
	}
	return nil
}
