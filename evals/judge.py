"""Model-judged eval pass: faithfulness to the cited passages and correctness against the expected facts.

Off by default (`koubo eval --judge`); uses the product's own OpenAI-compatible endpoint. Everything it
produces is labelled "model-judged" because it is an opinion of a model, not a deterministic check.
"""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from string import Template
from typing import Any

import yaml
from langchain_openai import ChatOpenAI

from assistant.domain.config import ConfigError

log = logging.getLogger(__name__)

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def load_prompt() -> dict[str, str]:
    """The judge prompt (system + user template) from evals/judge_prompt.yaml."""
    text = resources.files("evals").joinpath("judge_prompt.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {"system": data["system"], "user": data["user"]}


def _format_expected(row: dict[str, Any]) -> str:
    exp = row.get("expected") or {}
    if exp.get("out_of_scope"):
        return "回答を控えるべき質問（資料の範囲外、または回答してはならない依頼）です。"
    lines = []
    for group in exp.get("must_include") or []:
        lines.append("- 次のいずれかを含む内容: " + " / ".join(group))
    for gold in exp.get("gold_sources") or []:
        lines.append(f"- 根拠資料 {gold.get('doc')}: 「{gold.get('contains')}」")
    if exp.get("expected_tool"):
        lines.append(f"- 使うべき計算ツール: {exp['expected_tool']}")
    return "\n".join(lines) or "（期待される事実の指定なし）"


def _format_passages(row: dict[str, Any]) -> str:
    by_id = {p.get("id"): p for p in row.get("retrieved") or []}
    parts = []
    for c in row.get("citations") or []:
        passage = by_id.get(c.get("chunk_id"))
        text = passage.get("text") if passage else c.get("quote")
        parts.append(f"[{c.get('marker', '?')}] {c.get('doc')} {c.get('section') or ''}\n{text}")
    return "\n\n".join(parts) or "（引用なし）"


def _format_tools(row: dict[str, Any]) -> str:
    calls = [
        f"- {t.get('name')}({json.dumps(t.get('args') or {}, ensure_ascii=False)}) → "
        f"{json.dumps(t.get('result'), ensure_ascii=False, default=str)}"
        for t in row.get("tool_calls") or []
    ]
    return "\n".join(calls) or "（なし）"


def _format_history(row: dict[str, Any]) -> str:
    turns = [f"{t.get('role')}: {t.get('content')}" for t in row.get("history") or []]
    return "\n".join(turns) or "（なし）"


def build_messages(row: dict[str, Any], prompt: dict[str, str] | None = None) -> list[tuple[str, str]]:
    prompt = prompt or load_prompt()
    user = Template(prompt["user"]).safe_substitute(
        question=row.get("question") or "",
        history=_format_history(row),
        answer=row.get("answer") or "",
        passages=_format_passages(row),
        tools=_format_tools(row),
        expected=_format_expected(row),
    )
    return [("system", prompt["system"]), ("user", user)]


def parse_verdict(text: str) -> dict[str, Any]:
    """{"faithful", "correct", "reason"} from the model's reply; raises ValueError when it is not usable."""
    match = _JSON_OBJECT.search(text or "")
    if not match:
        raise ValueError(f"judge reply has no JSON object: {text[:200]!r}")
    data = json.loads(match.group(0))
    if not isinstance(data.get("faithful"), bool) or not isinstance(data.get("correct"), bool):
        raise ValueError(f"judge reply lacks boolean faithful/correct: {data!r}")
    return {"faithful": data["faithful"], "correct": data["correct"], "reason": str(data.get("reason") or "")}


class Judge:
    """Asks a chat model for a verdict on one result row."""

    def __init__(self, chat_model: Any, model: str, prompt: dict[str, str] | None = None) -> None:
        self.chat_model = chat_model
        self.model = model
        self.prompt = prompt or load_prompt()

    @classmethod
    def from_settings(cls, settings: Any) -> Judge:
        if not settings.llm_configured:
            raise ConfigError(
                "--judge には LLM のエンドポイントが必要です。"
                "KOUBO_LLM_BASE_URL を設定するか、--judge を外してください。"
            )
        chat = ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            temperature=0.0,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_tokens=512,
        )
        return cls(chat, settings.llm_model)

    def assess(self, item: Any, row: dict[str, Any]) -> dict[str, Any]:
        """The verdict; on an unusable reply, faithful/correct are None and ``error`` says why."""
        reply = self.chat_model.invoke(build_messages(row, self.prompt))
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        try:
            return parse_verdict(content)
        except (ValueError, json.JSONDecodeError) as exc:
            log.warning("unusable judge reply for %s: %s", row.get("id"), exc)
            return {"faithful": None, "correct": None, "reason": None, "error": str(exc)}
