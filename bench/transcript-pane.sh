#!/usr/bin/env bash
# Transcript pane at 100,000 lines (issue 11 item 5): runs the browser e2e
# frontend/e2e/transcript-100k.test.mjs through frontend/e2e/run.sh (Xvfb,
# `wails dev`, Debian's chromium) and copies the numbers it prints to
# bench/results/<UTC stamp>/transcript-pane-<build>.json. It measures the
# React production build (what ships; E2E_FRONTEND=prod of run.sh) and, for
# comparison, the development build that `wails dev` serves, alternating
# prod, dev, prod, dev... so both see similar machine load. Skipped, with a
# message, when chromium, Xvfb or the pinned wails CLI is missing (make setup
# installs them). Knobs: E2E_PORT (default 34115), TRANSCRIPT_LINES (100000),
# TRANSCRIPT_BUILDS (default "prod dev"; e.g. "prod" alone),
# TRANSCRIPT_ROUNDS (default 1: how many times the list is run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WAILS=${WAILS:-$ROOT/.tools/bin/wails}
LINUX_TAGS=${LINUX_TAGS:-webkit2_41}

for need in "${CHROMIUM:-/usr/bin/chromium}" "$WAILS"; do
	if [ ! -x "$need" ]; then
		echo "bench: transcript pane skipped: $need is missing (make setup installs it)"
		exit 0
	fi
done
if ! command -v Xvfb >/dev/null; then
	echo "bench: transcript pane skipped: Xvfb is missing (make setup installs it)"
	exit 0
fi

OUT=$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
json=$ROOT/frontend/e2e/artifacts/transcript-100k.json
txt=$OUT/transcript-pane.txt
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "nproc: $(nproc)"
} >"$txt"
for round in $(seq 1 "${TRANSCRIPT_ROUNDS:-1}"); do
	for build in ${TRANSCRIPT_BUILDS:-prod dev}; do
		rm -f "$json"
		echo "== $build build, round $round, $(date -u +%H:%M:%SZ), load before: $(uptime)" | tee -a "$txt"
		E2E_FRONTEND=$build E2E_TESTS=e2e/transcript-100k.test.mjs WAILS="$WAILS" LINUX_TAGS="$LINUX_TAGS" bash frontend/e2e/run.sh | tee -a "$txt"
		echo "== $build build, round $round, load after: $(uptime)" | tee -a "$txt"
		cp "$json" "$OUT/transcript-pane-$build-$round.json"
	done
done
echo "bench: transcript pane numbers in $OUT/transcript-pane-*.json (log: $txt)"
