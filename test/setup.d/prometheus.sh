#!/usr/bin/env bash
# Real Prometheus (Debian's 2.42) for the canary judge's tests and the demo; exemplar storage is a feature flag.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# The package may start a daemon where systemd runs; tests start their own on a free port.
(systemctl stop prometheus 2>/dev/null || true)
prometheus --version 2>&1 | head -1
