#!/usr/bin/env bash
# Builds the static metric-plugin launcher (stdlib-only Go, CGO off) into .cache/bin once per source change.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$REPO/rollouts-metric-plugin/launcher"
out="$REPO/.cache/bin/argo-otel-launcher"
stamp="$REPO/.cache/launcher.sha256"
mkdir -p "$REPO/.cache/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "launcher.sh: the go command is required (Go 1.22+) to build $src" >&2
  exit 1
fi
sum="$( (cd "$src" && cat go.mod ./*.go; go version) | sha256sum | cut -d' ' -f1)"
if [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi
tmp="$out.tmp.$$"
(cd "$src" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags='-s -w' -o "$tmp" .)
mv -f "$tmp" "$out"
echo "$sum" > "$stamp"
echo "launcher.sh: built $out" >&2
