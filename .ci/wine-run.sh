#!/usr/bin/env bash
# Run a Windows exe under Wine with the env .ci/wine-setup.sh prepared for:
#     bash .ci/wine-run.sh path/to/x.exe args...
# stdin/stdout/stderr and the exit code pass through. Run .ci/wine-setup.sh first.
#
# Pitfalls seen with Wine 8.0 + Bun 1.4.5:
# - If OUR stdin is a Linux pipe or socket (`cmd | wine-run.sh`, or a Linux
#   spawn with stdin "pipe"), Bun's streaming stdin fails with EBADF:
#   process.stdin, Bun.stdin.stream(), `for await (const l of console)`.
#   Blocking reads work (fs.readSync(0), Bun.stdin.text()); so do stdin from
#   a file or /dev/null, and Windows pipes between two Wine processes
#   (Bun.spawn inside Wine). stdout/stderr to Linux pipes are fine.
# - Non-detached Bun.spawn children die with their parent (job object, as on
#   real Windows); they do see 'end' on stdin when the parent closes it.
# - wineserver lingers ~3 s after the last exe; `wineserver -k` ends it.
set -euo pipefail
export WINEPREFIX="${WINEPREFIX:-${HOME:-/root}/.wine-5gfm}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  echo "wine-run: $WINEPREFIX not prepared; run .ci/wine-setup.sh first" >&2
  exit 127
fi
# Debian 12 ships /usr/bin/wine (package "wine"), no wine64 on PATH; fall back
# to the raw 64-bit loader if only package "wine64" is installed.
if command -v wine >/dev/null 2>&1; then
  exec wine "$@"
else
  export WINELOADER=/usr/lib/wine/wine64
  exec /usr/lib/wine/wine64 "$@"
fi
