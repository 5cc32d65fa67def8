"""Answers, sources and tool calls as Gradio chat messages (plain dicts, no gradio import: easy to test)."""

from __future__ import annotations

import html
import json
from typing import Any

from assistant.schema import Answer, Citation, ToolCallRecord

TOOL_LABELS = {
    "subsidy_rate": "補助率の確認",
    "subsidy_amount": "補助額の計算",
    "gpu_node_plan": "GPUノード数の確認",
    "programme_schedule": "スケジュールの確認",
    "search_documents": "資料の追加検索",
}

OFFLINE_BADGE = '<span class="koubo-badge koubo-offline">オフラインモードの回答</span>'
PARTIAL_BADGE = '<span class="koubo-badge koubo-partial">回答が途中で途切れました</span>'
UNCITED_NOTE = "※ この回答には有効な出典がありません。内容を資料で確認してください。"


def _where(title: str, section: str) -> str:
    return f"{title} › {section}" if section else title


def sources_html(citations: list[Citation], heading: str = "出典") -> str:
    """Numbered sources, each a <details> that opens to the passage text with its document and section."""
    if not citations:
        return ""
    items = []
    for c in citations:
        where = html.escape(_where(c.title or c.doc, c.section))
        quote = html.escape(c.quote.strip()).replace("\n", "<br>")
        items.append(
            f'<details class="koubo-source"><summary>[{c.marker}] {where}</summary>'
            f'<div class="koubo-passage"><div class="koubo-passage-meta">資料: {html.escape(c.title or c.doc)}'
            f"（{html.escape(c.doc)}）"
            + (f"<br>項目: {html.escape(c.section)}" if c.section else "")
            + f"</div><blockquote>{quote}</blockquote></div></details>"
        )
    return f'<div class="koubo-sources"><div class="koubo-sources-title">{heading}</div>{"".join(items)}</div>'


def answer_markdown(answer: Answer) -> str:
    parts = []
    badges = (OFFLINE_BADGE if answer.backend == "offline" else "") + (PARTIAL_BADGE if answer.partial else "")
    if badges:
        parts.append(badges)
    parts.append(answer.text)
    if answer.uncited:
        parts.append(UNCITED_NOTE)
    src = sources_html(answer.citations)
    if src:
        parts.append(src)
    return "\n\n".join(parts)


def _json_block(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if len(text) > 4000:
        text = text[:4000] + "\n…"
    return f"```json\n{text}\n```"


def tool_message(record: ToolCallRecord) -> dict[str, Any]:
    """A collapsible step: title = what the tool does, body = its inputs and its result (or error)."""
    label = TOOL_LABELS.get(record.name, record.name)
    body = [f"**入力**\n\n{_json_block(record.args)}"]
    if record.ok:
        body.append(f"**結果**\n\n{_json_block(record.result)}")
    else:
        body.append(f"**エラー**\n\n{record.error or '不明なエラー'}")
    meta: dict[str, Any] = {"title": f"ツール: {label}（{record.name}）", "status": "done"}
    if not record.ok:
        meta["log"] = "エラー"
    return {"role": "assistant", "content": "\n\n".join(body), "metadata": meta}


def status_markdown(text: str) -> str:
    return f'<span class="koubo-status">{html.escape(text)}</span>'


def turn_messages(
    question: str,
    tool_calls: list[ToolCallRecord],
    answer_md: str,
) -> list[dict[str, Any]]:
    """One turn as chat messages: the question, the tool steps, then the answer."""
    return [
        {"role": "user", "content": question},
        *[tool_message(t) for t in tool_calls],
        {"role": "assistant", "content": answer_md},
    ]


def draft_sources_markdown(citations: list[dict[str, Any]] | list[Citation]) -> str:
    cites = [c if isinstance(c, Citation) else Citation.model_validate(c) for c in citations]
    if not cites:
        return "*（この下書きが根拠とする資料の記載はありません。内容を資料で確認してください。）*"
    return sources_html(cites, heading="根拠とした資料の記載")
