#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the execution count that
# scripts/fuzz-budget.tsv gives it (about 10 s each on the CI machine).
# Usage: scripts/fuzz.sh [SCALE]   SCALE multiplies every count (default 1),
#                                  e.g. `scripts/fuzz.sh 30` for a long local run.
# A count budget has no wall-clock deadline, so the stage cannot fail by
# chance at the end of a -fuzztime duration (golang/go#75804); a real crasher
# still fails it, and go test keeps the input under the package's
# testdata/fuzz/TARGET/ folder (commit it as a regression seed once fixed).
# Minimizing each new interesting input is bounded by a count too: its 60 s
# default held a worker (and the stage) for a minute on slow inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
[[ $scale =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SCALE must be a positive integer, not '$scale'" >&2; exit 2; }
budget=scripts/fuzz-budget.tsv

declare -A count=()
while read -r pkg target n; do
  [[ -z ${pkg:-} || $pkg == \#* ]] && continue
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: $budget: bad count '$n' for $pkg $target" >&2; exit 2; }
  count["$pkg $target"]=$n
done < "$budget"

found=0 failed=0
declare -A seen=()
while IFS= read -r dir; do
  rel=${dir#"$PWD"/}
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    found=$((found + 1))
    key="$rel $target"
    seen[$key]=1
    n=${count[$key]:-}
    if [ -z "$n" ]; then
      echo "fuzz: $key has no execution budget: add a row to $budget"
      failed=$((failed + 1))
      continue
    fi
    n=$((n * scale))
    echo "fuzz: $key for ${n} executions"
    start=$SECONDS
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "${n}x" -fuzzminimizetime 1000x "./$rel"; then
      echo "fuzz: $key FAILED; a crashing input, if one was found, is in $rel/testdata/fuzz/$target/"
      failed=$((failed + 1))
    fi
    echo "fuzz: $key took $((SECONDS - start))s"
  done
done < <(go list -f '{{.Dir}}' ./...)

for key in "${!count[@]}"; do
  [ -n "${seen[$key]:-}" ] || { echo "fuzz: $budget names $key, which is not a fuzz target"; failed=$((failed + 1)); }
done
echo "fuzz: $found targets run, $failed failed"
[ "$failed" -eq 0 ]
