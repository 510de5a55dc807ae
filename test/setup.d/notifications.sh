#!/usr/bin/env bash
# Builds the notifications peers into $REPO/.cache/bin, each once per source change:
#  - notifications-template: Go text/template + sprig and expr-lang/expr, as notifications-engine uses them;
#  - notifications-engine: the real notifications-engine library (config parsing, triggers, templates, webhook
#    service) sending our shipped ConfigMap's webhooks. Cold build ≈ 3-4 min on 2 cores (module downloads).
set -euo pipefail
REPO="${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
mkdir -p "$REPO/.cache/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "notifications.sh: the go command (Go 1.26) is required to build test/go/notifications-*" >&2
  exit 1
fi
for name in notifications-template notifications-engine; do
  src="$REPO/test/go/$name"
  out="$REPO/.cache/bin/$name"
  stamp="$REPO/.cache/$name.sha256"
  sum="$( (cd "$src" && cat go.mod go.sum ./*.go; go version) | sha256sum | cut -d' ' -f1)"
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
    continue
  fi
  tmp="$out.tmp.$$"
  (cd "$src" && GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0 nice -n 10 go build -trimpath -o "$tmp" .)
  mv -f "$tmp" "$out"
  echo "$sum" >"$stamp"
  echo "notifications.sh: built $out" >&2
done
