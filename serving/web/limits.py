"""Input limits shared by the HTTP API and the Gradio app: question length and a per-client rate."""

from __future__ import annotations

import threading
import time
from collections import deque


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


def too_long_message(n: int, limit: int) -> str:
    return f"ご質問が長すぎます（{n}文字、上限{limit}文字）。要点を絞って、もう一度お尋ねください。"


def rate_limited_message(retry_after: float) -> str:
    return f"短時間に多くのご質問をいただいたため、一時的に受付を制限しています。約{max(1, round(retry_after))}秒後にもう一度お試しください。"


EMPTY_QUESTION_MESSAGE = "ご質問が空です。お知りになりたいことを入力してください。"
