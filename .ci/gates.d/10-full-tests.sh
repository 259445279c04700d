# The long self-tests (test/full/, `npm run test:full`): every seeded defect at
# full runs, third-party targets, real verifiers, soak and server limits, the
# real browser. `npm test` runs only the fast ones. Two vitest processes, one
# worker each (the rest; the power matrices), each a gate that runs beside the
# others (gate_bg --first: the longest gates start first, so the cores share the work).

full_tests() { # log vitest-args…: one group; its summary, and its failures when it failed
  local log=$1 rc
  shift
  npx vitest run --config vitest.full.config.ts --maxWorkers=1 "$@" > "$log" 2>&1
  rc=$?
  grep -E '^\s*(Test Files|Tests|Duration) ' "$log" | sed -E 's/\x1b\[[0-9;]*m//g'
  [ "$rc" -eq 0 ] || { grep -E 'FAIL|✗|×|AssertionError|Error:' "$log" | head -40; tail -30 "$log"; }
  return "$rc"
}

mkdir -p reports/full-tests
# Two groups: the power matrices (seeded defects, mutation operators, hostile tokens), the rest (the longer one:
# declared first, so it starts first).
gate_bg --first "full self-tests: third-party targets, real verifiers, soak, limits, browser (test/full/, the rest)" \
  full_tests reports/full-tests/rest.log --exclude 'test/full/mutants-*.test.ts' --exclude 'test/full/mutation*.test.ts' --exclude 'test/full/hostile-tokens.test.ts'
gate_bg --first "full self-tests: every seeded defect caught, mutation operators, hostile tokens (test/full/)" \
  full_tests reports/full-tests/mutants.log test/full/mutants- test/full/mutation test/full/hostile-tokens
