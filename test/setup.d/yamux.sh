#!/usr/bin/env bash
# The yamux peer: real hashicorp/yamux v0.1.1.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
build_go yamux-peer "$REPO/test/go/yamux-peer"
