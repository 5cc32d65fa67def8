"""The HTTP API (FastAPI, documented at /docs) with the Gradio app mounted at /.

Errors are JSON: ``{"message": <Japanese, for users>, "detail": <English, for developers>}``.
Blocking calls into the Assistant run in the thread pool so the event loop never waits on retrieval or the LLM.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import uuid
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.config import Settings
from serving.auth import COOKIE_NAME
from serving.web.limits import EMPTY_QUESTION_MESSAGE, rate_limited_message, too_long_message
from serving.web.service import WebService

log = logging.getLogger(__name__)

try:
    from importlib.metadata import version as _pkg_version

    VERSION = _pkg_version("koubo-assistant")
except Exception:  # noqa: BLE001 - running from a source tree without an install
    VERSION = "0.0.0+local"


class ApiError(Exception):
    def __init__(self, status: int, message: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.message, self.detail, self.headers = status, message, detail, headers


# --- request / response models ---------------------------------------------------------------------------------
class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AskRequest(BaseModel):
    question: str = Field(description="The applicant's question in Japanese.", examples=["大企業の補助率はいくらですか？"])
    history: list[HistoryTurn] = Field(default_factory=list, max_length=50,
                                       description="Earlier turns, oldest first.")
    conversation_id: str | None = Field(None, max_length=100, description="Groups stored turns; any string.")


class AskResponse(BaseModel):
    turn_id: int
    question: str
    text: str
    citations: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    retrieved: list[dict[str, Any]]
    backend: Literal["llm", "offline"]
    refused: bool
    uncited: bool
    notice: str | None
    standalone_query: str | None
    timings_ms: dict[str, float]
    partial: bool
    error: str | None
    coverage: Literal["answered", "not_in_documents", "out_of_scope"] = Field(
        "answered", description="answered / not_in_documents (in scope, documents silent) / out_of_scope (refused)"
    )


class DraftRequest(BaseModel):
    inquiry: str = Field(description="The inquiry email as pasted (subject line optional).")
    save: bool = Field(False, description="Also store it as a draft in the staff desk.")


class DraftResponse(BaseModel):
    draft_id: int | None
    subject: str
    salutation: str
    body: str
    signature: str
    email: str = Field(description="The whole reply as plain text.")
    citations: list[dict[str, Any]]
    backend: Literal["llm", "offline"]
    notice: str | None


class FeedbackRequest(BaseModel):
    turn_id: int
    rating: Literal["like", "dislike"]
    comment: str | None = Field(None, max_length=2000)


class LoginRequest(BaseModel):
    name: str = Field(max_length=100)
    password: str = Field(max_length=200)


class ErrorBody(BaseModel):
    message: str = Field(description="Japanese, for the user.")
    detail: str = Field(description="English, for developers.")


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (401, 413, 422, 429, 503)
}


# --- helpers -----------------------------------------------------------------------------------------------------
def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _service(request: Request) -> WebService:
    return request.app.state.koubo


def _rate_limit(service: WebService, request: Request) -> None:
    wait = service.limiter.hit(client_key(request))
    if wait is not None:
        raise ApiError(429, rate_limited_message(wait), f"rate limit of {service.limiter.limit}/minute exceeded",
                       headers={"Retry-After": str(max(1, round(wait)))})


async def require_staff(request: Request) -> str:
    """The staff name from HTTP basic auth, a bearer token or the session cookie; else 401."""
    service = _service(request)
    auth = service.auth
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            name, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, password = "", ""
        if name and await run_in_threadpool(auth.check, name, password):
            return name
    token = value if scheme.lower() == "bearer" else request.cookies.get(COOKIE_NAME)
    name = auth.verify(token)
    if name:
        return name
    raise ApiError(401, "スタッフ用の機能です。ユーザー名とパスワードでログインしてください。",
                   "staff login required (HTTP basic auth, Bearer token or session cookie)",
                   headers={"WWW-Authenticate": 'Basic realm="koubo staff", charset="UTF-8"'})


def _error(status: int, message: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message, "detail": detail}, status_code=status, headers=headers)


_STATUS_MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    401: "ログインが必要です。",
    403: "この操作は許可されていません。",
    404: "お探しのページまたは項目は見つかりませんでした。",
    405: "この方法ではアクセスできません。",
}


# --- the app -------------------------------------------------------------------------------------------------------
def create_app(
    settings: Settings,
    *,
    service: WebService | None = None,
    backend: str = "auto",
    chat_model: Any = None,
    mount_ui: bool = True,
) -> FastAPI:
    """The whole server: API routes, then the Gradio UI mounted at / (routes declared first win)."""
    service = service or WebService.from_settings(settings, backend=backend, chat_model=chat_model)
    app = FastAPI(
        title="koubo-assistant API",
        version=VERSION,
        description="生成AI関連公募ヘルプデスクの API。回答はすべて日本語、出典つき。"
        " Errors: JSON {message (Japanese), detail (English)}.",
    )
    app.state.koubo = service

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}" for e in exc.errors()
        )
        return _error(422, "入力の形式が正しくありません。項目と値を確認して、もう一度お試しください。", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = _STATUS_MESSAGES.get(exc.status_code, "エラーが発生しました。時間をおいてもう一度お試しください。")
        return _error(exc.status_code, msg, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in API")
        return _error(500, "申し訳ありません。サーバーで問題が発生しました。時間をおいてもう一度お試しください。",
                      f"internal error: {type(exc).__name__}")

    @app.post("/api/ask", response_model=AskResponse, responses=ERRORS, tags=["applicant"],
              summary="Answer one question with citations")
    async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        question = body.question.strip()
        if not question:
            raise ApiError(422, EMPTY_QUESTION_MESSAGE, "question is empty")
        limit = settings.max_question_chars
        if len(question) > limit:
            raise ApiError(413, too_long_message(len(question), limit),
                           f"question has {len(question)} characters; the limit is {limit}")
        _rate_limit(service, request)
        history = [h.model_dump() for h in body.history]
        turn_id, answer = await run_in_threadpool(
            service.ask_and_store, question, history,
            conversation_id=body.conversation_id or f"api-{uuid.uuid4().hex[:12]}",
            channel="api", client=client_key(request),
        )
        return {"turn_id": turn_id, **answer.to_api()}

    @app.post("/api/feedback", responses=ERRORS, tags=["applicant"], summary="Like or dislike an answer")
    async def feedback(body: FeedbackRequest, request: Request) -> dict[str, Any]:
        _rate_limit(service, request)
        try:
            fid = await run_in_threadpool(service.storage.add_feedback, body.turn_id, body.rating, body.comment)
        except KeyError:
            raise ApiError(404, "指定された回答が見つかりません。", f"no turn {body.turn_id}") from None
        return {"feedback_id": fid}

    @app.get("/api/health", tags=["ops"], summary="LLM endpoint status, index size, version")
    async def health() -> dict[str, Any]:
        status = await run_in_threadpool(service.assistant.status)
        return {"status": "ok", "version": VERSION, **status}

    @app.post("/api/login", responses=ERRORS, tags=["staff"],
              summary="Staff login: sets the session cookie and returns a bearer token")
    async def login(body: LoginRequest, response: Response) -> dict[str, Any]:
        if not await run_in_threadpool(service.auth.check, body.name, body.password):
            raise ApiError(401, "ユーザー名またはパスワードが正しくありません。", "invalid staff credentials")
        token = service.auth.issue(body.name.strip())
        response.set_cookie(COOKIE_NAME, token, max_age=service.auth.ttl_s, httponly=True, samesite="strict")
        return {"name": body.name.strip(), "token": token}

    @app.post("/api/logout", tags=["staff"], summary="Clear the session cookie")
    async def logout(response: Response) -> dict[str, str]:
        response.delete_cookie(COOKIE_NAME)
        return {"status": "ok"}

    @app.post("/api/draft-reply", response_model=DraftResponse, responses=ERRORS, tags=["staff"],
              summary="A polite Japanese reply draft to an inquiry email (staff only)")
    async def draft_reply(body: DraftRequest, request: Request, staff: str = Depends(require_staff)) -> dict[str, Any]:
        from assistant.drafting import MAX_INQUIRY_CHARS

        inquiry = body.inquiry.strip()
        if not inquiry:
            raise ApiError(422, "問い合わせメールの本文を入力してください。", "inquiry is empty")
        if len(inquiry) > MAX_INQUIRY_CHARS:
            raise ApiError(413, f"問い合わせ本文が長すぎます（{len(inquiry)}文字、上限{MAX_INQUIRY_CHARS}文字）。"
                           "要点の部分だけを貼り付けてください。",
                           f"inquiry has {len(inquiry)} characters; the limit is {MAX_INQUIRY_CHARS}")
        _rate_limit(service, request)
        draft = await run_in_threadpool(service.assistant.draft_reply, inquiry)
        draft_id = await run_in_threadpool(service.storage.save_draft, draft, staff) if body.save else None
        return {
            "draft_id": draft_id, "subject": draft.subject, "salutation": draft.salutation, "body": draft.body,
            "signature": draft.signature, "email": draft.as_email(),
            "citations": [c.model_dump() for c in draft.citations], "backend": draft.backend, "notice": draft.notice,
        }

    @app.get("/api/drafts", responses=ERRORS, tags=["staff"], summary="Past drafts, newest first (staff only)")
    async def drafts(staff: str = Depends(require_staff)) -> list[dict[str, Any]]:
        return await run_in_threadpool(service.storage.list_drafts)

    @app.get("/api/export", responses=ERRORS, tags=["staff"],
             summary="Conversations and feedback as JSONL (staff only)")
    async def export(staff: str = Depends(require_staff)) -> Response:
        def dump() -> str:
            buf = io.StringIO()
            service.storage.export_jsonl(buf)
            return buf.getvalue()

        log.info("export requested by %s", staff)
        return Response(await run_in_threadpool(dump), media_type="application/x-ndjson",
                        headers={"Content-Disposition": 'attachment; filename="koubo-export.jsonl"'})

    if mount_ui:
        import gradio as gr

        from serving.web.app import CSS, HEAD, build_ui

        blocks = build_ui(service)
        app = gr.mount_gradio_app(app, blocks, path="/", footer_links=[], css=CSS, head=HEAD,
                                  theme=gr.themes.Soft())
    return app
