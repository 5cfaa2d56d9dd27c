#!/usr/bin/env bash
# The kiosk per Slint renderer on a 1080x1920 portrait screen (Xvfb), connected to a demo
# server, no printer, two runs each:
# - memory and idle CPU: RSS after 20 s, CPU over the next 30 s on the language screen;
# - the concern screen's scroll: "Lower screen" on, German, then the agency list (taller than
#   its view in that mode) dragged up and down for 6 s by xdotool, 4 px per move, ~100
#   moves/s. Slint counts the frames (SLINT_DEBUG_PERFORMANCE, once a second):
#   refresh_lazy = frames shown while scrolling; refresh_full_speed = full repaints per
#   second, so 1000 / that = ms per frame.
# femtovg draws through OpenGL (Mesa's llvmpipe under Xvfb), the software renderer on the CPU.
# Usage: bench/kiosk-renderers.sh [BINARY_DIR] [SCREENSHOT_DIR]
#   (default: $CARGO_TARGET_DIR/debug; a screenshot mid-scroll per renderer if a dir is given)
# Needs Xvfb, xdotool, ImageMagick (Debian xvfb, xdotool, imagemagick).
# Chooses lotse-kiosk.service's SLINT_BACKEND (README).
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-target}/debug}"
shots="${2:-}"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=:97
"$bin/queue-server" serve --demo --always-open --listen 127.0.0.1:18080 --db "$work/lotse.db" \
    >"$work/server.log" 2>&1 &
pids+=($!)
Xvfb :97 -noreset -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 3
printf 'server_url = "http://127.0.0.1:18080"\ndevice_token = "demo-kiosk-token"\nprinter = { transport = "none" }\n' \
    >"$work/kiosk.toml"
hz="$(getconf CLK_TCK)"

# Window pixels of the portrait layout (kiosk/ui/screens/welcome.slint, concerns.slint).
to_concerns() {
    xdotool mousemove 791 1808 click 1 # "Lower screen" (welcome, bottom right)
    sleep 1
    xdotool mousemove 288 1080 click 1 # "Deutsch", moved down by "Lower screen"
    sleep 2
}
# One drag on the agency list from y=$1 to y=$2 (x=540), $3 px per move.
drag() {
    local moves=(mousemove 540 "$1" mousedown 1) y
    for ((y = $1; y != $2; y += $3)); do moves+=(mousemove 540 "$y" sleep 0.01); done
    xdotool "${moves[@]}" mouseup 1
}
scroll() { # for $1 seconds
    local end=$((SECONDS + $1))
    while ((SECONDS < end)); do drag 1300 1120 -4; drag 1120 1300 4; done
}
# Mean and lowest "average frames per second" Slint printed in lines $1..$2 of $3, without the
# first report (a partial second); with $4 = ms also the mean time per frame.
frames() {
    sed -n "$(($1 + 1)),$2p" "$3" | awk '/average frames per second/ {print $5}' | sed 1d |
        awk -v ms="${4:-}" '{ s += $1; n++; if (min == "" || $1 < min) min = $1 }
            END { if (!n) { printf "no report"; exit }
                  printf "%.0f frames/s (lowest %d)", s / n, min
                  if (ms && s) printf ", %.1f ms/frame", 1000 * n / s }'
}
measure_scroll() { # [ms]: frames while scrolling for 6 s
    local start end
    start="$(wc -l <"$work/kiosk.log")"
    scroll 6
    end="$(wc -l <"$work/kiosk.log")"
    frames "$start" "$end" "$work/kiosk.log" "${1:-}"
}
start_kiosk() { # backend, SLINT_DEBUG_PERFORMANCE
    SLINT_BACKEND="$1" SLINT_DEBUG_PERFORMANCE="$2" "$bin/kiosk" --config "$work/kiosk.toml" \
        >"$work/kiosk.log" 2>&1 &
    kiosk=$!
}
stop_kiosk() { kill "$kiosk"; wait "$kiosk" 2>/dev/null || true; }

for backend in winit-femtovg winit-software; do
    for run in 1 2; do
        # refresh_lazy adds only a once-a-second report to the idle kiosk.
        start_kiosk "$backend" refresh_lazy,console
        sleep 20
        before="$(awk '{print $14 + $15}' "/proc/$kiosk/stat")"
        sleep 30
        after="$(awk '{print $14 + $15}' "/proc/$kiosk/stat")"
        rss="$(awk '/VmRSS/ {print $2}' "/proc/$kiosk/status")"
        cpu="$(awk -v ticks=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.1f", 100 * ticks / hz / 30 }')"
        to_concerns
        lazy="$(measure_scroll)"
        rss_scrolled="$(awk '/VmRSS/ {print $2}' "/proc/$kiosk/status")"
        if [[ -n "$shots" && $run == 1 ]]; then
            scroll 2 &
            sleep 1
            import -window root -display :97 "$shots/scroll-$backend.png"
            wait $!
        fi
        stop_kiosk
        start_kiosk "$backend" refresh_full_speed,console
        sleep 8
        to_concerns
        full="$(measure_scroll ms)"
        stop_kiosk
        echo "$backend run $run: RSS $((rss / 1024)) MB idle, $((rss_scrolled / 1024)) MB after scrolling;" \
            "idle CPU $cpu % of one core; scrolling: shown $lazy; full repaint $full"
    done
done
