#!/usr/bin/env bash
# End-to-end replay speed: `lambdatop --replay FILE --once --output json` over a 1,000,000-line
# Lambda log (START / application line / END / REPORT per invocation) against `grep -c REPORT`
# on the same file, in the same run. Prints both times (best of 20, taking turns) and the ratio.
#
#   scripts/replay-vs-grep.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
bin=${LAMBDATOP_BIN:-target/release/lambdatop}
[ -x "$bin" ] || cargo build --release --quiet
log=$(mktemp --suffix=.log)
trap 'rm -f "$log"' EXIT

awk -v n=$((lines / 4)) 'BEGIN {
  srand(42)
  for (i = 0; i < n; i++) {
    id = sprintf("%08x-%04x-4%03x-a%03x-%012x", i * 2654435761 % 4294967296, i % 65536, i % 4096, i % 4096, i * 40503)
    d = 1 + (i * 7919 % 90000) / 100
    init = (i % 50 == 0) ? "Init Duration: 183.22 ms\t" : ""
    # One invocation every 40 ms: the application line carries the time, the others take it on.
    t = 31364078 + i * 40
    at = sprintf("2024-02-09T%02d:%02d:%02d.%03dZ", int(t / 3600000), int(t / 60000) % 60, int(t / 1000) % 60, t % 1000)
    printf "START RequestId: %s Version: $LATEST\n", id
    printf "%s\t%s\tINFO\tprocessing order %d for customer\n", at, id, i
    printf "END RequestId: %s\n", id
    printf "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 128 MB\tMax Memory Used: %d MB\t%s\n", id, d, int(d) + 1, 40 + i % 50, init
  }
}' > "$log"
size=$(du -m "$log" | cut -f1)

out=$(mktemp)
trap 'rm -f "$log" "$out"' EXIT

run_ms() { # wall time of one run, in ms
  local t0 t1
  t0=$(date +%s%N)
  # Into a file, not /dev/null: GNU grep stops at the first match when its output is discarded.
  "$@" > "$out"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

# One round to warm up, then the best of 20; the two commands take turns, so that a machine
# busier for a while slows both.
grep_ms=999999999
replay_ms=999999999
for round in $(seq 0 20); do
  g=$(run_ms grep -c REPORT "$log")
  r=$(run_ms "$bin" --replay "$log" --once --output json)
  if (( round > 0 )); then
    (( g < grep_ms )) && grep_ms=$g
    (( r < replay_ms )) && replay_ms=$r
  fi
done
echo "log: $(wc -l < "$log") lines, ${size} MB"
echo "grep -c REPORT:                       ${grep_ms} ms"
echo "lambdatop --replay --once --output json: ${replay_ms} ms"
awk -v a="$replay_ms" -v b="$grep_ms" 'BEGIN { printf "ratio: %.1fx grep\n", a / (b > 0 ? b : 1) }'
