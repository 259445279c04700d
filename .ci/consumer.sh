#!/usr/bin/env bash
# The package as a user gets it: packed, installed into a scratch project
# outside the repository (with a test of its own that must never run), and
# used from there exactly as the README's "Use it in your CI" says.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ktc-consumer.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT
fail() { echo "consumer gate: $*"; [ -f "$work/app/out.log" ] && tail -30 "$work/app/out.log"; exit 1; }
expect_exit() { # code command…
  local want=$1; shift
  "$@" > "$work/app/out.log" 2>&1
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "expected exit $want from: $*; got $rc"
  echo "ok: exit $rc from: $*"
}
# shellcheck source=/dev/null
. "$root/.ci/lib.sh"

# KTC_TARBALL: the tarball .ci/run packed once for every gate; packed here when run on its own.
tarball=${KTC_TARBALL:-}
if [ -z "$tarball" ]; then
  (cd "$root" && npm pack --silent --pack-destination "$work" > "$work/pack.log" 2>&1) || { cat "$work/pack.log"; fail "npm pack failed"; }
  tarball=$(ls "$work"/kinde-token-conformance-*.tgz)
fi
mkdir -p "$work/app/src" && cd "$work/app" || exit 1
cat > package.json <<'JSON'
{ "name": "scratch-consumer", "version": "1.0.0", "private": true, "type": "module", "scripts": { "test": "vitest run" } }
JSON
# The consumer's own test: if anything runs it, the marker appears.
cat > src/app.test.js <<'JS'
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../CONSUMER-TEST-RAN', import.meta.url), 'the consumer test ran');
JS
ci_install_tarball "$tarball" || { cat install.log; fail "npm install of the tarball failed"; }
ktc() { npx --no-install kinde-token-conformance "$@"; }

expect_exit 0 ktc --version
grep -qx "$(node -p "require('$root/package.json').version")" out.log || fail "--version does not print the package version"
expect_exit 0 ktc targets
grep -q '^reference ' out.log || fail "targets does not list reference"

# The first check's start, from the installed package.
expect_exit 0 ktc run --runs=20 --seed=1
[ -f kinde-conformance/latest/report.html ] && [ -f kinde-conformance/latest/results.json ] || fail "reports not written under ./kinde-conformance/latest"
node -e "const r=require('./kinde-conformance/latest/results.json'); if (r.summary.PASSED < 60) process.exit(1); console.log('reference:', r.summary.PASSED, 'passed; first check after', r.timing?.firstCheckAfterMs, 'ms')" || fail "reference run decided too little"

# serve + run --target=http
# The installed bin itself (one process), not npx: stopping it must stop the server.
start_server serve.log ./node_modules/.bin/kinde-token-conformance serve --port 0 || fail "ktc serve did not start"
expect_exit 0 ktc run --target=http --target-url="$SERVER_URL" --runs=20 --seed=1 --report-dir=reports/http
stop_server

# A consumer-written in-process adapter module.
if [ -f "$root/examples/own-adapter/m2m-token-service.mjs" ]; then
  cp "$root/examples/own-adapter/m2m-token-service.mjs" ./my-adapter.mjs
  expect_exit 0 ktc run --target=./my-adapter.mjs --runs=20 --seed=1 --report-dir=reports/own
  node -e "const r=require('./reports/own/results.json'); if (r.summary.PASSED < 5) process.exit(1)" || fail "own adapter decided too little"
fi

# The library API example.
cp -r "$root/examples/library" ./library
expect_exit 0 node library/stand-in.mjs

# The example API through http-api, as shipped (default JWKS caches).
jwks_port=$(free_port) || fail "no free port"
start_server org-api.log bash -c 'cd "$1" && PORT=0 KTC_JWKS_PORT="$2" exec node --import tsx examples/org-api/server.ts' _ "$root" "$jwks_port" || fail "the example API did not start"
KTC_JWKS_PORT=$jwks_port expect_exit 0 ktc run --verifier=http-api --verifier-url="$SERVER_URL" --runs=30 --seed=1 --report-dir=reports/org-api

# check-workflow from the installed package: the docs' M2M tutorial on its fixtures (exit 0), then with one
# fixture missing (exit 0: "needs fixtures", the unmatched request named with the line to add).
cp -r "$root/examples/workflows/m2m-tutorial" ./m2m-tutorial
expect_exit 0 ktc check-workflow m2m-tutorial --fixtures=m2m-tutorial/fixtures.json --runs=10 --seed=1 --report-dir=reports/cw
grep -q '0 unmatched' out.log || fail "check-workflow did not answer the tutorial's requests from its fixtures"
node -e "const f=require('./m2m-tutorial/fixtures.json'); f.fetch=f.fetch.slice(0,2); require('fs').writeFileSync('partial.json', JSON.stringify(f))"
expect_exit 0 ktc check-workflow m2m-tutorial --fixtures=partial.json --runs=10 --seed=1 --report-dir=reports/cw-partial
grep -q "fetch-unmatched" out.log && grep -q "needs-fixtures" out.log || fail "check-workflow did not name the unmatched request as needing fixtures"

# power from the installed package: a seeded sample of generated mutants, none an unexplained survivor.
expect_exit 0 ktc power --sample=6 --seed=1 --runs=5 --report-dir=reports/power
[ -f reports/power/mutation-report.html ] || fail "power wrote no report"

# Never a false green.
expect_exit 2 ktc run --shard=999/1000
expect_exit 2 ktc run --only=
expect_exit 3 ktc run --target=http --target-url=http://127.0.0.1:9
expect_exit 3 ktc run --verifier=http-api --verifier-url=http://127.0.0.1:9 --runs=5
expect_exit 0 ktc test --runs=5 --report-dir=reports/test
grep -q 'self-tests are not shipped' out.log || fail "test did not say that the self-tests are not shipped"
[ ! -e CONSUMER-TEST-RAN ] || fail "the consumer's own test was run"
echo "consumer gate: all checks passed in $work/app"
