# The README's vitest snippet from the packed package in a scratch project with
# vitest 4.1, against `serve`: 0 failed tests; a missing ISSUER_URL is one failed
# test naming targetUrl (.ci/vitest-consumer.sh).
gate_bg "README vitest snippet in a consumer's own vitest against serve: 0 failures" bash .ci/vitest-consumer.sh
