"""Turn disliked answers exported from the web app into draft eval items for a human to complete.

Input: the web export (JSONL), lines like
``{"type": "feedback", "rating": "dislike"|"like", "comment": str|null, "question": str, "answer": str,
"history": [...], "citations": [...], "created_at": iso}``; missing fields are tolerated.
Output: DESIGN.md dataset lines with ``"draft": true``, empty gold_sources / must_include, and the disliked
answer and the user's comment in ``notes``. The runner skips drafts until a human removes the flag.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.domain.text import nfkc

log = logging.getLogger(__name__)

# First matching rule wins; keywords are compared after NFKC (so full-width "ＧＰＵ" matches "GPU").
# Categories are the ones used in evals/datasets/faq.jsonl.
CATEGORY_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("subsidy_rate", ("補助率", "助成率", "何割", "何分の")),
    ("subsidy_amount", ("補助額", "助成額", "上限額", "いくらまで", "金額", "円")),
    ("gpu_nodes", ("GPU", "ノード", "H100", "p5")),
    ("schedule", ("締切", "締め切り", "いつ", "期限", "スケジュール", "期間", "開始")),
    ("eligible_costs", ("対象経費", "経費", "外注", "費用")),
    ("eligibility", ("対象者", "応募資格", "申請できる", "応募できる", "要件")),
    ("review_criteria", ("審査", "評価", "採択")),
    ("procurement", ("調達", "確保", "提供事業者", "クラウド")),
    ("contact", ("問い合わせ", "問合せ", "連絡先", "メール")),
    ("application_process", ("申請", "応募", "手続", "提出", "事前調査")),
]


def guess_category(question: str) -> str:
    text = nfkc(question or "")
    for category, words in CATEGORY_RULES:
        if any(w in text for w in words):
            return category
    return "unknown"


def _notes(rec: dict[str, Any]) -> str:
    lines = [
        "[from-feedback] Web で低評価された回答から作った下書きです。"
        "gold_sources と must_include を埋め、draft を外してください。"
    ]
    comment = rec.get("comment")
    lines.append(f"ユーザーのコメント: {comment if comment else '（なし）'}")
    if rec.get("created_at"):
        lines.append(f"日時: {rec['created_at']}")
    cited = [
        f"{c.get('doc')}" + (f" / {c.get('section')}" if c.get("section") else "")
        for c in rec.get("citations") or []
        if isinstance(c, dict)
    ]
    if cited:
        lines.append("回答が引用した資料: " + "; ".join(cited))
    lines.append(f"低評価された回答: {rec.get('answer') or '（なし）'}")
    return "\n".join(lines)


def _history(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    out = []
    for turn in raw:
        if isinstance(turn, dict) and turn.get("content"):
            out.append({"role": str(turn.get("role") or "user"), "content": str(turn["content"])})
    return out


def draft_item(rec: dict[str, Any]) -> dict[str, Any]:
    question = str(rec.get("question") or "").strip()
    digest = hashlib.sha1(f"{question}\n{rec.get('created_at') or ''}".encode()).hexdigest()[:10]
    return {
        "id": f"fb-{digest}",
        "question": question,
        "history": _history(rec.get("history")),
        "category": guess_category(question),
        "gold_sources": [],
        "must_include": [],
        "expected_tool": None,
        "out_of_scope": False,
        "tags": ["from_feedback"],
        "draft": True,
        "notes": _notes(rec),
    }


@dataclass
class FeedbackConversion:
    drafts: list[dict[str, Any]] = field(default_factory=list)
    read: int = 0
    skipped_bad: int = 0
    skipped_not_dislike: int = 0
    duplicates: int = 0


def drafts_from_lines(lines: Iterable[str]) -> FeedbackConversion:
    """Draft items from export lines; bad lines, likes and duplicate questions are counted and skipped."""
    conv = FeedbackConversion()
    seen: set[str] = set()
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        conv.read += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            log.warning("feedback export line %d is not JSON: %s", lineno, exc)
            conv.skipped_bad += 1
            continue
        if not isinstance(rec, dict) or not str(rec.get("question") or "").strip():
            log.warning("feedback export line %d has no question", lineno)
            conv.skipped_bad += 1
            continue
        if rec.get("type", "feedback") != "feedback" or rec.get("rating") != "dislike":
            conv.skipped_not_dislike += 1
            continue
        item = draft_item(rec)
        if item["id"] in seen:
            conv.duplicates += 1
            continue
        seen.add(item["id"])
        conv.drafts.append(item)
    return conv


def convert_file(export: Path, out: Path) -> FeedbackConversion:
    """Read the web export and write the drafts as JSONL (UTF-8, one item a line)."""
    try:
        text = Path(export).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(
            f"フィードバックのエクスポート {export} が見つかりません。ファイルのパスを確認してください。"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s", export, exc)
        raise ValueError(f"{export} を読み込めません（UTF-8 の JSONL ファイルか確認してください）。") from exc
    conv = drafts_from_lines(text.splitlines())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for item in conv.drafts:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return conv
