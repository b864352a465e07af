#!/usr/bin/env bash
# Prepare Wine so Windows exes from `bun build --compile --target=bun-windows-x64`
# run on Debian 12 (CI or a developer box). Idempotent: safe to run any number
# of times; a second run does no apt work and no prefix init. Non-interactive.
#
# What it does:
#   1. apt-get installs wine, wine64, gcc-mingw-w64-x86-64 if missing.
#   2. Creates a 64-bit Wine prefix at ${WINEPREFIX:-$HOME/.wine-5gfm}
#      (wineboot -i, no GUI, Mono/Gecko installers suppressed).
#   3. Compiles build/wine/bcryptprimitives.c (exports ProcessPrng, which
#      Bun imports and Debian's Wine 8.0 lacks) into the prefix's system32.
#   4. Prints the shim's exports and "wine-setup: ready".
#
# It exports nothing. To run an exe afterwards, prefer:
#     bash .ci/wine-run.sh path/to/x.exe args...
# or set exactly this env yourself and call `wine` (Debian's /usr/bin/wine,
# from package "wine"; there is no /usr/bin/wine64 on Debian 12):
#     WINEPREFIX="${WINEPREFIX:-$HOME/.wine-5gfm}"
#     WINEDEBUG=-all
#     WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
# (Wine 8.0 has no builtin bcryptprimitives, so the shim in system32 is
#  picked up even without the override; "bcryptprimitives=n,b" just makes
#  that explicit and keeps it so on newer Wine. "mscoree,mshtml=" stops Wine
#  from offering Mono/Gecko installs if it ever auto-updates the prefix.)
# Call `wineserver -k` (same WINEPREFIX) when done if you need no Wine
# process left behind; otherwise wineserver exits by itself ~3 s after the
# last Wine process.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
shim_src="$repo/build/wine/bcryptprimitives.c"
prefix="${WINEPREFIX:-${HOME:-/root}/.wine-5gfm}"

log() { printf 'wine-setup: %s\n' "$*" >&2; }

# --- 1. packages -----------------------------------------------------------
need=()
command -v wine >/dev/null 2>&1 || need+=(wine)
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]} (apt-get)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # wine + wine64 explicitly: wine64 only *recommends* wine, which carries
  # /usr/bin/wine, wineboot and wineserver.
  "${sudo_cmd[@]}" apt-get install -y -qq wine wine64 gcc-mingw-w64-x86-64 >/dev/null
fi

# --- 2. prefix ---------------------------------------------------------------
export WINEPREFIX="$prefix"   # for the wine tools we run below only
export WINEDEBUG=-all
export WINEARCH=win64
sys32="$prefix/drive_c/windows/system32"
if [ ! -f "$prefix/system.reg" ] || [ ! -d "$sys32" ]; then
  log "initialising prefix $prefix"
  mkdir -p "$(dirname "$prefix")"
  # No X display in CI: unset DISPLAY so Wine never tries to open windows.
  # Empty overrides for mscoree/mshtml skip the Mono/Gecko install dialogs.
  env -u DISPLAY -u WAYLAND_DISPLAY WINEDLLOVERRIDES="mscoree,mshtml=" \
    wineboot -i </dev/null >/dev/null 2>&1 || true
  wineserver -w   # wait until the prefix is fully written
  if [ ! -f "$prefix/system.reg" ] || [ ! -d "$sys32" ]; then
    log "ERROR: wineboot did not create $prefix"
    exit 1
  fi
fi

# --- 3. shim -----------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# -nostdlib + own entry point: no msvcrt dependency. The two -Wl flags make
# the DLL byte-identical on every build (no timestamp; image base not hashed
# from the temp path), so the cmp below really skips the copy on re-runs.
x86_64-w64-mingw32-gcc -shared -O2 -s -nostdlib -Wl,--entry,DllMain \
  -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base \
  -o "$tmp/bcryptprimitives.dll" "$shim_src" -ladvapi32 -lkernel32
if ! cmp -s "$tmp/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"; then
  cp "$tmp/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
  log "installed $sys32/bcryptprimitives.dll"
fi

# --- 4. report ---------------------------------------------------------------
echo "bcryptprimitives.dll exports:"
x86_64-w64-mingw32-objdump -p "$sys32/bcryptprimitives.dll" |
  sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed '1d;/^$/d'
echo "wine-setup: ready ($(wine --version 2>/dev/null), WINEPREFIX=$prefix)"
