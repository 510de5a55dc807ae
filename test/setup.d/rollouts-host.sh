#!/usr/bin/env bash
# Builds the Rollouts conformance harness (real argo-rollouts v1.9.1 host code) and the Go baseline plugin into
# $REPO/.cache/bin/. Cached: rebuilds only when their Go sources or the Go version change.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
BIN="$REPO/.cache/bin"
STAMP="$REPO/.cache/rollouts-host.stamp"
mkdir -p "$BIN"

GO="$(command -v go || true)"
[ -n "$GO" ] || GO=/usr/local/go/bin/go
if [ ! -x "$GO" ]; then
  echo "rollouts-host setup: Go toolchain not found (need Go >= 1.24.9 for argo-rollouts v1.9.1)" >&2
  exit 1
fi

sources_hash() {
  (cd "$REPO/test/go" && find rollouts-host rollouts-go-plugin -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) \
    -print0 | sort -z | xargs -0 sha256sum; "$GO" version) | sha256sum | cut -d' ' -f1
}
want="$(sources_hash)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$BIN/rollouts-host" ] && [ -x "$BIN/rollouts-go-plugin" ]; then
  exit 0
fi

export GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0
for prog in rollouts-host rollouts-go-plugin; do
  start=$(date +%s)
  (cd "$REPO/test/go/$prog" && nice -n 10 "$GO" build -trimpath -o "$BIN/$prog.tmp" . && mv "$BIN/$prog.tmp" "$BIN/$prog")
  echo "rollouts-host setup: built $prog in $(( $(date +%s) - start ))s" >&2
done
echo "$want" > "$STAMP"
