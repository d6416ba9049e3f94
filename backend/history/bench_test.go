package history

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// benchRuns is the size of the history the benchmarks list and filter:
// DefaultRetention's MaxRuns.
const benchRuns = 10000

// benchStore fills a fresh history with benchRuns real Results (one engine
// run, stored under 50 profiles, 20 domains and a start a minute apart).
func benchStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s, _ := openTemp(b)
	base := runEngine(b, serverOpts{}, "", false)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchRuns {
		r := *base
		r.Started = start.Add(time.Duration(i) * time.Minute)
		r.OK = i%10 != 0
		m := Meta{Source: SourceWatch, Profile: "profile-" + strconv.Itoa(i%50), Domain: "d" + strconv.Itoa(i%20) + ".test"}
		if _, err := s.Add(ctx, m, &r); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkList10k lists the newest page, the first thousand, filters by
// profile, failed runs, a search and a time window over 10,000 runs.
func BenchmarkList10k(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		f    Filter
		want int
	}{
		{"newest-100", Filter{Limit: 100}, 100},
		{"all-10000", Filter{Limit: benchRuns}, benchRuns},
		{"profile", Filter{Profile: "profile-7", Limit: benchRuns}, benchRuns / 50},
		{"failed", Filter{Failed: true, Limit: benchRuns}, benchRuns / 10},
		{"search", Filter{Search: "d13", Limit: benchRuns}, benchRuns / 20},
		{"day", Filter{Since: start.Add(24 * time.Hour), Until: start.Add(48 * time.Hour), Limit: benchRuns}, 24 * 60},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				runs, err := s.List(ctx, bc.f)
				if err != nil || len(runs) != bc.want {
					b.Fatalf("%d runs, %v; want %d", len(runs), err, bc.want)
				}
			}
		})
	}
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Get(ctx, benchRuns/2); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("add", func(b *testing.B) {
		e, _ := s.Get(ctx, 1)
		for b.Loop() {
			if _, err := s.Add(ctx, Meta{Source: SourceCLI}, e.Result); err != nil {
				b.Fatal(err)
			}
		}
	})
}
