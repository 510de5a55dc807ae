#!/usr/bin/env bash
# Builds test/go/yamux-peer (real hashicorp/yamux v0.1.1) into .cache/bin/yamux-peer; skips when sources are unchanged.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$REPO/test/go/yamux-peer"
bin="$REPO/.cache/bin/yamux-peer"
stamp="$REPO/.cache/yamux-peer.sha256"
mkdir -p "$REPO/.cache/bin"
hash=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  exit 0
fi
command -v go >/dev/null || { echo "yamux.sh: Go toolchain not found (need Go 1.26)" >&2; exit 1; }
(cd "$src" && GOFLAGS="${GOFLAGS:--buildvcs=false}" nice -n 10 go build -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$hash" > "$stamp"
