"""Staff login resists guessing: per-account and per-client lockouts with backoff, on every login path.

The HTTP tests run uvicorn on 127.0.0.1; clients are told apart by X-Forwarded-For, which uvicorn trusts
from 127.0.0.1 exactly as it does behind the nginx of serving/deploy. Lockouts are set to 1-2 s where a test
has to see one end, so the few sleeps stay short.
"""

from __future__ import annotations

import base64
import threading
import time

import gradio as gr
import httpx
import pytest

from serving.api import create_app
from serving.auth import StaffAuth
from serving.login_throttle import LoginThrottle, LoginThrottled, throttled_message
from serving.web.staff import StaffHandlers
from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD, STAFF_USERS, ServerThread, make_service

WRONG = "wrong-password"


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


# --- the throttle itself ---------------------------------------------------------------------------------------
class Verifier:
    """Stands in for the bcrypt check and counts how often it ran."""

    def __init__(self, result: bool) -> None:
        self.result, self.calls = result, 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.result


def test_five_failures_lock_before_the_password_is_checked():
    throttle = LoginThrottle(max_failures=5, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    wrong, right = Verifier(False), Verifier(True)
    assert [throttle.check("suzuki", "10.0.0.1", wrong) for _ in range(5)] == [False] * 5
    with pytest.raises(LoginThrottled) as exc:
        throttle.check("suzuki", "10.0.0.1", right)
    assert 59 <= exc.value.retry_after <= 60
    assert right.calls == 0, "a locked-out attempt must not cost a bcrypt check"
    assert wrong.calls == 5


def test_account_lock_holds_against_every_client():
    throttle = LoginThrottle(max_failures=5, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2", "10.0.0.1"):
        assert throttle.check("suzuki", client, Verifier(False)) is False
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        with pytest.raises(LoginThrottled):
            throttle.check("suzuki", client, Verifier(True))
    # " suzuki " is the same account for StaffAuth.check, so it is the same account here
    with pytest.raises(LoginThrottled):
        throttle.check(" suzuki ", "10.0.0.4", Verifier(True))
    # neither client is locked (3 and 2 failures): they may still log in to other accounts
    assert throttle.check("sato", "10.0.0.1", Verifier(True)) is True


def test_client_lock_holds_for_every_account():
    throttle = LoginThrottle(max_failures=5, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    for name in ("suzuki", "sato", "tanaka", "admin", "root"):  # real or not, every name counts the same
        assert throttle.check(name, "10.0.0.1", Verifier(False)) is False
    for name in ("suzuki", "yamada"):
        with pytest.raises(LoginThrottled):
            throttle.check(name, "10.0.0.1", Verifier(True))
    # each account has a single failure: other clients are not affected
    assert throttle.check("suzuki", "10.0.0.2", Verifier(True)) is True


def test_a_successful_login_does_not_reset_failures():
    """An attacker who owns one account cannot interleave good logins between guesses at another."""
    throttle = LoginThrottle(max_failures=5, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    for _ in range(2):
        for _ in range(2):
            assert throttle.check("victim", "10.0.0.1", Verifier(False)) is False
        assert throttle.check("attacker", "10.0.0.1", Verifier(True)) is True
    assert throttle.check("victim", "10.0.0.1", Verifier(False)) is False  # 5th failure from this client
    with pytest.raises(LoginThrottled):
        throttle.check("attacker", "10.0.0.1", Verifier(True))
    # the account's owner logging in does not give the guesser a fresh allowance either
    throttle2 = LoginThrottle(max_failures=2, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    assert throttle2.check("suzuki", "10.0.0.9", Verifier(False)) is False
    assert throttle2.check("suzuki", "10.0.0.1", Verifier(True)) is True
    assert throttle2.check("suzuki", "10.0.0.9", Verifier(False)) is False
    with pytest.raises(LoginThrottled):
        throttle2.check("suzuki", "10.0.0.1", Verifier(True))


def test_parallel_attempts_cannot_exceed_the_allowance():
    throttle = LoginThrottle(max_failures=3, failure_window_s=60, lockout_s=60, lockout_max_s=3600)
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow_wrong() -> bool:
        started.release()
        release.wait(10)
        return False

    threads = [threading.Thread(target=throttle.check, args=("suzuki", f"10.0.0.{i}", slow_wrong)) for i in range(3)]
    for t in threads:
        t.start()
    for _ in threads:
        assert started.acquire(timeout=10)
    extra = Verifier(True)
    with pytest.raises(LoginThrottled) as exc:  # three checks in flight use up the account's allowance
        throttle.check("suzuki", "10.0.0.99", extra)
    assert exc.value.retry_after == 1 and extra.calls == 0
    release.set()
    for t in threads:
        t.join(10)
    with pytest.raises(LoginThrottled):  # the three failures locked the account
        throttle.check("suzuki", "10.0.0.99", extra)


def test_lockouts_grow_up_to_the_maximum_and_end():
    throttle = LoginThrottle(max_failures=2, failure_window_s=60, lockout_s=1, lockout_max_s=2)
    waits = []
    for round_ in range(3):
        if round_ == 0:
            for _ in range(2):
                assert throttle.check("suzuki", "10.0.0.1", Verifier(False)) is False
        else:
            # the failures are still in the window: one more failure after a lockout locks again at once
            assert throttle.check("suzuki", "10.0.0.1", Verifier(False)) is False
        with pytest.raises(LoginThrottled) as exc:
            throttle.check("suzuki", "10.0.0.1", Verifier(True))
        waits.append(exc.value.retry_after)
        time.sleep(exc.value.retry_after + 0.1)
    assert waits == [1, 2, 2]  # doubled, then capped at lockout_max_s
    assert throttle.check("suzuki", "10.0.0.1", Verifier(True)) is True  # the lockout ended


def test_after_a_lockout_one_failure_locks_again_even_once_old_failures_aged_out():
    """Waiting until the failure window is empty must not buy a fresh set of guesses."""
    throttle = LoginThrottle(max_failures=2, failure_window_s=1, lockout_s=1, lockout_max_s=4)
    for _ in range(2):
        assert throttle.check("suzuki", "10.0.0.1", Verifier(False)) is False
    with pytest.raises(LoginThrottled) as exc:
        throttle.check("suzuki", "10.0.0.1", Verifier(True))
    time.sleep(exc.value.retry_after + 0.2)  # the lockout is over and both failures left their 1 s window
    assert throttle.check("suzuki", "10.0.0.1", Verifier(False)) is False
    with pytest.raises(LoginThrottled) as exc:
        throttle.check("suzuki", "10.0.0.1", Verifier(True))
    assert exc.value.retry_after == 2


def test_throttled_message_is_japanese_with_the_wait():
    assert "30秒後" in throttled_message(29.2)
    assert "60分後" in throttled_message(3600)
    assert _japanese(throttled_message(1))


# --- every login path over HTTP --------------------------------------------------------------------------------
@pytest.fixture()
def make_server(index_settings, offline_assistant, tmp_path):
    servers = []

    def make(**settings):
        service = make_service(index_settings, offline_assistant, tmp_path / f"db{len(servers)}.sqlite3", **settings)
        server = ServerThread(create_app(service.settings, service=service, mount_ui=False)).__enter__()
        servers.append(server)
        return service, server.url

    yield make
    for s in servers:
        s.__exit__(None, None, None)


def _login(url: str, client: str, name: str, password: str) -> httpx.Response:
    return httpx.post(f"{url}/api/login", json={"name": name, "password": password},
                      headers={"X-Forwarded-For": client}, timeout=30)


def _assert_429(resp: httpx.Response) -> dict:
    assert resp.status_code == 429, resp.text
    body = resp.json()
    assert set(body) == {"message", "detail"} and _japanese(body["message"]) and body["detail"].isascii()
    assert "制限" in body["message"]
    assert int(resp.headers["retry-after"]) >= 1
    return body


def test_api_login_429_on_sixth_attempt_even_with_the_right_password(make_server):
    _, url = make_server()
    wrong_known = [_login(url, "10.0.0.1", STAFF_NAME, WRONG) for _ in range(5)]
    assert [r.status_code for r in wrong_known] == [401] * 5
    _assert_429(_login(url, "10.0.0.1", STAFF_NAME, STAFF_PASSWORD))
    _assert_429(_login(url, "10.0.0.2", STAFF_NAME, STAFF_PASSWORD))  # the account is locked for everyone
    # no enumeration: an unknown name gets the very same 401 body
    unknown = _login(url, "10.0.0.3", "nobody", WRONG)
    assert unknown.status_code == 401 and unknown.json() == wrong_known[0].json()


def test_api_two_clients_guessing_one_account(make_server):
    _, url = make_server()
    for client in ("10.0.1.1", "10.0.1.2", "10.0.1.1", "10.0.1.2", "10.0.1.1"):
        assert _login(url, client, STAFF_NAME, WRONG).status_code == 401
    _assert_429(_login(url, "10.0.1.1", STAFF_NAME, STAFF_PASSWORD))
    _assert_429(_login(url, "10.0.1.2", STAFF_NAME, STAFF_PASSWORD))


def test_api_one_client_guessing_several_accounts(make_server):
    _, url = make_server()
    for name in ("sato", "tanaka", "admin", "root", STAFF_NAME):
        assert _login(url, "10.0.2.1", name, WRONG).status_code == 401
    _assert_429(_login(url, "10.0.2.1", STAFF_NAME, STAFF_PASSWORD))
    assert _login(url, "10.0.2.2", STAFF_NAME, STAFF_PASSWORD).status_code == 200  # another client is not locked


def test_basic_auth_shares_the_count_and_sessions_survive(make_server):
    _, url = make_server()
    token = _login(url, "10.0.3.9", STAFF_NAME, STAFF_PASSWORD).json()["token"]
    for _ in range(3):
        r = httpx.get(f"{url}/api/drafts", auth=(STAFF_NAME, WRONG), headers={"X-Forwarded-For": "10.0.3.1"})
        assert r.status_code == 401
    for _ in range(2):
        assert _login(url, "10.0.3.2", STAFF_NAME, WRONG).status_code == 401
    _assert_429(httpx.get(f"{url}/api/drafts", auth=(STAFF_NAME, STAFF_PASSWORD),
                          headers={"X-Forwarded-For": "10.0.3.3"}))
    _assert_429(httpx.get(f"{url}/api/export", auth=(STAFF_NAME, STAFF_PASSWORD),
                          headers={"X-Forwarded-For": "10.0.3.3"}))
    # a session issued before the lockout is proof of an earlier login, not a guess: it still works
    r = httpx.get(f"{url}/api/drafts", headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.0.3.1"})
    assert r.status_code == 200


def test_api_lockout_ends_and_the_right_password_works(make_server):
    _, url = make_server(login_lockout_s=1, login_lockout_max_s=4)
    for _ in range(5):
        assert _login(url, "10.0.4.1", STAFF_NAME, WRONG).status_code == 401
    first = _login(url, "10.0.4.1", STAFF_NAME, STAFF_PASSWORD)
    _assert_429(first)
    time.sleep(int(first.headers["retry-after"]) + 0.1)
    assert _login(url, "10.0.4.1", STAFF_NAME, STAFF_PASSWORD).status_code == 200
    # the failures are still counted: the next wrong one locks again, for longer
    assert _login(url, "10.0.4.1", STAFF_NAME, WRONG).status_code == 401
    second = _assert_429(_login(url, "10.0.4.1", STAFF_NAME, STAFF_PASSWORD))
    assert second["detail"].endswith("retry after 2 s")


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookie_flags(make_server, secure):
    _, url = make_server(cookie_secure=secure)
    resp = _login(url, "10.0.5.1", STAFF_NAME, STAFF_PASSWORD)
    assert resp.status_code == 200
    set_cookie = resp.headers["set-cookie"]
    assert set_cookie.startswith("koubo_staff=")
    attrs = {a.strip().split("=")[0].lower() for a in set_cookie.split(";")[1:]}
    assert {"httponly", "samesite", "max-age"} <= attrs
    assert "samesite=strict" in set_cookie.lower()
    assert ("secure" in attrs) is secure
    cleared = httpx.post(f"{url}/api/logout").headers["set-cookie"]
    assert ("secure" in {a.strip().lower() for a in cleared.split(";")}) is secure


@pytest.mark.parametrize("header", [
    b"Bearer \xe3\x81\x82\xe3\x81\x84",                      # non-ASCII token (UTF-8 bytes)
    b"Bearer \xff\xfe.\xa0.x",                               # bytes that are not UTF-8
    b"Bearer eyJ4Ijoi.AAAA.forged",
    b"Basic \xe3\x81\x82",                                   # non-ASCII where base64 belongs
    b"Basic " + base64.b64encode(b"\xff\xfe:\xff"),          # base64 of bytes that are not UTF-8
    b"Basic " + base64.b64encode("suzuki:\ud800".encode("utf-8", "surrogatepass")),
    b"Basic ====",
])
def test_bad_tokens_and_credentials_are_401_not_500(make_server, header):
    _, url = make_server()
    resp = httpx.get(f"{url}/api/drafts", headers={"Authorization": header, "X-Forwarded-For": "10.0.6.1"})
    assert resp.status_code == 401, resp.text
    cookie = httpx.get(f"{url}/api/drafts", headers={"Cookie": b"koubo_staff=" + header.split(b" ", 1)[1]})
    assert cookie.status_code == 401, cookie.text


def test_tampered_and_expired_tokens_are_401(make_server):
    service, url = make_server()
    token = _login(url, "10.0.7.1", STAFF_NAME, STAFF_PASSWORD).json()["token"]
    payload, stamp, sig = token.split(".")
    expired = StaffAuth(STAFF_USERS, "test-secret", clock=lambda: time.time() - service.auth.ttl_s - 60)
    for bad in (f"{payload}x.{stamp}.{sig}", f"{payload}.{stamp}.{sig[::-1]}", expired.issue(STAFF_NAME),
                StaffAuth(STAFF_USERS, "another-secret").issue(STAFF_NAME)):
        resp = httpx.get(f"{url}/api/drafts", headers={"Authorization": f"Bearer {bad}"})
        assert resp.status_code == 401, bad
    assert httpx.get(f"{url}/api/drafts", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- the Gradio staff desk ---------------------------------------------------------------------------------------
def test_gradio_staff_login_is_throttled_and_shares_the_count(make_server):
    service, url = make_server()
    desk = StaffHandlers(service)

    def request(host: str) -> gr.Request:
        return gr.Request(client={"host": host})

    for _ in range(3):
        out = desk.login(STAFF_NAME, WRONG, request("10.0.8.1"))
        assert out[0] is None and "正しくありません" in out[3]
    for _ in range(2):  # the same client through the API
        assert _login(url, "10.0.8.1", "sato", WRONG).status_code == 401
    out = desk.login("tanaka", WRONG, request("10.0.8.1"))
    assert out[0] is None and "制限" in out[3] and "秒後" in out[3]
    out = desk.login(STAFF_NAME, STAFF_PASSWORD, request("10.0.8.1"))
    assert out[0] is None and "制限" in out[3], "the right password is refused while the client is locked out"
    ok = desk.login(STAFF_NAME, STAFF_PASSWORD, request("10.0.8.2"))
    assert service.auth.verify(ok[0]) == STAFF_NAME
