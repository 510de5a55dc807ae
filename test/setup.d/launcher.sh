#!/usr/bin/env bash
# The static metric-plugin launcher (stdlib-only Go, CGO off) the distroless controller execs.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
CGO_ENABLED=0 build_go argo-otel-launcher "$REPO/rollouts-metric-plugin/launcher" -ldflags='-s -w'
