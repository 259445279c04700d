# Gates sourced by .ci/run, each counted as one test. A gate runs a whole
# conformance run in a process of its own and compares it with what is expected.
# gate_bg: these run beside each other (CI_JOBS at once; own report dirs, port 0),
# printed in this order when they end (see .ci/run).

# shellcheck source=/dev/null
. .ci/lib.sh

# Verifier conformance: real libraries have real findings, recorded in
# expected/verifiers/<name>.json; a new failure or a fixed expected failure fails CI.
verifier_gate() { # name [extra args…]
  local v=$1; shift
  local dir=reports/verifiers/$v
  # Seed pinned, like the target gates: a verifier with a real finding (a first-key verifier) can show it under
  # one requirement or another depending on which generated tokens meet which key order.
  npx tsx bin/cli.ts run --verifier="$v" --runs=50 --seed=1 --report-dir="$dir" "$@" > "$dir.log" 2>&1
  local rc=$?
  tail -3 "$dir.log" | grep -vE "^[0-9]+ passed, [0-9]+ failed"
  [ "$rc" -le 1 ] || { echo "verifier run $v exited $rc"; tail -40 "$dir.log"; return 1; }
  npx tsx reports/check-expected.ts "$dir/results.json" "expected/verifiers/$v.json"
}
mkdir -p reports/verifiers
for v in reference jose kinde-jwt-validator jsonwebtoken-express fast-jwt; do
  gate_bg "verifier $v matches expected/verifiers/$v.json" verifier_gate "$v"
done

# Every mutant verifier must be caught (exit 1 = some requirement FAILED).
mutant_verifier_gate() {
  local v=$1 rc
  npx tsx bin/cli.ts run --verifier="$v" --runs=30 --report-dir="reports/verifiers/$v" > "reports/verifiers/$v.log" 2>&1
  rc=$?
  tail -2 "reports/verifiers/$v.log" | grep -vE "^[0-9]+ passed, [0-9]+ failed"
  [ "$rc" -eq 1 ]
}
for v in decode-only any-alg aud-ignored exp-ignored iss-prefix org-check-missing org-case-insensitive alg-family; do
  gate_bg "mutant verifier $v is caught" mutant_verifier_gate "mutant:$v"
done

# The example API (any language would do) through the http-api verifier, as shipped:
# jose's default JWKS cache and cool-down, no tuning of the API or of the suite.
api_gate() {
  # One node process (not npx → tsx → node), so that stopping it stops the server; port 0: a free one.
  # The suite serves the issuer's JWKS where the API fetches it: a free port, told to both (KTC_JWKS_PORT).
  local jwks; jwks=$(free_port) || return 1
  start_server reports/verifiers/org-api.log env PORT=0 KTC_JWKS_PORT="$jwks" node --import tsx examples/org-api/server.ts || return 1
  KTC_JWKS_PORT="$jwks" verifier_gate http-api --verifier-url="$SERVER_URL"
  local rc=$?
  [ "$rc" -eq 0 ] || { echo "the example API's own output:"; tail -20 reports/verifiers/org-api.log; }
  stop_server
  return $rc
}
gate_bg "example org API through http-api matches expected/verifiers/http-api.json" api_gate

# The reference served over HTTP (target protocol v1) must reach the same
# verdicts as in-process, with every exchange validated against schemas/protocol.
http_gate() {
  mkdir -p reports/targets
  start_server reports/targets/serve.log node bin/kinde-token-conformance.mjs serve --port 0 || return 1
  local rc
  npx tsx bin/cli.ts run --target=reference --runs=30 --seed=1 --report-dir=reports/targets/reference > reports/targets/reference.log 2>&1
  npx tsx bin/cli.ts run --target=http --target-url="$SERVER_URL" --validate-protocol --runs=30 --seed=1 --report-dir=reports/targets/http > reports/targets/http.log 2>&1
  rc=$?
  stop_server
  tail -3 reports/targets/http.log | grep -vE "^[0-9]+ passed, [0-9]+ failed"
  [ "$rc" -eq 0 ] || { tail -40 reports/targets/http.log; return 1; }
  # Same verdict for every requirement as the in-process reference with the same seed, except those of the
  # HTTP surface (capability httpSurface in schemas/requirements.json: headers, discovery, JWKS paths):
  # NOT_APPLICABLE in-process, PASSED over HTTP.
  node -e '
    const a = require("./reports/targets/reference/results.json"), b = require("./reports/targets/http/results.json");
    const httpOnly = new Set(require("./schemas/requirements.json").filter((r) => r.capabilities.includes("httpSurface")).map((r) => r.id));
    const v = (r) => Object.fromEntries(r.requirements.map((x) => [x.id, x.verdict]));
    const va = v(a), vb = v(b);
    const same = (k) => (httpOnly.has(k) ? va[k] === "NOT_APPLICABLE" && vb[k] === "PASSED" : va[k] === vb[k]);
    const diff = Object.keys({ ...va, ...vb }).filter((k) => !same(k));
    if (diff.length) { console.error("verdicts differ:", diff.map((k) => `${k}: reference ${va[k]}, http ${vb[k]}${httpOnly.has(k) ? " (HTTP surface: expected NOT_APPLICABLE in-process, PASSED over HTTP)" : ""}`).join("; ")); process.exit(1); }
    console.log(`http and in-process reference agree on ${Object.keys(va).length} requirements (${httpOnly.size} of the HTTP surface judged over HTTP only)`);'
}
gate_bg "reference over HTTP (serve + http adapter, --validate-protocol) equals in-process" http_gate

# Real third-party issuers: their differences from the documented contract are
# recorded in expected/targets/<name>.json (seed pinned, as every gate with an
# expected file: the same inputs from run to run).
target_gate() { # name
  local t=$1 dir=reports/targets/$1 rc
  mkdir -p reports/targets
  npx tsx bin/cli.ts run --target="$t" --runs=30 --seed=1 --report-dir="$dir" > "$dir.log" 2>&1
  rc=$?
  tail -3 "$dir.log" | grep -vE "^[0-9]+ passed, [0-9]+ failed"
  [ "$rc" -le 1 ] || { echo "run against $t exited $rc"; tail -40 "$dir.log"; return 1; }
  npx tsx reports/check-expected.ts "$dir/results.json" "expected/targets/$t.json"
}
for t in oidc-provider oauth2-mock-server; do
  gate_bg "third-party issuer $t matches expected/targets/$t.json" target_gate "$t"
done

# The installed package, from a scratch project outside the repository.
gate_bg "installed tarball works from a scratch project (run, serve, own adapter, library, http-api, no false green)" bash .ci/consumer.sh

# Hostile targets (loopback only, bounded): the fast subset of `npm run hardening`.
gate_bg "hardening (fast subset): hostile targets end with the right exit code, no stack trace, bounded time and memory" node --import tsx hardening/run.ts --fast

# More gates, one file per topic (sourced in name order; each uses `gate` and .ci/lib.sh like the ones above).
for extra in .ci/gates.d/*.sh; do
  [ -f "$extra" ] || continue
  # shellcheck source=/dev/null
  . "$extra"
done
