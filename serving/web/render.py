"""Answers, sources and tool steps as display data (plain dicts, no gradio import: easy to test).

The chat page (static/chat.js) builds its DOM from these with ``textContent`` only, so nothing here is HTML
except ``sources_html`` for the staff desk, which escapes every value it writes.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from assistant.answer.curated import approved_day_ja
from assistant.domain.schema import SECTION_SEP, Answer, Citation, ToolCallRecord
from assistant.domain.text import japanese_date
from assistant.tools.registry import TOOLS

TOOL_LABELS = {
    "subsidy_rate": "補助率の確認",
    "subsidy_amount": "補助額の計算",
    "gpu_node_plan": "GPUノード数の確認",
    "programme_schedule": "スケジュールの確認",
    "search_documents": "資料の追加検索",
}

RAW_MAX_CHARS = 4000
SUMMARY_MAX_CHARS = 160
UNCITED_NOTE = "※ この回答には有効な出典がありません。内容を資料で確認してください。"

# "company=企業, university=大学（…）" inside a field description: the Japanese names of enum values.
_ENUM_WORDS = re.compile(r"([A-Za-z0-9_\-]+)=([^,、，。\s（(]+)")
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_URL = re.compile(r"https?://[^\s<>\"'「」『』（）()、。]+")


# --- sources ---------------------------------------------------------------------------------------------------
def _meta(documents: dict[str, Any], doc: str) -> dict[str, str]:
    m = documents.get(doc)
    get = (lambda k: str(getattr(m, k, "") or "")) if m is not None else (lambda k: "")
    return {"issuer": get("issuer"), "published": get("published"), "file": get("file"), "url": _safe_url(get("url"))}


def _safe_url(url: str) -> str:
    url = url.strip()
    return url if re.match(r"https?://[^\s]+$", url) else ""


def source_groups(citations: list[Citation] | list[dict[str, Any]], documents: dict[str, Any] | None = None
                  ) -> list[dict[str, Any]]:
    """Citations merged by (document, section): one entry per place, its passages inside, markers kept.

    ``[n]`` in the answer text is found through ``markers``; a passage quoted twice is listed once with both
    numbers.
    """
    documents = documents or {}
    cites = sorted((c if isinstance(c, Citation) else Citation.model_validate(c) for c in citations),
                   key=lambda c: c.marker)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for c in cites:
        g = groups.get((c.doc, c.section))
        if g is None:
            g = groups[(c.doc, c.section)] = {
                "markers": [], "doc": c.doc, "title": c.title or c.doc, "section": c.section,
                **_meta(documents, c.doc), "passages": [],
            }
        if c.doc_as_of or c.doc_version:  # the cited version's own date, pinned in the answer (issue #15)
            g["as_of"], g["doc_version"] = c.doc_as_of or "", c.doc_version
            g["published"] = (f"{japanese_date(c.doc_as_of)}時点" if c.doc_as_of else g["published"]) + (
                f"・第{c.doc_version}版" if c.doc_version else "")
        g["markers"].append(c.marker)
        quote = _without_heading(c.quote.strip(), c.section)
        same = next((p for p in g["passages"] if p["text"] == quote), None)
        if same is not None:
            same["markers"].append(c.marker)
        else:
            g["passages"].append({"markers": [c.marker], "text": quote})
    return list(groups.values())


def _without_heading(quote: str, section: str) -> str:
    """A passage often starts with its own section heading, already shown in the entry's title."""
    heading = section.split(SECTION_SEP)[-1].strip()
    if heading and quote.startswith(heading) and quote[len(heading):].strip():
        return quote[len(heading):].lstrip()
    return quote


def markers_label(markers: list[int]) -> str:
    return "".join(f"[{m}]" for m in markers)


def source_line(g: dict[str, Any]) -> str:
    """One plain line naming the document, its section and where it was published."""
    where = g["title"] + (f" › {g['section']}" if g["section"] else "")
    origin = "、".join(x for x in (g["issuer"], g["published"], g["url"] or g["file"]) if x)
    return f"{markers_label(g['markers'])} {where}" + (f"（{origin}）" if origin else "")


def display_text(answer: dict[str, Any]) -> str:
    """The answer text without a trailing copy of the notice (shown once, as the answer's footer)."""
    text = (answer.get("text") or "").rstrip()
    notice = (answer.get("notice") or "").strip()
    if notice and text.endswith(notice):
        text = text[: -len(notice)].rstrip()
    return text


def copy_text(text: str, groups: list[dict[str, Any]]) -> str:
    """What the copy button puts on the clipboard: the answer and a plain numbered source list, no markup."""
    if not groups:
        return text
    return text + "\n\n出典:\n" + "\n".join(source_line(g) for g in groups)


# --- tool steps ------------------------------------------------------------------------------------------------
def _field_info(tool: str) -> dict[str, Any]:
    spec = TOOLS.get(tool)
    return dict(spec.input_model.model_fields) if spec is not None else {}


def _label(key: str, info: Any) -> str:
    desc = (getattr(info, "description", None) or "").strip()
    head = re.split(r"[。:：]", desc, maxsplit=1)[0].strip() if desc else ""
    return head if head and len(head) <= 40 else key


def _value(value: Any, info: Any) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(_value(v, info) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        words = dict(_ENUM_WORDS.findall(getattr(info, "description", None) or ""))
        return words.get(value, value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _first_sentence(text: str) -> str:
    first = next((s for s in _SENTENCE_END.split(text.strip()) if s.strip()), "").strip()
    return first if len(first) <= SUMMARY_MAX_CHARS else first[: SUMMARY_MAX_CHARS - 1] + "…"


def _raw(record: ToolCallRecord) -> str:
    raw = json.dumps({"name": record.name, "args": record.args, "result": record.result, "ok": record.ok,
                      "error": record.error}, ensure_ascii=False, indent=2, default=str)
    return raw if len(raw) <= RAW_MAX_CHARS else raw[:RAW_MAX_CHARS] + "\n…"


def tool_view(record: ToolCallRecord | dict[str, Any]) -> dict[str, Any]:
    """A tool step in Japanese: summary line (what was checked → result), labelled inputs and caveats, raw JSON."""
    if not isinstance(record, ToolCallRecord):
        record = ToolCallRecord.model_validate(record)
    label = TOOL_LABELS.get(record.name, record.name)
    fields = _field_info(record.name)
    result = record.result if isinstance(record.result, dict) else {}
    inputs = []
    for key, value in record.args.items():
        if value is None:
            continue
        if key == "programme" and result.get("programme_ja"):
            inputs.append({"label": "対象の公募", "value": str(result["programme_ja"])})
            continue
        inputs.append({"label": _label(key, fields.get(key)), "value": _value(value, fields.get(key))})
    if not record.ok:
        outcome = f"エラー：{record.error or '不明なエラー'}"
    else:
        outcome = _first_sentence(str(result.get("explanation") or "")) or "完了しました。"
    caveats = [str(c) for c in result.get("caveats") or [] if str(c).strip()]
    return {"name": record.name, "label": label, "ok": record.ok, "summary": f"{label} → {outcome}",
            "inputs": inputs, "caveats": caveats, "raw": _raw(record)}


# --- one answer ------------------------------------------------------------------------------------------------
def answer_view(answer: Answer | dict[str, Any], documents: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the chat page needs besides the Answer JSON: text to show, merged sources, steps, clipboard text."""
    data = answer.to_api() if isinstance(answer, Answer) else answer
    text = display_text(data)
    groups = source_groups(data.get("citations") or [], documents)
    return {
        "text": text,
        "sources": groups,
        "steps": [tool_view(t) for t in data.get("tool_calls") or []],
        "notice": (data.get("notice") or "").strip() or None,
        "uncited_note": UNCITED_NOTE if data.get("uncited") else None,
        "copy_text": copy_text(text, groups),
        "related": [related_view(r) for r in data.get("related_curated") or []],
    }


def related_view(item: dict[str, Any]) -> dict[str, Any]:
    """An offered approved Q&A: its question, its approval day and its place on the public 追加Q&A page."""
    return {"id": int(item["id"]), "question": str(item["question"]), "answer": str(item.get("answer") or ""),
            "date": approved_day_ja(str(item["approved_at"])), "href": f"/qa#q{int(item['id'])}"}


# --- the staff desk (HTML inside gr.HTML) -------------------------------------------------------------------------
def _linkify(text: str) -> str:
    """Escape ``text`` and turn http(s) URLs into links (everything else stays text)."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        url = html.escape(m.group(0), quote=True)
        out.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def sources_html(citations: list[Citation] | list[dict[str, Any]], heading: str = "出典",
                 documents: dict[str, Any] | None = None) -> str:
    """Merged numbered sources, each a <details> that opens to its passages with document and provenance."""
    groups = source_groups(citations, documents)
    if not groups:
        return ""
    items = []
    for g in groups:
        where = html.escape(g["title"] + (f" › {g['section']}" if g["section"] else ""))
        origin = "、".join(html.escape(x) for x in (g["issuer"], g["published"], g["file"]) if x)
        link = (f' <a href="{html.escape(g["url"], quote=True)}" target="_blank" rel="noopener noreferrer">'
                "公式ページ</a>") if g["url"] else ""
        passages = "".join(
            f'<blockquote><span class="koubo-passage-no">{markers_label(p["markers"])}</span> '
            f'{_linkify(p["text"]).replace(chr(10), "<br>")}</blockquote>'
            for p in g["passages"]
        )
        items.append(
            f'<details class="koubo-source"><summary>{markers_label(g["markers"])} {where}</summary>'
            f'<div class="koubo-passage"><div class="koubo-passage-meta">{origin}{link}</div>{passages}</div></details>'
        )
    return f'<div class="koubo-sources"><div class="koubo-sources-title">{heading}</div>{"".join(items)}</div>'


def draft_sources_markdown(citations: list[dict[str, Any]] | list[Citation],
                           documents: dict[str, Any] | None = None) -> str:
    if not citations:
        return "*（この下書きが根拠とする資料の記載はありません。内容を資料で確認してください。）*"
    return sources_html(citations, heading="根拠とした資料の記載", documents=documents)
