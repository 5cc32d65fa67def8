"""report.md / report.html of one run, and `koubo eval compare` of two runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.domain.config import load_settings
from evals import compare, report, runner
from serving import cli
from tests.eval_fakes import (
    DOC,
    ITEMS,
    NODE_TEXT,
    RATE_TEXT,
    answer,
    passage,
    scripted_assistant,
    write_jsonl,
)


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "faq.jsonl", ITEMS)


def run(dataset: Path, out: Path, settings, assistant) -> runner.EvalRun:
    return runner.run_eval(dataset, out, settings=settings, assistant=assistant, progress=False)


def test_markdown_report_has_headline_categories_and_each_failure(dataset, settings, tmp_path):
    out = tmp_path / "a"
    run(dataset, out, settings, scripted_assistant())
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Eval report — 4 items, 1 errors")
    assert "| hit@1 | 33.3% |" in md and "| MRR | 0.500 |" in md
    assert "| tool name accuracy | 50.0% |" in md and "| citation validity | 50.0% |" in md
    assert "| gpu_nodes | 2 | 1 |" in md and "| subsidy_rate | 1 | 0 | 100.0% |" in md
    assert "## Failures (3)" in md
    failing = re.findall(r"^### (\S+)", md, flags=re.MULTILINE)
    assert failing == ["n1", "o1", "e1"]  # r1 passed everything
    n1 = md.split("### n1")[1].split("### o1")[0]
    assert "must_include missing" in n1 and "expected tool not called" in n1 and "invalid citation" in n1
    assert "**expected** must_include: (64)" in n1 and "**expected** expected tool: gpu_node_plan" in n1
    assert f"**expected** gold source: {DOC} 「64ノード」" in n1
    assert "**got answer**: 上限は 32 ノードです[1]。" in n1 and "**got tools**: none" in n1
    assert "2. geniac-compute-resources" in n1 and "64 ノード" in n1
    assert "should have refused" in md.split("### o1")[1]
    assert "`RuntimeError: engine exploded`" in md.split("### e1")[1]
    assert re.search(r"\| answer length p50 / p95 \| \d+ chars / \d+ chars \|", md)
    assert "single-fact answer length p50 / p95" in md
    html_text = (out / "report.html").read_text(encoding="utf-8")
    assert "answer length p50 / p95" in html_text


def test_html_report_is_self_contained_and_escaped(tmp_path, settings):
    items = [dict(ITEMS[1], question="<script>alert(1)</script>ノードの上限は？")]
    fake = scripted_assistant()
    fake.script[items[0]["question"]] = fake.script["ノードの上限は？"]
    out = tmp_path / "h"
    run(write_jsonl(tmp_path / "d.jsonl", items), out, settings, fake)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and 'lang="ja"' in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;ノードの上限は？" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # no external assets
    assert "<link" not in page and "<style>" in page
    assert page.count("<svg") == 2 and "<rect" in page
    assert "上限は 32 ノードです" in page and "Failures (1)" in page


def test_svg_bar_widths_follow_values():
    svg = report.svg_bars([("a", 1.0), ("b", 0.25), ("c", None)], width=400)
    plot_w = 400 - 260 - 60
    widths = re.findall(r'<rect x="260" y="\d+" width="([\d.]+)" height="18" fill="#(?!eaeef2)', svg)
    assert [float(w) for w in widths] == [plot_w, plot_w * 0.25, 0.0]
    assert "–" in svg  # None shown as a dash, not 0%
    low = report.svg_bars([("false-refusal rate (lower is better)", 0.0), ("hit@5", 0.0)])
    assert re.findall(r'fill="(#(?!eaeef2)\w+)"', low) == ["#2da44e", "#cf222e"]  # 0% is good only when lower


def test_retrieval_run_report_leaves_answer_sections_out(dataset, settings, tmp_path):
    class Retr:
        def search(self, query, k=5, method="fused"):
            return [passage(DOC, RATE_TEXT)]

    out = tmp_path / "r"
    runner.run_eval(
        dataset, out, settings=settings, mode="retrieval", method="dense", retriever=Retr(), progress=False
    )
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| hit@5 |" in md and "must_include accuracy" not in md and "got answer" not in md
    assert "method dense" in md


# --- compare ------------------------------------------------------------------------------------------------


def _better_and_worse_runs(dataset, settings, tmp_path):
    """Run A: the scripted baseline. Run B: n1 fixed, r1 broken, the same otherwise."""
    run(dataset, tmp_path / "A", settings, scripted_assistant())
    fake = scripted_assistant()
    node = passage(DOC, NODE_TEXT, 0.8, "c-node")
    fake.script["ノードの上限は？"] = answer(
        "ノードの上限は？",
        "上限は64ノードです[1]。",
        retrieved=[node],
        tools=["gpu_node_plan"],
        cite=[(0, "64ノード")],
    )
    fake.script["助成率は？"] = answer("助成率は？", "わかりません。", retrieved=[passage("x", "y")])
    run(dataset, tmp_path / "B", settings, fake)
    return tmp_path / "A", tmp_path / "B"


def test_compare_finds_better_and_worse_items(dataset, settings, tmp_path):
    a, b = _better_and_worse_runs(dataset, settings, tmp_path)
    cmp = compare.compare_runs(a, b)
    assert cmp.warnings == [] and cmp.only_a == [] and cmp.only_b == []
    assert [d.id for d in cmp.by_verdict("better")] == ["n1"]
    assert [d.id for d in cmp.by_verdict("worse")] == ["r1"]
    assert sorted(d.id for d in cmp.by_verdict("same")) == ["e1", "o1"]
    n1 = {c.metric: (c.before, c.after) for c in cmp.by_verdict("better")[0].changes}
    assert n1 == {
        "hit@1": (0.0, 1.0),
        "rr": (0.5, 1.0),
        "must_include": (0.0, 1.0),
        "tool_ok": (0.0, 1.0),
        "citation_validity": (0.0, 1.0),
    }
    assert cmp.by_verdict("better")[0].net == pytest.approx(4.5)
    head = {label: (x, y) for label, x, y, _ in cmp.headline}
    assert head["MRR"] == (pytest.approx(0.5), pytest.approx(1 / 3))  # (1 + .5 + 0)/3 → (0 + 1 + 0)/3
    assert head["tool name accuracy"] == (0.5, 0.5)

    text = compare.format_comparison(cmp)
    assert "| MRR | 0.500 | 0.333 | -0.167 ▼ worse |" in text
    assert "## Items that got worse (1)" in text and "## Items that got better (1)" in text
    assert re.search(r"\| n1 \| \+4\.50 \| hit@1 0→1; rr 0\.5→1; must_include 0→1;", text)
    assert "Unchanged items: 2." in text


def test_compare_lower_is_better_metrics():
    worse = compare.Change("false_refusal", 0.0, 1.0)
    better = compare.Change("hit@5", 0.0, 1.0)
    assert worse.direction == -1 and better.direction == 1
    assert compare.ItemDiff("x", "q", [worse, better]).verdict == "mixed"
    assert compare.ItemDiff("x", "q", [], error_before=None, error_after="boom").verdict == "worse"


def test_compare_warns_on_different_datasets(dataset, settings, tmp_path):
    run(dataset, tmp_path / "A", settings, scripted_assistant())
    other = write_jsonl(tmp_path / "other.jsonl", ITEMS[:2])
    run(other, tmp_path / "B", settings, scripted_assistant())
    cmp = compare.compare_runs(tmp_path / "A", tmp_path / "B")
    assert cmp.warnings and cmp.only_a == ["e1", "o1"]


def test_cli_compare_prints_and_writes_markdown(dataset, settings, tmp_path, capsys):
    a, b = _better_and_worse_runs(dataset, settings, tmp_path)
    md = tmp_path / "cmp" / "diff.md"
    assert cli.main(["eval", "compare", str(a), str(b), "--out", str(md)]) == 0
    printed = capsys.readouterr().out
    assert "Items that got worse (1)" in printed and md.read_text(encoding="utf-8") == printed


def test_cli_compare_rejects_a_folder_that_is_not_a_run(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli.main(["eval", "compare", str(tmp_path / "empty"), str(tmp_path / "empty")]) == 2
    assert "評価結果のフォルダではありません" in capsys.readouterr().err


def test_markdown_report_shows_user_text_inert(tmp_path, settings):
    """Questions and answers holding HTML or Markdown are shown as typed in report.md, never rendered."""
    question = "<img src=x onerror=alert(1)> ![p](http://evil.example/p.png) [x](javascript:alert(1)) **太字** `c` ノードの上限は？"
    items = [dict(ITEMS[1], question=question)]
    fake = scripted_assistant()
    fake.script[question] = fake.script["ノードの上限は？"]
    out = tmp_path / "m"
    run(write_jsonl(tmp_path / "d.jsonl", items), out, settings, fake)
    md = (out / "report.md").read_text(encoding="utf-8")
    line = next(li for li in md.splitlines() if li.startswith("- **question**: "))
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in line
    assert "](http" not in md and "](javascript" not in md
    assert "\\*\\*太字\\*\\*" in line and "\\`c\\`" in line
    assert "上限は 32 ノードです[1]" in md  # citation markers stay readable
