#!/usr/bin/env bash
# The Argo CD CMP conformance harness: argo-cd v3.5.1's own repo-server client code and cmpserver.
set -euo pipefail
source "$(dirname "$0")/../setup-lib.sh"
build_go argocd-cmp-harness "$REPO/test/go/argocd-cmp"
