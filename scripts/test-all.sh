#!/usr/bin/env bash
# Runs every check SMTP Probe has, in order, and ends with one summary line
# per stage. Every stage runs even after a failure, so one run shows all that
# is broken; the exit status is non-zero if any stage failed.
set -uo pipefail
: "${WAILS:?}" "${LINUX_TAGS:?}" "${WAILS_FLAGS:?}"
cd "$(dirname "$0")/.."

names=()
results=()
stage() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "=== stage: $name"
  if "$@"; then
    results+=("PASS  $(printf '%-16s' "$name") $((SECONDS - start))s")
  else
    results+=("FAIL  $(printf '%-16s' "$name") $((SECONDS - start))s")
  fi
  names+=("$name")
}

gofmt_check() {
  local bad
  bad=$(gofmt -l $(git ls-files '*.go') 2>&1)
  [ -z "$bad" ] || { echo "gofmt would change:"; echo "$bad"; return 1; }
}
go_vet() {
  go vet ./... && GOOS=windows GOARCH=amd64 go vet ./...
}
go_test() {
  # -race needs cgo; the timeout is a hang guard, not a performance target.
  go test -race -count=1 -timeout 20m ./...
}
go_fuzz() {
  bash scripts/fuzz.sh
}
fe_lint() { (cd frontend && npm run --silent lint); }
fe_types() { (cd frontend && npm run --silent typecheck); }
fe_unit() { (cd frontend && npx vitest run); }
bindings() {
  "$WAILS" generate module >/dev/null 2>&1 || return 1
  git -c core.fileMode=false diff --exit-code --stat -- frontend/wailsjs || { echo "frontend/wailsjs is stale: run 'make bindings' and commit"; return 1; }
}
build_linux() {
  # shellcheck disable=SC2086
  "$WAILS" build $WAILS_FLAGS -tags "$LINUX_TAGS" && test -x build/bin/smtpprobe
}
build_windows() {
  # shellcheck disable=SC2086
  "$WAILS" build $WAILS_FLAGS -platform windows/amd64 -nsis || return 1
  test -f build/bin/smtpprobe.exe || { echo "smtpprobe.exe missing"; return 1; }
  ls build/bin/*installer*.exe >/dev/null 2>&1 || { echo "NSIS installer missing"; return 1; }
  ls -la build/bin
}
e2e() { bash frontend/e2e/run.sh; }
windows_tests() { bash scripts/windows-tests.sh; }

stage gofmt gofmt_check
stage "go vet" go_vet
stage "go test" go_test
stage "go fuzz" go_fuzz
stage "frontend lint" fe_lint
stage "tsc --noEmit" fe_types
stage vitest fe_unit
stage bindings bindings
stage "linux build" build_linux
stage "windows build" build_windows
stage "windows tests" windows_tests
stage e2e e2e

echo
echo "=== summary"
failed=0
for r in "${results[@]}"; do
  echo "$r"
  case "$r" in FAIL*) failed=$((failed + 1)) ;; esac
done
passed=$(( ${#results[@]} - failed ))
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
