"""The answer engine: one Assistant that the CLI, the web UI, the HTTP API and the eval runner all call.

question (+ history) → validate → condense follow-ups → retrieve → scope guard →
  LLM with passages and tools (bounded tool loop)  — or, without a reachable LLM —  offline composer
→ [n] markers mapped to passages in code → Answer.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import httpx
import openai
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import ValidationError

from assistant.answer import guard, scope
from assistant.answer.citations import resolve_citations
from assistant.answer.compose import Extract, ToolPart, compose
from assistant.answer.curated import CuratedHit, CuratedIndex
from assistant.answer.curated import label as curated_label
from assistant.answer.drafting import compose_draft
from assistant.answer.followup import depends_on_history
from assistant.answer.llm import HealthChecker, make_chat_model
from assistant.answer.search_tool import MAX_QUERY_CHARS, SearchDocumentsInput, langchain_tool
from assistant.answer.search_tool import NAME as SEARCH_TOOL
from assistant.domain import prompts
from assistant.domain.config import Settings
from assistant.domain.schema import Answer, Chunk, Citation, Draft, Passage, StreamEvent, ToolCallRecord
from assistant.domain.text import japanese_date, match_key, scrub, split_sentences
from assistant.domain.validation import History, bound_history, check_question
from assistant.retrieval.retriever import Retriever
from assistant.tools import ALL_TOOLS, execute
from assistant.tools.render import Rendered, render, render_error
from assistant.tools.router import route

log = logging.getLogger(__name__)

BackendChoice = Literal["auto", "offline", "llm"]

# Condensing sees a bounded history: the last few turns, each cut to a few hundred characters.
CONDENSE_TURNS = 4
CONDENSE_TURN_CHARS = 300


class LLMUnavailable(RuntimeError):
    pass


def _history_text(history: History, limit: int = CONDENSE_TURNS, per_turn: int = CONDENSE_TURN_CHARS) -> str:
    lines = []
    for turn in history[-limit:]:
        who = "ユーザー" if turn.get("role") == "user" else "アシスタント"
        lines.append(f"{who}: {str(turn.get('content', '')).strip()[:per_turn]}")
    return "\n".join(lines)


def heuristic_condense(question: str, history: History, tokenizer: Any = None) -> str:
    """Without a model: a question that depends on the history (assistant.answer.followup) borrows the previous user
    question, cut to ``CONDENSE_TURN_CHARS``; a self-contained question stands alone."""
    last_user = next((str(t.get("content", "")) for t in reversed(history) if t.get("role") == "user"), "")
    if not last_user.strip() or not depends_on_history(question, tokenizer):
        return question
    return f"{last_user.strip()[:CONDENSE_TURN_CHARS]} {question.strip()}"


def offline_notice(notice: str | None = None, citations: Sequence[Citation] = ()) -> str:
    """The footer of every offline answer, shown once by the UI and CLI: how it was made and how old the
    documents are (``notice`` replaces the offline line, e.g. after the LLM broke off)."""
    return "\n".join([notice or prompts.text("offline_notice"), dated_footer(citations)])


def dated_footer(citations: Sequence[Citation]) -> str:
    """The dates of the documents the answer rests on (each cited version's ``as_of``), e.g. 「※ 本回答は
    2023年9月22日時点の資料（…）に基づいています。…」; the fixed disclaimer when no cited document is dated."""
    dated: dict[str, list[str]] = {}
    for c in citations:
        if c.doc_as_of:
            titles = dated.setdefault(c.doc_as_of, [])
            if (c.title or c.doc) not in titles:
                titles.append(c.title or c.doc)
    if not dated:
        return prompts.text("dated_footer")
    sources = "、".join(f"{japanese_date(d)}時点の資料（{'、'.join(t)}）" for d, t in sorted(dated.items()))
    return prompts.text("dated_footer_docs", sources=sources)


def _render_tool(
    render: Any, name: str, args: dict[str, Any], result: dict[str, Any], relevance: Any, coverage: Any
) -> Any:
    try:
        return render(name, args, result, relevance, coverage)
    except Exception:  # noqa: BLE001 - rendering is presentation; never lose the calculator's answer over it
        log.exception("rendering the %s result failed; showing its explanation", name)
        return Rendered(lead=str(result.get("explanation", "")))


class Assistant:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        *,
        backend: BackendChoice = "auto",
        chat_model: Any = None,
        health: HealthChecker | None = None,
        curated: CuratedIndex | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.backend = backend
        # Staff-approved answers (事務局回答), matched before generation; injected by the composition root.
        self.curated = curated
        self._chat_model = chat_model
        self._injected_model = chat_model is not None  # tests and benchmarks: no health check
        self.health = health or HealthChecker(settings)
        self._tools: list[Any] | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, backend: BackendChoice = "auto", chat_model: Any = None
    ) -> "Assistant":
        """The assistant over the index ``settings`` name; the caller (a composition root) has built it."""
        return cls(settings, Retriever.from_settings(settings), backend=backend, chat_model=chat_model)

    def with_retriever(self, retriever: Retriever) -> "Assistant":
        """The same assistant (settings, backend, chat model, health checker) over another index."""
        return Assistant(self.settings, retriever, backend=self.backend,
                         chat_model=self._chat_model if self._injected_model else None, health=self.health,
                         curated=self.curated)

    def with_curated(self, curated: CuratedIndex | None) -> Assistant:
        """The same assistant answering approved questions from ``curated`` first."""
        clone = self.with_retriever(self.retriever)
        clone.curated = curated
        return clone

    # --- public API --------------------------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, history):
            if event.type == "final":
                final = event.answer
        assert final is not None
        return final

    def stream(self, question: str, history: History | None = None) -> Iterator[StreamEvent]:
        """Stream events; always ends with exactly one ``final`` event carrying the whole Answer."""
        t_start = time.perf_counter()
        s = self.settings
        history = bound_history(history, s.max_history_turns, s.max_history_chars)
        timings: dict[str, float] = {}
        question, problem = check_question(question, s.max_question_chars)
        if problem is not None:
            shown = "" if problem.kind == "empty" else scrub(question[:200])
            yield self._final(Answer(question=shown, text=problem.message,
                                     error=None if problem.kind == "empty" else problem.detail), t_start)
            return

        use_llm = self._want_llm()
        t = time.perf_counter()
        standalone = question
        if history:
            yield StreamEvent(type="status", text="会話の流れを踏まえて質問を整理しています…")
            # The query that is embedded and searched is never longer than a question may be; its end holds
            # the question itself.
            standalone = self._condense(question, history, use_llm)[-s.max_question_chars:]
            timings["condense"] = (time.perf_counter() - t) * 1000
        if self.curated is not None:
            t = time.perf_counter()
            curated = self._curated_answer(question, standalone, use_llm)
            timings["curated"] = (time.perf_counter() - t) * 1000
            if curated is not None:
                curated.timings_ms = timings
                yield StreamEvent(type="retrieved", passages=curated.retrieved)
                yield StreamEvent(type="token", text=curated.text)
                yield self._final(curated, t_start)
                return
        yield StreamEvent(type="status", text="資料を検索しています…")
        passages, rt = self.retriever.search_timed(standalone, self.settings.top_k)
        passages = self.retriever.follow_references(passages, standalone)
        timings.update({f"retrieve.{k}": v for k, v in rt.items()})
        timings["retrieve"] = sum(rt.values())

        # Rules first (injection, exfiltration, named out-of-scope requests), then the scope model.
        verdict = guard.check(question if not history else standalone)
        decision: scope.Decision | None = None
        if verdict.verdict == "ok":
            t = time.perf_counter()
            decision = self._scope_decision(standalone, passages)
            timings["scope"] = (time.perf_counter() - t) * 1000
            if decision.coverage == "out_of_scope":
                verdict = guard.GuardResult("out_of_scope", decision.reason)
        if verdict.verdict != "ok":
            log.info("refused (%s): %s", verdict.verdict, verdict.reason)
            key = "refusal_injection" if verdict.verdict == "injection" else "refusal_out_of_scope"
            ans = Answer(question=question, text=prompts.text(key), refused=True, standalone_query=standalone,
                         backend="llm" if use_llm else "offline", timings_ms=timings, coverage="out_of_scope")
            yield StreamEvent(type="retrieved", passages=[])
            yield self._final(ans, t_start)
            return
        yield StreamEvent(type="retrieved", passages=passages)

        answer: Answer | None = None
        if use_llm:
            t = time.perf_counter()
            try:
                answer = yield from self._llm_answer(question, history, standalone, passages)
            except LLMUnavailable as exc:
                partial = str(exc.args[1]) if len(exc.args) > 1 else ""
                log.warning("LLM failed mid-answer, falling back to offline: %s", exc.args[0])
                self.health.mark_down(str(exc.args[0]))
                yield StreamEvent(type="status", text="LLMに接続できないため、オフラインモードで回答します…")
                answer = self._offline_answer(question, history, standalone, passages,
                                              notice=prompts.text("llm_failed_notice"))
                answer = self._apply_coverage(answer, decision, standalone, passages)
                answer.error = f"llm: {exc.args[0]}"
                if partial.strip():
                    answer.partial = True
                    answer.text = f"{partial.rstrip()}\n\n――\n{answer.text}"
            timings["llm"] = (time.perf_counter() - t) * 1000
        else:
            t = time.perf_counter()
            answer = self._offline_answer(question, history, standalone, passages)
            answer = self._apply_coverage(answer, decision, standalone, passages)
            for record in answer.tool_calls:
                yield StreamEvent(type="tool_call", tool_call=record)
            timings["offline"] = (time.perf_counter() - t) * 1000
        answer.standalone_query = standalone
        answer.timings_ms = {**timings, **answer.timings_ms}
        if answer.backend == "offline" and not answer.partial:
            yield StreamEvent(type="token", text=answer.text)
        yield self._final(answer, t_start)

    def status(self) -> dict[str, Any]:
        h = self.health.check() if self.settings.llm_configured else None
        return {
            "llm": {"configured": self.settings.llm_configured, "ok": bool(h and h.ok),
                    "detail": h.detail if h else "KOUBO_LLM_BASE_URL is not set",
                    "base_url": self.settings.llm_base_url, "model": self.settings.llm_model},
            "backend": "llm" if self._want_llm() else "offline",
            "index": {"chunks": len(self.retriever), "embedder": self.retriever.store.embedder.name,
                      "generation": getattr(self.retriever, "generation", None)},
        }

    # --- curated answers (事務局回答) -------------------------------------------------------------------------
    def _curated_answer(self, question: str, standalone: str, use_llm: bool) -> Answer | None:
        """The approved answer to the same question, labelled with its date and cited to its quotes; None when
        no active one matches, the question is refused by the rules, or a quote is not in the served index."""
        if guard.check(standalone).verdict != "ok":
            return None
        try:
            hit = self.curated.match(standalone, self.retriever.query_vector(standalone),  # type: ignore[union-attr]
                                     self.retriever.store.embedder.embed_queries)
        except Exception:  # the approved answers are an extra; a storage failure must not stop answering
            log.exception("curated-answer lookup failed; answering from the documents")
            return None
        return self._from_curated(hit, question, standalone, use_llm) if hit else None

    def _from_curated(self, hit: CuratedHit, question: str, standalone: str, use_llm: bool) -> Answer | None:
        entry = hit.entry
        passages: list[Passage] = []
        quotes: list[str] = []
        for cit in entry.citations:
            chunk = self.retriever.find_quote(cit["doc"], cit["quote"])
            if chunk is None:
                log.warning("curated answer %d: quote no longer in %s; not served", entry.id, cit["doc"])
                return None
            passages.append(Passage(chunk=chunk, score=hit.similarity, ranks={"curated": 1}))
            quotes.append(cit["quote"])
        markers = "".join(f"[{n}]" for n in range(1, len(passages) + 1))
        body = f"{curated_label(entry.approved_at)}\n\n{entry.answer.strip()}"
        if passages:
            body += f"\n\n{prompts.text('curated_sources')}{markers}"
        text, citations, _ = resolve_citations(body, passages)
        for c, quote in zip(citations, quotes):
            c.quote = quote  # the approved sentence, not the whole passage
        log.info("answered with curated answer %d (similarity %.3f)", entry.id, hit.similarity)
        return Answer(question=question, text=text, citations=citations, retrieved=passages,
                      backend="llm" if use_llm else "offline", standalone_query=standalone, coverage="answered",
                      curated_id=entry.id)

    # --- internals -----------------------------------------------------------------------------------------
    def _final(self, answer: Answer, t_start: float) -> StreamEvent:
        answer.timings_ms["total"] = (time.perf_counter() - t_start) * 1000
        return StreamEvent(type="final", answer=answer)

    def _want_llm(self) -> bool:
        if self.backend == "offline":
            return False
        if self._injected_model:
            return True
        if not self.settings.llm_configured:
            return False
        return self.health.check().ok

    def _model(self) -> Any:
        if self._chat_model is None:
            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def _condense(self, question: str, history: History, use_llm: bool) -> str:
        if not depends_on_history(question, self.retriever.tokenizer):
            return question  # self-contained: searched alone, whatever came before
        if use_llm:
            try:
                prompt = prompts.text("condense", history=_history_text(history), question=question)
                out = self._model().invoke(prompt)
                text = str(getattr(out, "content", "") or "").strip().splitlines()
                if text and 2 <= len(text[0]) <= 300:
                    return text[0].strip()
            except Exception as exc:  # noqa: BLE001 - condensing is best effort; a bug is logged with its traceback
                if _is_transport_error(exc):
                    log.warning("condense via LLM failed (%s); using the heuristic", exc)
                else:
                    log.exception("condense via LLM failed with a non-transport error; using the heuristic")
        return heuristic_condense(question, history, self.retriever.tokenizer)

    def _lc_tools(self) -> list[Any]:
        if self._tools is None:
            self._tools = [*ALL_TOOLS, langchain_tool()]
        return self._tools

    def _llm_answer(
        self, question: str, history: History, standalone: str, passages: list[Passage]
    ) -> Iterator[StreamEvent]:
        """The tool loop. Returns (via StopIteration) the Answer; raises LLMUnavailable on transport errors."""
        s = self.settings
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
        base = self._model()
        for round_no in range(s.max_tool_rounds + 1):
            last_round = round_no == s.max_tool_rounds or invalid > s.max_invalid_tool_calls
            if last_round:
                model = base  # no tools: the model must answer with what it has
            else:
                choice = s.llm_tool_choice if round_no == 0 and s.llm_tool_choice != "auto" else None
                kwargs: dict[str, Any] = {"strict": s.llm_strict_tools}
                if choice:
                    kwargs["tool_choice"] = choice
                model = base.bind_tools(self._lc_tools(), **kwargs)
            acc = None
            streamed = ""
            try:
                for chunk in model.stream(messages):
                    acc = chunk if acc is None else acc + chunk
                    delta = chunk.content if isinstance(chunk.content, str) else ""
                    if delta:
                        streamed += delta
                        yield StreamEvent(type="token", text=delta)
            except Exception as exc:  # noqa: BLE001 - whatever the endpoint does, the user still gets an answer
                if not _is_transport_error(exc):
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
            text = ai.content if isinstance(ai.content, str) else str(ai.content)
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
                    out = self._run_search(args, passages)
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

    def _run_search(self, args: dict[str, Any], passages: list[Passage]) -> dict[str, Any]:
        try:
            query = SearchDocumentsInput.model_validate(args).query[:MAX_QUERY_CHARS]
        except ValidationError as exc:
            return {"ok": False, "error": f"query には制御文字を含まない検索語を指定してください（{exc.error_count()}件のエラー）。"}
        found = self.retriever.search(query, self.settings.top_k)
        known = {p.chunk.id: i for i, p in enumerate(passages, start=1)}
        listed = []
        for p in found:
            if p.chunk.id not in known:
                passages.append(p)
                known[p.chunk.id] = len(passages)
            listed.append((known[p.chunk.id], p))
        text = "\n\n".join(prompts.format_passages([p], start=n) for n, p in listed)
        return {"ok": True, "result": {"passages": text or "該当する記載は見つかりませんでした。"}}

    # --- offline mode ---------------------------------------------------------------------------------------
    def _offline_answer(
        self, question: str, history: History, standalone: str, passages: list[Passage], notice: str | None = None
    ) -> Answer:
        passages = list(passages)
        records: list[ToolCallRecord] = []
        calls = route(question) or (route(standalone) if standalone != question else [])
        relevance = self._relevance(standalone)
        coverage = self._coverage(question)
        tools: list[ToolPart] = []
        for call in calls:
            out = execute(call.name, call.args)
            rec = ToolCallRecord(name=call.name, args=call.args, result=out.get("result"),
                                 ok=bool(out.get("ok")), error=out.get("error"))
            records.append(rec)
            if not rec.ok:
                tools.append(ToolPart(rec, render_error(rec.error)))
                continue
            markers = self._cite_tool_quotes(out["result"], passages)
            tools.append(ToolPart(rec, _render_tool(render, call.name, call.args, out["result"], relevance, coverage),
                                  markers))
        extracts = self._extract_scored(standalone, passages, skip_when_tools=bool(tools))
        parts = compose(tools, extracts, passages, empty_text=prompts.text("no_passages"))
        cleaned, citations, uncited = resolve_citations(parts.chat_text(), passages)
        answer = Answer(
            question=question, text=cleaned, citations=citations, tool_calls=records, retrieved=passages,
            backend="offline", uncited=uncited and bool(tools or extracts),
            notice=offline_notice(notice, citations),
        )
        answer._parts = parts
        return answer

    def _relevance(self, query: str) -> Any:
        """Score a text against the query with the BM25 terms and IDF the extractive scorer uses."""
        q_weights = self.retriever.lexical_weights(query)
        tok, bm25 = self.retriever.tokenizer, self.retriever.bm25

        def score(text: str) -> float:
            return sum(bm25.idf(t) * q_weights[t] for t in set(tok.tokenize(text)) if t in q_weights)

        return score

    def _coverage(self, question: str) -> Any:
        """The share of a text's terms that occur in the question (the same Sudachi terms BM25 uses)."""
        tok = self.retriever.tokenizer
        asked = set(tok.tokenize(question))

        def share(text: str) -> float:
            terms = set(tok.tokenize(text))
            return len(terms & asked) / len(terms) if terms else 0.0

        return share

    # --- coverage: answered / not in the documents -------------------------------------------------------------
    def _scope_decision(self, query: str, passages: list[Passage]) -> scope.Decision:
        """The scope model's verdict on the retrieval query (its vector is already in the retriever's cache)."""
        try:
            features = scope.features(self.retriever, query, passages)
            decision = scope.load_model().decide(features, self.retriever.store.embedder.name)
        except Exception:  # a missing or broken model must not stop answering
            log.exception("scope model failed; treating the question as in scope")
            return scope.Decision("answered", 1.0, 0.0, "scope model unavailable")
        log.debug("scope: %s (%s)", decision.coverage, decision.reason)
        return decision

    def _apply_coverage(
        self, answer: Answer, decision: scope.Decision | None, standalone: str, passages: list[Passage]
    ) -> Answer:
        """An offline answer with its coverage; a calculator that answered outranks "not in the documents" unless
        the decision is certain (the router also runs generic look-ups, e.g. the schedule for any 「いつ」)."""
        if decision is not None and decision.coverage == "not_in_documents" and (
            decision.certain or not any(r.ok for r in answer.tool_calls)
        ):
            return self._not_in_documents_answer(answer, standalone, passages)
        answer.coverage = "answered"
        return answer

    def _not_in_documents_answer(self, base: Answer, standalone: str, passages: list[Passage]) -> Answer:
        """「資料には記載がありません」, then the closest facts labelled as related, then whom to ask (cited)."""
        passages = list(passages)
        related = self._extract(standalone, passages, skip_when_tools=True)
        lines = [prompts.text("not_in_documents_lead")]
        if related:
            lines.append(prompts.text("not_in_documents_related"))
            lines.extend(f"・{s}" for s in related)
        contact = self._contact_chunk(passages)
        if contact is not None:
            n = next((i for i, p in enumerate(passages, 1) if p.chunk.id == contact.id), None)
            if n is None:
                passages.append(Passage(chunk=contact, score=0.0, ranks={"contact": 1}))
                n = len(passages)
            lines.append(prompts.text("not_in_documents_contact", contact=_contact_line(contact)) + f"[{n}]")
        else:
            lines.append(prompts.text("not_in_documents_no_contact"))
        cleaned, citations, _ = resolve_citations("\n".join(lines), passages)
        return Answer(
            question=base.question, text=cleaned, citations=citations, tool_calls=base.tool_calls,
            retrieved=passages, backend=base.backend, coverage="not_in_documents",
            notice=offline_notice(base.notice.splitlines()[0], citations) if base.notice else None,
            timings_ms=base.timings_ms,
        )

    def _contact_chunk(self, passages: list[Passage]) -> Chunk | None:
        """The documents' own contact section for the question: a section titled 連絡先, from the document the
        answer's passages come from first; a contact limited to one subject (仮単価に関する連絡先) only when the
        question's passages are about that subject."""
        tok = self.retriever.tokenizer
        ids = [cid for cid, _ in self.retriever.bm25.search(tok.tokenize("連絡先"), 20)]
        contacts = [c for c in self.retriever.store.get(ids).values() if "連絡先" in c.section]
        if not contacts:
            return None
        docs = list(dict.fromkeys(p.chunk.doc_id for p in passages))
        seen_terms = set()
        for p in passages[:3]:
            seen_terms.update(tok.tokenize(p.chunk.text))

        def rank(c: Chunk) -> tuple[int, int, int]:
            title = c.section.split(" > ")[-1]
            subject = title.split("に関する")[0] if "に関する" in title else ""
            specific = bool(subject) and "本件" not in subject and not set(tok.tokenize(subject)) <= seen_terms
            return (int(specific), docs.index(c.doc_id) if c.doc_id in docs else len(docs), c.ordinal)

        return min(contacts, key=rank)

    def _cite_tool_quotes(self, result: dict[str, Any], passages: list[Passage]) -> list[int]:
        """Passage numbers holding the sentences a calculator cites; missing ones are fetched and appended."""
        markers: list[int] = []
        for cit in result.get("citations") or []:
            doc, quote = cit.get("doc"), cit.get("quote", "")
            key = match_key(quote)
            n = next((i for i, p in enumerate(passages, 1) if p.chunk.doc_id == doc and key in match_key(p.chunk.text)), None)
            if n is None:
                chunk = self.retriever.find_quote(doc, quote)
                if chunk is not None:
                    passages.append(Passage(chunk=chunk, score=0.0, ranks={}))
                    n = len(passages)
            if n is not None and n not in markers:
                markers.append(n)
        return markers

    def _extract_scored(self, query: str, passages: list[Passage], skip_when_tools: bool) -> list[Any]:
        """The best few sentences of the top passages (assistant.answer.compose.Extract), best first."""
        if not passages:
            return []
        tok = self.retriever.tokenizer
        # The same query terms BM25 uses: the applicant's words at 1, helpdesk-lexicon words at a lower weight.
        q_weights = self.retriever.lexical_weights(query)
        if not q_weights:
            return []
        bm25 = self.retriever.bm25
        scored: list[tuple[float, int, int, str]] = []
        for n, p in enumerate(passages[:3], start=1):
            for j, sent in enumerate(split_sentences(p.chunk.text)):
                if _is_heading_like(sent, p):
                    continue
                terms = set(tok.tokenize(sent))
                score = sum(bm25.idf(t) * q_weights[t] for t in terms if t in q_weights)
                score /= 1.0 + len(terms) / 25.0  # long table rows match everything a little
                score *= 1.0 / (1.0 + 0.15 * (n - 1))  # trust the ranking a little
                if score > 0:
                    scored.append((score, n, j, sent))
        scored.sort(key=lambda x: -x[0])
        limit = 2 if skip_when_tools else 3
        return [Extract(text=sent, marker=n, score=score) for score, n, _, sent in scored[:limit]]

    def _extract(self, query: str, passages: list[Passage], skip_when_tools: bool) -> list[str]:
        """The best few sentences of the top passages in document order, each followed by its [n] marker."""
        chosen = self._extract_scored(query, passages, skip_when_tools)
        order = {id(p): i for i, p in enumerate(chosen)}
        chosen.sort(key=lambda e: (e.marker, order[id(e)]))
        return [f"{e.text.lstrip('・-* ').strip()}[{e.marker}]" for e in chosen]

    # --- staff reply drafts -----------------------------------------------------------------------------------
    def draft_reply(self, inquiry: str) -> Draft:
        return compose_draft(self, inquiry)


def _contact_line(chunk: Chunk) -> str:
    """A contact section on one line: its lines after the heading, joined."""
    lines = [ln.strip() for ln in chunk.text.splitlines() if ln.strip()]
    if lines and "連絡先" in lines[0]:
        lines = lines[1:]
    lines = [ln for ln in lines if not ln.startswith("以上")]
    return " ".join(lines)


def _is_heading_like(sentence: str, passage: Passage) -> bool:
    """Headings and table header rows carry no answer: '6. 事前調査の実施期間', '大項目\t小項目\t審査のポイント'."""
    s = sentence.strip()
    if len(s) < 12:
        return True
    if s in passage.chunk.section or s in passage.chunk.title:
        return True
    if "\t" in s and not any(e in s for e in "。．"):
        cells = [c for c in s.split("\t") if c.strip()]
        return all(len(c) <= 12 for c in cells)
    return False


def _is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, openai.InternalServerError)):
        return True
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (502, 503, 504):
        return True
    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError))
