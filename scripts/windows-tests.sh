#!/usr/bin/env bash
# Windows tests without Windows: every package's tests are cross-compiled
# (GOOS=windows go test -c, a build check for all of them), and those of
# WINE_PACKAGES run under Wine from Debian's packages (wine64), headless.
#
# Wine 8 (Debian 12) cannot run the rest: it has no ProcessPrng in
# bcryptprimitives.dll, which the Go runtime needs at start (a forwarder
# DLL to advapi32's SystemFunction036 is built here with mingw's ld); it
# does not implement the POSIX-semantics delete (FileDispositionInfoEx)
# that os.Remove and t.TempDir's cleanup use, so every test that creates a
# file fails with "Invalid function"; it refuses a rename over a file open
# with FILE_SHARE_DELETE, which Windows allows; and it lacks a UDP socket
# option the DNS tests set. The platform logic of those packages lives in
# pure functions tested on Linux instead (neterrno, atomicfile.readParams,
# mxlookup.orderAdapterServers, winname).
set -uo pipefail
cd "$(dirname "$0")/.."

WINE_PACKAGES=(backend/transcript backend/lang backend/neterrno backend/address backend/message backend/smtpauth backend/diagnose backend/smtpwire)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fail=0
echo "cross-compiling every package's tests for windows/amd64"
for p in $(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do
  GOOS=windows GOARCH=amd64 go test -c -o "$out/$(echo "$p" | tr / _).test.exe" "$p" >/dev/null || { echo "FAIL build $p"; fail=1; }
done

wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
if [ ! -x "$wine" ] || ! command -v x86_64-w64-mingw32-ld >/dev/null; then
  echo "wine64 or mingw's ld is missing (make setup installs them): the Windows test binaries were built, not run"
  [ "${CI:-}" != true ] || fail=1
  exit "$fail"
fi

# The Go runtime loads ProcessPrng from bcryptprimitives.dll (Windows 10+);
# Wine 8 has no such DLL, so give it one that forwards to RtlGenRandom.
export WINEPREFIX="$out/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n;mscoree,mshtml="
stub="$out/stub"
mkdir -p "$stub" "$WINEPREFIX/drive_c/windows/system32"
printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng = advapi32.SystemFunction036\n' >"$stub/bcrypt.def"
printf '.text\n.globl DllMain\nDllMain:\n  mov $1, %%eax\n  ret\n' >"$stub/entry.s"
x86_64-w64-mingw32-as "$stub/entry.s" -o "$stub/entry.o" &&
  x86_64-w64-mingw32-ld -shared -e DllMain -o "$stub/bcryptprimitives.dll" "$stub/bcrypt.def" "$stub/entry.o" || { echo "FAIL building the bcryptprimitives stub"; exit 1; }
"$wine" wineboot -i >/dev/null 2>&1 || true
cp "$stub/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

# Tests Wine cannot run faithfully: a real TCP reset (SetLinger(0) then
# close) sometimes reaches the reader as a clean EOF under Wine 8, where
# Windows gives WSAECONNRESET; the Winsock table itself is tested on every
# platform by pure tests, so only the live reset is left out here.
wine_skip='^TestRealReset$'

passed=0
for p in "${WINE_PACKAGES[@]}"; do
  exe="$out/$(echo "smtpprobe/$p" | tr / _).test.exe"
  # The binary runs in its package folder, as go test does, for testdata/.
  if (cd "$p" && timeout 300 "$wine" "$exe" -test.count=1 -test.skip "$wine_skip" >"$out/log" 2>&1); then
    echo "ok   $p (under Wine)"
    passed=$((passed + 1))
  else
    echo "FAIL $p (under Wine)"; tail -30 "$out/log"; fail=1
  fi
done
echo "windows tests under Wine: $passed of ${#WINE_PACKAGES[@]} packages passed"
exit "$fail"
