"""Fast tests of the vLLM launcher: profiles, the printed command, and the /health wait (real HTTP)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from serving.cli import main
from serving.vllm.launcher import ProfileError, assistant_env, build_command, load_profiles, wait_for_health


def test_packaged_profiles_have_the_required_settings():
    version, profiles = load_profiles()
    assert version
    assert {"h100-8b", "cpu-smoke"} <= set(profiles)
    assert any(p.data_parallel_size == 8 or p.tensor_parallel_size > 1 for p in profiles.values())
    for p in profiles.values():
        argv = build_command(p)
        for flag in ("--served-model-name", "--max-model-len", "--gpu-memory-utilization", "--tool-call-parser"):
            assert flag in argv, (p.name, flag)
        assert "--enable-auto-tool-choice" in argv and "--enable-prefix-caching" in argv
        assert argv[argv.index("--tool-strict-level") + 1] == "parameter"


def test_build_command_overrides_and_entrypoints():
    _, profiles = load_profiles()
    argv = build_command(profiles["h100-8b"], model="/models/x", host="10.0.0.5", port=9001)
    assert argv[:3] == ["vllm", "serve", "/models/x"]
    assert argv[argv.index("--host") + 1] == "10.0.0.5" and argv[argv.index("--port") + 1] == "9001"
    smoke = build_command(profiles["cpu-smoke"], python="/venv/bin/python")
    assert smoke[:3] == ["/venv/bin/python", "-m", "vllm.entrypoints.openai.api_server"]
    assert smoke[smoke.index("--model") + 1] == profiles["cpu-smoke"].model
    assert assistant_env(profiles["h100-8b"], port=9001) == {
        "KOUBO_LLM_BASE_URL": "http://127.0.0.1:9001/v1",
        "KOUBO_LLM_MODEL": "koubo-llm",
    }


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("profiles: {}", "profiles"),
        ("profiles:\n  a: {model: m}", "必須"),
        (
            (
                "profiles:\n  a: {model: m, served_model_name: s, max_model_len: 1, gpu_memory_utilization: 2,"
                " tool_call_parser: hermes}"
            ),
            "gpu_memory_utilization",
        ),
        (
            (
                "profiles:\n  a: {model: m, served_model_name: s, max_model_len: 1, gpu_memory_utilization: 0.5,"
                " tool_call_parser: hermes, typo_flag: 1}"
            ),
            "typo_flag",
        ),
        ("profiles: [", "YAML"),
    ],
)
def test_bad_profile_yaml_is_reported_in_japanese(text, fragment):
    with pytest.raises(ProfileError) as info:
        load_profiles(text)
    assert fragment in str(info.value)


def test_cli_list_and_dry_run(capsys):
    assert main(["serve-llm", "--list"]) == 0
    out = capsys.readouterr().out
    _, profiles = load_profiles()
    for name in profiles:
        assert name in out
    assert main(["serve-llm", "--profile", "h100-8b", "--dry-run", "--port", "8123"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("CUDA_VISIBLE_DEVICES=0 vllm serve ")
    assert "--port 8123" in lines[0]
    assert "export KOUBO_LLM_BASE_URL=http://127.0.0.1:8123/v1" in lines
    assert "export KOUBO_LLM_MODEL=koubo-llm" in lines


def test_cli_unknown_profile_and_bad_port(capsys):
    assert main(["serve-llm", "--profile", "no-such"]) == 2
    assert "koubo serve-llm --list" in capsys.readouterr().err
    assert main(["serve-llm", "--profile", "h100-8b", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_cli_without_vllm_prints_install_hint(capsys, monkeypatch):
    monkeypatch.setattr("serving.vllm.launcher.vllm_available", lambda: False)
    assert main(["serve-llm", "--profile", "h100-8b"]) == 1
    assert "pip install 'koubo-assistant[vllm]'" in capsys.readouterr().err


class _Health(BaseHTTPRequestHandler):
    ready_at = 0.0

    def do_GET(self):
        ok = self.path == "/health" and time.monotonic() >= self.ready_at
        self.send_response(200 if ok else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_wait_for_health_waits_until_ready(health_server):
    _Health.ready_at = time.monotonic() + 0.6
    base = f"http://127.0.0.1:{health_server.server_port}/v1"
    start = time.monotonic()
    assert wait_for_health(base, timeout=10, interval=0.1)
    assert time.monotonic() - start >= 0.5


def test_wait_for_health_gives_up(health_server):
    _Health.ready_at = time.monotonic() + 60
    base = f"http://127.0.0.1:{health_server.server_port}/v1"
    assert not wait_for_health(base, timeout=0.5, interval=0.1)
    # a dead server process ends the wait at once
    start = time.monotonic()
    assert not wait_for_health(base, timeout=30, interval=0.1, alive=lambda: False)
    assert time.monotonic() - start < 10  # a hang guard well under the 30 s timeout, not a speed target
