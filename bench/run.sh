#!/usr/bin/env bash
# The benchmarks, as `npm run bench` runs them (never part of `npm test`): start the real services,
# then run every bench/*.bench.ts whose name contains FILTER, with the project's Node.
#
#   bash bench/run.sh                      every benchmark
#   bash bench/run.sh event-log            bench/event-log.bench.ts
#   bash bench/run.sh event-log --only kafka,ceilings --scale 0.2
#                                          arguments after the filter go to each benchmark
#
# Results: a table on stdout, bench/results/<name>-<date>.json, and the measured section of
# bench/results/<NAME>.md. Numbers depend on the machine and on what else runs on it: each
# measurement waits (up to 30 s) for the machine to be quiet and reports the CPU others took.
set -euo pipefail
cd "$(dirname "$0")/.."

filter=${1:-}
[[ $# -gt 0 ]] && shift

bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"

node=./node_modules/.bin/node
[[ -x $node ]] || node=node
shopt -s nullglob
ran=0
for bench in bench/*.bench.ts; do
  name=$(basename "$bench" .bench.ts)
  [[ -z $filter || $name == *"$filter"* ]] || continue
  echo "== $name ($($node --version))"
  "$node" "$bench" "$@"
  ran=$((ran + 1))
done
((ran > 0)) || { echo "no benchmark matches '$filter' (bench/*.bench.ts)" >&2; exit 1; }
