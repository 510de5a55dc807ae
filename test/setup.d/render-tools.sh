#!/usr/bin/env bash
# Builds the renderers the cmp-generate tests drive (kustomize, helm) and the go-yaml v2 peer, once, into
# $REPO/.cache/bin. Pinned versions; a stamp file per tool makes a second run a no-op.
set -euo pipefail
: "${REPO:?REPO must be the repo root}"
BIN="$REPO/.cache/bin"
mkdir -p "$BIN"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED=0

KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=v5.8.1
HELM_MODULE=helm.sh/helm/v3/cmd/helm
HELM_VERSION=v3.22.0

if ! command -v go >/dev/null 2>&1; then
  echo "render-tools: Go is required (Go 1.26.x on PATH) to build kustomize and helm" >&2
  exit 1
fi

# go install <module>@<version> into $BIN unless the stamp says that exact version is already there.
install_tool() {
  local name=$1 module=$2 version=$3
  local stamp="$BIN/.$name.version"
  if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    return 0
  fi
  echo "render-tools: building $name $version" >&2
  GOBIN="$BIN" nice -n 10 go install "$module@$version"
  echo "$module@$version" >"$stamp"
}

install_tool kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION"
install_tool helm "$HELM_MODULE" "$HELM_VERSION"

# The go-yaml v2 peer (sigs.k8s.io/yaml YAMLToJSON).
source "$(dirname "$0")/../setup-lib.sh"
build_go yamltojson "$REPO/test/go/yamltojson"
