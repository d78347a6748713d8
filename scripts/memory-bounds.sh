#!/usr/bin/env bash
# Measures lambdatop's peak memory against its 200 MB bound, from a clean clone:
#   1. a flood of 1,000,000 log lines (250,000 invocations of 8 functions: START, an app line,
#      END, REPORT each, in `aws logs tail` format) read with `--replay FILE --once`;
#   2. the same flood in the dashboard with the view frozen (nothing takes the updates);
#   3. an account of 2,000 functions with every metric series filled for a 24 h window, alarms,
#      and 500,000 invocations' log lines in the store (benches/memory.rs);
#   4. hostile input: one 3 GiB line without a newline, piped to `--replay - --once`;
#   5. a 300 MB `aws logs filter-log-events` JSON document (indented, as the AWS CLI prints it),
#      `--replay FILE --once` and in the dashboard with the view frozen.
# Needs GNU time (/usr/bin/time) and python3.
# Prints the peak resident set of each and exits non-zero when one is over the bound.
# Settings: LINES (1000000), LIMIT_MB (200), LONG_LINE_MB (3072), JSON_MB (300), KEEP=1 keeps
# the generated logs.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${LINES:-1000000}
limit_mb=${LIMIT_MB:-200}
long_line_mb=${LONG_LINE_MB:-3072}
json_mb=${JSON_MB:-300}
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

# Peak RSS, in KiB, of the dashboard (a pseudo-terminal) replaying FILE with the view frozen from
# the start, so that nothing takes the updates: what piles up is bounded by the update queue.
frozen_peak() {
    python3 - "$bin" "$1" <<'PY'
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
}

peak_kib=$(frozen_peak "$log")
frozen_mb=$((peak_kib / 1024))
echo "replay of $lines lines in the dashboard, view frozen: peak RSS ${frozen_mb} MB"
[ "$frozen_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }
[ "${KEEP:-}" = 1 ] || rm -f "$log"

# One line of LONG_LINE_MB MiB without a newline, never on disk: it is cut at 1 MiB and the rest
# skipped as it is read.
measure "$bin" --replay - --once < <(python3 -c '
import sys
chunk = b"A" * (1 << 20)
for _ in range(int(sys.argv[1])):
    sys.stdout.buffer.write(chunk)
' "$long_line_mb")
long_mb=$((peak_kib / 1024))
echo "one ${long_line_mb} MiB line piped, --once: peak RSS ${long_mb} MB, ${seconds} s ($(tail -n1 "$work/err"))"
[ "$long_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }

json="$work/filter-log-events.json"
echo "generating a ${json_mb} MB filter-log-events document in $json…" >&2
python3 - "$json_mb" >"$json" <<'PY'
import json, sys
target = int(sys.argv[1]) * 1000 * 1000
out = sys.stdout
out.write('{\n    "events": [')
written, i, t, sep = 0, 0, 1773478800000, "\n        "
while written < target:
    rid = "%08x-%04x-4000-8000-%012x" % (i, i % 65536, i * 7919)
    stream = "2026/03/14/[$LATEST]%032x" % (i % 13)
    ms = 3 + (i * 37) % 2500 / 7
    for message in (
        "START RequestId: %s Version: $LATEST\n" % rid,
        "2026-03-14T09:00:00.000Z\t%s\tINFO\tprocessed order %d in %.1f ms\n" % (rid, i, ms),
        "END RequestId: %s\n" % rid,
        "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 512 MB\tMax Memory Used: %d MB\t\n" % (rid, ms, int(ms) + 1, 60 + i % 200),
    ):
        event = {"logStreamName": stream, "timestamp": t, "message": message,
                 "ingestionTime": t + 500, "eventId": str(t)}
        text = sep + json.dumps(event, indent=4).replace("\n", "\n        ")
        out.write(text)
        written += len(text)
        sep, t = ",\n        ", t + 1
    i += 1
out.write('\n    ],\n    "searchedLogStreams": []\n}\n')
PY
echo "  $(du -m "$json" | cut -f1) MB" >&2
measure "$bin" --replay "$json" --once
json_once_mb=$((peak_kib / 1024))
echo "${json_mb} MB filter-log-events JSON --once: peak RSS ${json_once_mb} MB, ${seconds} s; $(grep -c . "$work/out") output lines"
[ "$json_once_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }
peak_kib=$(frozen_peak "$json")
json_frozen_mb=$((peak_kib / 1024))
echo "the same JSON in the dashboard, view frozen: peak RSS ${json_frozen_mb} MB"
[ "$json_frozen_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }
[ "${KEEP:-}" = 1 ] || rm -f "$json"

echo "building the 2,000-function account (release)…" >&2
cargo bench --quiet --bench memory --no-run 2>/dev/null
account=$(ls -t "$target"/release/deps/memory-* | grep -v '\.d$' | head -n1)
LAMBDATOP_MEM_LIMIT_MB=100000 measure "$account"
account_mb=$((peak_kib / 1024))
echo "2,000 functions, 24 h of every metric, 500,000 invocations of logs: peak RSS ${account_mb} MB, ${seconds} s"
sed 's/^/  /' "$work/out"
[ "$account_mb" -lt "$limit_mb" ] || { echo "  over the ${limit_mb} MB bound" >&2; status=1; }
exit $status
