package history

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/lang"
)

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestAddGetListDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ok := runEngine(t, serverOpts{}, "", false)
	bad := runEngine(t, serverOpts{rejectRcpt: true}, "", false)
	r1, err := s.Add(ctx, Meta{Source: SourceCLI, Profile: "Exchange"}, ok)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Add(ctx, Meta{Source: SourceApp}, bad)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Domain != "fabrikam.test" || r1.Host != "127.0.0.1" || !r1.OK || r2.OK || r2.ExitCode != 1 {
		t.Errorf("summaries: %+v %+v", r1, r2)
	}
	e, err := s.Get(ctx, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Result.ExitCode != bad.ExitCode || len(e.Result.Steps) != len(bad.Steps) || e.Result.Verdict.Verdict != bad.Verdict.Verdict {
		t.Errorf("Get: result differs from the stored one: %+v", e.Result.Verdict)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []int64
	}{
		{"all, newest first", Filter{}, []int64{r2.ID, r1.ID}},
		{"profile", Filter{Profile: "exchange"}, []int64{r1.ID}},
		{"failed", Filter{Failed: true}, []int64{r2.ID}},
		{"verdict", Filter{Verdict: bad.Verdict.Verdict}, []int64{r2.ID}},
		{"search host", Filter{Search: "127.0"}, []int64{r2.ID, r1.ID}},
		{"search wildcard is literal", Filter{Search: "%"}, nil},
		{"domain", Filter{Domain: "FABRIKAM.test"}, []int64{r2.ID, r1.ID}},
		{"since the future", Filter{Since: time.Now().Add(time.Hour)}, nil},
		{"limit", Filter{Limit: 1}, []int64{r2.ID}},
		{"before", Filter{Before: r2.ID}, []int64{r1.ID}},
	} {
		runs, err := s.List(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int64
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if !equalIDs(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	if err := s.Delete(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, r1.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	var bodies int
	if err := s.db.QueryRow(`SELECT count(*) FROM results`).Scan(&bodies); err != nil || bodies != 1 {
		t.Errorf("results left after Delete: %d, %v; want 1", bodies, err)
	}
	if err := s.Delete(ctx, r1.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if got := lang.ErrorText(s.Delete(ctx, 999), lang.ES); !strings.Contains(got, "historial") {
		t.Errorf("Spanish not-found error: %q", got)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestTLSColumns checks the certificate columns against a STARTTLS run.
func TestTLSColumns(t *testing.T) {
	ctx := context.Background()
	ca := testcerts.NewCA(t, "History Test CA", testcerts.ECDSAP256)
	leaf := ca.Leaf(t, testcerts.LeafOptions{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	s, _ := openTemp(t)
	r := runEngine(t, serverOpts{leaf: leaf}, ca.WriteCAFile(t), false)
	if r.TLS == nil || len(r.TLS.Chain) == 0 {
		t.Fatalf("no TLS in the result: %+v", r.Steps)
	}
	run, err := s.Add(ctx, Meta{Source: SourceCLI}, r)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got := runs[0]
	if got.ID != run.ID || got.TLSVersion != "TLS 1.3" || got.CertSHA256 != r.TLS.Chain[0].SHA256 ||
		got.CertNotAfter == nil || !got.CertNotAfter.Equal(leaf.Cert.NotAfter.Truncate(time.Millisecond)) {
		t.Errorf("TLS columns: %+v (leaf expires %v)", got, leaf.Cert.NotAfter)
	}
}

// TestNoSecretStored runs a session that authenticated with AUTH PLAIN and
// looks for the password, and for every base64 form AUTH PLAIN could have
// carried it in (RFC 4616 §2), in every byte of the database files.
func TestNoSecretStored(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	r := runEngine(t, serverOpts{}, "", true)
	if st := r.Step("auth"); st == nil || st.Status != "ok" {
		t.Fatalf("auth step did not succeed: %+v", st)
	}
	if _, err := s.Add(ctx, Meta{Source: SourceCLI}, r); err != nil {
		t.Fatal(err)
	}
	needles := [][]byte{[]byte(testPass)}
	for _, creds := range []string{"\x00" + testUser + "\x00" + testPass, testUser + "\x00" + testUser + "\x00" + testPass, testPass} {
		needles = append(needles, []byte(base64.StdEncoding.EncodeToString([]byte(creds))))
	}
	files, _ := filepath.Glob(filepath.Join(dir, FileName+"*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("%s holds the secret as %q", filepath.Base(f), n)
			}
		}
	}
	// The run is there: the test looked at a file that holds it.
	e, err := s.Get(ctx, 1)
	if err != nil || e.Result.Step("auth") == nil {
		t.Fatalf("stored run: %v", err)
	}
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	base := runEngine(t, serverOpts{}, "", false)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range 10 {
		r := *base
		r.Started = now.Add(-time.Duration(i) * 24 * time.Hour) // day 0 (newest) to day 9
		if _, err := s.Add(ctx, Meta{Source: SourceWatch}, &r); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s.Retention(ctx); err != nil || r != DefaultRetention {
		t.Fatalf("default retention: %+v, %v", r, err)
	}
	if err := s.SetRetention(ctx, Retention{MaxAge: -1}); err == nil {
		t.Error("negative retention accepted")
	}
	// Older than 7.5 days: days 8 and 9 go.
	if err := s.SetRetention(ctx, Retention{MaxAge: 180 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Prune(ctx, now); err != nil || n != 2 {
		t.Fatalf("prune by age: %d, %v; want 2", n, err)
	}
	// Reopened, the setting is still there and the count applies.
	if err := s.SetRetention(ctx, Retention{MaxAge: 180 * time.Hour, MaxRuns: 3}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Prune(ctx, now); err != nil || n != 5 {
		t.Fatalf("prune by count: %d, %v; want 5", n, err)
	}
	runs, _ := s.List(ctx, Filter{})
	if len(runs) != 3 || !runs[0].Started.Equal(now) || !runs[2].Started.Equal(now.Add(-48*time.Hour)) {
		t.Errorf("kept: %+v", runs)
	}
}

func TestDamagedFileMovedAside(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"not a database", func(t *testing.T, path string) {
			os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 1000), 0o600)
		}},
		{"truncated", func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil || fi.Size() < 8192 {
				t.Fatalf("database too small to truncate: %v %v", fi, err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"header cut", func(t *testing.T, path string) {
			os.Truncate(path, 50)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			base := runEngine(t, serverOpts{}, "", false)
			for range 200 {
				if _, err := s.Add(ctx, Meta{Source: SourceCLI, Profile: strings.Repeat("p", 200)}, base); err != nil {
					t.Fatal(err)
				}
			}
			s.Close() // checkpoints the WAL into the file
			path := filepath.Join(dir, FileName)
			tc.damage(t, path)
			damaged, _ := os.ReadFile(path)

			s, err = Open(ctx, dir)
			if err != nil {
				t.Fatalf("Open of a damaged file: %v", err)
			}
			defer s.Close()
			rec := s.Recovered()
			if rec == nil {
				t.Fatal("no recovery notice")
			}
			if !errors.Is(rec, ErrDamaged) {
				t.Errorf("notice does not match ErrDamaged: %v", rec)
			}
			moved, err := os.ReadFile(rec.MovedTo)
			if err != nil || !bytes.Equal(moved, damaged) {
				t.Errorf("damaged file not kept intact at %s: %v", rec.MovedTo, err)
			}
			for _, l := range []lang.Lang{lang.EN, lang.ES} {
				msg := lang.ErrorText(rec, l)
				if !strings.Contains(msg, rec.MovedTo) || (l == lang.ES && !strings.Contains(msg, "dañada")) {
					t.Errorf("%s notice: %q", l, msg)
				}
			}
			if runs, err := s.List(ctx, Filter{}); err != nil || len(runs) != 0 {
				t.Errorf("new history: %d runs, %v", len(runs), err)
			}
			if _, err := s.Add(ctx, Meta{}, base); err != nil {
				t.Errorf("Add to the new history: %v", err)
			}
		})
	}
}

func TestNewerSchemaLeftAlone(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if _, err := s.db.ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer schema: %v, want ErrNewerSchema", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.damaged-*")); len(m) != 0 {
		t.Errorf("a newer database was moved aside: %v", m)
	}
}
