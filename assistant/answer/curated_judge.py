"""With an LLM: which approved question, if any, asks the same thing as the applicant's? (issue #15)

The embedded matcher (:mod:`assistant.answer.curated`) decides by cosine and facets; on questions by other writers
its precision is far below the target (docs/evaluation.md), because the embedding ranks well but cannot tell a
paraphrase from a near-miss. When the chat model answers, the approved questions the matcher ranks closest
(``Matcher.related``: at most three, within a margin, never another programme's) are put to it in one short call,
and it names the one that asks the same thing, or none. Its reply is read strictly — one number in range, nothing
else — and anything else (a transport error, prose, an out-of-range number) leaves the decision to the embedded
matcher. The call is bounded: short texts, a few output tokens, the chat model's own timeout.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer.curated import CuratedHit
from assistant.answer.llm_loop import is_transport_error
from assistant.domain import prompts

log = logging.getLogger(__name__)

#: Characters of each question put in the prompt (questions are capped far below this at the API; a guard).
MAX_QUESTION_CHARS = 300
#: Output tokens the judge may use: a number and a little slack.
MAX_TOKENS = 8
# 「2」「2。」「番号：2」 and nothing else; a reply with more in it is not a decision.
_REPLY = re.compile(r"\s*(?:番号\s*[:：]?\s*)?([0-9])\s*[。.]?\s*")


@dataclass(frozen=True)
class Verdict:
    decided: bool  # False: no usable reply, the embedded matcher decides
    hit: CuratedHit | None  # the approved question that asks the same thing (None: none does)
    reason: str


def candidates_for(hit: CuratedHit | None, related: Sequence[CuratedHit]) -> list[CuratedHit]:
    """What the judge chooses from: the closest approved questions and the embedded matcher's pick, closest first."""
    candidates = list(related)
    if hit is not None and all(c.entry.id != hit.entry.id for c in candidates):
        candidates = sorted([hit, *candidates], key=lambda c: -c.similarity)
    return candidates


def prompt_for(question: str, candidates: Sequence[CuratedHit]) -> str:
    listed = "\n".join(f"{n}. {c.entry.question.strip()[:MAX_QUESTION_CHARS]}" for n, c in enumerate(candidates, 1))
    return prompts.text("curated_judge", question=question.strip()[:MAX_QUESTION_CHARS], candidates=listed)


def parse(reply: str, n_candidates: int) -> int | None:
    """The number the reply names (0 = none), or None when it is not exactly one number in range."""
    m = _REPLY.fullmatch(reply or "")
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= n_candidates else None


def judge(question: str, candidates: Sequence[CuratedHit], model: Callable[[], Any]) -> Verdict:
    """Ask the chat model (``model()``) which of ``candidates`` asks what ``question`` asks."""
    if not candidates:
        return Verdict(True, None, "no candidates")
    try:
        out = model().bind(max_tokens=MAX_TOKENS, temperature=0).invoke(prompt_for(question, candidates))
    except Exception as exc:  # the approved answers are an extra; the embedded matcher decides instead
        if is_transport_error(exc):
            log.warning("curated judge: LLM call failed (%s); the embedded matcher decides", exc)
        else:
            log.exception("curated judge: LLM call failed; the embedded matcher decides")
        return Verdict(False, None, f"llm error: {type(exc).__name__}")
    reply = str(getattr(out, "content", "") or "")
    n = parse(reply, len(candidates))
    if n is None:
        log.warning("curated judge: unusable reply %r; the embedded matcher decides", reply[:80])
        return Verdict(False, None, "unusable reply")
    return Verdict(True, candidates[n - 1] if n else None, f"llm chose {n}")
