#!/usr/bin/env bash
# The README's vitest snippet as a user runs it: the packed package and vitest
# 4.1 installed in a scratch project, `conformance({ target: 'http', targetUrl:
# process.env.ISSUER_URL, runs: 50 })` against `serve` from the installed bin.
# Must give 0 failed tests; without ISSUER_URL, exactly one failed test naming
# targetUrl (a configuration error is said once, not once per check).
# KTC_TARBALL=path reuses a packed tarball.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ktc-vitest-consumer.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT
fail() { echo "vitest consumer: $*"; exit 1; }
# shellcheck source=/dev/null
. "$root/.ci/lib.sh"

tarball=${KTC_TARBALL:-}
if [ -z "$tarball" ]; then
  (cd "$root" && npm pack --silent --pack-destination "$work" > "$work/pack.log" 2>&1) || { cat "$work/pack.log"; fail "npm pack failed"; }
  tarball=$(ls "$work"/kinde-token-conformance-*.tgz)
fi
mkdir -p "$work/app" && cd "$work/app" || exit 1
echo '{ "name": "scratch-vitest-consumer", "version": "1.0.0", "private": true, "type": "module" }' > package.json
# The package (a copy of CI's one install of the tarball when there is one), then vitest beside it.
ci_install_tarball "$tarball" && cp install.log install-package.log && npm install --no-audit --no-fund --silent -D "$tarball" vitest@4.1 > install.log 2>&1 || { cat install-package.log install.log 2>/dev/null; fail "npm install failed"; }
# The README's snippet, as printed.
cat > conformance.test.js <<'JS'
import { conformance } from 'kinde-token-conformance/vitest';
conformance({ target: 'http', targetUrl: process.env.ISSUER_URL, runs: 50 });   // one test per check
JS

# counts FILE: "passed failed" from vitest's JSON report
counts() { node -e "const r=require('./$1'); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests)"; }

# Without ISSUER_URL: one failure that names targetUrl.
env -u ISSUER_URL npx --no-install vitest run --reporter=json --outputFile=noenv.json > noenv.log 2>&1
read -r p f s < <(counts noenv.json)
[ "$f" = 1 ] && [ "$p" = 0 ] || fail "without ISSUER_URL: expected exactly 1 failed test, got $p passed, $f failed"
grep -q 'needs targetUrl' noenv.json || fail "without ISSUER_URL: the failure does not name targetUrl"
echo "ok: without ISSUER_URL one failed test naming targetUrl"

start_server serve.log ./node_modules/.bin/kinde-token-conformance serve --port 0 || fail "serve did not start"
started=$(date +%s)
ISSUER_URL=$SERVER_URL npx --no-install vitest run --reporter=default --reporter=json --outputFile=run.json > run.log 2>&1
rc=$?
stop_server
read -r p f s < <(counts run.json)
echo "README vitest snippet against serve: $p passed, $f failed, $s skipped in $(( $(date +%s) - started )) s (load $(cut -d' ' -f1 /proc/loadavg))"
[ "$rc" -eq 0 ] && [ "$f" = 0 ] && [ "$p" -gt 30 ] || { tail -60 run.log; fail "the snippet did not pass against serve (exit $rc)"; }
