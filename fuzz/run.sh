#!/usr/bin/env bash
# Runs every fuzz target (or those named after the time) for SECONDS each (default 60) on
# a copy of its committed seed corpus, and prints executions and findings per target.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Crashes land in
# fuzz/artifacts/TARGET/; reproduce with `cargo +nightly fuzz run TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(building_config kiosk_config scanner escpos_decoder api_types api_app sse_client)
fi
# No sanitizer: the crates forbid unsafe code, and without ASan a target runs about twice as
# fast. Debug assertions on: integer overflow panics, as in tests.
flags=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${flags[@]}"
mkdir -p logs
printf '%-16s %12s %10s %8s  %s\n' target executions exec/s corpus findings
for target in "${targets[@]}"; do
    run_corpus="corpus-run/$target"
    mkdir -p "$run_corpus" "artifacts/$target"
    cp -n corpus/"$target"/* "$run_corpus"/ 2>/dev/null || true
    dict=()
    [ -f "dict/$target.dict" ] && dict=(-dict="dict/$target.dict")
    before=$(ls "artifacts/$target" | wc -l)
    set +e
    cargo +nightly fuzz run "${flags[@]}" "$target" "$run_corpus" -- \
        -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
        -timeout=10 -close_fd_mask=3 "${dict[@]}" >"logs/$target.log" 2>&1
    set -e
    after=$(ls "artifacts/$target" | wc -l)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo "?")
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo "?")
    corpus=$(ls "$run_corpus" | wc -l)
    findings=$((after - before))
    detail=""
    if [ "$findings" -gt 0 ]; then
        detail=" ($(ls -t "artifacts/$target" | head -n "$findings" | tr '\n' ' '))"
    fi
    printf '%-16s %12s %10s %8s  %s%s\n' "$target" "$runs" "$speed" "$corpus" "$findings" "$detail"
done
