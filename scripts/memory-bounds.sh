#!/usr/bin/env bash
# Measures lambdatop's peak memory against its 200 MB bound, from a clean clone:
#   1. a flood of 1,000,000 log lines (250,000 invocations of 8 functions: START, an app line,
#      END, REPORT each, in `aws logs tail` format) read with `--replay FILE --once`;
#   2. the same flood in the dashboard with the view frozen (nothing takes the updates);
#   3. an account of 2,000 functions with every metric series filled for a 24 h window, alarms,
#      and 500,000 invocations' log lines in the store (benches/memory.rs).
# Needs GNU time (/usr/bin/time) and python3.
# Prints the peak resident set of each and exits non-zero when one is over the bound.
# Settings: LINES (1000000), LIMIT_MB (200), KEEP=1 keeps the generated log.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${LINES:-1000000}
limit_mb=${LIMIT_MB:-200}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT

echo "building (release)…" >&2
cargo build --release --quiet --bin lambdatop
bin="$target/release/lambdatop"

log="$work/flood.log"
echo "generating $lines log lines in $log…" >&2
awk -v invocations=$((lines / 4)) '
function iso(t,   day, h, m, s, frac) {
    day = int(t / 86400); s = t - day * 86400
    h = int(s / 3600); m = int((s - h * 3600) / 60); s = s - h * 3600 - m * 60
    frac = int((s - int(s)) * 1000000)
    return sprintf("2026-03-%02dT%02d:%02d:%02d.%06d+00:00", 14 + day, h, m, int(s), frac)
}
BEGIN {
    n = split("orders-api payments-worker email-sender image-resizer search-indexer auth-edge reports-nightly webhook-relay", fns, " ")
    t = 9 * 3600
    for (i = 0; i < invocations; i++) {
        f = fns[i % n + 1]
        id = sprintf("%08x-%04x-4000-8000-%012x", i, i % 65536, i * 7919)
        stream = sprintf("2026/03/14/%s[$LATEST]%032x", f, i % 13)
        ms = 3 + (i * 37) % 2500 / 7
        printf "%s %s START RequestId: %s Version: $LATEST\n", iso(t), stream, id
        printf "%s %s %sZ\t%s\tINFO\tprocessed order %d in %.1f ms\n", iso(t + 0.001), stream, substr(iso(t + 0.001), 1, 23), id, i, ms
        printf "%s %s END RequestId: %s\n", iso(t + ms / 1000), stream, id
        printf "%s %s REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 512 MB\tMax Memory Used: %d MB%s\n", iso(t + ms / 1000), stream, id, ms, int(ms) + 1, 60 + i % 200, (i % 500 == 0 ? "\tInit Duration: 250.12 ms" : "")
        t += 0.01
    }
}' >"$log"
echo "  $(wc -l <"$log") lines, $(du -m "$log" | cut -f1) MB" >&2

status=0

# Peak RSS of a command, in KiB, and its wall time, from GNU time (the command's own verdict on
# the bound is ignored here: the figures are compared below).
measure() {
    /usr/bin/time -f '%M %e' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || cat "$work/err" >&2
    read -r peak_kib seconds < <(tail -n1 "$work/time")
}

measure "$bin" --replay "$log" --once
replay_mb=$((peak_kib / 1024))
echo "replay of $lines lines --once: peak RSS ${replay_mb} MB, ${seconds} s; $(grep -c . "$work/out") output lines"
[ "$replay_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }

# The same flood in the dashboard (a pseudo-terminal, needs python3) with the view frozen from the
# start, so that nothing takes the updates: what piles up is bounded by the update queue.
peak_kib=$(python3 - "$bin" "$log" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--replay", sys.argv[2]])
def drain(seconds):
    end = time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return
os.write(fd, b"p")  # freeze
drain(8)
status = open(f"/proc/{pid}/status").read()
print(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM")))
os.write(fd, b"q")
drain(1)
os.waitpid(pid, 0)
PY
)
frozen_mb=$((peak_kib / 1024))
echo "replay of $lines lines in the dashboard, view frozen: peak RSS ${frozen_mb} MB"
[ "$frozen_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }

echo "building the 2,000-function account (release)…" >&2
cargo bench --quiet --bench memory --no-run 2>/dev/null
account=$(ls -t "$target"/release/deps/memory-* | grep -v '\.d$' | head -n1)
LAMBDATOP_MEM_LIMIT_MB=100000 measure "$account"
account_mb=$((peak_kib / 1024))
echo "2,000 functions, 24 h of every metric, 500,000 invocations of logs: peak RSS ${account_mb} MB, ${seconds} s"
sed 's/^/  /' "$work/out"
[ "$account_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }
exit $status
