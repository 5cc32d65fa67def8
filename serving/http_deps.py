"""What the API's routers share: the error type and its body, typed text and row-id fields, the client key,
the per-client rate limit and staff authentication (HTTP basic auth, bearer token or the session cookie)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, Field

from assistant.domain.text import has_lone_surrogates
from serving.auth import COOKIE_NAME
from serving.login_throttle import LoginThrottled, throttled_message
from serving.web.limits import rate_limited_message
from serving.web.service import WebService


class ApiError(Exception):
    def __init__(self, status: int, message: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.message, self.detail, self.headers = status, message, detail, headers


# --- request / response models ---------------------------------------------------------------------------------
def _encodable(text: str) -> str:
    if has_lone_surrogates(text):
        raise ValueError("text holds a lone UTF-16 surrogate; send valid UTF-8")
    return text


# Every text field: a lone surrogate (JSON "\ud800") is a 422, not a failure when the text is stored or tokenised.
Text = Annotated[str, AfterValidator(_encodable)]
# SQLite's INTEGER is 64-bit signed.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ErrorBody(BaseModel):
    message: str = Field(description="Japanese, for the user.")
    detail: str = Field(description="English, for developers.")


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (401, 413, 422, 429, 503)
}


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def service_of(request: Request) -> WebService:
    return request.app.state.koubo


def rate_limit(service: WebService, request: Request) -> None:
    wait = service.limiter.hit(client_key(request))
    if wait is not None:
        raise ApiError(429, rate_limited_message(wait), f"rate limit of {service.limiter.limit}/minute exceeded",
                       headers={"Retry-After": str(max(1, round(wait)))})


def basic_credentials(value: str) -> tuple[str, str]:
    """(name, password) from an HTTP basic auth value; ("", "") when it is not valid base64 of UTF-8."""
    try:
        name, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError; so is non-ASCII input
        return "", ""
    return name, password


async def staff_login_or_429(service: WebService, request: Request, name: str, password: str) -> str | None:
    """service.staff_login in a worker thread (bcrypt), a lockout turned into 429 with Retry-After."""
    try:
        return await run_in_threadpool(service.staff_login, name, password, client_key(request))
    except LoginThrottled as exc:
        raise ApiError(429, throttled_message(exc.retry_after),
                       f"too many failed staff logins for this account or client; retry after {exc.retry_after} s",
                       headers={"Retry-After": str(exc.retry_after)}) from None


async def require_staff(request: Request) -> str:
    """The staff name from HTTP basic auth, a bearer token or the session cookie; else 401 (429 when locked out)."""
    service = service_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        name, password = basic_credentials(value.strip())
        if name and (who := await staff_login_or_429(service, request, name, password)):
            return who
    token = value.strip() if scheme.lower() == "bearer" else request.cookies.get(COOKIE_NAME)
    name = service.auth.verify(token)
    if name:
        return name
    raise ApiError(401, "スタッフ用の機能です。ユーザー名とパスワードでログインしてください。",
                   "staff login required (HTTP basic auth, Bearer token or session cookie)",
                   headers={"WWW-Authenticate": 'Basic realm="koubo staff", charset="UTF-8"'})
