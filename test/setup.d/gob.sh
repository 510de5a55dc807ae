#!/usr/bin/env bash
# The gob peer: real encoding/gob with the argo-rollouts v1.9.1 types.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
build_go gob-peer "$REPO/test/go/gob-peer"
