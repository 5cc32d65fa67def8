"""Server-Sent Events for POST /api/ask/stream (the web UI reads the same stream), and stored turns for history."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from serving.web import render
from serving.web.service import WebService

log = logging.getLogger(__name__)

STREAM_ERROR_MESSAGE = "申し訳ありません。回答の作成中に問題が発生しました。時間をおいてもう一度お試しください。"


def sse(event: str, data: dict[str, Any]) -> str:
    """One SSE message; JSON never contains a raw newline, so one ``data:`` line is enough."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def sse_events(service: WebService, question: str, history: list[dict[str, str]], *, conversation_id: str,
               client: str | None, session_id: str | None, channel: str = "web") -> Iterator[str]:
    """The answer to ``question`` as SSE messages: start, status*, tool_call*, token*, final (or error).

    A sync generator: Starlette runs it in the thread pool, and closes it when the client goes away, which
    stores the partial answer (WebService.stream_and_store).
    """
    started = False
    try:
        for turn_id, event in service.stream_and_store(question, history, conversation_id=conversation_id,
                                                       channel=channel, client=client, session_id=session_id):
            if not started:
                started = True
                yield sse("start", {"turn_id": turn_id, "conversation_id": conversation_id})
            if event.type == "status" and event.text:
                yield sse("status", {"text": event.text})
            elif event.type == "token" and event.text:
                yield sse("token", {"text": event.text})
            elif event.type == "tool_call" and event.tool_call is not None:
                yield sse("tool_call", {**event.tool_call.model_dump(mode="json"),
                                        "view": render.tool_view(event.tool_call)})
            elif event.type == "final" and event.answer is not None:
                data = event.answer.to_api()
                yield sse("final", {"turn_id": turn_id, "conversation_id": conversation_id, **data,
                                    "view": render.answer_view(data, service.documents)})
    except Exception as exc:  # the stream has started: report in-band, never a traceback
        log.exception("streamed answer failed")
        yield sse("error", {"message": STREAM_ERROR_MESSAGE, "detail": f"internal error: {type(exc).__name__}"})


def offered_now(storage: Any, rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The approved answers offered under the stored ``rows`` that are still active, by id: one primary-key read
    per offered id (never the whole table)."""
    ids = {int(x["id"]) for r in rows for x in (r.get("answer") or {}).get("related_curated") or []}
    current = {i: storage.get_curated(i) for i in sorted(ids)}
    return {i: row for i, row in current.items() if row is not None and row.get("status") == "active"}


def history_turn(row: dict[str, Any], documents: dict[str, Any],
                 active_curated: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A stored turn as the web UI reopens it: the question and the final event's answer fields. With
    ``active_curated`` (the approved answers now active, by id), the approved answers offered under the answer are
    shown as they are now: a retired one is dropped (its /qa link would be dead), an edited one shows its new text.
    The answer itself stays what was said."""
    answer = dict(row.get("answer") or {})
    answer.setdefault("text", row.get("answer_text") or "")
    if active_curated is not None and answer.get("related_curated"):
        answer["related_curated"] = [
            {**offered, **{k: current[k] for k in ("question", "answer", "approved_at")}}
            for offered in answer["related_curated"]
            if (current := active_curated.get(int(offered["id"]))) is not None
        ]
    if row.get("partial"):
        answer["partial"] = True
    return {"turn_id": row["id"], "question": row["question"], "status": row["status"],
            "answer": {**answer, "view": render.answer_view(answer, documents)}}
