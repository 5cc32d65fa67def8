"""Staff login throttling: per-account and per-client failure counts with escalating lockouts.

Counting is done by the ``limits`` library (in-memory storage, moving windows, entries expire by themselves);
this module adds the backoff on top:

- ``max_failures`` failed logins within ``failure_window_s`` lock the account name, and separately the client
  address, for ``lockout_s``. After that the key is on probation until a day has passed since its last
  lockout: a single failure locks it again, each time for twice as long, up to ``lockout_max_s``. So a
  persistent guesser gets one guess per lockout, about 34 a day per account and per client with the
  defaults (5 failures in 900 s, 60 s doubling to 3600 s), and waiting gains nothing before the day is over.
- A locked account or client is refused before the password is checked, so a refused attempt costs no bcrypt
  time, and even the right password is refused until the lockout ends.
- Success resets nothing. Resetting the client's count would let an attacker who knows one password (their
  own staff account) interleave a good login between guesses at other accounts; resetting the account's count
  would hand the attacker fresh guesses each time the real owner logs in. Failures simply age out.
- Unknown account names are counted exactly like real ones, so lockouts reveal nothing about which exist.
- An attempt whose password is still being checked counts as a failure until it returns, so parallel requests
  cannot run more checks than the remaining allowance.

Per process, like the question rate limiter: each app replica counts on its own.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

#: How long a lockout is remembered: it sets the next one's length, and until then one failure locks again.
LOCKOUT_MEMORY_S = 86400
#: Longest account name used as a key; names are at most 100 characters in every form, real ones far shorter.
_MAX_KEY_CHARS = 200


class LoginThrottled(Exception):
    """The account or the client is locked out; ``retry_after`` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"staff login locked for {retry_after} s")
        self.retry_after = retry_after


def throttled_message(retry_after: float) -> str:
    wait = max(1, math.ceil(retry_after))
    when = f"約{math.ceil(wait / 60)}分後" if wait >= 120 else f"約{wait}秒後"
    return f"ログインの失敗が続いたため、一時的にログインを制限しています。{when}にもう一度お試しください。"


def account_key(name: str | None) -> str:
    """The key of an account name, normalised exactly as StaffAuth.check looks names up."""
    return (name or "").strip()[:_MAX_KEY_CHARS]


class LoginThrottle:
    def __init__(self, max_failures: int = 5, failure_window_s: int = 900, lockout_s: int = 60,
                 lockout_max_s: int = 3600) -> None:
        if lockout_max_s < lockout_s:
            raise ValueError("lockout_max_s must be at least lockout_s")
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.lockout_max_s = lockout_max_s
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._failure = RateLimitItemPerSecond(max_failures, failure_window_s)
        levels = 1 + math.ceil(math.log2(lockout_max_s / lockout_s))  # lockout lengths up to the longest
        # Room for every lockout a key can collect in a day (one per lockout, so far fewer than this).
        self._lockouts = RateLimitItemPerSecond(max(100, levels), LOCKOUT_MEMORY_S)
        self._locks = [RateLimitItemPerSecond(1, self._duration(level)) for level in range(levels)]
        self._in_flight: Counter[str] = Counter()
        self._mutex = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> LoginThrottle:  # type: ignore[no-untyped-def]
        return cls(settings.login_max_failures, settings.login_failure_window_s, settings.login_lockout_s,
                   settings.login_lockout_max_s)

    def check(self, name: str, client: str, verify: Callable[[], bool]) -> bool:
        """``verify()`` (the password check) unless the account or client is locked out; records its outcome.

        Raises LoginThrottled, without calling ``verify``, while either is locked out.
        """
        keys = (f"account:{account_key(name)}", f"client:{client or 'unknown'}")
        self._begin(keys)
        ok = False
        try:
            ok = verify()
        finally:
            self._end(keys, ok)
        return ok

    # --- internals ---------------------------------------------------------------------------------------------
    def _begin(self, keys: tuple[str, ...]) -> None:
        with self._mutex:
            wait = max(self._locked_for(k) for k in keys)
            if wait <= 0 and any(self._in_flight[k] >= self._allowance(k) for k in keys):
                wait = 1.0  # the allowance is taken by checks still running; they end within a second
            if wait > 0:
                raise LoginThrottled(max(1, math.ceil(wait)))
            for k in keys:
                self._in_flight[k] += 1

    def _end(self, keys: tuple[str, ...], ok: bool) -> None:
        with self._mutex:
            for k in keys:
                self._in_flight[k] -= 1
                if self._in_flight[k] <= 0:
                    del self._in_flight[k]
            if ok:
                return
            for k in keys:
                on_probation = self._level(k) > 0
                counted = self._limiter.hit(self._failure, "failure", k)
                if on_probation or not counted or self._failures(k) >= self.max_failures:
                    self._lock_out(k)

    def _allowance(self, key: str) -> int:
        """Checks that may run at once for a key: the failures it has left; one at a time after a lockout."""
        if self._level(key) > 0:
            return 1
        return max(1, self.max_failures - self._failures(key))

    def _failures(self, key: str) -> int:
        return self._failure.amount - self._limiter.get_window_stats(self._failure, "failure", key).remaining

    def _level(self, key: str) -> int:
        """Lockouts of this key within the last day."""
        return self._lockouts.amount - self._limiter.get_window_stats(self._lockouts, "lockout", key).remaining

    def _lock_out(self, key: str) -> None:
        level = min(self._level(key), len(self._locks) - 1)
        self._limiter.hit(self._lockouts, "lockout", key)
        self._limiter.hit(self._locks[level], "lock", key)
        log.warning("staff login: %r locked out for %d s after repeated failures (lockout %d within a day)",
                    key, self._duration(level), level + 1)

    def _locked_for(self, key: str) -> float:
        """Seconds the key's lockout still lasts; 0 when it is not locked."""
        now = time.time()
        wait = 0.0
        for item in self._locks:
            stats = self._limiter.get_window_stats(item, "lock", key)
            if stats.remaining <= 0:
                wait = max(wait, stats.reset_time - now)
        return wait

    def _duration(self, level: int) -> int:
        return min(self.lockout_s * 2**level, self.lockout_max_s)
