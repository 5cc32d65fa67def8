"""With an LLM: which approved question, if any, asks the same thing as the applicant's? (issue #15)

The embedded matcher (:mod:`assistant.answer.curated`) decides by cosine and facets; on questions by other writers
its precision is far below the target (docs/evaluation.md), because the embedding ranks well but cannot tell a
paraphrase from a near-miss. When the chat model answers, the approved questions the matcher ranks closest
(``Matcher.related``: at most three, within a margin, never another programme's) are put to it in one short call,
and it names the one that asks the same thing, or none. Its reply is read strictly — one number in range, nothing
else — and anything else (a transport error, prose, an out-of-range number) leaves the decision to the embedded
matcher. The call is bounded: the applicant's question cut to its end (where a condensed query holds the question
itself), a few output tokens, thinking switched off for chat templates that have it, a short timeout of its own; a
transport error marks the endpoint down for the rest of the request (the caller's job).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer.curated import CuratedHit
from assistant.answer.llm_loop import is_transport_error
from assistant.answer.reasoning import strip_reasoning
from assistant.domain import prompts
from assistant.domain.text import nfkc

log = logging.getLogger(__name__)

#: Characters of each question put in the prompt: the applicant's question keeps its end, an approved one its start.
MAX_QUESTION_CHARS = 500
#: Output tokens the judge may use: a number and a little slack.
MAX_TOKENS = 8
#: Seconds the judge waits for its reply (the answer itself may take longer; this call must not).
TIMEOUT_S = 10.0
# vLLM passes these to the chat template: Qwen3-style templates would otherwise think first and never get to the
# number within MAX_TOKENS; templates without the switch ignore it.
_NO_THINKING = {"chat_template_kwargs": {"enable_thinking": False}}
# 「2」「2。」「番号：2」 and nothing else (after NFKC, so 「２」 too); a reply with more in it is not a decision.
_REPLY = re.compile(r"\s*(?:番号\s*[:：]?\s*)?([0-9])\s*[。.]?\s*")


@dataclass(frozen=True)
class Verdict:
    decided: bool  # False: no usable reply, the embedded matcher decides
    hit: CuratedHit | None  # the approved question that asks the same thing (None: none does)
    reason: str
    transport_error: bool = False  # the endpoint did not answer: the caller marks it down


def candidates_for(hit: CuratedHit | None, related: Sequence[CuratedHit]) -> list[CuratedHit]:
    """What the judge chooses from: the closest approved questions and the embedded matcher's pick, closest first."""
    candidates = list(related)
    if hit is not None and all(c.entry.id != hit.entry.id for c in candidates):
        candidates = sorted([hit, *candidates], key=lambda c: -c.similarity)
    return candidates


def _cut(text: str, keep_end: bool) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_QUESTION_CHARS:
        return text
    return "…" + text[-MAX_QUESTION_CHARS:] if keep_end else text[:MAX_QUESTION_CHARS] + "…"


def prompt_for(question: str, candidates: Sequence[CuratedHit]) -> str:
    listed = "\n".join(f"{n}. {_cut(c.entry.question, keep_end=False)}" for n, c in enumerate(candidates, 1))
    return prompts.text("curated_judge", question=_cut(question, keep_end=True), candidates=listed)


def parse(reply: str, n_candidates: int) -> int | None:
    """The number the reply names (0 = none), or None when it is not exactly one number in range. A reasoning
    block (``<think>…</think>``) before it is skipped."""
    m = _REPLY.fullmatch(nfkc(strip_reasoning(reply or "")))
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= n_candidates else None


def judge(question: str, candidates: Sequence[CuratedHit], model: Callable[[], Any]) -> Verdict:
    """Ask the chat model (``model()``) which of ``candidates`` asks what ``question`` asks."""
    if not candidates:
        return Verdict(True, None, "no candidates")
    try:
        out = model().bind(max_tokens=MAX_TOKENS, temperature=0, timeout=TIMEOUT_S,
                           extra_body=_NO_THINKING).invoke(prompt_for(question, candidates))
    except Exception as exc:  # the approved answers are an extra; the embedded matcher decides instead
        transport = is_transport_error(exc)
        if transport:
            log.warning("curated judge: LLM call failed (%s); the embedded matcher decides", exc)
        else:
            log.exception("curated judge: LLM call failed; the embedded matcher decides")
        return Verdict(False, None, f"llm error: {type(exc).__name__}: {exc}"[:200], transport_error=transport)
    reply = str(getattr(out, "content", "") or "")
    n = parse(reply, len(candidates))
    if n is None:
        log.warning("curated judge: unusable reply %r; the embedded matcher decides", reply[:80])
        return Verdict(False, None, "unusable reply")
    return Verdict(True, candidates[n - 1] if n else None, f"llm chose {n}")


def choose(question: str, hit: CuratedHit | None, related: Sequence[CuratedHit], model: Callable[[], Any]
           ) -> tuple[CuratedHit | None, Verdict]:
    """The approved question to serve: the judge's choice among the closest ones and the embedded matcher's pick
    (``hit``), or ``hit`` itself when the judge gives no usable reply. With the verdict, for logs and counts."""
    verdict = judge(question, candidates_for(hit, related), model)
    return (verdict.hit if verdict.decided else hit), verdict
