#!/bin/sh
# Seeds the fuzz corpora from the parser fixtures: one file per line of
# tests/data/lambda-log-lines.jsonl for every target, plus the whole fixture set and the replay
# samples as multi-line inputs for the analytics and replay targets; the built-in themes and the
# README's config example for the theme and config targets. Needs jq.
set -eu
cd "$(dirname "$0")"
fixtures=../tests/data/lambda-log-lines.jsonl
for target in parse_line analytics sanitize replay log_filter fail_on_rules config theme; do
    mkdir -p "corpus/$target"
done
cp ../themes/*.toml corpus/theme/
awk '/^```toml$/ { f = 1; next } /^```$/ && f { exit } f' ../README.md >corpus/config/readme-example.toml
n=0
jq -c '.line' "$fixtures" | while IFS= read -r json; do
    n=$((n + 1))
    for target in parse_line analytics sanitize replay log_filter fail_on_rules; do
        printf '%s' "$json" | jq -j . >"corpus/$target/fixture-$n"
    done
done
jq -r '.line' "$fixtures" >corpus/analytics/all-fixtures
cp corpus/analytics/all-fixtures corpus/replay/all-fixtures
for f in ../tests/data/replay/*; do
    [ -f "$f" ] && cp "$f" "corpus/replay/sample-$(basename "$f")"
done
echo "corpus: $(find corpus -type f | wc -l) files"
