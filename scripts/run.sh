#!/usr/bin/env bash
# README's first command: install the default (CPU, offline) build into .venv, build the index of the
# packaged documents if it is missing, and start the web UI on http://127.0.0.1:7860 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/_venv.sh
python -m pip install --quiet -e .
koubo search "GPUノードは何ノードまで使えますか" -k 3
exec koubo web "$@"
