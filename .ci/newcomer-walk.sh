#!/usr/bin/env bash
# The newcomer walk: packs the tarball, installs it in a scratch project outside the repository and runs every
# sh/bash block of README.md and docs/*.md as written (see .ci/newcomer-walk.mjs for the <!-- walk: … -->
# annotations). Prints each block, each command and its exit code; ends with blocks run/passed/skipped.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
exec node .ci/newcomer-walk.mjs "$@"
