#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser tests (test/console/*.int.test.ts drive it with
# playwright-core; browsers cannot be downloaded by Playwright here). Idempotent; fails loudly.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "== installing chromium (Debian package) for the console browser tests" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >&2 || { echo "chromium could not be installed" >&2; exit 1; }
