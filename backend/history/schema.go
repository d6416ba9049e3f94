package history

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations take a database from schema version i to i+1 (index i). The
// version is SQLite's user_version, so a file says which schema it holds
// without a table of its own. Migrations are only ever appended: a file
// written by any earlier SMTP Probe is brought forward step by step, each
// in its own transaction.
var migrations = []func(ctx context.Context, tx *sql.Tx) error{
	migrateV1,
	migrateV2,
}

// SchemaVersion is the schema this package writes.
var SchemaVersion = len(migrations)

// migrateV1 is the first schema: the Result JSON is the authoritative copy
// of a run; the other columns are copies of some of its fields for listing
// and filtering without decoding it.
func migrateV1(ctx context.Context, tx *sql.Tx) error {
	return execAll(ctx, tx,
		`CREATE TABLE runs (
			id          INTEGER PRIMARY KEY AUTOINCREMENT,
			started_ms  INTEGER NOT NULL,
			profile     TEXT NOT NULL DEFAULT '',
			domain      TEXT NOT NULL DEFAULT '',
			host        TEXT NOT NULL DEFAULT '',
			port        INTEGER NOT NULL DEFAULT 0,
			verdict     TEXT NOT NULL DEFAULT '',
			ok          INTEGER NOT NULL DEFAULT 0,
			exit_code   INTEGER NOT NULL DEFAULT 0,
			tls_version TEXT NOT NULL DEFAULT '',
			cert_sha256 TEXT NOT NULL DEFAULT '',
			duration_ms REAL NOT NULL DEFAULT 0,
			result      TEXT NOT NULL
		)`,
		`CREATE INDEX runs_started ON runs(started_ms)`,
		`CREATE INDEX runs_profile ON runs(profile, started_ms)`,
		`CREATE INDEX runs_domain ON runs(domain, started_ms)`,
		`CREATE INDEX runs_host ON runs(host, started_ms)`,
	)
}

// migrateV2 moves the Result JSON out of the runs table into results, so
// that listing reads only the small rows (schema 1 had the summary columns
// in front of a Result of tens of kilobytes, but any column added after it
// would have been read through its overflow pages); adds the certificate's
// expiry, filled in for the runs already stored from their Result, and the
// run's source (app, cli, watch); and adds the settings table that holds
// the retention. SQLite cannot drop a column in place, so the table is
// rebuilt (https://sqlite.org/lang_altertable.html#otheralter).
func migrateV2(ctx context.Context, tx *sql.Tx) error {
	return execAll(ctx, tx,
		`CREATE TABLE runs2 (
			id                INTEGER PRIMARY KEY AUTOINCREMENT,
			started_ms        INTEGER NOT NULL,
			source            TEXT NOT NULL DEFAULT '',
			profile           TEXT NOT NULL DEFAULT '',
			domain            TEXT NOT NULL DEFAULT '',
			host              TEXT NOT NULL DEFAULT '',
			port              INTEGER NOT NULL DEFAULT 0,
			verdict           TEXT NOT NULL DEFAULT '',
			ok                INTEGER NOT NULL DEFAULT 0,
			exit_code         INTEGER NOT NULL DEFAULT 0,
			tls_version       TEXT NOT NULL DEFAULT '',
			cert_sha256       TEXT NOT NULL DEFAULT '',
			cert_not_after_ms INTEGER,
			duration_ms       REAL NOT NULL DEFAULT 0
		)`,
		// The leaf is the first certificate of the chain; unixepoch reads
		// the RFC 3339 time encoding/json wrote.
		`INSERT INTO runs2 (id, started_ms, profile, domain, host, port, verdict, ok, exit_code,
			tls_version, cert_sha256, cert_not_after_ms, duration_ms)
			SELECT id, started_ms, profile, domain, host, port, verdict, ok, exit_code, tls_version, cert_sha256,
				unixepoch(json_extract(result, '$.tls.chain[0].not_after')) * 1000, duration_ms
			FROM runs`,
		`CREATE TABLE results (run_id INTEGER PRIMARY KEY, result TEXT NOT NULL)`,
		`INSERT INTO results (run_id, result) SELECT id, result FROM runs`,
		`DROP TABLE runs`,
		`ALTER TABLE runs2 RENAME TO runs`,
		`CREATE INDEX runs_started ON runs(started_ms)`,
		`CREATE INDEX runs_profile ON runs(profile, started_ms)`,
		`CREATE INDEX runs_domain ON runs(domain, started_ms)`,
		`CREATE INDEX runs_host ON runs(host, started_ms)`,
		`CREATE INDEX runs_verdict ON runs(verdict, started_ms)`,
		`CREATE TRIGGER runs_delete AFTER DELETE ON runs BEGIN DELETE FROM results WHERE run_id = old.id; END`,
		`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	)
}

func execAll(ctx context.Context, tx *sql.Tx, stmts ...string) error {
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// migrate brings db from its schema to SchemaVersion, or to target when it
// is lower (tests build every earlier schema with it). Each step runs in
// an immediate transaction, so two processes opening an old file at once
// migrate it once: the second waits, then sees the new version.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	for {
		done, err := migrateOne(ctx, db, target)
		if err != nil || done {
			return err
		}
	}
}

func migrateOne(ctx context.Context, db *sql.DB, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return false, err
	}
	if v > len(migrations) {
		return false, fmt.Errorf("schema %d, this version knows %d: %w", v, len(migrations), ErrNewerSchema)
	}
	if v >= target {
		return true, tx.Rollback()
	}
	if err := migrations[v](ctx, tx); err != nil {
		return false, fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
	}
	// PRAGMA takes no bound parameters; v+1 is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
