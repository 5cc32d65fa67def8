"""HTTP routes for curated answers (staff), the public 追加Q&A page (GET /qa) and the audit log (staff)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Depends, FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from serving.curated import MAX_ANSWER_CHARS, MAX_CITATIONS, MAX_QUESTION_CHARS, CuratedInputError, validate
from serving.curated_export import public_records, to_html
from serving.http_deps import ERRORS, ApiError, RowId, Text, require_staff
from serving.storage import CuratedConflict
from serving.web.service import WebService

log = logging.getLogger(__name__)

CONFLICT_MESSAGE = ("この事務局回答は、あなたが開いた後に別の担当者が更新しました。入力内容は保存されていません。"
                    "最新の内容を開き直してから、もう一度編集してください。")
NOT_FOUND_MESSAGE = "指定された事務局回答が見つかりません。"


class CitationIn(BaseModel):
    doc: Text = Field(max_length=200, description="Document id (documents.json).")
    quote: Text = Field(max_length=2000, description="A sentence of that document, verbatim.")


class CuratedIn(BaseModel):
    question: Text = Field(max_length=MAX_QUESTION_CHARS * 2)
    answer: Text = Field(max_length=MAX_ANSWER_CHARS * 2)
    citations: list[CitationIn] = Field(max_length=MAX_CITATIONS * 2)
    programme: Text | None = Field(None, max_length=100, description="Programme key; inferred from the citations "
                                   "when they all belong to one.")
    source_turn_id: RowId | None = Field(None, description="The disliked chat answer this corrects, if any.")
    source_draft_id: RowId | None = Field(None, description="The reply draft it was made from, if any.")


class CuratedEdit(CuratedIn):
    revision: int = Field(ge=1, description="The revision the editor opened; a newer one on the server → 409.")


class RetireIn(BaseModel):
    revision: int | None = Field(None, ge=1)


def add_curated_routes(app: FastAPI, service: WebService) -> None:
    def checked(body: CuratedIn) -> Any:
        try:
            return validate(body.question, body.answer, [c.model_dump() for c in body.citations], body.programme,
                            service.assistant.retriever, service.documents)
        except CuratedInputError as exc:
            raise ApiError(422, exc.message_ja, exc.detail) from None

    def warm() -> None:
        if service.curated is not None:
            try:
                service.curated.warm(service.assistant.retriever.store.embedder.embed_queries)
            except Exception:
                log.exception("could not embed the curated questions ahead of time")

    @app.post("/api/curated", responses={**ERRORS, 409: {}}, tags=["staff"],
              summary="Approve a curated answer (事務局回答); every quote must be in its document")
    async def create_curated(body: CuratedIn, staff: str = Depends(require_staff)) -> dict[str, Any]:
        sub = await run_in_threadpool(checked, body)
        cid = await run_in_threadpool(
            lambda: service.storage.add_curated(sub.question, sub.answer, sub.citations, programme=sub.programme,
                                                approver=staff, source_turn_id=body.source_turn_id,
                                                source_draft_id=body.source_draft_id))
        await run_in_threadpool(warm)
        return {"id": cid, "status": "active", "programme": sub.programme}

    @app.get("/api/curated", responses=ERRORS, tags=["staff"],
             summary="All curated answers with their status (active, stale, retired)")
    async def list_curated(staff: str = Depends(require_staff)) -> list[dict[str, Any]]:
        return await run_in_threadpool(service.storage.list_curated)

    @app.get("/api/curated/{curated_id}", responses=ERRORS, tags=["staff"], summary="One curated answer")
    async def get_curated(curated_id: RowId, staff: str = Depends(require_staff)) -> dict[str, Any]:
        row = await run_in_threadpool(service.storage.get_curated, curated_id)
        if row is None:
            raise ApiError(404, NOT_FOUND_MESSAGE, f"no curated answer {curated_id}")
        return row

    @app.put("/api/curated/{curated_id}", responses={**ERRORS, 404: {}, 409: {}}, tags=["staff"],
             summary="Edit and re-approve a curated answer (also a stale one); `revision` guards concurrent edits")
    async def edit_curated(curated_id: RowId, body: CuratedEdit, staff: str = Depends(require_staff)) -> dict[str, Any]:
        sub = await run_in_threadpool(checked, body)
        try:
            row = await run_in_threadpool(
                lambda: service.storage.update_curated(curated_id, body.revision, staff, question=sub.question,
                                                       answer=sub.answer, citations=sub.citations,
                                                       programme=sub.programme))
        except KeyError:
            raise ApiError(404, NOT_FOUND_MESSAGE, f"no curated answer {curated_id}") from None
        except CuratedConflict as exc:
            raise ApiError(409, CONFLICT_MESSAGE,
                           f"curated answer {curated_id} is at revision {exc.revision}, not {body.revision}") from None
        await run_in_threadpool(warm)
        return row

    @app.post("/api/curated/{curated_id}/retire", responses={**ERRORS, 404: {}, 409: {}}, tags=["staff"],
              summary="Retire a curated answer: no longer served or published (kept for the record)")
    async def retire_curated(curated_id: RowId, body: RetireIn | None = None,
                             staff: str = Depends(require_staff)) -> dict[str, Any]:
        revision = body.revision if body else None
        try:
            await run_in_threadpool(lambda: service.storage.set_curated_status(curated_id, "retired", staff,
                                                                               revision=revision))
        except KeyError:
            raise ApiError(404, NOT_FOUND_MESSAGE, f"no curated answer {curated_id}") from None
        except CuratedConflict as exc:
            raise ApiError(409, CONFLICT_MESSAGE, f"curated answer {curated_id} is at revision {exc.revision}") from None
        return await run_in_threadpool(service.storage.get_curated, curated_id) or {}

    @app.get("/qa", response_class=HTMLResponse, tags=["applicant"],
             summary="追加Q&A: the active curated answers, grouped by programme (public HTML)")
    async def qa_page() -> HTMLResponse:
        rows = await run_in_threadpool(service.storage.list_curated, "active")
        return HTMLResponse(to_html(public_records(rows, service.documents)))

    @app.get("/api/audit", responses=ERRORS, tags=["staff"], summary="The audit log of staff actions, oldest first (page with after_id)")
    async def audit_log(limit: int = Query(1000, ge=1, le=10000), after_id: int = Query(0, ge=0),
                        staff: str = Depends(require_staff)) -> list[dict[str, Any]]:
        return await run_in_threadpool(lambda: service.storage.audit_records(limit, after_id))
