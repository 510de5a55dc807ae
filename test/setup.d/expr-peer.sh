#!/usr/bin/env bash
# Builds the expr peer: the real antonmedv/expr and Argo Rollouts' EvaluateResult, to check our condition subset.
set -euo pipefail
src="$REPO/test/go/expr-peer"
bin="$REPO/.cache/bin/expr-peer"
stamp="$REPO/.cache/expr-peer.sum"
sum=$(cat "$src"/go.mod "$src"/go.sum "$src"/*.go | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then exit 0; fi
(cd "$src" && nice go build -o "$bin" .)
echo "$sum" > "$stamp"
