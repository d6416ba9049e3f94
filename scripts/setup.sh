#!/usr/bin/env bash
# Installs what SMTP Probe needs to build, run and test, and only what is
# missing, so it is cheap to run before every make target.
set -euo pipefail

: "${WAILS:?}" "${WAILS_VERSION:?}" "${TOOLS_BIN:?}"
cd "$(dirname "$0")/.."

# wine64 and binutils-mingw-w64-x86-64: the Windows test binaries under Wine
# (scripts/windows-tests.sh).
APT_PACKAGES=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev xvfb xauth chromium nsis wine64 binutils-mingw-w64-x86-64)
NODE_MIN=20.19.0
GO_MIN=1.26

fail() { echo "setup: $*" >&2; exit 1; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# 1. System packages (Debian/Ubuntu).
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  cat >&2 <<MSG
setup: this is not a Debian/Ubuntu system, so nothing was installed automatically.
Install these yourself: a C compiler and pkg-config, GTK 3 and WebKitGTK 4.1 development
files (Linux), Xvfb and xauth (for headless runs), Chromium (for end-to-end tests), NSIS
(for the Windows installer), Go >= $GO_MIN and Node.js >= $NODE_MIN with npm.
Then run the make target again.
MSG
  for t in cc pkg-config Xvfb chromium makensis; do command -v "$t" >/dev/null 2>&1 || fail "missing: $t"; done
fi

# 2. Toolchains the machine must already have (the apt versions are too old).
command -v go >/dev/null 2>&1 || fail "Go >= $GO_MIN is required: https://go.dev/dl/ (put it on PATH)"
gov=$(go env GOVERSION | sed 's/^go//')
version_ge "$gov" "$GO_MIN" || fail "Go $gov is too old: Go >= $GO_MIN is required"
command -v node >/dev/null 2>&1 || fail "Node.js >= $NODE_MIN with npm is required: https://nodejs.org/"
nodev=$(node --version | sed 's/^v//')
version_ge "$nodev" "$NODE_MIN" || fail "Node.js $nodev is too old: >= $NODE_MIN is required (Vite 8)"

# 3. The pinned Wails CLI, in a bin folder of our own.
if [ ! -x "$WAILS" ] || ! "$WAILS" version 2>/dev/null | grep -q "$WAILS_VERSION"; then
  echo "setup: installing the Wails CLI $WAILS_VERSION into $TOOLS_BIN"
  mkdir -p "$TOOLS_BIN"
  GOBIN="$TOOLS_BIN" go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi

# 4. Frontend packages, exactly as locked.
stamp=frontend/node_modules/.smtpprobe-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s frontend/package-lock.json "$stamp"; then
  echo "setup: npm ci in frontend/"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  cp frontend/package-lock.json "$stamp"
fi
# Some npm packages ship Go files; a go.mod at the top of node_modules makes it
# a separate module, so `go test ./...` and `go vet ./...` never descend there.
[ -f frontend/node_modules/go.mod ] || printf 'module smtpprobe/frontend/node_modules\n' > frontend/node_modules/go.mod
