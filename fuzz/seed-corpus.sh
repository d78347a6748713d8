#!/bin/sh
# Seeds the fuzz corpora from the parser fixtures: one file per line of
# tests/data/lambda-log-lines.jsonl for every target, plus the whole fixture set and the replay
# samples as multi-line inputs for the analytics and replay targets, the JSON samples and a
# subscription payload for replay_json; the built-in themes and the README's config example for
# the theme and config targets. Needs jq.
set -eu
cd "$(dirname "$0")"
fixtures=../tests/data/lambda-log-lines.jsonl
for target in parse_line analytics sanitize replay replay_json log_filter fail_on_rules config theme; do
    mkdir -p "corpus/$target"
done
cp ../themes/*.toml corpus/theme/
awk '/^```toml$/ { f = 1; next } /^```$/ && f { exit } f' ../README.md >corpus/config/readme-example.toml
n=0
jq -c '.line' "$fixtures" | while IFS= read -r json; do
    n=$((n + 1))
    for target in parse_line analytics sanitize replay replay_json log_filter fail_on_rules; do
        printf '%s' "$json" | jq -j . >"corpus/$target/fixture-$n"
    done
done
jq -r '.line' "$fixtures" >corpus/analytics/all-fixtures
cp corpus/analytics/all-fixtures corpus/replay/all-fixtures
for f in ../tests/data/replay/*; do
    [ -f "$f" ] && cp "$f" "corpus/replay/sample-$(basename "$f")"
done
cp ../tests/data/replay/*.json corpus/replay_json/
printf '%s\n' '{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/orders","logStream":"2024/03/05/[$LATEST]ab","subscriptionFilters":["all"],"logEvents":[{"id":"1","timestamp":1709632800000,"message":"REPORT RequestId: o-1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"}]}' \
    >corpus/replay_json/subscription-payload
cat corpus/replay_json/subscription-payload corpus/replay_json/subscription-payload \
    >corpus/replay_json/two-payloads
cp corpus/replay_json/two-payloads corpus/replay/sample-two-payloads
echo "corpus: $(find corpus -type f | wc -l) files"
