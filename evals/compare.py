"""Compare two eval runs: headline metric deltas and which items got better or worse."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.metrics import LOWER_IS_BETTER
from evals.report import dig

log = logging.getLogger(__name__)

# (label, path in summary.json, higher_is_better)
HEADLINE: list[tuple[str, tuple[str, ...], bool]] = [
    ("hit@1", ("retrieval", "hit@1"), True),
    ("hit@3", ("retrieval", "hit@3"), True),
    ("hit@5", ("retrieval", "hit@5"), True),
    ("MRR", ("retrieval", "mrr"), True),
    ("must_include accuracy", ("answer", "must_include_accuracy"), True),
    ("calc must_include accuracy", ("answer", "calc", "must_include_accuracy"), True),
    ("tool name accuracy", ("tools", "name_accuracy"), True),
    ("refusal accuracy", ("refusal", "accuracy"), True),
    ("false-refusal rate", ("refusal", "false_refusal_rate"), False),
    ("citation validity", ("citations", "validity"), True),
    ("model-judged faithfulness", ("judge", "faithfulness"), True),
    ("model-judged correctness", ("judge", "correctness"), True),
    ("latency p50 ms", ("latency_ms", "p50"), False),
    ("latency p95 ms", ("latency_ms", "p95"), False),
    ("errors", ("errors",), False),
]
#: Per-item metrics compared (citation counts are folded into citation_validity).
ITEM_METRICS = (
    "hit@1",
    "hit@3",
    "hit@5",
    "rr",
    "must_include",
    "tool_ok",
    "refusal_ok",
    "false_refusal",
    "citation_validity",
    "judge_faithful",
    "judge_correct",
)


class RunDirError(ValueError):
    """A run folder cannot be read; the message (Japanese) says what to do."""


@dataclass
class Change:
    metric: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> int:
        """+1 better, -1 worse, 0 unchanged or not comparable."""
        d = self.delta
        if not d:
            return 0
        sign = 1 if d > 0 else -1
        return -sign if self.metric in LOWER_IS_BETTER else sign


@dataclass
class ItemDiff:
    id: str
    question: str
    changes: list[Change]
    error_before: str | None = None
    error_after: str | None = None

    @property
    def verdict(self) -> str:
        dirs = {c.direction for c in self.changes} - {0}
        if self.error_before and not self.error_after:
            dirs.add(1)
        if self.error_after and not self.error_before:
            dirs.add(-1)
        if dirs == {1}:
            return "better"
        if dirs == {-1}:
            return "worse"
        return "mixed" if dirs else "same"

    @property
    def net(self) -> float:
        """Sum of signed changes (lower-is-better metrics flipped): how much better (+) or worse (-)."""
        return sum(abs(c.delta or 0.0) * c.direction for c in self.changes)


@dataclass
class Comparison:
    run_a: Path
    run_b: Path
    headline: list[tuple[str, float | None, float | None, bool]]
    items: list[ItemDiff]
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def by_verdict(self, verdict: str) -> list[ItemDiff]:
        chosen = [d for d in self.items if d.verdict == verdict]
        return sorted(chosen, key=lambda d: (-abs(d.net), d.id))


def _value(v: Any) -> float | None:
    if v is None:
        return None
    return float(v)


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    run_dir = Path(run_dir)
    summary_path, results_path = run_dir / "summary.json", run_dir / "results.jsonl"
    if not summary_path.is_file() or not results_path.is_file():
        raise RunDirError(
            f"{run_dir} は評価結果のフォルダではありません（summary.json と results.jsonl が必要です）。"
            "`koubo eval --dataset FILE --out DIR` で作ったフォルダを指定してください。"
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        rows = [
            json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    except (OSError, ValueError) as exc:
        log.warning("unreadable run %s: %s", run_dir, exc)
        raise RunDirError(
            f"{run_dir} の評価結果を読み込めません（ファイルが壊れている可能性があります）。"
        ) from exc
    return summary, rows


def compare_runs(run_a: Path, run_b: Path) -> Comparison:
    sum_a, rows_a = load_run(run_a)
    sum_b, rows_b = load_run(run_b)
    warnings = []
    if dig(sum_a, ("dataset", "sha256")) != dig(sum_b, ("dataset", "sha256")):
        warnings.append("The two runs used different dataset files (sha256 differs).")
    if sum_a.get("mode") != sum_b.get("mode"):
        warnings.append(f"Different modes: {sum_a.get('mode')} vs {sum_b.get('mode')}.")
    headline = [
        (label, _value(dig(sum_a, path)), _value(dig(sum_b, path)), higher)
        for label, path, higher in HEADLINE
        if dig(sum_a, path) is not None or dig(sum_b, path) is not None
    ]
    by_a = {r["id"]: r for r in rows_a}
    by_b = {r["id"]: r for r in rows_b}
    items = []
    for item_id, ra in by_a.items():
        rb = by_b.get(item_id)
        if rb is None:
            continue
        ma, mb = ra.get("metrics") or {}, rb.get("metrics") or {}
        changes = [
            Change(m, _value(ma.get(m)), _value(mb.get(m)))
            for m in ITEM_METRICS
            if ma.get(m) is not None or mb.get(m) is not None
        ]
        changes = [c for c in changes if c.before != c.after]
        items.append(ItemDiff(item_id, rb.get("question") or "", changes, ra.get("error"), rb.get("error")))
    return Comparison(
        Path(run_a),
        Path(run_b),
        headline,
        items,
        only_a=sorted(set(by_a) - set(by_b)),
        only_b=sorted(set(by_b) - set(by_a)),
        warnings=warnings,
    )


def _fmt(v: float | None, label: str) -> str:
    if v is None:
        return "–"
    if "ms" in label or label == "errors":
        return f"{v:,.0f}"
    return f"{v:.3f}"


def _fmt_delta(a: float | None, b: float | None, higher: bool, label: str) -> str:
    if a is None or b is None:
        return "–"
    d = b - a
    if abs(d) < 1e-12:
        return "0"
    mark = "▲ better" if (d > 0) == higher else "▼ worse"
    num = f"{d:+,.0f}" if ("ms" in label or label == "errors") else f"{d:+.3f}"
    return f"{num} {mark}"


def _fmt_change(c: Change) -> str:
    def v(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")

    return f"{c.metric} {v(c.before)}→{v(c.after)}"


def format_comparison(cmp: Comparison) -> str:
    """The comparison as Markdown (readable as plain text in a terminal too)."""
    out = [f"# Eval comparison: A = {cmp.run_a}  →  B = {cmp.run_b}", ""]
    for w in cmp.warnings:
        out.append(f"> warning: {w}")
    if cmp.warnings:
        out.append("")
    out += ["## Headline", "", "| metric | A | B | Δ (B − A) |", "| --- | --- | --- | --- |"]
    for label, a, b, higher in cmp.headline:
        out.append(f"| {label} | {_fmt(a, label)} | {_fmt(b, label)} | {_fmt_delta(a, b, higher, label)} |")
    out.append("")
    for verdict, title in (
        ("worse", "Items that got worse"),
        ("better", "Items that got better"),
        ("mixed", "Items with mixed changes"),
    ):
        diffs = cmp.by_verdict(verdict)
        out += [f"## {title} ({len(diffs)})", ""]
        if not diffs:
            out += ["(none)", ""]
            continue
        out += ["| id | net | changes | question |", "| --- | --- | --- | --- |"]
        for d in diffs:
            changes = [_fmt_change(c) for c in d.changes]
            if bool(d.error_before) != bool(d.error_after):
                changes.append("error fixed" if d.error_before else f"new error: {d.error_after}")
            q = " ".join(d.question.split())
            q = q if len(q) <= 60 else q[:59] + "…"
            out.append(
                f"| {d.id} | {d.net:+.2f} | {'; '.join(changes).replace('|', '/')} | {q.replace('|', '/')} |"
            )
        out.append("")
    same = len(cmp.by_verdict("same"))
    out.append(f"Unchanged items: {same}.")
    if cmp.only_a:
        out.append(f"Only in A: {', '.join(cmp.only_a)}.")
    if cmp.only_b:
        out.append(f"Only in B: {', '.join(cmp.only_b)}.")
    return "\n".join(out) + "\n"
