"""Request limits of the HTTP API (which the Gradio app calls): a per-client rate and the request body size.

The question itself is checked by assistant.domain.validation, the same check the engine applies."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import Any


class RateLimiter:
    """In-memory sliding window: at most ``limit`` hits per ``window_s`` seconds for each key (client IP).

    Per process only; several replicas behind a load balancer each enforce the limit on their own share.
    """

    def __init__(self, limit: int, window_s: float = 60.0, max_keys: int = 10000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Record a hit. None when allowed; else the seconds to wait before the next hit is allowed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                return max(0.0, q[0] + self.window_s - now)
            q.append(now)
            if len(self._hits) > self.max_keys:
                self._forget_idle(now)
            return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.window_s]:
            del self._hits[key]


def rate_limited_message(retry_after: float) -> str:
    return f"短時間に多くのご質問をいただいたため、一時的に受付を制限しています。約{max(1, round(retry_after))}秒後にもう一度お試しください。"


def body_too_large_message(limit: int) -> str:
    return f"送信された内容が大きすぎます（上限{limit // 1024}KB）。質問や履歴を短くして、もう一度お試しください。"


class BodySizeLimit:
    """ASGI middleware: request bodies under ``prefixes`` larger than ``max_bytes`` get 413 before the app reads
    or parses them, whether the size is announced (Content-Length) or only seen while streaming (chunked).

    Accepted bodies are buffered (at most ``max_bytes``) and handed to the app unchanged; other paths, such as
    Gradio's own routes and uploads, pass through untouched.
    """

    def __init__(self, app: Any, max_bytes: int, prefixes: tuple[str, ...] = ("/api/",),
                 larger: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.prefixes = app, max_bytes, prefixes
        self.larger = dict(larger or {})  # exact path → its own limit (document uploads)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(str(scope.get("path", "")).rstrip("/"), self.max_bytes)
        if limit != self.max_bytes:
            await BodySizeLimit(self.app, limit, self.prefixes)(scope, receive, send)
            return
        declared = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
        if declared:
            try:
                size = int(declared[0])
                if size < 0:
                    raise ValueError(size)
            except ValueError:
                await _json_error(send, 400, "リクエストの形式が正しくありません。",
                                  "invalid Content-Length header")
                return
            if size > self.max_bytes:
                await self._too_large(send, f"Content-Length {size}")
                return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._too_large(send, f"more than {len(body)} bytes streamed")
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()  # after the body: the disconnect, for streaming responses

        await self.app(scope, replay, send)

    async def _too_large(self, send: Any, seen: str) -> None:
        await _json_error(send, 413, body_too_large_message(self.max_bytes),
                          f"request body too large ({seen}); the limit is {self.max_bytes} bytes (KOUBO_MAX_BODY_BYTES)")


async def _json_error(send: Any, status: int, message: str, detail: str) -> None:
    """The API's error shape {"message": Japanese, "detail": English}, sent without the app; closes the connection
    because the unread body may still be arriving."""
    payload = json.dumps({"message": message, "detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})
