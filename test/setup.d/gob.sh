#!/usr/bin/env bash
# Builds test/go/gob-peer (real encoding/gob + argo-rollouts v1.9.1 types) into .cache/bin/gob-peer, once per source change.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$REPO/test/go/gob-peer"
bin="$REPO/.cache/bin/gob-peer"
stamp="$REPO/.cache/gob-peer.sha256"
mkdir -p "$REPO/.cache/bin"
sum=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi
command -v go >/dev/null || { echo "gob.sh: Go toolchain not found on PATH (need Go >= 1.24.9)" >&2; exit 1; }
cd "$src"
GOFLAGS="${GOFLAGS:--buildvcs=false}" nice -n 10 go build -o "$bin.tmp" .
mv "$bin.tmp" "$bin"
echo "$sum" > "$stamp"
