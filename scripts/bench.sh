#!/usr/bin/env bash
# Go benchmarks of every package; the comparative benchmarks (swaks, dig,
# round trips) live under bench/ and are added to this script as they land.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench . -benchmem -count 1 ./...
if [ -x bench/run.sh ]; then bash bench/run.sh; fi
