"""The fifth blind scope set (evals/datasets/scope_blind5.jsonl) is what its generator writes and meets the
issue's numbers. Integrity only: no model or engine runs on it here (it is scored once, by the lead)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from evals.make_scope_blind5 import OUT, build
from evals.make_scope_fresh import near_duplicates

DATASETS = Path(OUT).parent


def _questions(name: str) -> list[str]:
    return [json.loads(line)["question"] for line in (DATASETS / name).read_text("utf-8").splitlines()
            if line.strip()]


def test_blind5_file_is_what_the_generator_writes():
    rows = [json.loads(line) for line in OUT.read_text("utf-8").splitlines() if line.strip()]
    assert rows == build(), "scope_blind5.jsonl must be what evals/make_scope_blind5.py writes"
    assert len({r["question"] for r in rows}) == len(rows)
    assert all(r["split"] == "blind5" and r["id"].startswith("b5_") for r in rows)


def test_blind5_counts_and_kinds():
    rows = build()
    groups = Counter(r["expected_coverage"] for r in rows)
    assert groups["out_of_scope"] >= 220 and groups["answered"] >= 70 and groups["not_in_documents"] >= 40
    kinds = Counter(r["kind"] for r in rows if r["expected_coverage"] == "out_of_scope")
    assert len(kinds) >= 30
    assert all(5 <= n <= 10 for n in kinds.values()), kinds
    assert all(r["out_of_scope"] == (r["expected_coverage"] == "out_of_scope") for r in rows)


def test_blind5_has_no_near_duplicates_of_earlier_sets():
    earlier = ("scope_dev.jsonl", "scope_fresh.jsonl", "scope_blind3.jsonl", "scope_blind4.jsonl", "faq.jsonl")
    others = [q for name in earlier for q in _questions(name)]
    assert not near_duplicates(build(), others)
