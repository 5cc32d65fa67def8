"""Property-based invariants of the calculators (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.tools import execute

amounts = st.integers(min_value=0, max_value=10**12)
rates = st.sampled_from([("ai-compute-infra", "1/2以内"), ("ai-compute-infra", "1/3以内"), ("geniac", "1/2"), ("geniac", "定額")])


def subsidy(programme, rate, cost, cap=None):
    cat = "equipment" if programme == "ai-compute-infra" else "gpu_compute"
    args = {"programme": programme, "rate": rate, "items": [{"category": cat, "amount": cost}]}
    if cap is not None:
        args["cap_jpy"] = cap
    out = execute("subsidy_amount", args)
    assert out["ok"], out
    return out["result"]["max_subsidy_jpy"]


@settings(max_examples=150, deadline=None)
@given(rates, amounts, st.one_of(st.none(), amounts))
def test_subsidy_never_exceeds_eligible_cost_or_cap(pr, cost, cap):
    s = subsidy(*pr, cost, cap)
    assert 0 <= s <= cost
    if cap is not None:
        assert s <= cap


@settings(max_examples=150, deadline=None)
@given(rates, amounts, amounts)
def test_subsidy_is_monotone_in_cost(pr, a, b):
    lo, hi = sorted((a, b))
    assert subsidy(*pr, lo) <= subsidy(*pr, hi)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=24))
def test_totals_proportional_to_nodes(n, months):
    out = execute("gpu_node_plan", {"constant_nodes": n, "period_months": months})
    assert out["ok"], out
    t = out["result"]["totals"]
    assert (t["h100_gpus"], t["gpu_memory_gb"], t["local_ssd_tb"]) == (8 * n, 640 * n, 30 * n)
    assert t["node_hours"] == n * months * 730
    r = out["result"]
    assert r["allowed_as_submitted"] == (n <= 100)
    assert (r["route2_nodes"] or 0) + r["individual_nodes_per_month"][0] == n


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6).filter(any))
def test_route2_allowed_iff_constant_plan_up_to_100(plan):
    out = execute("gpu_node_plan", {"nodes_per_month": plan})
    assert out["ok"], out
    assert out["result"]["allowed_as_submitted"] == (len(set(plan)) == 1)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["constant_nodes", "nodes_per_month", "period_months", "unit_price", "programme", "x"]),
                       st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.none(), st.lists(st.integers(), max_size=8))))
def test_execute_never_raises(args):
    for name in ("gpu_node_plan", "subsidy_rate", "subsidy_amount", "programme_schedule"):
        out = execute(name, args)
        assert isinstance(out, dict) and out["ok"] in (True, False)
        if not out["ok"]:
            assert out["error"]
