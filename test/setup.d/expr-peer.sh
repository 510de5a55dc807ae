#!/usr/bin/env bash
# The expr peer: the real antonmedv/expr and Argo Rollouts' EvaluateResult, to check our condition subset.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
build_go expr-peer "$REPO/test/go/expr-peer"
