package history

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"net"

	"smtpprobe/backend/internal/testcerts"
)

// v1Insert stores a run the way schema 1 did (no source, no expiry column).
func v1Insert(t *testing.T, s *Store, body []byte) {
	t.Helper()
	if _, err := s.db.Exec(`INSERT INTO runs (started_ms, host, port, ok, result) VALUES (?, '127.0.0.1', 25, 1, ?)`,
		time.Now().UnixMilli(), string(body)); err != nil {
		t.Fatalf("v1 insert: %v", err)
	}
}

// TestMigrations opens a database written at every earlier schema, with a
// run in it where the schema had runs, and checks that Open brings it to
// SchemaVersion with what each migration promises.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	ca := testcerts.NewCA(t, "History Test CA", testcerts.ECDSAP256)
	leaf := ca.Leaf(t, testcerts.LeafOptions{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	tlsRun := runEngine(t, serverOpts{leaf: leaf}, ca.WriteCAFile(t), false)
	body, err := json.Marshal(tlsRun)
	if err != nil {
		t.Fatal(err)
	}
	for from := 0; from < SchemaVersion; from++ {
		t.Run("from v"+string(rune('0'+from)), func(t *testing.T) {
			dir := t.TempDir()
			old, err := open(ctx, dir, from)
			if err != nil {
				t.Fatalf("build schema %d: %v", from, err)
			}
			var v int
			old.db.QueryRow(`PRAGMA user_version`).Scan(&v)
			if v != from {
				t.Fatalf("built schema %d, want %d", v, from)
			}
			if from >= 1 {
				v1Insert(t, old, body)
			}
			old.Close()

			s, err := Open(ctx, dir)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			s.db.QueryRow(`PRAGMA user_version`).Scan(&v)
			if v != SchemaVersion {
				t.Fatalf("schema %d after Open, want %d", v, SchemaVersion)
			}
			// v2: the settings table exists and the expiry was filled in.
			if err := s.SetRetention(ctx, Retention{MaxRuns: 5}); err != nil {
				t.Errorf("v2 settings table: %v", err)
			}
			runs, err := s.List(ctx, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if from >= 1 {
				if len(runs) != 1 {
					t.Fatalf("%d runs after migration, want 1", len(runs))
				}
				want := leaf.Cert.NotAfter.Truncate(time.Second)
				if got := runs[0].CertNotAfter; got == nil || !got.Equal(want) {
					t.Errorf("v2 backfilled expiry %v, want %v", got, want)
				}
				if runs[0].Source != "" {
					t.Errorf("v2 source of an old run: %q, want empty", runs[0].Source)
				}
			}
			// A run added after the migration has every column.
			r, err := s.Add(ctx, Meta{Source: SourceApp}, tlsRun)
			if err != nil || r.CertNotAfter == nil {
				t.Errorf("Add after migration: %+v %v", r, err)
			}
		})
	}
}
