"""Turn a named profile (package YAML) into the exact vLLM command line, and wait for the server."""

from __future__ import annotations

import importlib.util
import logging
import shlex
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx
import yaml

log = logging.getLogger(__name__)

PROFILES_FILE = "profiles.yaml"
INSTALL_HINT = "pip install 'koubo-assistant[vllm]'"


class ProfileError(ValueError):
    """A profile is unknown or malformed; the message (Japanese) says what to fix."""


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    model: str
    served_model_name: str
    max_model_len: int
    gpu_memory_utilization: float
    tool_call_parser: str
    port: int = 8000
    host: str = "0.0.0.0"
    tool_strict_level: str | None = "parameter"
    prefix_caching: bool = True
    tensor_parallel_size: int = 1
    data_parallel_size: int = 1
    entrypoint: str = "vllm"  # "vllm" (vllm serve) or "api_server" (python -m ...openai.api_server)
    extra_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> Profile:
        required = ("model", "served_model_name", "max_model_len", "gpu_memory_utilization", "tool_call_parser")
        missing = [k for k in required if k not in data]
        if missing:
            raise ProfileError(f"プロファイル {name} に必須の項目がありません: {', '.join(missing)}")
        known = set(cls.__dataclass_fields__) - {"name"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ProfileError(f"プロファイル {name} に不明な項目があります: {', '.join(unknown)}")
        values = dict(data)
        values["extra_args"] = tuple(str(a) for a in values.get("extra_args", ()))
        values["env"] = {str(k): str(v) for k, v in (values.get("env") or {}).items()}
        values.setdefault("description", "")
        profile = cls(name=name, **values)
        if not 0.0 < float(profile.gpu_memory_utilization) <= 1.0:
            raise ProfileError(f"プロファイル {name}: gpu_memory_utilization は 0 より大きく 1 以下にしてください。")
        if profile.entrypoint not in ("vllm", "api_server"):
            raise ProfileError(f"プロファイル {name}: entrypoint は vllm か api_server です。")
        return profile


def load_profiles(text: str | None = None) -> tuple[str, dict[str, Profile]]:
    """(targeted vLLM version, profiles by name) from the packaged YAML, or from ``text`` in tests."""
    if text is None:
        text = resources.files("serving.vllm").joinpath(PROFILES_FILE).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ProfileError(f"プロファイルの YAML を読めません: {exc}") from exc
    raw = data.get("profiles")
    if not isinstance(raw, dict) or not raw:
        raise ProfileError("プロファイルの YAML に profiles がありません。")
    profiles = {name: Profile.from_dict(name, body or {}) for name, body in raw.items()}
    return str(data.get("vllm_version", "")), profiles


def build_command(
    profile: Profile,
    *,
    model: str | None = None,
    host: str | None = None,
    port: int | None = None,
    python: str | None = None,
) -> list[str]:
    """The argv that starts vLLM for ``profile``; ``model``/``host``/``port`` override the profile."""
    if profile.entrypoint == "api_server":
        head = [python or sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", model or profile.model]
    else:
        head = ["vllm", "serve", model or profile.model]
    args = [
        *head,
        "--served-model-name", profile.served_model_name,
        "--host", host or profile.host,
        "--port", str(port or profile.port),
        "--max-model-len", str(profile.max_model_len),
        "--gpu-memory-utilization", str(profile.gpu_memory_utilization),
        "--enable-auto-tool-choice",
        "--tool-call-parser", profile.tool_call_parser,
    ]  # fmt: skip
    if profile.tool_strict_level:
        args += ["--tool-strict-level", profile.tool_strict_level]
    args.append("--enable-prefix-caching" if profile.prefix_caching else "--no-enable-prefix-caching")
    if profile.tensor_parallel_size > 1:
        args += ["--tensor-parallel-size", str(profile.tensor_parallel_size)]
    if profile.data_parallel_size > 1:
        args += ["--data-parallel-size", str(profile.data_parallel_size)]
    args += list(profile.extra_args)
    return args


def shell_line(argv: list[str], env: dict[str, str] | None = None) -> str:
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    return (prefix + " " if prefix else "") + shlex.join(argv)


def client_host(host: str) -> str:
    """Where a client on this machine reaches a server bound to ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def assistant_env(profile: Profile, *, host: str | None = None, port: int | None = None) -> dict[str, str]:
    """The settings the assistant needs to use this server."""
    h = client_host(host or profile.host)
    return {
        "KOUBO_LLM_BASE_URL": f"http://{h}:{port or profile.port}/v1",
        "KOUBO_LLM_MODEL": profile.served_model_name,
    }


def vllm_available() -> bool:
    return importlib.util.find_spec("vllm") is not None


def wait_for_health(
    base_url: str, *, timeout: float = 600.0, interval: float = 1.0, alive: Any = None
) -> bool:
    """Poll ``<server>/health`` until it answers 200; False on timeout or when ``alive()`` turns False."""
    url = base_url.rstrip("/").removesuffix("/v1") + "/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            log.warning("vLLM process exited before %s answered", url)
            return False
        try:
            if httpx.get(url, timeout=min(5.0, interval * 5)).status_code == 200:
                return True
        except httpx.HTTPError as exc:
            log.debug("health %s: %s", url, exc)
        time.sleep(interval)
    log.warning("no healthy answer from %s within %.0f s", url, timeout)
    return False
