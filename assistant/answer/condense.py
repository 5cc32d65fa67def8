"""Condensing a follow-up question and its history into one standalone search query."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from assistant.answer.followup import depends_on_history
from assistant.answer.llm_loop import is_transport_error
from assistant.domain import prompts
from assistant.domain.validation import History

log = logging.getLogger(__name__)

# Condensing sees a bounded history: the last few turns, each cut to a few hundred characters.
CONDENSE_TURNS = 4
CONDENSE_TURN_CHARS = 300


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


def condense(question: str, history: History, use_llm: bool, tokenizer: Any, model: Callable[[], Any]) -> str:
    """The search query for a follow-up: self-contained questions stand alone; otherwise the chat model
    (``model()``, only called when ``use_llm``) rewrites it, falling back to ``heuristic_condense``."""
    if not depends_on_history(question, tokenizer):
        return question  # self-contained: searched alone, whatever came before
    if use_llm:
        try:
            prompt = prompts.text("condense", history=_history_text(history), question=question)
            out = model().invoke(prompt)
            text = str(getattr(out, "content", "") or "").strip().splitlines()
            if text and 2 <= len(text[0]) <= 300:
                return text[0].strip()
        except Exception as exc:
            if is_transport_error(exc):
                log.warning("condense via LLM failed (%s); using the heuristic", exc)
            else:
                log.exception("condense via LLM failed with a non-transport error; using the heuristic")
    return heuristic_condense(question, history, tokenizer)
