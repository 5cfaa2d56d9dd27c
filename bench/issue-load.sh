#!/usr/bin/env bash
# Load benchmark of the issue API with wrk: 8 connections issuing durable tickets for
# DURATION seconds against a release build on a fresh database. Prints wrk's latency
# distribution and checks afterwards that no number was issued twice.
# Usage: bench/issue-load.sh [DURATION]   (needs: apt-get install wrk sqlite3)
# WRK_DELAY_MS=100 paces each connection (8 x 10/s) to measure latency below saturation.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release -p lotse-queue-server
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
grep -v -E '^\s*(hours|daily_walk_in_limit) =' queue-server/src/config/building.toml > "$work/building.toml"
"$target/release/queue-server" serve --demo --config "$work/building.toml" --db "$work/lotse.db" \
    --listen 127.0.0.1:18080 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.1; done
echo "server RSS idle: $(ps -o rss= -p "$server") KiB"
wrk -t 2 -c 8 -d "${duration}s" --latency -s bench/issue.lua http://127.0.0.1:18080
echo "server RSS after load: $(ps -o rss= -p "$server") KiB"
kill "$server"; wait "$server" 2>/dev/null || true
if command -v sqlite3 >/dev/null; then
    sqlite3 "$work/lotse.db" "SELECT COUNT(*) AS tickets, COUNT(DISTINCT day || number) AS distinct_numbers FROM tickets;"
fi
