"""The answer engine: one Assistant that the CLI, the web UI, the HTTP API and the eval runner all call.

question (+ history) → validate → condense follow-ups → retrieve → scope guard →
  LLM with passages and tools (bounded tool loop)  — or, without a reachable LLM —  offline composer
→ [n] markers mapped to passages in code → Answer.

The steps live beside it: condensing in assistant.answer.condense, the tool loop in assistant.answer.llm_loop,
the offline and not-in-documents composers in assistant.answer.offline; this module orchestrates them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, Literal

from assistant.answer import curated_judge, guard, scope
from assistant.answer.citations import resolve_citations
from assistant.answer.condense import condense
from assistant.answer.curated import CuratedEntry, CuratedHit, CuratedIndex
from assistant.answer.curated import label as curated_label
from assistant.answer.drafting import compose_draft
from assistant.answer.llm import HealthChecker, make_chat_model
from assistant.answer.llm_loop import LLMUnavailable, run_tool_loop
from assistant.answer.offline import not_in_documents_answer, offline_answer
from assistant.answer.search_tool import langchain_tool
from assistant.domain import prompts
from assistant.domain.config import Settings
from assistant.domain.schema import Answer, Draft, Passage, RelatedCurated, StreamEvent
from assistant.domain.text import scrub
from assistant.domain.validation import History, bound_history, check_question
from assistant.retrieval.retriever import Retriever
from assistant.tools import ALL_TOOLS

log = logging.getLogger(__name__)

BackendChoice = Literal["auto", "offline", "llm"]


def _refusal_key(verdict: guard.GuardResult, decision: scope.Decision | None) -> str:
    """The prompt text of a refusal: an injection's, a borderline one's (the scope model was unsure: it asks for the
    programme's name), or the plain out-of-scope one."""
    if verdict.verdict == "injection":
        return "refusal_injection"
    return "refusal_unsure" if decision is not None and decision.borderline else "refusal_out_of_scope"


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
    ) -> Assistant:
        """The assistant over the index ``settings`` name; the caller (a composition root) has built it."""
        return cls(settings, Retriever.from_settings(settings), backend=backend, chat_model=chat_model)

    def with_retriever(self, retriever: Retriever) -> Assistant:
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
            standalone = condense(question, history, use_llm, self.retriever.tokenizer,
                                  self._model)[-s.max_question_chars:]
            timings["condense"] = (time.perf_counter() - t) * 1000
        related: list[RelatedCurated] = []
        if self.curated is not None:
            t = time.perf_counter()
            curated, related = self._curated_answer(question, standalone, use_llm)
            timings["curated"] = (time.perf_counter() - t) * 1000
            if use_llm and not self._want_llm():  # the judge found the endpoint down: do not wait for it again
                use_llm = False
                yield StreamEvent(type="status", text="LLMに接続できないため、オフラインモードで回答します…")
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
            ans = Answer(question=question, text=prompts.text(_refusal_key(verdict, decision)), refused=True,
                         standalone_query=standalone,
                         backend="llm" if use_llm else "offline", timings_ms=timings, coverage="out_of_scope")
            yield StreamEvent(type="retrieved", passages=[])
            yield self._final(ans, t_start)
            return
        yield StreamEvent(type="retrieved", passages=passages)

        answer: Answer | None = None
        if use_llm:
            t = time.perf_counter()
            try:
                answer = yield from run_tool_loop(self.settings, self.retriever, self._model(), self._lc_tools(),
                                                  question, history, standalone, passages)
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
        if answer.coverage != "out_of_scope" and not answer.refused:
            answer.related_curated = related
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
    def _curated_answer(self, question: str, standalone: str, use_llm: bool
                        ) -> tuple[Answer | None, list[RelatedCurated]]:
        """The approved answer to the same question, labelled with its date and cited to its quotes — None when
        no active one matches, the question is refused by the rules, or a quote is not in the served index —
        and, when none is served, the approved questions close to it (offered under the answer)."""
        if guard.check(standalone).verdict != "ok":
            return None, []
        curated = self.curated
        assert curated is not None
        try:
            vector = self.retriever.query_vector(standalone)
            embed = self.retriever.store.embedder.embed_queries
            hit = curated.match(standalone, vector, embed)
        except Exception:  # the approved answers are an extra; a storage failure must not stop answering
            log.exception("curated-answer lookup failed; answering from the documents")
            return None, []
        try:
            related = curated.related(standalone, vector, embed)
        except Exception:
            log.exception("related curated answers failed; serving the match only")
            related = []
        if use_llm:
            hit = self._judged(standalone, hit, related)
        served = self._from_curated(hit, question, standalone, use_llm) if hit else None
        if served is not None:
            return served, []
        # Offered answers stand on their quotes as served ones do: one whose quote left the served documents (its
        # stale mark may not have landed yet) is not shown.
        try:
            return None, [RelatedCurated(id=h.entry.id, question=h.entry.question, answer=h.entry.answer,
                                         approved_at=h.entry.approved_at, similarity=round(h.similarity, 4))
                          for h in related if self._quotes_served(h.entry)]
        except Exception:
            log.exception("checking the quotes of related curated answers failed; offering none")
            return None, []

    def _quotes_served(self, entry: CuratedEntry) -> bool:
        return all(self.retriever.find_quote(c["doc"], c["quote"]) is not None for c in entry.citations)

    def _judged(self, standalone: str, hit: CuratedHit | None, related: list[CuratedHit]) -> CuratedHit | None:
        """With the LLM: the approved question it says asks the same thing, among the closest ones (and the
        embedded matcher's pick); the embedded matcher's pick when the LLM gives no usable reply. An endpoint that
        does not answer is marked down, so the rest of the request goes offline at once."""
        chosen, verdict = curated_judge.choose(standalone, hit, related, self._model)
        log.info("curated judge: %s (embedded matcher: %s)", verdict.reason, hit.entry.id if hit else None)
        if verdict.transport_error:
            self.health.mark_down(verdict.reason)
        return chosen

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
        # The approved question goes with its answer: the match is by similarity, so the applicant can see
        # whether the approved question is theirs (blind matching precision is well below 1; docs/evaluation.md).
        asked = prompts.text("curated_question", question=entry.question.strip())
        body = f"{curated_label(entry.approved_at)}\n{asked}\n\n{entry.answer.strip()}"
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

    def _lc_tools(self) -> list[Any]:
        if self._tools is None:
            self._tools = [*ALL_TOOLS, langchain_tool()]
        return self._tools

    # --- offline mode (assistant.answer.offline) ------------------------------------------------------------
    def _offline_answer(
        self, question: str, history: History, standalone: str, passages: list[Passage], notice: str | None = None
    ) -> Answer:
        return offline_answer(self.retriever, question, history, standalone, passages, notice)

    # --- coverage: answered / not in the documents -------------------------------------------------------------
    def _scope_decision(self, query: str, passages: list[Passage]) -> scope.Decision:
        """The scope model's verdict on the retrieval query (its vector is already in the retriever's cache)."""
        try:
            model = scope.load_model()
            features = scope.features(self.retriever, query, passages, model.trained_docs)
            decision = model.decide(features, self.retriever.store.embedder.name)
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
            return not_in_documents_answer(self.retriever, answer, standalone, passages)
        answer.coverage = "answered"
        return answer

    # --- staff reply drafts -----------------------------------------------------------------------------------
    def draft_reply(self, inquiry: str) -> Draft:
        return compose_draft(self, inquiry)
