#!/usr/bin/env bash
# Browser end-to-end harness: starts Xvfb and `wails dev` (the real app with
# its real Go backend), waits for http://localhost:34115 (or $E2E_PORT), runs the tests in
# e2e/ with playwright-core driving Debian's chromium, then stops everything it
# started by process id. On failure it prints the app's log.
set -euo pipefail
: "${WAILS:?}" "${LINUX_TAGS:?}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
artifacts="$here/artifacts"
mkdir -p "$artifacts"
log="$artifacts/app.log"
: >"$log"
# E2E_PORT lets two runs (e.g. on two checkouts) share one machine.
port=${E2E_PORT:-34115}
url="http://localhost:$port"
startup_timeout=${E2E_STARTUP_TIMEOUT:-600}

command -v Xvfb >/dev/null || { echo "e2e: Xvfb is missing (make setup installs it)"; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "e2e: chromium is missing (make setup installs it)"; exit 1; }
if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
  echo "e2e: port $port is already in use; stop the other 'wails dev' or set E2E_PORT"; exit 1
fi

xvfb_pid=""
dev_pid=""
cleanup() {
  local rc=$?
  if [ -n "$dev_pid" ]; then
    # wails dev runs the app binary and Vite as children: stop the whole group.
    kill -TERM -- "-$dev_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$dev_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$dev_pid" 2>/dev/null || true
  fi
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "${SMTPPROBE_CONFIG_DIR:-}" ] && rm -rf "$SMTPPROBE_CONFIG_DIR"
  [ -n "${SMTPPROBE_E2E_SAVE_DIR:-}" ] && rm -rf "$SMTPPROBE_E2E_SAVE_DIR"
  [ -n "${open_dir:-}" ] && rm -rf "$open_dir"
  if [ "$rc" -ne 0 ]; then
    echo "e2e: FAILED; last lines of the app log ($log):"
    tail -n 80 "$log" || true
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# A free X display number.
for n in $(seq 90 140); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=":$n"; break; }; done
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >>"$log" 2>&1 &
xvfb_pid=$!

# Settings and profiles go to a throw-away folder, never the user's own.
SMTPPROBE_CONFIG_DIR=$(mktemp -d)
# Exports land here instead of behind a native save dialog (test-only hook
# in app_window.go).
SMTPPROBE_E2E_SAVE_DIR=$(mktemp -d)
# Open dialogs answer with this file instead (app_tls.go): the test servers
# write the certificate of their STARTTLS receiver there, the CA file the
# wizard's "Browse…" picks.
open_dir=$(mktemp -d)
SMTPPROBE_E2E_OPEN_FILE="$open_dir/e2e-ca.pem"
export SMTPPROBE_CONFIG_DIR SMTPPROBE_E2E_SAVE_DIR SMTPPROBE_E2E_OPEN_FILE
cd "$root"
echo "e2e: starting wails dev on display $display (log: $log)"
DISPLAY="$display" setsid "$WAILS" dev -m -skipbindings -tags "$LINUX_TAGS" -devserver "localhost:$port" -loglevel Info >>"$log" 2>&1 &
dev_pid=$!

deadline=$((SECONDS + startup_timeout))
until curl -fsS -o /dev/null "$url/" 2>/dev/null && curl -fsS "$url/wails/ipc.js" -o /dev/null 2>/dev/null; do
  kill -0 "$dev_pid" 2>/dev/null || { echo "e2e: wails dev exited before serving $url"; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "e2e: $url did not come up within ${startup_timeout}s"; exit 1; }
  sleep 2
done
echo "e2e: app is up at $url after ${SECONDS}s"

cd "$root/frontend"
# E2E_TESTS picks files (e.g. "e2e/transcript.test.mjs"); all of e2e/ by default.
# shellcheck disable=SC2086
E2E_URL="$url" E2E_ARTIFACTS="$artifacts" node --test --test-concurrency=1 --test-timeout=300000 ${E2E_TESTS:-e2e/}
