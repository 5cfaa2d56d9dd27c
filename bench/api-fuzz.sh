#!/usr/bin/env bash
# API fuzzing with schemathesis against the release server and its OpenAPI document, twice:
# with the demo kiosk's token, and with a staff session (cookie + X-CSRF-Token). All phases
# (examples, coverage, fuzzing, stateful links), SECONDS each (default 180), 2 workers. The
# endless SSE operation (/api/v1/events) is left out; the staff run also leaves out logout,
# which would end its own session. Any 5xx is a defect.
# Usage: bench/api-fuzz.sh [SECONDS]
# Needs python3 -m venv; schemathesis is installed from PyPI into $VENV (default
# /tmp/lotse-schemathesis). Reports (JUnit, NDJSON) go to $OUT (default /tmp/lotse-api-fuzz).
# NO_BUILD=1 uses the release binary as built.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-180}"
venv="${VENV:-/tmp/lotse-schemathesis}"
out="${OUT:-/tmp/lotse-api-fuzz}"
port="${PORT:-18181}"
target="${CARGO_TARGET_DIR:-target}"
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'schemathesis>=4,<5'
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release -p lotse-queue-server
rm -rf "$out"; mkdir -p "$out"
base="http://127.0.0.1:$port"
server=""
trap 'kill "$server" 2>/dev/null || true' EXIT
# Each run gets a fresh server and database: the kiosk run's failed logins would otherwise
# lock the address out of the staff login (20 failures lock an address).
start_server() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    "$target/release/queue-server" serve --demo --always-open --db "$out/$1.db" \
        --listen "127.0.0.1:$port" > "$out/$1-server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
}

run() {
    local name="$1"; shift
    echo "== schemathesis: $name"
    set +e
    # From $out: schemathesis keeps its state in ./.schemathesis.
    (cd "$out" && "$venv/bin/st" run "$base/api/v1/openapi.json" --url "$base" \
        --workers 2 --max-time "$seconds" --exclude-path /api/v1/events \
        --report junit,ndjson --report-dir "$out/$name" "$@") 2>&1 | tee "$out/$name.log" | tail -n 40
    set -e
}

start_server kiosk
run kiosk -H "Authorization: Bearer demo-kiosk-token"

start_server staff

login="$(curl -sf -D "$out/login.headers" -H 'Content-Type: application/json' \
    -d '{"name":"staff","password":"lotse-demo-staff"}' "$base/api/v1/session")"
cookie="$(grep -i '^set-cookie: lotse_session=' "$out/login.headers" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')"
csrf="$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')"
run staff -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
    --exclude-method DELETE

for name in kiosk staff; do
    echo "== $name: $(grep -h -E '^ +[0-9]+ generated' "$out/$name.log" | tr -s ' ')"
    echo "   5xx answers among the failures: $(grep -c -E '^\[5[0-9]{2}\]' "$out/$name.log" || true)"
    echo "   ERROR lines in the server log: $(grep -c 'ERROR' "$out/$name-server.log" || true)"
done
