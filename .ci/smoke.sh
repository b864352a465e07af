#!/usr/bin/env bash
# Smoke-tests one built executable the way an administrator meets it: copied alone into an empty
# folder (no node_modules, no source), then --version, user add, serve answering /healthz, a
# database write read back after a restart, a user's feature-app child answering through the
# gateway (and gone once the gateway stops), and doctor.
#   bash .ci/smoke.sh dist/5gfm-linux-x64
#   bash .ci/smoke.sh dist/5gfm-windows-x64.exe wine     (runs it through .ci/wine-run.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
runner="${2:-native}"
name="$(basename "$binary")"
work="$(mktemp -d)"
cp "$binary" "$work/"
cd "$work"

say() { printf 'smoke[%s]: %s\n' "$name" "$*"; }
fail() { say "FAIL: $*"; [ -f serve.log ] && tail -n 40 serve.log; exit 1; }
run() { if [ "$runner" = wine ]; then bash "$here/wine-run.sh" "./$name" "$@"; else "./$name" "$@"; fi; }
# Started with exec so that $! is the executable itself (or Wine's loader), never a shell around it.
run_background() {
  if [ "$runner" = wine ]; then exec bash "$here/wine-run.sh" "./$name" "$@"; else exec "./$name" "$@"; fi
}
python="$(command -v python3 || command -v python)"  # Windows runners name it python
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url, seconds
  for _ in $(seq 1 $(($2 * 10))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
serve_pid=""
stop_serve() {
  [ -n "$serve_pid" ] || return 0
  kill "$serve_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  # Under Wine the exe lives on in wineserver's care after its launcher is gone; end it for the restart.
  if [ "$runner" = wine ]; then WINEPREFIX="${WINEPREFIX:-$HOME/.wine-5gfm}" wineserver -k 2>/dev/null || true; fi
}
trap 'stop_serve; cd /; rm -rf "$work"' EXIT

port="$(free_port)"
app_from=$((30000 + RANDOM % 20000))
# The app-port range must not contain the gateway's port.
while [ "$port" -ge "$app_from" ] && [ "$port" -le $((app_from + 10)) ]; do app_from=$((30000 + RANDOM % 20000)); done
start_serve() {
  (run_background serve --port "$port" --host 127.0.0.1 --no-open --app-ports "$app_from-$((app_from + 10))" >>serve.log 2>&1) &
  serve_pid=$!
  wait_http "http://127.0.0.1:$port/healthz" 60 || fail "serve did not answer /healthz within 60 s"
}

version="$(run --version)"
[[ "$version" == 5gfm\ * ]] || fail "--version printed: $version"
say "version: $version"

set +e
run serve --port 70000 --print-config >bad.out 2>&1
code=$?
set -e
[ "$code" = 2 ] && grep -q 'invalid setting port = "70000" (from --port)' bad.out || fail "a bad flag gave exit $code: $(head -1 bad.out)"
say "bad flag: exit 2 with a clear line"

echo "smoke-test-password" | run user add root --role admin --ip 127.0.0.1 --password-stdin | grep -q "password required" || fail "user add admin with --password-stdin"
run user add alice --role user --ip 127.0.0.2 | grep -q "added alice" || fail "user add"
run user list | grep -Eq "^alice +user" || fail "user list does not show alice"
[ -f 5gfm-data/5gfm.db ] || fail "the data folder was not created beside the executable"
say "user add + list: ok (data folder beside the executable)"

start_serve
health="$(curl -fsS "http://127.0.0.1:$port/healthz")"
[[ "$health" == *'"status":"ok"'* ]] || fail "/healthz answered: $health"
say "serve: /healthz $health"
for asset in htmx.min.js uPlot.iife.min.js uPlot.min.css app.css; do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/static/$asset" || fail "embedded asset $asset missing"
done
say "embedded static assets: ok"

# A write through the running server's database, read back by the server after a restart.
run user add bob --role user --ip 127.0.0.3 >/dev/null || fail "user add while serving"
stop_serve
start_serve
page="$(curl -fsS -L -c jar3 -b jar3 --interface 127.0.0.3 "http://127.0.0.1:$port/")"
[[ "$page" == *"Signed in as bob"* ]] || fail "after a restart the gateway does not let bob in at 127.0.0.3"
page_ko="$(curl -fsS -L -c jar2 -b jar2 --interface 127.0.0.2 -H 'Accept-Language: ko-KR,ko;q=0.9' "http://127.0.0.1:$port/")"
[[ "$page_ko" == *"alice로 로그인됨"* ]] || fail "Korean page for alice"
denied_code="$(curl -s -o denied.html -w '%{http_code}' --interface 127.0.0.4 "http://127.0.0.1:$port/")"
[ "$denied_code" = 403 ] && grep -q "127.0.0.4" denied.html || fail "an unknown address got $denied_code instead of the access-denied page"
say "restart: data kept; bob (127.0.0.3) in, alice in Korean, 127.0.0.4 denied"

# Bob's own feature-app process, through the gateway: started on his first request.
app_health="$(curl -fsS -b jar3 --interface 127.0.0.3 "http://127.0.0.1:$port/app/_health")"
[[ "$app_health" == *'"user":"bob"'* ]] || fail "bob's feature app through the gateway: $app_health"
# The embedded demo catalog, loaded into the database by the executable's feature app.
features="$(curl -fsS -b jar3 --interface 127.0.0.3 "http://127.0.0.1:$port/app/api/features?pageSize=1")"
[[ "$features" == *'"total":88'* ]] || fail "bob's feature app has no demo catalog: $features"
app_page="$(curl -fsS -b jar3 -H 'Accept: text/html' --interface 127.0.0.3 "http://127.0.0.1:$port/app/")"
[[ "$app_page" == *"FGR-CA0001"* ]] || fail "bob's feature-app page does not list the demo catalog"
say "feature app through the gateway: $app_health"
stop_serve
if [ "$runner" = native ] && command -v pgrep >/dev/null; then
  sleep 1
  if pgrep -f "$work/.*feature-app" >/dev/null || pgrep -f "^./$name feature-app" >/dev/null; then
    fail "feature-app processes outlived the gateway: $(pgrep -af feature-app)"
  fi
  say "no feature-app process outlived the gateway"
fi

if [ "$runner" = wine ]; then
  # Wine's schtasks stores the task as a file; /Query does not answer there, so the file is the
  # proof. (Wine's task parser keeps only part of the XML; the full definition is unit-tested.)
  task="${WINEPREFIX:-$HOME/.wine-5gfm}/drive_c/windows/system32/tasks/5G Feature Manager"
  # Wine's schtasks /Run starts nothing, so install honestly reports that the server did not come
  # up (exit 1); the task file is what it must have made.
  run service install --wait-seconds 2 >service.out 2>&1 || grep -q "did not answer" service.out || { cat service.out; fail "service install"; }
  grep -q "5G Feature Manager: the 5gfm gateway" "$task" || fail "service install did not register the task"
  run service uninstall >/dev/null 2>&1 || true
  [ ! -e "$task" ] || fail "service uninstall left the task"
  WINEPREFIX="${WINEPREFIX:-$HOME/.wine-5gfm}" wineserver -k 2>/dev/null || true
  say "service install/uninstall: the scheduled task was created and removed"
fi

run cert >cert.out 2>&1 || { cat cert.out; fail "cert"; }
[ -s 5gfm-data/tls/cert.pem ] && [ -s 5gfm-data/tls/key.pem ] || fail "cert wrote no certificate"
say "cert: a self-signed certificate for this machine"

run doctor --port "$(free_port)" >doctor.out 2>&1 || { cat doctor.out; fail "doctor"; }
say "doctor: $(tail -1 doctor.out)"
say "PASS"
