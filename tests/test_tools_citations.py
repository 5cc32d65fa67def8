"""Every sentence a calculator cites occurs verbatim in its corpus document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.domain import programmes
from assistant.domain.text import contains
from assistant.tools import execute

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def corpus() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in DOCS.glob("*.txt")}


ALL_QUOTES = {f"{p.id}:{where}": c for p in programmes.load(DOCS) for where, c in p.cited()}


@pytest.mark.parametrize("name", sorted(ALL_QUOTES))
def test_programme_quote_occurs_in_its_document(name):
    q = ALL_QUOTES[name]
    assert contains(corpus()[q.doc], q.quote), name


CALLS = [
    ("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company", "employees": 10, "deemed_large_enterprise": False}),
    ("subsidy_rate", {"programme": "geniac", "org_kind": "kosen"}),
    ("subsidy_amount", {"programme": "geniac", "rate": "1/2", "jpy_per_usd": 150, "items": [
        {"category": "gpu_compute", "amount": 1e6, "currency": "USD"},
        {"category": "non_gpu_compute", "amount": 1e6, "from_academic_institution": True},
        {"category": "data_preparation", "amount": 1e6, "outsourced": True}]}),
    ("subsidy_amount", {"programme": "ai-compute-infra", "rate": "1/3以内", "items": [
        {"category": "equipment", "amount": 1e9}, {"category": "other", "amount": 1}]}),
    ("gpu_node_plan", {"constant_nodes": 120, "unit_price": 10}),
    ("gpu_node_plan", {"nodes_per_month": [30, 40, 40, 40, 40, 40]}),
    ("programme_schedule", {}),
]


@pytest.mark.parametrize(("name", "args"), CALLS)
def test_results_cite_only_real_sentences(name, args):
    out = execute(name, args, today=date(2026, 11, 22))
    assert out["ok"], out
    docs = corpus()
    assert out["result"]["citations"]
    for c in out["result"]["citations"]:
        assert contains(docs[c["doc"]], c["quote"]), c
