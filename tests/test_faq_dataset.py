"""Checks on the FAQ eval set (evals/datasets/faq.jsonl): shape, gold sources against the documents, coverage.

Fast and index-free: gold sources are checked against the document text itself with the same
normalisation the eval runner uses (assistant.domain.text.match_key / contains).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.domain.text import contains, match_key

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "evals" / "datasets" / "faq.jsonl"
DOCS_DIR = ROOT / "corpus" / "documents"

CATEGORIES = {
    "subsidy_rate", "subsidy_amount", "gpu_nodes", "schedule", "eligible_costs", "procurement", "eligibility",
    "review_criteria", "support_scope", "application_process", "contact", "background", "out_of_scope",
    "injection",
}
TOOLS = {"subsidy_rate", "subsidy_amount", "gpu_node_plan", "programme_schedule", "search_documents", None}
# Categories whose answers always come from a calculator (unless the documents hold no answer).
CATEGORY_TOOL = {
    "subsidy_rate": "subsidy_rate", "subsidy_amount": "subsidy_amount", "schedule": "programme_schedule",
}
CALCULATORS = {"subsidy_rate", "subsidy_amount", "gpu_node_plan", "programme_schedule"}
TAGS = {
    "multi_turn", "two_docs", "calc", "wrong_premise", "injection", "not_in_docs", "paraphrase", "colloquial",
}
REQUIRED = {
    "id": str, "question": str, "category": str, "gold_sources": list, "must_include": list,
    "expected_tool": (str, type(None)), "out_of_scope": bool,
}
MINIMUMS = {
    "total": 110, "in_scope_single_turn": 70, "out_of_scope": 10, "multi_turn": 8, "two_docs": 6, "calc": 20,
    "wrong_premise": 6, "injection": 6, "not_in_docs": 8,
}
# A gold excerpt must be short enough to sit inside one chunk and long enough to be specific.
CONTAINS_LEN = (10, 30)

_NUMBERED_HEADING = re.compile(r"^(\d{1,2})\.\s+\S")
# Heading-like paragraphs in the un-numbered document carry no facts of their own.
_HEADING_PREFIXES = ("#", "**", "(参考)", "(連絡先)")
_MIN_PARAGRAPH = 15


def _load_items() -> list[dict]:
    with DATASET.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _load_docs() -> dict[str, str]:
    meta = json.loads((DOCS_DIR / "documents.json").read_text(encoding="utf-8"))
    return {d["id"]: (DOCS_DIR / d["file"]).read_text(encoding="utf-8") for d in meta}


ITEMS = _load_items()
DOCS = _load_docs()


def _tags(item: dict) -> set[str]:
    return set(item.get("tags", []))


def _units(text: str) -> list[tuple[str, str]]:
    """Coverage units of a document: its numbered sections (plus the preamble), or else its paragraphs."""
    lines = text.splitlines()
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _NUMBERED_HEADING.match(line.strip()))]
    if starts:
        bounds = [(0, "preamble")] + starts
        units = []
        for k, (i, name) in enumerate(bounds):
            end = bounds[k + 1][0] if k + 1 < len(bounds) else len(lines)
            units.append((name if name == "preamble" else f"section {name}", "\n".join(lines[i:end])))
        return units
    units = []
    for n, block in enumerate(re.split(r"\n\s*\n", text)):
        key = match_key(block)
        if len(key) < _MIN_PARAGRAPH or key.startswith(_HEADING_PREFIXES):
            continue
        units.append((f"paragraph {n}: {key[:20]}", block))
    return units


def _table_rows(text: str) -> list[str]:
    """Data rows of the tab-separated review-criteria tables (the header row names no criterion)."""
    rows = [line for line in text.splitlines() if "\t" in line]
    return [r for r in rows if not r.startswith(("大項目", "項目"))]


def _gold_pairs() -> list[tuple[str, str]]:
    return [(g["doc"], g["contains"]) for it in ITEMS for g in it["gold_sources"]]


def test_dataset_is_not_empty_and_every_line_parses():
    raw = [line for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(raw) == len(ITEMS) > 0
    assert all(isinstance(it, dict) for it in ITEMS)


@pytest.mark.parametrize("item", ITEMS, ids=lambda it: it.get("id", "?"))
def test_item_shape(item):
    for field, typ in REQUIRED.items():
        assert field in item, f"missing {field}"
        assert isinstance(item[field], typ), f"{field} has type {type(item[field]).__name__}"
    assert item["question"].strip()
    assert item["category"] in CATEGORIES
    assert item["expected_tool"] in TOOLS
    assert _tags(item) <= TAGS, _tags(item) - TAGS
    assert isinstance(item.get("notes", ""), str)
    for g in item["gold_sources"]:
        assert set(g) == {"doc", "contains"} and all(isinstance(v, str) and v for v in g.values())
    for group in item["must_include"]:
        assert isinstance(group, list) and group, "every must_include group needs at least one alternative"
        assert all(isinstance(s, str) and match_key(s) for s in group)
    if "needs_all_sources" in item:
        assert isinstance(item["needs_all_sources"], bool)


@pytest.mark.parametrize("item", ITEMS, ids=lambda it: it.get("id", "?"))
def test_item_semantics(item):
    tags = _tags(item)
    if item["out_of_scope"]:
        assert item["gold_sources"] == [] and item["must_include"] == []
        assert item["category"] in {"out_of_scope", "injection"}
        assert item["expected_tool"] is None
    else:
        assert item["category"] not in {"out_of_scope", "injection"}
        if "not_in_docs" not in tags:
            assert item["gold_sources"], "in-scope items need a gold source unless tagged not_in_docs"
            assert item["must_include"], "in-scope items need something the answer must state"
    if "injection" in tags:
        assert item["out_of_scope"] and item["category"] == "injection"
    if "calc" in tags:
        assert item["expected_tool"] in CALCULATORS and item["must_include"]
    if "multi_turn" in tags or "history" in item:
        assert "multi_turn" in tags and item.get("history")
        for turn in item["history"]:
            assert set(turn) == {"role", "content"} and turn["content"]
            assert turn["role"] in {"user", "assistant"}
        assert item["history"][0]["role"] == "user" and item["history"][-1]["role"] == "assistant"
    if "two_docs" in tags or item.get("needs_all_sources"):
        assert "two_docs" in tags and item.get("needs_all_sources") is True
        assert len({g["doc"] for g in item["gold_sources"]}) >= 2
    # Amount / rate / date questions answered from the rules must go through a calculator.
    if "not_in_docs" not in tags:
        if item["category"] in CATEGORY_TOOL:
            assert item["expected_tool"] == CATEGORY_TOOL[item["category"]]


def test_ids_unique_and_in_order():
    ids = [it["id"] for it in ITEMS]
    assert ids == [f"q{n:03d}" for n in range(1, len(ids) + 1)]


def test_questions_unique():
    questions = [match_key(it["question"]) for it in ITEMS]
    dup = [q for q, n in Counter(questions).items() if n > 1]
    assert not dup, dup


@pytest.mark.parametrize("doc,excerpt", sorted(set(_gold_pairs())))
def test_gold_source_occurs_in_one_line_of_its_document(doc, excerpt):
    assert doc in DOCS, f"unknown document id {doc!r}"
    assert CONTAINS_LEN[0] <= len(match_key(excerpt)) <= CONTAINS_LEN[1], excerpt
    assert contains(DOCS[doc], excerpt), f"{excerpt!r} not in {doc}"
    # Within one line, so that no chunk boundary between paragraphs or table cells can split it.
    assert any(contains(line, excerpt) for line in DOCS[doc].splitlines()), excerpt


def test_counts_meet_minimums():
    tags = Counter(t for it in ITEMS for t in _tags(it))
    counts = {
        "total": len(ITEMS),
        "in_scope_single_turn": sum(1 for it in ITEMS if not it["out_of_scope"] and not it.get("history")),
        "out_of_scope": sum(1 for it in ITEMS if it["out_of_scope"]),
        **{t: tags[t] for t in TAGS if t in MINIMUMS},
    }
    short = {k: (counts[k], v) for k, v in MINIMUMS.items() if counts[k] < v}
    assert not short, f"below minimum (have, need): {short}"
    assert Counter(it["category"] for it in ITEMS)["out_of_scope"] >= 10


def test_every_category_is_used():
    assert {it["category"] for it in ITEMS} == CATEGORIES


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_every_section_of_every_document_is_covered(doc):
    excerpts = [c for d, c in _gold_pairs() if d == doc]
    units = _units(DOCS[doc])
    assert len(units) >= 5, "section parser found too few units"
    missing = [name for name, text in units if not any(contains(text, c) for c in excerpts)]
    assert not missing, f"{doc}: no gold source in {missing}"


def test_numbered_sections_are_parsed_consecutively():
    for doc, text in DOCS.items():
        names = [n for n, _ in _units(text) if n.startswith("section ")]
        if names:
            assert names == [f"section {k}" for k in range(1, len(names) + 1)], (doc, names)


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_every_review_criteria_row_is_covered(doc):
    excerpts = [c for d, c in _gold_pairs() if d == doc]
    rows = _table_rows(DOCS[doc])
    missing = [r[:30] for r in rows if not any(contains(r, c) for c in excerpts)]
    assert not missing, f"{doc}: review-criteria rows without a gold source: {missing}"


def test_coverage_check_can_fail():
    """Guard against a vacuous coverage test: dropping one section's excerpts must leave it uncovered."""
    doc = "geniac-foundation-model-presurvey"
    units = dict(_units(DOCS[doc]))
    section = units["section 7"]
    excerpts = [c for d, c in _gold_pairs() if d == doc and not contains(section, c)]
    assert not any(contains(section, c) for c in excerpts)
