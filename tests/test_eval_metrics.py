"""Metric definitions on tiny hand-made inputs: each one shown to pass and to fail."""

from __future__ import annotations

import pytest

from evals import metrics as m

A, B = "doc-a", "doc-b"


def p(doc: str, text: str, id: str | None = None) -> dict:
    return {"doc": doc, "text": text, "id": id}


# --- hit@k / MRR --------------------------------------------------------------------------------------------


def test_passage_hit_needs_same_doc_and_normalised_excerpt():
    gold = {"doc": A, "contains": "補助率は ２／３"}
    assert m.passage_hits(p(A, "本事業の補助率は2/3とする。"), gold)
    assert not m.passage_hits(p(B, "本事業の補助率は2/3とする。"), gold)  # right text, wrong doc
    assert not m.passage_hits(p(A, "本事業の補助率は1/2とする。"), gold)  # right doc, wrong text


def test_hit_at_k_and_rr_follow_the_rank_of_the_first_hit():
    gold = [{"doc": A, "contains": "上限"}]
    retrieved = [p(B, "上限"), p(A, "別の話"), p(A, "上限は64ノード")]
    assert m.first_hit_rank(retrieved, gold) == 3
    assert not m.hit_at_k(retrieved, gold, 1)
    assert not m.hit_at_k(retrieved, gold, 2)
    assert m.hit_at_k(retrieved, gold, 3)
    assert m.reciprocal_rank(retrieved, gold) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(retrieved[:2], gold) == 0.0
    assert m.reciprocal_rank([], gold) == 0.0


def test_any_gold_source_counts_without_needs_all():
    gold = [{"doc": A, "contains": "一"}, {"doc": B, "contains": "二"}]
    retrieved = [p(B, "二"), p(A, "一")]
    assert m.first_hit_rank(retrieved, gold) == 1
    assert m.hit_at_k(retrieved, gold, 1)


def test_needs_all_sources_waits_for_the_last_required_source():
    gold = [{"doc": A, "contains": "一"}, {"doc": B, "contains": "二"}]
    retrieved = [p(A, "一"), p(A, "雑"), p(B, "二")]
    assert m.first_hit_rank(retrieved, gold, needs_all=True) == 3
    assert not m.hit_at_k(retrieved, gold, 1, needs_all=True)
    assert m.hit_at_k(retrieved, gold, 3, needs_all=True)
    assert m.reciprocal_rank(retrieved, gold, needs_all=True) == pytest.approx(1 / 3)
    # one source missing entirely: no hit at any depth
    assert m.first_hit_rank(retrieved[:2], gold, needs_all=True) is None
    assert m.reciprocal_rank(retrieved[:2], gold, needs_all=True) == 0.0


def test_no_gold_sources_is_never_a_hit():
    assert m.first_hit_rank([p(A, "x")], []) is None


# --- must_include -------------------------------------------------------------------------------------------


def test_must_include_needs_every_group_with_one_alternative():
    groups = [["1/3", "3分の1"], ["上限"]]
    assert m.must_include_ok("補助率は３分の１、上限あり", groups)
    assert m.must_include_ok("補助率は１／３で 上 限 あり", groups)  # NFKC and whitespace removal
    assert not m.must_include_ok("補助率は３分の１です", groups)  # second group missing
    assert not m.must_include_ok("上限があります", groups)  # first group missing
    assert not m.must_include_ok("", groups)


# --- tools --------------------------------------------------------------------------------------------------


def test_tool_name_accuracy():
    calls = [{"name": "subsidy_rate"}, {"name": "gpu_node_plan"}]
    assert m.tool_name_ok("gpu_node_plan", calls)
    assert not m.tool_name_ok("subsidy_amount", calls)
    assert not m.tool_name_ok("subsidy_rate", [])


def test_search_documents_is_satisfied_by_engine_retrieval():
    assert m.tool_name_ok("search_documents", [], retrieved=[p(A, "x")])
    assert not m.tool_name_ok("search_documents", [], retrieved=[])
    assert m.tool_name_ok("search_documents", [{"name": "search_documents"}], retrieved=[])
    # other tools are not satisfied by retrieval
    assert not m.tool_name_ok("subsidy_rate", [], retrieved=[p(A, "x")])


# --- citations ----------------------------------------------------------------------------------------------


def test_citation_validity_checks_doc_chunk_and_quote():
    retrieved = [p(A, "補助率は2/3とする。", id="c1"), p(B, "上限は64ノード。", id="c2")]
    good = {"doc": A, "chunk_id": "c1", "quote": "補助率は２／３"}
    wrong_doc = {"doc": B, "chunk_id": None, "quote": "補助率は2/3"}
    wrong_chunk = {"doc": B, "chunk_id": "c9", "quote": "上限は64ノード"}
    invented = {"doc": A, "chunk_id": "c1", "quote": "補助率は1/2"}
    no_chunk_id = {"doc": B, "quote": "64ノード"}
    empty = {"doc": A, "chunk_id": "c1", "quote": ""}
    assert m.citation_is_valid(good, retrieved)
    assert m.citation_is_valid(no_chunk_id, retrieved)
    for bad in (wrong_doc, wrong_chunk, invented, empty):
        assert not m.citation_is_valid(bad, retrieved), bad
    assert m.citation_counts([good, invented, no_chunk_id], retrieved) == (2, 3)
    assert m.citation_counts([], retrieved) == (0, 0)


# --- percentiles --------------------------------------------------------------------------------------------


def test_percentile_linear_interpolation():
    assert m.percentile([], 50) is None
    assert m.percentile([7], 95) == 7
    assert m.percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert m.percentile(range(1, 101), 95) == pytest.approx(95.05)
    assert m.percentile([10, 20], 0) == 10 and m.percentile([10, 20], 100) == 20
    with pytest.raises(ValueError):
        m.percentile([1], 101)


def test_mean_skips_none():
    assert m.mean([True, False, None, True]) == pytest.approx(2 / 3)
    assert m.mean([None]) is None


# --- per item and whole run ---------------------------------------------------------------------------------


def _expected(**kw):
    base = {
        "gold_sources": [{"doc": A, "contains": "2/3"}],
        "must_include": [["2/3"]],
        "expected_tool": None,
        "out_of_scope": False,
        "needs_all_sources": False,
    }
    return {**base, **kw}


def test_item_metrics_only_score_what_applies():
    res = {
        "retrieved": [p(A, "2/3")],
        "answer": "2/3です",
        "tool_calls": [],
        "citations": [],
        "refused": False,
    }
    got = m.item_metrics(_expected(), res)
    assert got == {
        "hit@1": True,
        "hit@3": True,
        "hit@5": True,
        "rr": 1.0,
        "must_include": True,
        "tool_ok": None,
        "refusal_ok": None,
        "false_refusal": False,
        "coverage_ok": None,
        "citations_valid": 0,
        "citations_total": 0,
        "citation_validity": None,
    }
    oos = m.item_metrics(
        _expected(out_of_scope=True, gold_sources=[], must_include=[]), {**res, "refused": True}
    )
    assert oos["refusal_ok"] is True and oos["false_refusal"] is None
    assert oos["rr"] is None and oos["must_include"] is None
    # a refused in-scope question is a false refusal and a must_include failure
    refused = m.item_metrics(_expected(), {**res, "answer": "お答えできません", "refused": True})
    assert refused["false_refusal"] is True and refused["must_include"] is False
    # retrieval mode: answer-side metrics are absent
    assert set(m.item_metrics(_expected(), res, mode="retrieval")) == {"hit@1", "hit@3", "hit@5", "rr"}


def test_summarize_aggregates_and_nulls_answer_sections_in_retrieval_mode():
    rows = [
        {
            "category": "x",
            "tags": ["calc"],
            "error": None,
            "latency_ms": 100.0,
            "timings_ms": {"retrieve": 10},
            "metrics": {"hit@1": True, "hit@3": True, "hit@5": True, "rr": 1.0, "must_include": True},
        },
        {
            "category": "y",
            "tags": [],
            "error": "boom",
            "latency_ms": 9999.0,
            "timings_ms": {},
            "metrics": {"hit@1": False, "hit@3": False, "hit@5": False, "rr": 0.0, "must_include": False},
        },
        {
            "category": "y",
            "tags": [],
            "error": None,
            "latency_ms": 300.0,
            "timings_ms": {"retrieve": 30},
            "metrics": {"hit@1": False, "hit@3": True, "hit@5": True, "rr": 0.5, "must_include": None},
        },
    ]
    s = m.summarize(rows, mode="answer")
    assert s["n"] == 3 and s["errors"] == 1
    assert s["retrieval"] == {
        "n": 3,
        "hit@1": pytest.approx(1 / 3),
        "hit@3": pytest.approx(2 / 3),
        "hit@5": pytest.approx(2 / 3),
        "mrr": pytest.approx(0.5),
    }
    assert s["answer"]["must_include_accuracy"] == 0.5 and s["answer"]["n"] == 2
    assert s["answer"]["calc"] == {"n": 1, "must_include_accuracy": 1.0}
    # the errored item's latency is left out
    assert s["latency_ms"]["p50"] == pytest.approx(200.0)
    assert s["latency_ms"]["stages"]["retrieve"]["p95"] == pytest.approx(29.0)
    assert s["categories"]["y"]["n"] == 2 and s["categories"]["y"]["errors"] == 1
    r = m.summarize(rows, mode="retrieval")
    assert r["answer"] is None and r["tools"] is None and r["refusal"] is None and r["citations"] is None


def test_failure_reasons():
    assert m.failure_reasons({"hit@5": True, "must_include": True, "citation_validity": 1.0}) == []
    assert m.failure_reasons(
        {"hit@5": False, "false_refusal": True, "citation_validity": 0.5}, error="x"
    ) == ["error", "retrieval miss (hit@5)", "refused an in-scope question", "invalid citation"]


def test_answer_length_stops_at_a_source_list():
    from evals.metrics import answer_length, length_summary

    assert answer_length("補助率は1/3以内です[1]。") == len("補助率は1/3以内です[1]。")
    assert answer_length("補助率は1/3以内です。\n出典:\n[1] 文書") == len("補助率は1/3以内です。\n")
    rows = [
        {"answer": "あ" * n, "refused": False, "error": None,
         "expected": {"must_include": [["x"]] * k, "out_of_scope": False}}
        for n, k in ((100, 1), (200, 1), (400, 2))
    ] + [{"answer": "申し訳ありません" * 10, "refused": True, "error": None, "expected": {"out_of_scope": True}}]
    s = length_summary(rows)
    assert (s["n"], s["p50"]) == (3, 200.0)
    assert s["single_fact"] == {"n": 2, "p50": 150.0, "p95": 195.0, "share_le_300": 1.0}
