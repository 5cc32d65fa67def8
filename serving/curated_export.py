"""The public 追加Q&A: active curated answers grouped by programme, as HTML (GET /qa), Markdown or JSONL."""

from __future__ import annotations

import html
import json
from typing import Any

from assistant.answer.curated import approved_day_ja
from assistant.domain.programmes import current as current_programmes

OTHER = "その他"
PAGE_TITLE = "追加Q&A（事務局回答）"


def _title(doc: str, documents: dict[str, Any]) -> str:
    meta = documents.get(doc)
    return str(getattr(meta, "title", None) or (meta.get("title") if isinstance(meta, dict) else None) or doc)


def _programme_names() -> dict[str, str]:
    """Programme id → official name, in the programme files' order."""
    return {p.id: p.names.official for p in current_programmes()}


def public_records(rows: list[dict[str, Any]], documents: dict[str, Any]) -> list[dict[str, Any]]:
    """Active entries only, in the shape every format writes: id, programme, question, answer, date, sources."""
    names = _programme_names()
    out = []
    for r in rows:
        if r["status"] != "active":
            continue
        out.append({
            "id": r["id"], "programme": r.get("programme"),
            "programme_name": names.get(r.get("programme") or "", OTHER),
            "question": r["question"], "answer": r["answer"], "approved_at": r["approved_at"],
            "date": approved_day_ja(r["approved_at"]),
            "sources": [{"doc": c["doc"], "title": _title(c["doc"], documents), "quote": c["quote"]}
                        for c in r.get("citations") or []],
        })
    return out


def grouped(records: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        groups.setdefault(rec["programme_name"], []).append(rec)
    order = [*_programme_names().values(), OTHER]
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def to_jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def to_markdown(records: list[dict[str, Any]]) -> str:
    lines = [f"# {PAGE_TITLE}", ""]
    if not records:
        lines.append("現在公開している追加Q&Aはありません。")
    for name, recs in grouped(records):
        lines += [f"## {name}", ""]
        for r in recs:
            lines += [f"### Q{r['id']}. {r['question']}", "", r["answer"], "", f"（事務局確認日: {r['date']}）", ""]
            for s in r["sources"]:
                lines.append(f"- 出典: {s['title']}「{s['quote']}」")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif;line-height:1.7;margin:0;color:#1f2937;
background:#f8fafc}main{max-width:46rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;border-bottom:2px solid #2563eb;padding-bottom:.25rem;margin-top:2rem}
article{background:#fff;border:1px solid #e5e7eb;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0;
overflow-wrap:anywhere}h3{font-size:1rem;margin:.25rem 0 .5rem}.a{white-space:pre-wrap;margin:0 0 .5rem}
.date{color:#4b5563;font-size:.9rem;margin:0}ul{padding-left:1.2rem;margin:.25rem 0 0}li{font-size:.9rem;color:#374151}
.lead{color:#4b5563;font-size:.95rem}
"""


def to_html(records: list[dict[str, Any]]) -> str:
    """A plain, escaped, phone-friendly page (no script)."""
    e = html.escape
    parts = [
        ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1">'
         f"<title>{e(PAGE_TITLE)}</title><style>{_CSS}</style></head><body><main>"),
        f"<h1>{e(PAGE_TITLE)}</h1>",
        ('<p class="lead">公募資料に関するお問い合わせのうち、事務局が回答を確認したものです。'
         "資料が改訂された場合は、確認し直すまで掲載を停止します。</p>"),
    ]
    if not records:
        parts.append("<p>現在公開している追加Q&amp;Aはありません。</p>")
    for name, recs in grouped(records):
        parts.append(f'<section><h2>{e(name)}</h2>')
        for r in recs:
            sources = "".join(f"<li>出典: {e(s['title'])}「{e(s['quote'])}」</li>" for s in r["sources"])
            parts.append(
                f'<article id="q{r["id"]}"><h3>Q. {e(r["question"])}</h3><p class="a">{e(r["answer"])}</p>'
                f'<p class="date">事務局確認日: {e(r["date"])}</p><ul>{sources}</ul></article>'
            )
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "".join(parts)


FORMATS = {"md": to_markdown, "html": to_html, "jsonl": to_jsonl}
