#!/usr/bin/env bash
# API fuzzing stage: schemathesis (pinned, in the project-local venv .venv-fuzz) against a real service
# on embedded PGlite in a temporary data directory, as admin, operator, viewer and with no credentials.
# Exits non-zero on any 5xx, any response that breaks its documented status, schema, content type or
# headers, and any other check failure. Knobs (environment): FUZZ_MAX_EXAMPLES (per operation and
# phase), FUZZ_SEED, FUZZ_ROLES (subset of "admin operator viewer anonymous"), NODE (the node binary).
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
VENV=.venv-fuzz
NODE=${NODE:-node}
SEED=${FUZZ_SEED:-20261205}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-20}
ROLES=${FUZZ_ROLES:-admin operator viewer anonymous}

# Install once; later runs only check the pinned version is there.
if ! "$VENV/bin/st" --version 2>/dev/null | grep -qF "$ST_VERSION"; then
  echo "== fuzz: installing schemathesis $ST_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/openapi-fuzz.XXXXXX")
service_pid=''
cleanup() {
  if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" && wait "$service_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The fuzzed service is the embedded one whatever the caller's environment (npm test exports the
# shared services' URLs): its own PGlite, no shared broker or cache between runs.
unset BSS_DATABASE_URL BSS_DATABASE_SCHEMA BSS_KAFKA_BROKERS BSS_REDIS_URL
export BSS_DATA_DIR="$work/data" BSS_LOG_LEVEL=error BSS_PORT=0 BSS_HOST=127.0.0.1
export BSS_ADMIN_API_KEY="bss_fuzz_admin_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
declare -A KEYS=([admin]=$BSS_ADMIN_API_KEY)
# Keys are created with the service stopped: PGlite allows one process per data directory.
for role in operator viewer; do
  KEYS[$role]=$("$NODE" src/cli/bss.ts keys create --role "$role" --name "fuzz $role" | tail -n 1)
done

: >"$work/service.out" # exists before the poll below reads it
"$NODE" src/main.ts >>"$work/service.out" 2>"$work/service.err" &
service_pid=$!
url=''
for _ in $(seq 1 600); do
  url=$(sed -n 's/^ *URL: *\(http[^ ]*\).*/\1/p' "$work/service.out")
  [[ -n $url ]] && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n $url ]] || { echo "fuzz: the service did not start" >&2; cat "$work/service.err" >&2; exit 1; }
echo "== fuzz: service at $url (schemathesis $ST_VERSION, seed $SEED, max examples $MAX_EXAMPLES)"

status=0
for role in $ROLES; do
  auth=()
  [[ $role != anonymous ]] && auth=(-H "X-API-Key: ${KEYS[$role]}")
  echo "== fuzz: as $role"
  # All checks and all four phases (examples, coverage, fuzzing, stateful); none is switched off
  # (scripts/schemathesis.toml says which statuses count as accepting a valid request, and why).
  # NUL bytes are generated: a string the schema allows may carry U+0000, and the service must refuse
  # it with a 4xx, never a 5xx. Security parameters are not generated: each run sends its role's real
  # key, and a made-up Authorization header next to it would only be refused with 401 (the anonymous
  # run and the ignored_auth check cover that). --request-timeout bounds a replay job's event stream.
  # No U+0000 in generated strings: one validation rule refuses it in every string with a 400 naming
  # the field (test/support/edge-inputs.ts proves it), which no OpenAPI schema states per string, so
  # the fuzzer would call that 400 a rejected valid request.
  "$VENV/bin/st" --config-file scripts/schemathesis.toml run "$url/openapi.json" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --workers "${FUZZ_WORKERS:-1}" \
    --request-timeout 10 \
    --generation-with-security-parameters false \
    --generation-allow-x00 false \
    --no-color \
    "${auth[@]}" \
    "$@" || status=1
done

if grep -q '"level":[56]0' "$work/service.out"; then
  echo "== fuzz: the service logged errors:" && grep '"level":[56]0' "$work/service.out" | head -n 20
fi
exit $status
