#!/usr/bin/env bash
# The Rollouts conformance harness (real argo-rollouts v1.9.1 host code) and the Go baseline plugin.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
export CGO_ENABLED=0
build_go rollouts-host "$REPO/test/go/rollouts-host"
build_go rollouts-go-plugin "$REPO/test/go/rollouts-go-plugin"
