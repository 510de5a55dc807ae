#!/usr/bin/env bash
# The notifications peers: text/template + sprig + expr-lang/expr as notifications-engine uses them, and the
# real notifications-engine sending our shipped ConfigMap's webhooks (cold build ≈ 3-4 min on 2 cores).
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
export CGO_ENABLED=0
build_go notifications-template "$REPO/test/go/notifications-template"
build_go notifications-engine "$REPO/test/go/notifications-engine"
