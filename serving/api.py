"""The HTTP API (FastAPI, documented at /docs) with the Gradio app mounted at /.

Errors are JSON: ``{"message": <Japanese, for users>, "detail": <English, for developers>}``.
Blocking calls into the Assistant run in the thread pool so the event loop never waits on retrieval or the LLM.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _pkg_version
from typing import Annotated, Any, Literal

import gradio as gr
from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from assistant.domain.config import Settings
from assistant.domain.validation import check_inquiry, check_question
from corpus.docs import passage as find
from serving.audit import audit
from serving.auth import COOKIE_NAME
from serving.curated_api import add_curated_routes
from serving.http_deps import (
    ERRORS,
    ApiError,
    ErrorBody,
    RowId,
    Text,
    client_key,
    rate_limit,
    require_staff,
    staff_login_or_429,
)
from serving.knowledge import KnowledgeError
from serving.web.app import CSS, HEAD, HtmlLangMiddleware, build_ui
from serving.web.limits import BodySizeLimit
from serving.web.locale import fixed_locale_i18n
from serving.web.service import WebService
from serving.web.streaming import history_turn, offered_now, sse_events

log = logging.getLogger(__name__)

# The web UI's history is keyed by a random id in this cookie (no login for applicants).
SESSION_COOKIE = "koubo_sid"
SESSION_MAX_AGE_S = 180 * 24 * 3600
_SID = re.compile(r"[0-9a-f]{32}")

try:
    VERSION = _pkg_version("koubo-assistant")
except PackageNotFoundError:  # running from a source tree without an install
    VERSION = "0.0.0+local"




class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: Text = Field(max_length=20000)


class AskRequest(BaseModel):
    question: Text = Field(description="The applicant's question in Japanese.", examples=["大企業の補助率はいくらですか？"])
    history: list[HistoryTurn] = Field(default_factory=list, max_length=50,
                                       description="Earlier turns, oldest first.")
    conversation_id: Text | None = Field(None, max_length=100, description="Groups stored turns; any string.")


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
    curated_id: int | None = Field(None, description="The curated answer (事務局回答) served, or null.")
    related_curated: list[dict[str, Any]] = Field(
        default_factory=list, description="Approved Q&As close to the question ({id, question, answer, "
        "approved_at, similarity}), offered when none was served; each is on the public page /qa#q{id}.")


class DraftRequest(BaseModel):
    inquiry: Text = Field(description="The inquiry email as pasted (subject line optional).")
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
    curated_id: int | None = Field(None, description="The approved answer (事務局回答) the draft is based on, or null.")
    related_curated: list[dict[str, Any]] = Field(
        default_factory=list, description="Approved answers close to the inquiry ({id, question, answer, approved_at, "
        "similarity}): reply as they do, or update them.")


class FeedbackRequest(BaseModel):
    turn_id: RowId
    rating: Literal["like", "dislike"]
    comment: Text | None = Field(None, max_length=2000)


class LoginRequest(BaseModel):
    name: Text = Field(max_length=100)
    password: Text = Field(max_length=200)




class RestoreRequest(BaseModel):
    version: int = Field(ge=1, le=2**31, description="The version to serve again (see GET /api/documents/{id}).")


#: Room for the multipart boundaries and form fields around an uploaded file.
UPLOAD_ENVELOPE_BYTES = 64 * 1024
#: Responses smaller than this are sent uncompressed (compressing them saves little).
GZIP_MINIMUM_BYTES = 1024


# --- helpers -----------------------------------------------------------------------------------------------------

# The status of each refused question (assistant.domain.validation says why, in Japanese and English).
_QUESTION_STATUS = {"empty": 422, "too_long": 413, "invalid_characters": 422}


def _checked_question(raw: str, limit: int) -> str:
    question, problem = check_question(raw, limit)
    if problem is not None:
        raise ApiError(_QUESTION_STATUS[problem.kind], problem.message, problem.detail)
    return question


def _session_id(request: Request) -> str:
    """The browser's history key: the session cookie if well-formed, else a new random one."""
    sid = request.cookies.get(SESSION_COOKIE, "")
    return sid if _SID.fullmatch(sid) else uuid.uuid4().hex


def _keep_session(response: Response, request: Request, sid: str) -> None:
    if request.cookies.get(SESSION_COOKIE) != sid:
        response.set_cookie(SESSION_COOKIE, sid, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="lax")


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
    # Document uploads may be as large as ingest accepts (KOUBO_MAX_FILE_MB), plus the multipart envelope.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       larger={"/api/documents": max(settings.max_body_bytes,
                                                     int(settings.max_file_mb * 2**20) + UPLOAD_ENVELOPE_BYTES)})

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
        question = _checked_question(body.question, settings.max_question_chars)
        rate_limit(service, request)
        history = [h.model_dump() for h in body.history]
        turn_id, answer = await run_in_threadpool(
            service.ask_and_store, question, history,
            conversation_id=body.conversation_id or f"api-{uuid.uuid4().hex[:12]}",
            channel="api", client=client_key(request),
        )
        return {"turn_id": turn_id, **answer.to_api()}

    @app.post("/api/ask/stream", responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
              tags=["applicant"], summary="Answer one question, streamed as Server-Sent Events",
              response_class=StreamingResponse)
    async def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
        """Events, each `event: <type>` + `data: <JSON>`: `start` {turn_id, conversation_id}, `status` {text},
        `tool_call` {name, args, result, ok, error, view}, `token` {text}, then `final` (the /api/ask JSON plus
        `conversation_id` and `view`, the display data the web UI uses), or `error` {message, detail}.
        Validation, rate limit and storage are those of /api/ask; the turn is filed under the browser session
        cookie so the web UI can list it later."""
        question = _checked_question(body.question, settings.max_question_chars)
        rate_limit(service, request)
        sid = _session_id(request)
        history = [h.model_dump() for h in body.history]
        conversation_id = body.conversation_id or f"web-{uuid.uuid4().hex[:16]}"
        events = sse_events(service, question, history, conversation_id=conversation_id,
                            client=client_key(request), session_id=sid)
        response = StreamingResponse(events, media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        _keep_session(response, request, sid)
        return response

    @app.get("/api/conversations", tags=["applicant"],
             summary="This browser's recent conversations (by the session cookie), newest first")
    async def conversations(request: Request, response: Response) -> list[dict[str, Any]]:
        sid = _session_id(request)
        _keep_session(response, request, sid)
        return await run_in_threadpool(service.storage.conversations, sid)

    @app.get("/api/conversations/{conversation_id}", responses=ERRORS, tags=["applicant"],
             summary="The turns of one of this browser's conversations, with display data")
    async def conversation(conversation_id: str, request: Request) -> dict[str, Any]:
        sid = _session_id(request)
        rows = await run_in_threadpool(service.storage.session_turns, sid, conversation_id[:100])
        if not rows:
            raise ApiError(404, "この会話は見つかりませんでした。", f"no conversation {conversation_id!r} in this session")
        active = await run_in_threadpool(offered_now, service.storage, rows)
        return {"conversation_id": conversation_id,
                "turns": [history_turn(r, service.documents, active) for r in rows]}

    @app.post("/api/feedback", responses=ERRORS, tags=["applicant"], summary="Like or dislike an answer")
    async def feedback(body: FeedbackRequest, request: Request) -> dict[str, Any]:
        rate_limit(service, request)
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
    async def login(body: LoginRequest, request: Request, response: Response) -> dict[str, Any]:
        name = await staff_login_or_429(service, request, body.name, body.password)
        if not name:
            raise ApiError(401, "ユーザー名またはパスワードが正しくありません。", "invalid staff credentials")
        token = service.auth.issue(name)
        response.set_cookie(COOKIE_NAME, token, max_age=service.auth.ttl_s, httponly=True, samesite="strict",
                            secure=settings.cookie_secure)
        return {"name": name, "token": token}

    @app.post("/api/logout", tags=["staff"], summary="Clear the session cookie")
    async def logout(response: Response) -> dict[str, str]:
        response.delete_cookie(COOKIE_NAME, httponly=True, samesite="strict", secure=settings.cookie_secure)
        return {"status": "ok"}

    @app.post("/api/draft-reply", response_model=DraftResponse, responses=ERRORS, tags=["staff"],
              summary="A polite Japanese reply draft to an inquiry email (staff only)")
    async def draft_reply(body: DraftRequest, request: Request, staff: str = Depends(require_staff)) -> dict[str, Any]:
        inquiry, problem = check_inquiry(body.inquiry)
        if problem is not None:
            raise ApiError(_QUESTION_STATUS[problem.kind], problem.message, problem.detail)
        draft = await run_in_threadpool(service.assistant.draft_reply, inquiry)
        draft_id = await run_in_threadpool(service.storage.save_draft, draft, staff) if body.save else None
        await run_in_threadpool(audit, service.storage, staff, "draft.create", "draft", draft_id or "",
                                {"saved": body.save, "backend": draft.backend})
        return {
            "draft_id": draft_id, "subject": draft.subject, "salutation": draft.salutation, "body": draft.body,
            "signature": draft.signature, "email": draft.as_email(),
            "citations": [c.model_dump() for c in draft.citations], "backend": draft.backend, "notice": draft.notice,
            "curated_id": draft.curated_id, "related_curated": [r.model_dump() for r in draft.related_curated],
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
        await run_in_threadpool(audit, service.storage, staff, "feedback.export", "export", "conversations")
        return Response(await run_in_threadpool(dump), media_type="application/x-ndjson",
                        headers={"Content-Disposition": 'attachment; filename="koubo-export.jsonl"'})


    add_curated_routes(app, service)
    _document_routes(app, service)

    if mount_ui:
        blocks = build_ui(service)
        # Gradio's own strings (upload prompts, "Loading"…) in Japanese whatever the browser's language.
        app = gr.mount_gradio_app(app, blocks, path="/", footer_links=[], css=CSS, head=HEAD,
                                  theme=gr.themes.Soft(), i18n=fixed_locale_i18n())
        app.add_middleware(HtmlLangMiddleware)
    # Outermost: compresses what the others wrote (the page embeds Gradio's config, ~400 kB with the Japanese strings
    # for every locale, ~30 kB gzipped). Streamed events (text/event-stream) are left alone and flushed as they come.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    return app


def _knowledge_call(fn: Any, *args: Any, **kwargs: Any) -> Any:

    try:
        return fn(*args, **kwargs)
    except KnowledgeError as exc:
        raise ApiError(exc.status, exc.message_ja, exc.detail) from None


def _document_routes(app: FastAPI, service: WebService) -> None:
    """Staff: the documents, their versions, uploads and version changes as background jobs (issue #15)."""

    @app.get("/api/documents", responses=ERRORS, tags=["staff"],
             summary="Every document with its served version, date, status and number of versions (staff only)")
    async def documents(staff: str = Depends(require_staff)) -> list[dict[str, Any]]:
        return await run_in_threadpool(service.knowledge.documents)

    @app.get("/api/documents/{doc_id}", responses=ERRORS, tags=["staff"],
             summary="All versions of one document, oldest first (staff only)")
    async def document(doc_id: str, staff: str = Depends(require_staff)) -> dict[str, Any]:
        versions = await run_in_threadpool(_knowledge_call, service.knowledge.history, doc_id[:100])
        return {"doc_id": doc_id, "versions": versions}

    @app.post("/api/documents", status_code=202, responses={**ERRORS, 409: {"model": ErrorBody},
                                                           415: {"model": ErrorBody}}, tags=["staff"],
              summary="Upload a document (pdf, docx, html, txt, md); returns the id of the ingest job (staff only)")
    async def upload(
        file: UploadFile = File(description="The document."),
        programme: str = Form(description="The programme it belongs to, e.g. geniac, ai-compute-infra."),
        as_of: str = Form("", description="The document's own date: YYYY-MM-DD, YYYY-MM or YYYY."),
        doc_id: str = Form("", description="Its document id (default: from documents.json or the file name); "
                                           "an existing id makes the upload a new version of that document."),
        title: str = Form("", description="Its title (default: the first line of the text)."),
        staff: str = Depends(require_staff),
    ) -> dict[str, Any]:
        data = await file.read()
        job = await run_in_threadpool(_knowledge_call, service.knowledge.upload, file.filename or "", data,
                                      programme=programme[:100], as_of=as_of[:20], doc_id=doc_id[:100],
                                      title=title[:200], who=staff)
        return {"job_id": job.id, "doc_id": job.doc_id, "status": job.status}

    @app.get("/api/jobs/{job_id}", responses=ERRORS, tags=["staff"],
             summary="Status and progress of a document job (staff only)")
    async def job(job_id: str, staff: str = Depends(require_staff)) -> dict[str, Any]:
        found = service.knowledge.job(job_id[:64])
        if found is None:
            raise ApiError(404, "指定された処理は見つかりませんでした。", f"no job {job_id[:64]!r}")
        return found.as_dict()

    @app.post("/api/documents/{doc_id}/retire", status_code=202, responses={**ERRORS, 409: {"model": ErrorBody}},
              tags=["staff"], summary="Stop serving a document; its versions stay in the history (staff only)")
    async def retire(doc_id: str, staff: str = Depends(require_staff)) -> dict[str, Any]:
        job = await run_in_threadpool(_knowledge_call, service.knowledge.retire, doc_id[:100], staff)
        return {"job_id": job.id, "doc_id": job.doc_id, "status": job.status}

    @app.post("/api/documents/{doc_id}/restore", status_code=202, responses={**ERRORS, 409: {"model": ErrorBody}},
              tags=["staff"], summary="Serve an earlier version of a document again (staff only)")
    async def restore(doc_id: str, body: RestoreRequest, staff: str = Depends(require_staff)) -> dict[str, Any]:
        job = await run_in_threadpool(_knowledge_call, service.knowledge.restore, doc_id[:100], body.version, staff)
        return {"job_id": job.id, "doc_id": job.doc_id, "status": job.status}

    @app.get("/api/passages/{chunk_id}", responses=ERRORS, tags=["applicant"],
             summary="A cited passage by chunk id (and document version), also from a version no longer served")
    async def passage(chunk_id: str, request: Request, version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
                      doc: str | None = None) -> dict[str, Any]:

        rate_limit(service, request)
        found = await run_in_threadpool(find, service.settings, chunk_id[:64], version,
                                        doc[:100] if doc else None)
        if found is None:
            raise ApiError(404, "指定された出典の記載は見つかりませんでした。", f"no passage {chunk_id[:64]!r}")
        return found
