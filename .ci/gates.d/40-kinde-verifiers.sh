# Kinde's own libraries as built-in verifiers (optional peers; devDependencies here): each run
# matches expected/verifiers/<name>.json, whose comments give the source reason of every finding.
# verifier_gate comes from .ci/gates.sh.
for v in kinde-node-express-jwtverify kinde-node-express-protectroute kinde-node-auth-utils kinde-auth-nextjs; do
  gate_bg "verifier $v matches expected/verifiers/$v.json" verifier_gate "$v"
done

# An API without organizations (GET /api/me) through http-api: a route without :org_code makes the org
# requirements not applicable, 200 is acceptance, 401 (and 431, Node refusing a huge header) refusal: anything else is an error of the API.
me_api_gate() {
  local jwks dir=reports/verifiers/http-api-me rc
  jwks=$(free_port) || return 1
  start_server reports/verifiers/me-api.log env PORT=0 KTC_JWKS_PORT="$jwks" node --import tsx examples/me-api/server.ts || return 1
  KTC_JWKS_PORT="$jwks" KTC_API_ROUTE=/api/me KTC_API_ACCEPT_STATUS=200 KTC_API_REJECT_STATUS=401,431 \
    npx tsx bin/cli.ts run --verifier=http-api --verifier-url="$SERVER_URL" --runs=50 --report-dir="$dir" > "$dir.log" 2>&1
  rc=$?
  stop_server
  tail -3 "$dir.log" | grep -vE "^[0-9]+ passed, [0-9]+ failed"
  [ "$rc" -le 1 ] || { echo "http-api run against examples/me-api exited $rc"; tail -40 "$dir.log"; tail -20 reports/verifiers/me-api.log; return 1; }
  npx tsx reports/check-expected.ts "$dir/results.json" expected/verifiers/http-api-me.json || return 1
  # Not applicable, never failed: the org requirements of an API without organizations.
  node -e '
    const r = require("./'"$dir"'/results.json");
    const org = r.requirements.filter((x) => x.id.startsWith("VERIFY-ORG"));
    const bad = org.filter((x) => x.verdict !== "NOT_APPLICABLE");
    if (org.length === 0 || bad.length) { console.error("org requirements of an org-less API:", org.map((x) => `${x.id} ${x.verdict}`).join(", ")); process.exit(1); }
    console.log(`${org.length} org requirements not applicable`);'
}
mkdir -p reports/verifiers
gate_bg "org-less example API (GET /api/me) through http-api matches expected/verifiers/http-api-me.json" me_api_gate

# The README's verifier table is report --matrix over the runs above (and .ci/gates.sh's): regenerate it with
# npx tsx bin/readme-matrix.ts --write when a verdict changes (the expected files change with it).
gate "README verifier matrix is report --matrix over CI's verifier runs" npx tsx bin/readme-matrix.ts --check
