#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it: start the real services (PostgreSQL, Redis, Kafka,
# Prometheus, Alertmanager, exporters) on loopback, check types and style, then run every tier
# (*.unit.test.ts and *.int.test.ts) in one node:test run, so one summary line counts them all.
# A service that cannot start fails the run here, with its log tail: real-service tests never skip.
set -euo pipefail
cd "$(dirname "$0")/.."

# helm, kubeconform, compose-check, hadolint into .tools/ for test/deploy: 0.1 s warm; cold it builds helm
# from the Go module proxy (minutes), so it runs beside the services' start-up
bash scripts/deploy-tools.sh &
deploy_tools=$!
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
# Topics a killed run left behind: older than any run (CI stops at 90 minutes), so none in use.
node scripts/prune-topics.ts --older-than 3h
bash scripts/browser.sh # chromium for the console's browser tests (test/console)

wait "$deploy_tools" || { echo "scripts/deploy-tools.sh failed (logs under .tools/)" >&2; exit 1; }

echo "== typecheck" && tsc --noEmit -p .
echo "== lint" && eslint . && prettier --check --log-level warn . && depcruise src && node scripts/test-mirror.ts --check

echo "== tests (node $(node --version))"
# Integration tests share one broker and database but use unique names, so two may run at once.
# c8 (.c8rc.json) prints a four-line coverage summary of src/ and fails the run below its floor.
exec c8 node --test --test-concurrency=2 --test-timeout=600000 --test-reporter=spec \
  'test/**/*.unit.test.ts' 'test/**/*.int.test.ts' "$@"
