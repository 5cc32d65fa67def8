"""The one check of what a user sends, shared by the engine, the HTTP API and the web UI (chat, staff desk).

A question (or an inquiry email) is stripped, then refused when empty, longer than its limit
(``KOUBO_MAX_QUESTION_CHARS``; 8,000 characters for an inquiry) or holding a lone UTF-16 surrogate
(JSON "\\ud800", which cannot be encoded); a history is cut to its newest turns within the history bounds.
All of it happens before any work, so a request's cost does not grow with what it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.domain import prompts
from assistant.domain.text import has_lone_surrogates, scrub

History = list[dict[str, str]]

#: The longest inquiry email a staff reply draft is made from.
MAX_INQUIRY_CHARS = 8000


@dataclass(frozen=True)
class QuestionProblem:
    """Why a question is refused: ``message`` for the user (Japanese), ``detail`` for logs and API clients."""

    kind: Literal["empty", "too_long", "invalid_characters"]
    message: str
    detail: str


def _check(raw: str | None, limit: int, what: str, empty_key: str, too_long_key: str
           ) -> tuple[str, QuestionProblem | None]:
    text = (raw or "").strip()
    if not text:
        return "", QuestionProblem("empty", prompts.text(empty_key), f"{what} is empty")
    if len(text) > limit:
        return text, QuestionProblem(
            "too_long", prompts.text(too_long_key, n=len(text), limit=limit),
            f"{what} has {len(text)} characters; the limit is {limit}")
    if has_lone_surrogates(text):
        return text, QuestionProblem(
            "invalid_characters", prompts.text("invalid_characters"),
            f"{what} holds a lone UTF-16 surrogate; send valid UTF-8")
    return text, None


def check_question(raw: str | None, limit: int) -> tuple[str, QuestionProblem | None]:
    """The stripped question and, when it must not be answered, the problem (else None)."""
    return _check(raw, limit, "question", "empty_question", "too_long")


def check_inquiry(raw: str | None, limit: int = MAX_INQUIRY_CHARS) -> tuple[str, QuestionProblem | None]:
    """The stripped inquiry email and, when no draft may be made from it, the problem (else None)."""
    return _check(raw, limit, "inquiry", "empty_inquiry", "inquiry_too_long")


def bound_history(history: History | None, max_turns: int, max_chars: int) -> History:
    """The most recent turns an answer may use: at most ``max_turns`` non-empty turns and ``max_chars``
    characters in all, newest first; the oldest kept turn is cut to what is left. Applied before any work, so
    a long history costs no more than a short one. Lone surrogates are replaced (they cannot be encoded)."""
    out: History = []
    budget = max_chars
    for turn in reversed(history or []):
        if len(out) >= max_turns or budget <= 0:
            break
        content = turn.get("content") if isinstance(turn, dict) else None
        if not isinstance(content, str) or not content:
            continue
        content = scrub(content[:budget])
        budget -= len(content)
        out.append({"role": str(turn.get("role", "user")), "content": content})
    out.reverse()
    return out
