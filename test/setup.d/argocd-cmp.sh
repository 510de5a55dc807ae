#!/usr/bin/env bash
# Builds the Argo CD CMP conformance harness (argo-cd v3.5.1's own repo-server client code and cmpserver) into
# .cache/bin/argocd-cmp-harness. Cached by a hash of the module's sources; a fresh cache makes this a no-op.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$REPO/test/go/argocd-cmp"
bin="$REPO/.cache/bin/argocd-cmp-harness"
stamp="$REPO/.cache/argocd-cmp-harness.sha256"
mkdir -p "$REPO/.cache/bin"
hash=$(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  exit 0
fi
command -v go >/dev/null || { echo "argocd-cmp setup: go is required (Go >= 1.26.3 for argo-cd v3.5.1)" >&2; exit 1; }
start=$(date +%s)
(cd "$src" && GOFLAGS=-buildvcs=false nice -n 10 go build -trimpath -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$hash" > "$stamp"
echo "argocd-cmp setup: built $bin in $(( $(date +%s) - start ))s" >&2
