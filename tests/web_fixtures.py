"""Helpers for the web/API tests: a WebService around the session's real offline index, fresh storage per test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import httpx
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from assistant.testing import ScriptedChatModel
from serving.auth import StaffAuth, hash_password
from serving.storage import Storage
from serving.web.service import WebService

STAFF_NAME = "suzuki"
STAFF_PASSWORD = "correct-horse-42"
# Cheap bcrypt rounds: the tests exercise the check, not its cost.
STAFF_USERS = {STAFF_NAME: hash_password(STAFF_PASSWORD, rounds=4)}


def make_service(settings: Any, assistant: Any, db: Path, **overrides: Any) -> WebService:
    settings = settings.model_copy(update={"staff_users": STAFF_USERS, **overrides})
    return WebService(settings, assistant, Storage(db), StaffAuth(STAFF_USERS, "test-secret"))


class SlowChatModel(ScriptedChatModel):
    """A scripted LLM that takes ``delay`` seconds per streamed piece (a busy vLLM)."""

    delay: float = 0.2

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(self.delay)
            yield chunk


class GatedChatModel(ScriptedChatModel):
    """Streams every piece but the last at once, then waits for ``release`` (set by the test) to send the last.

    A test can then check what a user sees mid-answer without timing anything.
    """

    release: Any = Field(default_factory=threading.Event)
    timeout: float = 120.0

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        chunks = list(super()._stream(*args, **kwargs))
        text_chunks = [i for i, c in enumerate(chunks) if c.message.content]
        last = text_chunks[-1] if text_chunks else None
        for i, chunk in enumerate(chunks):
            if i == last:
                self.release.wait(self.timeout)
            yield chunk


class DyingChatModel(ScriptedChatModel):
    """Streams ``partial`` and then loses the connection, like a vLLM server that crashed mid-answer."""

    partial: str = ""

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self.seen.append([])
        for i in range(0, len(self.partial), 4):
            yield ChatGenerationChunk(message=AIMessageChunk(content=self.partial[i : i + 4]))
        raise httpx.ConnectError("connection reset by peer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1:<free port> in a background thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
