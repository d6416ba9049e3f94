#!/usr/bin/env bash
# Builds and starts the desktop app. Without a display it explains why, then
# serves the app with `wails dev` under Xvfb so a browser can use it with its
# real Go backend at http://localhost:34115.
set -euo pipefail
: "${WAILS:?}" "${LINUX_TAGS:?}" "${WAILS_FLAGS:?}"
cd "$(dirname "$0")/.."

case "$(uname -s)" in
  Linux) tags=(-tags "$LINUX_TAGS") ;;
  *) tags=() ;;
esac

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # shellcheck disable=SC2086
  "$WAILS" build $WAILS_FLAGS "${tags[@]}"
  exec ./build/bin/smtpprobe
fi

echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset)."
echo "run: starting the app under Xvfb with 'wails dev'; open http://localhost:34115 in a browser."
display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true' EXIT
sleep 1
# shellcheck disable=SC2086
DISPLAY="$display" "$WAILS" dev $WAILS_FLAGS "${tags[@]}"
