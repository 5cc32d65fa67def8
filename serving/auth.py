"""Staff login: bcrypt password hashes from settings, and HMAC-signed session tokens.

The same token serves the Gradio staff tab (kept server-side in ``gr.State``) and the HTTP API (cookie
``koubo_staff`` or ``Authorization: Bearer``); the API also takes HTTP basic auth.

``python -m serving.auth hash [NAME]`` prints a bcrypt hash (and a ready KOUBO_STAFF_USERS value).
"""

from __future__ import annotations

import base64
import binascii
import functools
import getpass
import hashlib
import hmac
import json
import logging
import secrets
import sys
import time

import bcrypt

log = logging.getLogger(__name__)

COOKIE_NAME = "koubo_staff"
SESSION_TTL_S = 12 * 3600
# bcrypt only looks at the first 72 bytes; longer inputs are rejected by bcrypt>=4.1, so we cut them ourselves.
_BCRYPT_MAX = 72


def hash_password(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode("utf-8")[:_BCRYPT_MAX], bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8")[:_BCRYPT_MAX], hashed.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        log.error("staff password hash is not a bcrypt hash (%s); regenerate it with python -m serving.auth hash", exc)
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StaffAuth:
    """Checks staff passwords and issues/verifies session tokens ``name.expiry.signature``."""

    def __init__(self, users: dict[str, str], secret: str | None = None, ttl_s: int = SESSION_TTL_S) -> None:
        self.users = dict(users)
        if not secret:
            # Sessions then last until the server restarts, which is acceptable for a helpdesk desk.
            log.info("KOUBO_SESSION_SECRET not set; staff sessions end when the server restarts")
            secret = secrets.token_hex(32)
        self._key = secret.encode("utf-8")
        self.ttl_s = ttl_s

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, name: str, password: str) -> bool:
        hashed = self.users.get((name or "").strip())
        if not hashed or not password:
            # Spend comparable time so a wrong name is not distinguishable from a wrong password.
            verify_password(password or "x", _dummy_hash())
            return False
        return verify_password(password, hashed)

    def issue(self, name: str, now: float | None = None) -> str:
        expiry = int((now if now is not None else time.time()) + self.ttl_s)
        payload = f"{_b64(name.encode('utf-8'))}.{expiry}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, token: str | None, now: float | None = None) -> str | None:
        """The staff name in a valid, unexpired token for a user who still exists; else None."""
        if not token or token.count(".") != 2:
            return None
        name_b64, expiry, sig = token.split(".")
        if not hmac.compare_digest(sig, self._sign(f"{name_b64}.{expiry}")):
            return None
        try:
            name = _unb64(name_b64).decode("utf-8")
            expired = int(expiry) < (now if now is not None else time.time())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        if expired or name not in self.users:
            return None
        return name

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())


@functools.cache
def _dummy_hash() -> str:
    """A real hash of a random string, so that unknown user names cost one bcrypt check too."""
    return hash_password(secrets.token_hex(8))


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
