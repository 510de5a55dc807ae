#!/usr/bin/env bash
# Installs and builds what the test suite needs, once: every test/setup.d/*.sh is idempotent and caches its
# results under .cache/, so a second run costs seconds. Called by `npm test` and so by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export REPO="$PWD"
mkdir -p "$REPO/.cache/bin"
for step in test/setup.d/*.sh; do
  [ -e "$step" ] || continue
  start=$(date +%s)
  echo "setup: $step" >&2
  bash "$step"
  echo "setup: $step done in $(( $(date +%s) - start ))s" >&2
done
