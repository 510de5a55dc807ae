#!/usr/bin/env bash
# SciPy is the reference the judge's statistics are cross-checked against.
set -euo pipefail
if python3 -c 'import scipy, numpy' 2>/dev/null; then exit 0; fi
python3 -m pip install --quiet --disable-pip-version-check 'numpy==2.3.5' 'scipy==1.16.3'
python3 -c 'import scipy; print("scipy", scipy.__version__)'
