#!/usr/bin/env bash
# Browser end-to-end harness: starts Xvfb and `wails dev` (the real app with
# its real Go backend), waits for http://localhost:34115 (or $E2E_PORT), runs the tests in
# e2e/ with playwright-core driving Debian's chromium, then stops everything it
# started by process id. On failure it prints the app's log.
#
# E2E_FRONTEND=prod serves the React PRODUCTION build instead of Vite's dev
# server (for measuring what ships, e.g. transcript-100k): the frontend is
# built with `vite build --mode e2e` (production React, plus the test hooks of
# src/lib/devhooks.ts, which a normal build strips) into a temporary folder,
# `vite preview` serves it on a free loopback port, and `wails dev
# -frontenddevserverurl` proxies to it, injecting /wails/ipc.js and the
# runtime as it does for the dev server. The default (E2E_FRONTEND=dev) is
# unchanged.
set -euo pipefail
: "${WAILS:?}" "${LINUX_TAGS:?}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
artifacts="$here/artifacts"
mkdir -p "$artifacts"
log="$artifacts/app.log"
: >"$log"
# The app's port: E2E_PORT when set (e.g. 34115, wails dev's usual one, to
# open it in a browser alongside), else a free loopback port chosen now, so
# two runs (or a `make run` left open) never collide on a fixed port.
port=${E2E_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
url="http://localhost:$port"
startup_timeout=${E2E_STARTUP_TIMEOUT:-600}

command -v Xvfb >/dev/null || { echo "e2e: Xvfb is missing (make setup installs it)"; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "e2e: chromium is missing (make setup installs it)"; exit 1; }
if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
  echo "e2e: port $port is already in use; stop the other 'wails dev' or set E2E_PORT"; exit 1
fi

frontend_mode=${E2E_FRONTEND:-dev}
case "$frontend_mode" in
  dev | prod) ;;
  *) echo "e2e: E2E_FRONTEND must be dev or prod, not '$frontend_mode'"; exit 1 ;;
esac

xvfb_pid=""
dev_pid=""
preview_pid=""
prod_dir=""
cleanup() {
  local rc=$?
  if [ -n "$preview_pid" ]; then
    kill -TERM -- "-$preview_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 -- "-$preview_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$preview_pid" 2>/dev/null || true
  fi
  [ -n "$prod_dir" ] && rm -rf "$prod_dir"
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

# Xvfb picks a free display itself and writes its number to fd 3 once it is
# ready to take clients (-displayfd), so there is neither a guess at a free
# number nor a wait that stands in for readiness.
display_file=$(mktemp)
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$display_file" >>"$log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 300); do [ -s "$display_file" ] && break; kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.1; done
[ -s "$display_file" ] || { echo "e2e: Xvfb did not start (see $log)"; exit 1; }
display=":$(tr -dc 0-9 <"$display_file")"
rm -f "$display_file"

# Settings and profiles go to a throw-away folder, never the user's own.
SMTPPROBE_CONFIG_DIR=$(mktemp -d)
# Exports land here instead of behind a native save dialog (test-only hook
# in internal/desktop/hooks.go).
SMTPPROBE_E2E_SAVE_DIR=$(mktemp -d)
# Open dialogs answer with this file instead (internal/desktop/hooks.go): the test servers
# write the certificate of their STARTTLS receiver there, the CA file the
# wizard's "Browse…" picks.
open_dir=$(mktemp -d)
SMTPPROBE_E2E_OPEN_FILE="$open_dir/e2e-ca.pem"
export SMTPPROBE_CONFIG_DIR SMTPPROBE_E2E_SAVE_DIR SMTPPROBE_E2E_OPEN_FILE
dev_args=()
if [ "$frontend_mode" = prod ]; then
  prod_dir=$(mktemp -d)
  echo "e2e: building the production frontend (vite build --mode e2e) into $prod_dir"
  (cd "$root/frontend" && npx vite build --mode e2e --outDir "$prod_dir" --emptyOutDir) >>"$log" 2>&1 ||
    { echo "e2e: vite build --mode e2e failed"; exit 1; }
  grep -lq __smtpprobeTest "$prod_dir"/assets/*.js || { echo "e2e: the e2e build has no test hooks"; exit 1; }
  preview_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  (cd "$root/frontend" && exec setsid npx vite preview --mode e2e --outDir "$prod_dir" --host 127.0.0.1 --port "$preview_port" --strictPort) >>"$log" 2>&1 &
  preview_pid=$!
  preview_url="http://127.0.0.1:$preview_port"
  for _ in $(seq 1 60); do curl -fsS -o /dev/null "$preview_url/" 2>/dev/null && break; sleep 0.5; done
  curl -fsS -o /dev/null "$preview_url/" || { echo "e2e: vite preview did not come up at $preview_url"; exit 1; }
  echo "e2e: production frontend served by vite preview at $preview_url"
  dev_args=(-frontenddevserverurl "$preview_url")
fi

cd "$root"
echo "e2e: starting wails dev on display $display (log: $log)"
DISPLAY="$display" setsid "$WAILS" dev -m -skipbindings -tags "$LINUX_TAGS" -devserver "localhost:$port" "${dev_args[@]}" -loglevel Info >>"$log" 2>&1 &
dev_pid=$!

deadline=$((SECONDS + startup_timeout))
until curl -fsS -o /dev/null "$url/" 2>/dev/null && curl -fsS "$url/wails/ipc.js" -o /dev/null 2>/dev/null; do
  kill -0 "$dev_pid" 2>/dev/null || { echo "e2e: wails dev exited before serving $url"; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "e2e: $url did not come up within ${startup_timeout}s"; exit 1; }
  sleep 2
done
echo "e2e: app is up at $url after ${SECONDS}s"
if [ "$frontend_mode" = prod ]; then
  # What the browser gets through wails dev: the production bundle, with
  # Wails' scripts injected, and no Vite dev client.
  html=$(curl -fsS "$url/")
  case "$html" in *"/@vite/client"*) echo "e2e: $url serves the Vite dev client, not the production build"; exit 1 ;; esac
  case "$html" in *"/wails/ipc.js"*"/wails/runtime.js"* | *"/wails/runtime.js"*"/wails/ipc.js"*) ;; *) echo "e2e: $url does not inject the Wails scripts"; exit 1 ;; esac
  # wails dev has also run the normal `npm run build` into frontend/dist:
  # that build must not carry the test hooks.
  compgen -G "$root/frontend/dist/assets/*.js" >/dev/null || { echo "e2e: wails dev left no build in frontend/dist"; exit 1; }
  if grep -lq __smtpprobeTest "$root"/frontend/dist/assets/*.js; then
    echo "e2e: the normal build in frontend/dist contains __smtpprobeTest"; exit 1
  fi
  echo "e2e: serving the production build; frontend/dist (normal build) has no test hooks"
fi

cd "$root/frontend"
# E2E_TESTS picks files (e.g. "e2e/transcript.test.mjs"); all of e2e/ by default.
# shellcheck disable=SC2086
E2E_URL="$url" E2E_FRONTEND="$frontend_mode" E2E_ARTIFACTS="$artifacts" node --test --test-concurrency=1 --test-timeout=300000 ${E2E_TESTS:-e2e/}
