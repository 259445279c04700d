# The long self-tests (test/full/, `npm run test:full`): every seeded defect at
# full runs, third-party targets, real verifiers, soak and server limits, the
# real browser. `npm test` runs only the fast ones. Two vitest processes run at
# once (the power matrices; everything else), one worker each, so the two
# cores share the work; each group is one gate.

full_tests_start() { # name log vitest-args…: start one group in the background; sets FULL_PID_<name>
  local name=$1 log=$2; shift 2
  npx vitest run --config vitest.full.config.ts --maxWorkers=1 "$@" > "$log" 2>&1 &
  eval "FULL_PID_$name=$!"
}
full_tests_wait() { # pid log: the group's exit code; its summary, and its failures when it failed
  local pid=$1 log=$2 rc
  wait "$pid"; rc=$?
  grep -E '^\s*(Test Files|Tests|Duration) ' "$log" | sed -E 's/\x1b\[[0-9;]*m//g'
  [ "$rc" -eq 0 ] || { grep -E 'FAIL|✗|×|AssertionError|Error:' "$log" | head -40; tail -30 "$log"; }
  return "$rc"
}

mkdir -p reports/full-tests
# Two groups of about equal length: the power matrices (seeded defects, mutation operators, hostile tokens), the rest.
full_tests_start mutants reports/full-tests/mutants.log test/full/mutants- test/full/mutation test/full/hostile-tokens
full_tests_start rest reports/full-tests/rest.log --exclude 'test/full/mutants-*.test.ts' --exclude 'test/full/mutation*.test.ts' --exclude 'test/full/hostile-tokens.test.ts'
gate "full self-tests: every seeded defect caught, mutation operators, hostile tokens (test/full/)" full_tests_wait "$FULL_PID_mutants" reports/full-tests/mutants.log
gate "full self-tests: third-party targets, real verifiers, soak, limits, browser (test/full/, the rest)" full_tests_wait "$FULL_PID_rest" reports/full-tests/rest.log
