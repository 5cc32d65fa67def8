"""Human-readable reports of one eval run: report.md and a self-contained report.html (inline CSS and SVG)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from evals.metrics import COVERAGES, failure_reasons

# (label, path in summary.json); all are shares in 0..1.
HEADLINE_RATES: list[tuple[str, tuple[str, ...]]] = [
    ("hit@1", ("retrieval", "hit@1")),
    ("hit@3", ("retrieval", "hit@3")),
    ("hit@5", ("retrieval", "hit@5")),
    ("MRR", ("retrieval", "mrr")),
    ("must_include accuracy", ("answer", "must_include_accuracy")),
    ("calc items: must_include accuracy", ("answer", "calc", "must_include_accuracy")),
    ("tool name accuracy", ("tools", "name_accuracy")),
    ("refusal accuracy (out of scope)", ("refusal", "accuracy")),
    ("false-refusal rate (in scope, lower is better)", ("refusal", "false_refusal_rate")),
    ("citation validity", ("citations", "validity")),
    ("coverage accuracy (answered / not in documents / out of scope)", ("coverage", "accuracy")),
    ("not-in-documents recall", ("coverage", "not_in_documents_recall")),
    ("model-judged faithfulness", ("judge", "faithfulness")),
    ("model-judged correctness", ("judge", "correctness")),
]
TEXT_PREVIEW = 160

#: How each number is computed (full definitions: evals/metrics.py).
DEFINITIONS = [
    "hit@k: a gold source's doc and excerpt (NFKC, whitespace removed) found in the first k passages; "
    "items with needs_all_sources need every gold source. MRR: 1/rank of that hit, 0 when none. "
    "Only in-scope items with gold sources count.",
    "must_include: every group has one alternative in the answer (in-scope items with must_include). "
    "calc items: those tagged 'calc'.",
    "tool name accuracy: the expected tool was called; search_documents also counts when retrieval ran, "
    "because the engine retrieves for every question.",
    "refusal accuracy: out-of-scope items refused; false-refusal rate: in-scope items refused.",
    "citation validity: citations whose quote occurs in a retrieved passage of the same doc/chunk.",
    "answer length: characters of the answer text before any source list, over answered items; single-fact: "
    "in-scope single-turn items with one must_include group.",
    "coverage: the answer's outcome (answered / not_in_documents / out_of_scope) against the expected one "
    "(expected_coverage, else out_of_scope for out_of_scope items, else answered); matrix rows are expected.",
    "latency p50/p95: linear interpolation between closest ranks; items that errored are left out. "
    "Items that errored count as failures in every other metric.",
]


def dig(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def fmt_rate(v: Any) -> str:
    return "–" if v is None else f"{float(v) * 100:.1f}%"


def fmt_score(v: Any) -> str:
    return "–" if v is None else f"{float(v):.3f}"


def fmt_value(label: str, v: Any) -> str:
    """MRR is a mean reciprocal rank, not a share: shown as a number; everything else as a percentage."""
    return fmt_score(v) if label == "MRR" else fmt_rate(v)


def fmt_ms(v: Any) -> str:
    if v is None:
        return "–"
    return f"{float(v):.1f} ms" if float(v) < 10 else f"{float(v):,.0f} ms"


def headline_rows(summary: dict[str, Any]) -> list[tuple[str, float | None]]:
    """Headline (label, value) pairs present in this run (sections that are null are left out)."""
    out = []
    for label, path in HEADLINE_RATES:
        if dig(summary, path[:-1]) is None:
            continue
        out.append((label, dig(summary, path)))
    return out


def failures(rows: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    out = []
    for row in rows:
        reasons = failure_reasons(row.get("metrics") or {}, row.get("error"))
        if reasons:
            out.append((row, reasons))
    return out


def _short(text: str | None, n: int = TEXT_PREVIEW) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _run_line(summary: dict[str, Any]) -> str:
    s = summary.get("settings") or {}
    git = summary.get("git") or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (dirty)" if git.get("dirty") else "")
    used = ", ".join(summary.get("backends_used") or []) or "–"
    return (
        f"mode {summary.get('mode')} · backend {s.get('backend')} (used: {used})"
        f" · method {s.get('method')} · embedding {s.get('embedding_model')} · fusion {s.get('fusion')}"
        f" · top_k {s.get('top_k')} · commit {commit} · {summary.get('timestamp')}"
    )


def coverage_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[Any]]] | None:
    """The coverage confusion matrix as (header, rows): expected outcome per row, produced per column."""
    cov = summary.get("coverage")
    if not cov:
        return None
    matrix = cov.get("matrix") or {}
    cols = list(COVERAGES)
    head = ["expected ↓ / produced →", *cols, "n", "recall"]
    body = []
    for exp, counts in matrix.items():
        n = sum(counts.values())
        if n:
            body.append([exp, *[counts.get(c, 0) for c in cols], n, fmt_rate((cov.get("recall") or {}).get(exp))])
    return head, body


def _expected_lines(exp: dict[str, Any]) -> list[str]:
    lines = []
    if exp.get("out_of_scope"):
        lines.append("out of scope: a polite refusal is expected")
    if exp.get("must_include"):
        lines.append("must_include: " + " AND ".join("(" + " | ".join(g) + ")" for g in exp["must_include"]))
    for g in exp.get("gold_sources") or []:
        lines.append(f"gold source: {g.get('doc')} 「{g.get('contains')}」")
    if exp.get("needs_all_sources"):
        lines.append("needs all gold sources")
    if exp.get("expected_tool"):
        lines.append(f"expected tool: {exp['expected_tool']}")
    if exp.get("coverage") and exp.get("coverage") != "answered":
        lines.append(f"expected coverage: {exp['coverage']}")
    return lines


def _tools_text(row: dict[str, Any]) -> str:
    return ", ".join(t.get("name", "?") for t in row.get("tool_calls") or []) or "none"


# --- Markdown -----------------------------------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def fmt_chars(v: Any) -> str:
    return "–" if v is None else f"{float(v):,.0f} chars"


def length_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """Answer-length rows (characters before sources) for the headline tables; none in retrieval mode."""
    ln = dig(summary, ["answer", "length_chars"])
    if not ln:
        return []
    single = ln.get("single_fact") or {}
    share = single.get("share_le_300")
    return [
        ("answer length p50 / p95", f"{fmt_chars(ln.get('p50'))} / {fmt_chars(ln.get('p95'))}"),
        (
            f"single-fact answer length p50 / p95 (n={single.get('n')})",
            f"{fmt_chars(single.get('p50'))} / {fmt_chars(single.get('p95'))}"
            + ("" if share is None else f" ({share * 100:.0f}% ≤ 300)"),
        ),
    ]


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*~|"})  # "_" is inert inside words (gpu_node_plan)


def _md_text(text: Any, n: int = TEXT_PREVIEW) -> str:
    """User or model text as inert Markdown on one line: HTML tags and entities, emphasis, code, links and
    images are shown as typed, never rendered (a question may hold <script> or ![x](http://…))."""
    short = _short(None if text is None else str(text), n)
    escaped = html.escape(short, quote=False).translate(_MD_SPECIAL)
    return escaped.replace("](", "]\\(").replace("![", "\\![")


def _md_code(text: Any) -> str:
    """An inline code span whose content cannot close it early."""
    return "`" + " ".join(str(text).split()).replace("`", "'") + "`"


def render_markdown(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    out = [f"# Eval report — {summary.get('n')} items, {summary.get('errors')} errors", ""]
    out.append(_run_line(summary))
    ds = summary.get("dataset") or {}
    out += [f"dataset `{ds.get('path')}` (sha256 {str(ds.get('sha256'))[:12]})", ""]
    out += ["## Headline", "", "| metric | value |", "| --- | --- |"]
    for label, value in headline_rows(summary):
        out.append(f"| {label} | {fmt_value(label, value)} |")
    lat = summary.get("latency_ms") or {}
    out.append(f"| latency p50 / p95 | {fmt_ms(lat.get('p50'))} / {fmt_ms(lat.get('p95'))} |")
    out += [f"| {label} | {value} |" for label, value in length_rows(summary)]
    out.append("")
    if lat.get("stages"):
        out += [
            "Per stage (p50 / p95): "
            + ", ".join(
                f"{name} {fmt_ms(v.get('p50'))} / {fmt_ms(v.get('p95'))}" for name, v in lat["stages"].items()
            ),
            "",
        ]
    matrix = coverage_rows(summary)
    if matrix:
        head, body = matrix
        out += ["## Coverage (expected → produced)", "", "| " + " | ".join(head) + " |",
                "|" + " --- |" * len(head)]
        out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in body]
        out.append("")
    if summary.get("judge"):
        j = summary["judge"]
        out += [
            "## Model-judged (opinion of a model, not a deterministic check)",
            "",
            f"Judge model `{j.get('model')}`: {j.get('n')} answers judged, "
            f"{j.get('errors')} unusable verdicts.",
            "",
            "| model-judged metric | value |",
            "| --- | --- |",
            "| faithfulness (every claim supported by the cited passages) | "
            f"{fmt_rate(j.get('faithfulness'))} |",
            f"| correctness (against the expected facts) | {fmt_rate(j.get('correctness'))} |",
            "",
        ]

    answer_mode = summary.get("mode") == "answer"
    out += ["## Per category", ""]
    head = "| category | n | errors | hit@5 | MRR |" + (
        " must_include | tool | refusal |" if answer_mode else ""
    )
    out += [head, "|" + " --- |" * (head.count("|") - 1)]
    for name, c in (summary.get("categories") or {}).items():
        line = (
            f"| {_md_cell(name)} | {c['n']} | {c['errors']} | {fmt_rate(c.get('hit@5'))} |"
            f" {fmt_score(c.get('mrr'))} |"
        )
        if answer_mode:
            line += (
                f" {fmt_rate(c.get('must_include_accuracy'))} | {fmt_rate(c.get('tool_name_accuracy'))} |"
                f" {fmt_rate(c.get('refusal_accuracy'))} |"
            )
        out.append(line)
    out.append("")

    fails = failures(rows)
    out += [f"## Failures ({len(fails)})", ""]
    for row, reasons in fails:
        out.append(f"### {_md_text(row['id'])} [{_md_text(row.get('category'))}] — {', '.join(reasons)}")
        out.append("")
        out.append(f"- **question**: {_md_text(row.get('question'), 400)}")
        for turn in row.get("history") or []:
            out.append(f"  - history {_md_text(turn.get('role'))}: {_md_text(turn.get('content'))}")
        for line in _expected_lines(row.get("expected") or {}):
            out.append(f"- **expected** {_md_text(line, 10_000)}")
        if row.get("error"):
            out.append(f"- **error**: {_md_code(row['error'])}")
        if summary.get("mode") == "answer":
            out.append(f"- **got answer**: {_md_text(row.get('answer'), 600) or '(empty)'}")
            out.append(f"- **got tools**: {_tools_text(row)}")
        if row.get("judge"):
            j = row["judge"]
            out.append(
                f"- **model-judged**: faithful={j.get('faithful')} correct={j.get('correct')}"
                f" — {_md_text(j.get('reason') or j.get('error'), 600)}"
            )
        out.append("- **retrieved**:")
        for i, p in enumerate(row.get("retrieved") or [], start=1):
            out.append(
                f"  {i}. {_md_text(p.get('doc'))} · {_md_text(p.get('section')) or '–'} · {p.get('score')}"
                f" — {_md_text(p.get('text'))}"
            )
        if not row.get("retrieved"):
            out.append("  (nothing)")
        out.append("")
    out += ["## Definitions", ""] + [f"- {d}" for d in DEFINITIONS]
    return "\n".join(out) + "\n"


# --- HTML ---------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",Meiryo,system-ui,sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#57606a;font-size:.9rem}
details{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;margin:.5rem 0}
summary{cursor:pointer;font-weight:600}.reason{color:#cf222e}.judge{color:#8250df}
ol.ret li{font-size:.9rem;margin-bottom:.3rem}
.ans{white-space:pre-wrap;background:#f6f8fa;padding:.4rem;border-radius:4px}
"""


def svg_bars(items: Sequence[tuple[str, float | None]], width: int = 640, bar_h: int = 18) -> str:
    """A horizontal bar chart of shares (0..1) as inline SVG; None is drawn as an empty bar marked '–'."""
    label_w, value_w, gap = 260, 60, 6
    plot_w = width - label_w - value_w
    height = len(items) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'viewBox="0 0 {width} {height}" font-size="12">'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        v = 0.0 if value is None else max(0.0, min(1.0, float(value)))
        good = 1.0 - v if "lower is better" in label else v
        colour = "#2da44e" if good >= 0.8 else "#d4a72c" if good >= 0.5 else "#cf222e"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#eaeef2"/>'
            f'<rect x="{label_w}" y="{y}" width="{v * plot_w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + plot_w + 6}" y="{y + bar_h - 5}">'
            f"{html.escape(fmt_value(label, value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], body: Sequence[Sequence[Any]], numeric_from: int = 1) -> str:
    e = html.escape
    rows = ["<table><thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in body:
        cells = "".join(
            f'<td class="num">{e(str(c))}</td>' if i >= numeric_from else f"<td>{e(str(c))}</td>"
            for i, c in enumerate(r)
        )
        rows.append(f"<tr>{cells}</tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def render_html(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    e = html.escape
    answer_mode = summary.get("mode") == "answer"
    heads = headline_rows(summary)
    lat = summary.get("latency_ms") or {}
    ds = summary.get("dataset") or {}
    body = [
        f"<h1>Eval report — {summary.get('n')} items, {summary.get('errors')} errors</h1>",
        f'<p class="meta">{e(_run_line(summary))}<br>dataset {e(str(ds.get("path")))} '
        f"(sha256 {e(str(ds.get('sha256'))[:12])})</p>",
        "<h2>Headline</h2>",
        svg_bars(heads),
        _table(
            ["metric", "value"],
            [(label, fmt_value(label, v)) for label, v in heads]
            + [("latency p50 / p95", f"{fmt_ms(lat.get('p50'))} / {fmt_ms(lat.get('p95'))}")]
            + length_rows(summary)
            + [
                (f"stage {n} p50 / p95", f"{fmt_ms(v.get('p50'))} / {fmt_ms(v.get('p95'))}")
                for n, v in (lat.get("stages") or {}).items()
            ],
        ),
    ]
    matrix = coverage_rows(summary)
    if matrix:
        body.append("<h2>Coverage (expected → produced)</h2>")
        body.append(_table(*matrix))
    if summary.get("judge"):
        j = summary["judge"]
        body.append("<h2>Model-judged (opinion of a model, not a deterministic check)</h2>")
        body.append(
            f'<p class="judge">Judge model {e(str(j.get("model")))}: {j.get("n")} answers judged, '
            f"{j.get('errors')} unusable verdicts.</p>"
        )
        body.append(
            _table(
                ["model-judged metric", "value"],
                [
                    (
                        "faithfulness (every claim supported by the cited passages)",
                        fmt_rate(j.get("faithfulness")),
                    ),
                    ("correctness (against the expected facts)", fmt_rate(j.get("correctness"))),
                ],
            )
        )

    cats = summary.get("categories") or {}
    body.append("<h2>Per category</h2>")
    key, label = ("must_include_accuracy", "must_include") if answer_mode else ("hit@5", "hit@5")
    body.append(f'<p class="meta">Chart: {label} per category</p>')
    body.append(svg_bars([(name, c.get(key)) for name, c in cats.items()]))
    head = ["category", "n", "errors", "hit@5", "MRR"] + (
        ["must_include", "tool", "refusal"] if answer_mode else []
    )
    table_rows = []
    for name, c in cats.items():
        r = [name, c["n"], c["errors"], fmt_rate(c.get("hit@5")), fmt_score(c.get("mrr"))]
        if answer_mode:
            r += [
                fmt_rate(c.get("must_include_accuracy")),
                fmt_rate(c.get("tool_name_accuracy")),
                fmt_rate(c.get("refusal_accuracy")),
            ]
        table_rows.append(r)
    body.append(_table(head, table_rows))

    fails = failures(rows)
    body.append(f"<h2>Failures ({len(fails)})</h2>")
    for row, reasons in fails:
        parts = [
            f"<details><summary>{e(row['id'])} [{e(str(row.get('category')))}] "
            f'<span class="reason">{e(", ".join(reasons))}</span>'
            f" — {e(_short(row.get('question'), 80))}</summary>",
            f"<p><b>question</b>: {e(row.get('question') or '')}</p>",
        ]
        for turn in row.get("history") or []:
            parts.append(
                f'<p class="meta">history {e(str(turn.get("role")))}: {e(str(turn.get("content")))}</p>'
            )
        parts.append(
            "<p><b>expected</b></p><ul>"
            + "".join(f"<li>{e(line)}</li>" for line in _expected_lines(row.get("expected") or {}))
            + "</ul>"
        )
        if row.get("error"):
            parts.append(f'<p class="reason"><b>error</b>: {e(row["error"])}</p>')
        if answer_mode:
            parts.append(
                f"<p><b>got</b> (tools: {e(_tools_text(row))})</p>"
                f'<div class="ans">{e(row.get("answer") or "(empty)")}</div>'
            )
        if row.get("judge"):
            j = row["judge"]
            parts.append(
                f'<p class="judge"><b>model-judged</b>: faithful={e(str(j.get("faithful")))} '
                f"correct={e(str(j.get('correct')))} — {e(str(j.get('reason') or j.get('error')))}</p>"
            )
        parts.append(
            '<p><b>retrieved</b></p><ol class="ret">'
            + "".join(
                f"<li>{e(str(p.get('doc')))} · {e(str(p.get('section') or '–'))} · {e(str(p.get('score')))}"
                f"<br>{e(_short(p.get('text'), 300))}</li>"
                for p in row.get("retrieved") or []
            )
            + "</ol>"
        )
        parts.append("</details>")
        body.append("".join(parts))

    body.append(
        '<h2>Definitions</h2><ul class="meta">' + "".join(f"<li>{e(d)}</li>" for d in DEFINITIONS) + "</ul>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Eval report {e(str(summary.get('timestamp')))}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
