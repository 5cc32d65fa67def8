"""The one door to the model: an OpenAI-compatible endpoint (vLLM first) through LangChain's ChatOpenAI.

The core never imports vllm; vLLM is just a base URL.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import httpx
from langchain_openai import ChatOpenAI

from assistant.domain.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str
    checked_at: float
    models: tuple[str, ...] = ()


def make_chat_model(settings: Settings, *, streaming: bool = True):  # type: ignore[no-untyped-def]
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        streaming=streaming,
    )


class HealthChecker:
    """A short GET {base_url}/models, cached for ``ttl`` seconds so a dead endpoint costs one probe."""

    def __init__(self, settings: Settings, ttl: float = 15.0) -> None:
        self.settings = settings
        self.ttl = ttl
        self._last: Health | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._last = None

    def mark_down(self, detail: str) -> None:
        with self._lock:
            self._last = Health(False, detail, time.monotonic())

    def check(self) -> Health:
        with self._lock:
            if self._last and time.monotonic() - self._last.checked_at < self.ttl:
                return self._last
        health = self._probe()
        with self._lock:
            self._last = health
        return health

    def _probe(self) -> Health:
        s = self.settings
        if not s.llm_base_url:
            return Health(False, "KOUBO_LLM_BASE_URL is not set", time.monotonic())
        url = s.llm_base_url.rstrip("/") + "/models"
        try:
            r = httpx.get(url, timeout=s.llm_health_timeout,
                          headers={"Authorization": f"Bearer {s.llm_api_key}"})
            r.raise_for_status()
            models = tuple(m.get("id", "") for m in r.json().get("data", []))
        except (httpx.HTTPError, ValueError) as exc:
            detail = (f"LLM endpoint {s.llm_base_url} unreachable ({type(exc).__name__}: {exc}) — start it with "
                      "`koubo serve-llm --profile NAME` or fix KOUBO_LLM_BASE_URL")
            log.warning(detail)
            return Health(False, detail, time.monotonic())
        if models and s.llm_model not in models:
            detail = (f"model {s.llm_model!r} not served at {s.llm_base_url} (served: {', '.join(models)}) — "
                      "set KOUBO_LLM_MODEL to one of them")
            log.warning(detail)
            return Health(False, detail, time.monotonic(), models)
        return Health(True, "ok", time.monotonic(), models)
