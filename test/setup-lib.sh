# Sourced by test/setup.d/*.sh (not run on its own): the one way a Go program under the repo is built into
# $REPO/.cache/bin, rebuilt only when its sources or the Go version change.
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
BIN="$REPO/.cache/bin"
mkdir -p "$BIN"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

# build_go NAME SRC_DIR [extra go build args…] → $BIN/NAME
build_go() {
  local name=$1 src=$2
  shift 2
  command -v go >/dev/null 2>&1 || { echo "setup: the go command (Go 1.26) is required to build $src" >&2; return 1; }
  local stamp="$REPO/.cache/$name.sha256" sum start
  sum=$( (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 | sort -z | xargs -0 sha256sum; go version) | sha256sum | cut -d' ' -f1)
  if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then return 0; fi
  start=$(date +%s)
  (cd "$src" && nice -n 10 go build -trimpath "$@" -o "$BIN/$name.tmp.$$" .)
  mv -f "$BIN/$name.tmp.$$" "$BIN/$name"
  echo "$sum" >"$stamp"
  echo "setup: built $name in $(( $(date +%s) - start ))s" >&2
}
