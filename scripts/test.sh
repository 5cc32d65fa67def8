#!/usr/bin/env bash
# Install the project with its test extras into .venv, install Debian's Chromium for the browser tests,
# and run the whole pytest suite. This is README's second command, and exactly what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/_venv.sh
# torch==2.13.0 (pinned in the test extra) resolves to the CPU build on this workplace's disk; see README.
python -m pip install --quiet -e '.[test]'
bash scripts/install-browser.sh
python -m pytest -q "$@"
