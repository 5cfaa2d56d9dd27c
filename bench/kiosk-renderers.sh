#!/usr/bin/env bash
# The kiosk's memory and idle CPU per Slint renderer, on a 1080x1920 portrait screen (Xvfb),
# connected to a demo server, no printer: RSS after 20 s, CPU over the next 30 s, two runs
# each. femtovg draws through OpenGL (Mesa's llvmpipe under Xvfb), the software renderer on
# the CPU. Usage: bench/kiosk-renderers.sh [BINARY_DIR]  (default: $CARGO_TARGET_DIR/debug)
# Needs Xvfb (Debian xvfb). Chooses lotse-kiosk.service's SLINT_BACKEND (README).
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-target}/debug}"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/queue-server" serve --demo --always-open --listen 127.0.0.1:18080 --db "$work/lotse.db" \
    >"$work/server.log" 2>&1 &
pids+=($!)
Xvfb :97 -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 3
printf 'server_url = "http://127.0.0.1:18080"\ndevice_token = "demo-kiosk-token"\nprinter = { transport = "none" }\n' \
    >"$work/kiosk.toml"
hz="$(getconf CLK_TCK)"
for backend in winit-femtovg winit-software; do
    for run in 1 2; do
        DISPLAY=:97 SLINT_BACKEND="$backend" "$bin/kiosk" --config "$work/kiosk.toml" >"$work/kiosk.log" 2>&1 &
        kiosk=$!
        sleep 20
        before="$(awk '{print $14 + $15}' "/proc/$kiosk/stat")"
        sleep 30
        after="$(awk '{print $14 + $15}' "/proc/$kiosk/stat")"
        rss="$(awk '/VmRSS/ {print $2}' "/proc/$kiosk/status")"
        cpu="$(awk -v ticks=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.1f", 100 * ticks / hz / 30 }')"
        echo "$backend run $run: RSS $((rss / 1024)) MB, idle CPU $cpu % of one core"
        kill "$kiosk"; wait "$kiosk" 2>/dev/null || true
    done
done
