"""gpu_node_plan: the document's worked examples, the 100-node boundary, totals and whole-period cost."""

from __future__ import annotations

import pytest

from assistant.tools import execute


def plan(**args):
    out = execute("gpu_node_plan", args)
    assert out["ok"], out
    return out["result"]


def test_document_example_possible_30_nodes_whole_period():
    r = plan(constant_nodes=30)
    assert r["verdict"] == "可能" and r["allowed_as_submitted"] and r["route2_nodes"] == 30
    assert any("確保可能な場合" in c["quote"] for c in r["citations"])


def test_document_example_impossible_1_first_month_only():
    r = plan(nodes_per_month=[30, 0, 0, 0, 0, 0])
    assert r["verdict"] == "不可能" and not r["allowed_as_submitted"]
    assert any("確保不可能な場合 1" in c["quote"] for c in r["citations"])


def test_document_example_impossible_2_thirty_then_forty():
    r = plan(nodes_per_month=[30, 40, 40, 40, 40, 40])
    assert r["verdict"] == "不可能"
    assert any("確保不可能な場合 2" in c["quote"] for c in r["citations"])


def test_constant_list_equals_constant_count():
    assert plan(nodes_per_month=[30] * 6)["verdict"] == "可能"


def test_100_is_allowed_101_splits():
    r = plan(constant_nodes=100)
    assert r["verdict"] == "可能" and r["individual_nodes_per_month"] == [0] * 6
    r = plan(constant_nodes=101)
    assert r["allowed_as_submitted"] is False
    assert r["route2_nodes"] == 100 and r["individual_nodes_per_month"] == [1] * 6
    assert "100を超える分（1ノード）は個別に調整" in r["explanation"]


def test_over_100_varying_excess_keeps_route2_constant():
    r = plan(nodes_per_month=[120, 150, 150, 100, 100, 100])
    assert r["route2_nodes"] == 100 and r["individual_nodes_per_month"] == [20, 50, 50, 0, 0, 0]


def test_totals():
    r = plan(constant_nodes=30)
    t = r["totals"]
    assert (t["h100_gpus"], t["gpu_memory_gb"], t["local_ssd_tb"]) == (240, 19_200, 900)
    assert t["node_hours"] == 30 * 6 * 730 and t["gpu_hours"] == 8 * 30 * 6 * 730
    assert "730" in r["hours_assumption"]


def test_cost_for_whole_period_and_dollars():
    r = plan(constant_nodes=10, unit_price=12345.67)
    # 10 nodes × 6 months × 730 h = 43,800 node-hours × 12,345.67 = 540,740,346 yen
    assert r["cost_jpy"] == 540_740_346
    assert "使用の有無に関わらず" in r["cost_basis"]
    r = plan(constant_nodes=2, unit_price=100, currency="USD", jpy_per_usd=150, price_unit="node_month")
    assert r["cost_jpy"] == 2 * 6 * 100 * 150
    assert plan(nodes_per_month=[30, 0, 0, 0, 0, 0], unit_price=100)["cost_jpy"] is None


def test_caveats_route1_mandatory_and_contract_deadline():
    text = " ".join(plan(constant_nodes=5)["caveats"])
    assert "(1)の手法" in text and "必須" in text and "1ヶ月程度内" in text


@pytest.mark.parametrize(
    "args",
    [
        {"constant_nodes": 0},
        {"constant_nodes": -3},
        {"constant_nodes": 10**6},
        {"nodes_per_month": [0, 0, 0, 0, 0, 0]},
        {"nodes_per_month": [30, 30, 40]},  # 3 values for a 6-month period
        {"nodes_per_month": [30, -1, 30, 30, 30, 30]},
        {"constant_nodes": 30, "nodes_per_month": [30] * 6},
        {},
        {"constant_nodes": 30, "period_months": 0},
        {"constant_nodes": 30, "unit_price": float("nan")},
        {"constant_nodes": 30, "unit_price": 5, "currency": "USD"},
    ],
)
def test_bad_input(args):
    out = execute("gpu_node_plan", args)
    assert out["ok"] is False and out["error"]


# --- GPU counts instead of nodes, per-GPU figures ---
@pytest.mark.parametrize(
    ("gpus", "nodes", "unused", "within"),
    [(1, 1, 7, True), (8, 1, 0, True), (9, 2, 7, True), (200, 25, 0, True), (300, 38, 4, True),
     (800, 100, 0, True), (801, 101, 7, False), (80_000, 10_000, 0, False)],
)
def test_gpu_count_becomes_whole_nodes(gpus, nodes, unused, within):
    r = plan(h100_gpus=gpus)
    g = r["gpu_request"]
    assert (g["nodes"], g["provided_gpus"], g["unused_gpus"], g["within_route2"]) == (nodes, nodes * 8, unused, within)
    assert r["plan"] == [nodes] * 6
    assert r["verdict"] == ("可能" if within else "100ノードまで可能（超過分は個別調整）")
    assert f"{nodes:,}ノード" in r["explanation"]
    assert ("収まります" in r["explanation"]) == within


def test_300_gpus_explanation_states_the_rounding():
    text = plan(h100_gpus=300)["explanation"]
    assert "38ノード" in text and "304基" in text and "4基は余り" in text and "100以下" in text


def test_per_gpu_memory_is_derived_from_the_node_spec():
    r = plan(constant_nodes=3)
    assert r["totals"]["gpu_memory_gb_per_gpu"] * 8 == r["totals"]["gpu_memory_gb"] // 3 == 640
    assert "80GB" in r["explanation"] and "640GB÷8" in r["explanation"]
    assert plan(h100_gpus=5)["gpu_request"] is not None and plan(constant_nodes=5)["gpu_request"] is None


@pytest.mark.parametrize(
    "args",
    [{"h100_gpus": 0}, {"h100_gpus": 80_001}, {"h100_gpus": 3.5}, {"h100_gpus": 16, "constant_nodes": 2},
     {"h100_gpus": 16, "nodes_per_month": [2] * 6}],
)
def test_bad_gpu_counts(args):
    out = execute("gpu_node_plan", args)
    assert out["ok"] is False and out["error"].startswith("入力に誤りがあります")
