#!/usr/bin/env bash
# Builds the notifications-template peer (Go text/template + sprig, as notifications-engine renders webhook bodies)
# into $REPO/.cache/bin once per source change.
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$REPO/test/go/notifications-template"
out="$REPO/.cache/bin/notifications-template"
stamp="$REPO/.cache/notifications-template.sha256"
mkdir -p "$REPO/.cache/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "notifications.sh: the go command (Go 1.26) is required to build $src" >&2
  exit 1
fi
sum="$( (cd "$src" && cat go.mod go.sum ./*.go; go version) | sha256sum | cut -d' ' -f1)"
if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
  exit 0
fi
tmp="$out.tmp.$$"
(cd "$src" && GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0 nice -n 10 go build -trimpath -o "$tmp" .)
mv -f "$tmp" "$out"
echo "$sum" >"$stamp"
echo "notifications.sh: built $out" >&2
