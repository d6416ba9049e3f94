#!/usr/bin/env bash
# Go benchmarks of every package; the comparative benchmarks (swaks, dig,
# round trips) live under bench/ and are added to this script as they land.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench . -benchmem -count 1 ./...
if [ -x bench/run.sh ]; then bash bench/run.sh; fi
# The transcript pane in a real browser; BENCH_SKIP_TRANSCRIPT=1 leaves it out.
if [ -x bench/transcript-pane.sh ] && [ -z "${BENCH_SKIP_TRANSCRIPT:-}" ]; then bash bench/transcript-pane.sh; fi
