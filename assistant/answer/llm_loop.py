"""The LLM answer: a bounded LangChain tool loop over the retrieved passages, the search tool and the calculators."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import openai
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import ValidationError

from assistant.answer import scope
from assistant.answer.citations import resolve_citations
from assistant.answer.offline import dated_footer
from assistant.answer.reasoning import ThinkFilter, strip_reasoning
from assistant.answer.search_tool import MAX_QUERY_CHARS, SearchDocumentsInput
from assistant.answer.search_tool import NAME as SEARCH_TOOL
from assistant.domain import prompts
from assistant.domain.config import Settings
from assistant.domain.schema import Answer, Passage, StreamEvent, ToolCallRecord
from assistant.domain.validation import History
from assistant.retrieval.retriever import Retriever
from assistant.tools import execute

log = logging.getLogger(__name__)


class LLMUnavailable(RuntimeError):
    pass


def run_tool_loop(
    settings: Settings, retriever: Retriever, model: Any, tools: list[Any], question: str, history: History,
    standalone: str, passages: list[Passage],
) -> Iterator[StreamEvent]:
    """The tool loop. Returns (via StopIteration) the Answer; raises LLMUnavailable on transport errors."""
    s = settings
    passages = list(passages)
    messages: list[Any] = [SystemMessage(prompts.text("system", passages=prompts.format_passages(passages)))]
    for turn in history[-8:]:
        cls = HumanMessage if turn.get("role") == "user" else AIMessage
        messages.append(cls(str(turn["content"])))
    messages.append(HumanMessage(question))
    records: list[ToolCallRecord] = []
    invalid = 0
    text = ""
    streamed = ""
    base = model
    for round_no in range(s.max_tool_rounds + 1):
        last_round = round_no == s.max_tool_rounds or invalid > s.max_invalid_tool_calls
        if last_round:
            model = base  # no tools: the model must answer with what it has
        else:
            choice = s.llm_tool_choice if round_no == 0 and s.llm_tool_choice != "auto" else None
            kwargs: dict[str, Any] = {"strict": s.llm_strict_tools}
            if choice:
                kwargs["tool_choice"] = choice
            model = base.bind_tools(tools, **kwargs)
        acc = None
        streamed = ""
        shown = ThinkFilter()  # a reasoning block the server left in the content never reaches the applicant
        try:
            for chunk in model.stream(messages):
                acc = chunk if acc is None else acc + chunk
                delta = shown.feed(chunk.content if isinstance(chunk.content, str) else "")
                if delta:
                    streamed += delta
                    yield StreamEvent(type="token", text=delta)
            rest = shown.flush()
            if rest:
                streamed += rest
                yield StreamEvent(type="token", text=rest)
        except Exception as exc:
            if not is_transport_error(exc):
                log.exception("LLM call failed with a non-transport error; answering offline")
            raise LLMUnavailable(f"{type(exc).__name__}: {exc}", streamed) from exc
        if acc is None:
            raise LLMUnavailable("empty response from the LLM", streamed)
        if not (getattr(acc, "response_metadata", None) or {}).get("finish_reason"):
            # The SSE stream ended without a finish reason: the endpoint went away mid-answer.
            raise LLMUnavailable("stream ended without finish_reason", streamed)
        ai = AIMessage(
            content=acc.content, tool_calls=getattr(acc, "tool_calls", []) or [],
            invalid_tool_calls=getattr(acc, "invalid_tool_calls", []) or [],
        )
        messages.append(ai)
        text = strip_reasoning(ai.content if isinstance(ai.content, str) else str(ai.content))
        if last_round or not (ai.tool_calls or ai.invalid_tool_calls):
            break
        for bad in ai.invalid_tool_calls:
            invalid += 1
            err = f"ツール呼び出しの引数を JSON として読めませんでした（{bad.get('error') or '形式エラー'}）。スキーマに沿って呼び出し直してください。"
            rec = ToolCallRecord(name=str(bad.get("name") or "?"), args={"raw": bad.get("args")}, ok=False, error=err)
            records.append(rec)
            yield StreamEvent(type="tool_call", tool_call=rec)
            messages.append(ToolMessage(json.dumps({"ok": False, "error": err}, ensure_ascii=False),
                                        tool_call_id=bad.get("id") or f"invalid-{invalid}"))
        for call in ai.tool_calls:
            name, args = call["name"], dict(call.get("args") or {})
            if name == SEARCH_TOOL:
                out = run_search(settings, retriever, args, passages)
            else:
                out = execute(name, args)
            ok = bool(out.get("ok"))
            if not ok:
                invalid += 1
            rec = ToolCallRecord(name=name, args=args, result=out.get("result"), ok=ok, error=out.get("error"))
            records.append(rec)
            yield StreamEvent(type="tool_call", tool_call=rec)
            messages.append(ToolMessage(json.dumps(out, ensure_ascii=False), tool_call_id=call.get("id") or name))
    cleaned, citations, uncited = resolve_citations(text, passages)
    refused = cleaned.strip().startswith("申し訳ありませんが") and not citations
    return Answer(
        question=question, text=cleaned.strip(), citations=citations, tool_calls=records, retrieved=passages,
        backend="llm", refused=refused, uncited=uncited and not refused,
        notice=dated_footer(citations) if citations else None,
        coverage=scope.coverage_of_text(cleaned, refused),
    )


def run_search(
    settings: Settings, retriever: Retriever, args: dict[str, Any], passages: list[Passage]
) -> dict[str, Any]:
    try:
        query = SearchDocumentsInput.model_validate(args).query[:MAX_QUERY_CHARS]
    except ValidationError as exc:
        return {"ok": False, "error": f"query には制御文字を含まない検索語を指定してください（{exc.error_count()}件のエラー）。"}
    found = retriever.search(query, settings.top_k)
    known = {p.chunk.id: i for i, p in enumerate(passages, start=1)}
    listed = []
    for p in found:
        if p.chunk.id not in known:
            passages.append(p)
            known[p.chunk.id] = len(passages)
        listed.append((known[p.chunk.id], p))
    text = "\n\n".join(prompts.format_passages([p], start=n) for n, p in listed)
    return {"ok": True, "result": {"passages": text or "該当する記載は見つかりませんでした。"}}


def is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, openai.InternalServerError)):
        return True
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (502, 503, 504):
        return True
    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError))
