"""Staff auth: bcrypt hashes, signed session tokens, and the hash helper commands."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from serving.auth import StaffAuth, hash_password, verify_password

PW = "correct-horse-42"


@pytest.fixture(scope="module")
def users():
    return {"suzuki": hash_password(PW, rounds=4), "佐藤": hash_password("別のパスワード123", rounds=4)}


def test_hash_and_verify():
    h = hash_password(PW, rounds=4)
    assert h.startswith("$2b$04$") and PW not in h
    assert verify_password(PW, h)
    assert not verify_password(PW + "x", h)
    assert not verify_password(PW, "not-a-bcrypt-hash")  # a broken setting logs, never raises


def test_check(users):
    auth = StaffAuth(users, "s")
    assert auth.enabled
    assert auth.check("suzuki", PW)
    assert auth.check(" suzuki ", PW)
    assert auth.check("佐藤", "別のパスワード123")
    assert not auth.check("suzuki", "wrong")
    assert not auth.check("nobody", PW)
    assert not auth.check("suzuki", "")
    assert not StaffAuth({}, "s").enabled


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_tokens(users):
    clock = Clock(1000)
    auth = StaffAuth(users, "secret-1", ttl_s=60, clock=clock)
    token = auth.issue("佐藤")
    assert token.isascii() and "佐藤" not in token
    clock.now = 1030
    assert auth.verify(token) == "佐藤"
    clock.now = 1061
    assert auth.verify(token) is None  # expired
    clock.now = 1030
    payload, stamp, sig = token.split(".")
    assert auth.verify(f"{payload}.{stamp}.{sig[:-2]}AA") is None  # tampered signature
    later = StaffAuth(users, "secret-1", ttl_s=60, clock=Clock(1030 + 3600)).issue("佐藤")
    assert auth.verify(f"{payload}.{later.split('.')[1]}.{sig}") is None  # extended timestamp → bad signature
    assert auth.verify(f"{StaffAuth(users, 'secret-1').issue('suzuki').split('.')[0]}.{stamp}.{sig}") is None
    assert StaffAuth(users, "secret-2", clock=clock).verify(token) is None  # other server secret
    assert StaffAuth({"suzuki": users["suzuki"]}, "secret-1", clock=clock).verify(token) is None  # user removed
    changed = {**users, "佐藤": hash_password("新しいパスワード456", rounds=4)}
    assert StaffAuth(changed, "secret-1", clock=clock).verify(token) is None  # password changed
    for bad in (None, "", "a.b", "a.b.c", "!!.1.x", "é.é.é", "スタッフ.123.署名", "\x00", "a" * 5000, "..",
                token + "x", token.replace(".", "。"), token[:-4]):
        assert auth.verify(bad) is None, bad
    # without a configured secret each process makes its own, so tokens do not cross instances
    assert StaffAuth(users).verify(StaffAuth(users).issue("suzuki")) is None


def test_python_m_serving_auth_hash():
    proc = subprocess.run([sys.executable, "-m", "serving.auth", "hash", "suzuki"], input=PW + "\n",
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    hashed = proc.stdout.strip()
    assert verify_password(PW, hashed)
    assert "KOUBO_STAFF_USERS=" in proc.stderr and hashed in proc.stderr
    short = subprocess.run([sys.executable, "-m", "serving.auth", "hash"], input="short\n",
                           capture_output=True, text=True, timeout=60, check=False)
    assert short.returncode != 0 and "8文字以上" in short.stderr
    usage = subprocess.run([sys.executable, "-m", "serving.auth"], capture_output=True, text=True, timeout=60, check=False)
    assert usage.returncode == 2 and "使い方" in usage.stderr


def test_koubo_web_add_staff(monkeypatch, capsys):
    from serving.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(PW + "\n"))
    assert main(["web", "--add-staff", "tanaka"]) == 0
    out = capsys.readouterr()
    assert verify_password(PW, out.out.strip())
    assert '"tanaka"' in out.err
