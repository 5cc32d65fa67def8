"""Staff login: bcrypt password hashes from settings, and signed session tokens (itsdangerous).

The same token serves the Gradio staff tab (kept server-side in ``gr.State``) and the HTTP API (cookie
``koubo_staff`` or ``Authorization: Bearer``); the API also takes HTTP basic auth.

``python -m serving.auth hash [NAME]`` prints a bcrypt hash (and a ready KOUBO_STAFF_USERS value).
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any

import bcrypt
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

log = logging.getLogger(__name__)

COOKIE_NAME = "koubo_staff"
SESSION_TTL_S = 12 * 3600
# bcrypt only looks at the first 72 bytes; longer inputs are rejected by bcrypt>=4.1, so we cut them ourselves.
_BCRYPT_MAX = 72
_BCRYPT_COST = re.compile(r"\$2[aby]?\$(\d\d)\$")
_SALT = "koubo-staff-session"
#: Our tokens are ~100 characters; anything far longer is not one of them and is not worth decoding.
_MAX_TOKEN_CHARS = 1000


def hash_password(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode("utf-8")[:_BCRYPT_MAX], bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    # surrogatepass: a lone surrogate (possible in JSON) is a wrong password, checked at the same cost.
    secret = password.encode("utf-8", "surrogatepass")[:_BCRYPT_MAX]
    try:
        return bcrypt.checkpw(secret, hashed.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        log.error("staff password hash is not a bcrypt hash (%s); regenerate it with python -m serving.auth hash", exc)
        return False


class _ClockedSigner(TimestampSigner):
    """itsdangerous' timestamp signer reading an injectable clock (tests move time without sleeping)."""

    def __init__(self, *args: Any, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


class StaffAuth:
    """Checks staff passwords and issues/verifies signed, timestamped session tokens (itsdangerous).

    A token carries the staff name and a fingerprint of that user's password hash: it is valid for ``ttl_s``
    seconds after login, and ends early when the user is removed or their password changes.
    """

    def __init__(self, users: dict[str, str], secret: str | None = None, ttl_s: int = SESSION_TTL_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.users = dict(users)
        if not secret:
            # Sessions then last until the server restarts, which is acceptable for a helpdesk desk.
            if self.users:
                log.warning("KOUBO_SESSION_SECRET not set; staff sessions end when the server restarts "
                            "and do not carry over between replicas")
            secret = secrets.token_hex(32)
        self.ttl_s = ttl_s
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT, signer=_ClockedSigner,
                                                  signer_kwargs={"clock": clock})

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, name: str, password: str) -> bool:
        hashed = self.users.get((name or "").strip())
        if not hashed or not password:
            # Spend comparable time so a wrong name is not distinguishable from a wrong password.
            verify_password(password or "x", _dummy_hash(self._cost()))
            return False
        return verify_password(password, hashed)

    def issue(self, name: str) -> str:
        return self._serializer.dumps([name, self._fingerprint(name)])

    def verify(self, token: str | None) -> str | None:
        """The staff name in a valid, unexpired token for a user who still exists; else None."""
        if not token or not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
            return None
        try:
            data = self._serializer.loads(token, max_age=self.ttl_s)
        except (BadData, UnicodeError, ValueError, TypeError):
            return None  # forged, expired, truncated or garbage
        if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, str) for x in data)):
            return None
        name, fingerprint = data
        if name not in self.users or fingerprint != self._fingerprint(name):  # password changed
            return None
        return name

    def _fingerprint(self, name: str) -> str:
        return hashlib.sha256(self.users.get(name, "").encode("utf-8")).hexdigest()[:16]

    def _cost(self) -> int:
        """The bcrypt cost of the configured hashes, so that unknown names cost as much as known ones."""
        costs = [int(m.group(1)) for h in self.users.values() if (m := _BCRYPT_COST.match(h))]
        return max(costs, default=12)


@functools.cache
def _dummy_hash(rounds: int = 12) -> str:
    """A real hash of a random string, so that unknown user names cost one bcrypt check too."""
    return hash_password(secrets.token_hex(8), rounds)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "hash":
        print("使い方: python -m serving.auth hash [NAME]  （パスワードを尋ね、bcrypt ハッシュを表示します）",
              file=sys.stderr)
        return 2
    name = args[1] if len(args) > 1 else None
    print_hash(name)
    return 0


def print_hash(name: str | None) -> None:
    """Ask for a password (twice on a terminal, once from a pipe) and print its hash."""
    if sys.stdin.isatty():
        pw = getpass.getpass("パスワード: ")
        if pw != getpass.getpass("パスワード（確認）: "):
            raise SystemExit("パスワードが一致しません。もう一度実行してください。")
    else:
        pw = sys.stdin.readline().rstrip("\n")
    if len(pw) < 8:
        raise SystemExit("パスワードは8文字以上にしてください。")
    hashed = hash_password(pw)
    print(hashed)
    if name:
        print(f"KOUBO_STAFF_USERS='{json.dumps({name: hashed}, ensure_ascii=False)}'", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
