#!/usr/bin/env bash
# The pipeline and lineage tests drive the real git CLI: `git commit --trailer` needs git >= 2.32 and
# `%(trailers:only,unfold)` >= 2.22. Installs git from apt only when it is missing; otherwise a no-op.
set -euo pipefail
if ! command -v git >/dev/null; then
  echo "pipeline setup: installing git" >&2
  apt-get update && apt-get install -y --no-install-recommends git ca-certificates
fi
version=$(git --version | sed -E 's/^git version ([0-9]+)\.([0-9]+).*/\1 \2/')
read -r major minor <<<"$version"
if [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 32 ]; }; then
  echo "pipeline setup: git $(git --version) is too old; argo-otel stamp --commit needs git >= 2.32" >&2
  exit 1
fi
