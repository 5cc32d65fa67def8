"""subsidy_amount: exact yen, rounding down, eligibility by category, currency, caps and 定額."""

from __future__ import annotations

import pytest

from assistant.tools import execute, yen


def amount(**args):
    out = execute("subsidy_amount", args)
    assert out["ok"], out
    return out["result"]


def test_infra_equipment_at_one_half_rounds_down():
    r = amount(
        programme="ai-compute-infra",
        org_kind="company",
        employees=300,
        deemed_large_enterprise=False,
        items=[{"category": "equipment", "amount": 300_000_001}],
    )
    assert r["rate"] == "1/2以内"
    assert r["eligible_total_jpy"] == 300_000_001
    assert r["max_subsidy_jpy"] == 150_000_000  # 150,000,000.5 → 切り捨て
    assert "切り捨て" in r["rounding"]
    assert "150,000,000円（1億5,000万円）" in r["explanation"]


def test_infra_one_third_is_exact():
    r = amount(programme="ai-compute-infra", rate="1/3以内", items=[{"category": "equipment", "amount": 1e9}])
    assert r["max_subsidy_jpy"] == 333_333_333


def test_infra_flags_compute_usage_as_ineligible_not_dropped():
    r = amount(
        programme="ai-compute-infra",
        rate="1/2以内",
        items=[{"category": "equipment", "amount": 2e8}, {"category": "gpu_compute", "amount": 5e7}],
    )
    assert [i["status"] for i in r["items"]] == ["eligible", "ineligible"]
    assert r["eligible_total_jpy"] == 200_000_000 and r["max_subsidy_jpy"] == 100_000_000
    assert "対象外" in r["explanation"]


def test_geniac_categories():
    r = amount(
        programme="geniac",
        rate="1/2",
        items=[
            {"category": "gpu_compute", "amount": 1e8},
            {"category": "non_gpu_compute", "amount": 2e7},
            {"category": "non_gpu_compute", "amount": 1e7, "from_academic_institution": True},
            {"category": "data_preparation", "amount": 3e7, "outsourced": False},
            {"category": "data_preparation", "amount": 4e7},
            {"category": "data_preparation", "amount": 5e7, "outsourced": True},
            {"category": "equipment", "amount": 6e7},
        ],
    )
    assert [i["status"] for i in r["items"]] == [
        "eligible",
        "eligible",
        "ineligible",
        "ineligible",
        "unclear",
        "rate_not_stated",
        "ineligible",
    ]
    assert r["eligible_total_jpy"] == 120_000_000
    assert r["max_subsidy_jpy"] == 60_000_000


def test_geniac_flat_rate_is_full_eligible_cost_with_caveat():
    r = amount(programme="geniac", org_kind="university", items=[{"category": "gpu_compute", "amount": 1e8}])
    assert r["rate"] == "定額" and r["max_subsidy_jpy"] == 100_000_000
    assert "定額" in r["explanation"] and "上限" in r["explanation"]
    assert "100,000,000円（1億円）" in r["explanation"]


def test_dollars_need_and_state_the_exchange_rate():
    out = execute("subsidy_amount", {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": 2e6, "currency": "USD"}]})
    assert not out["ok"] and "jpy_per_usd" in out["error"]
    r = amount(
        programme="geniac",
        rate="1/2",
        jpy_per_usd=150.5,
        items=[{"category": "gpu_compute", "amount": 2_000_001, "currency": "USD"}],
    )
    # 2,000,001 × 150.5 = 301,000,150.5 yen; half = 150,500,075.25 → 150,500,075
    assert r["eligible_total_jpy"] == 301_000_150
    assert r["max_subsidy_jpy"] == 150_500_075
    assert r["exchange_assumptions"] == ["1ドル=150.5円"]
    assert "為替想定" in r["explanation"]


def test_cap_applies_only_when_given():
    r = amount(programme="geniac", rate="1/2", cap_jpy=50_000_000, items=[{"category": "gpu_compute", "amount": 3e8}])
    assert (r["before_cap_jpy"], r["max_subsidy_jpy"], r["cap_applied"]) == (150_000_000, 50_000_000, True)
    r = amount(programme="geniac", rate="1/2", items=[{"category": "gpu_compute", "amount": 3e8}])
    assert r["cap_applied"] is False and any("上限" in c for c in r["caveats"])


def test_undetermined_rate_gives_scenarios_not_a_guess():
    r = amount(programme="ai-compute-infra", org_kind="company", items=[{"category": "equipment", "amount": 6e8}])
    assert r["max_subsidy_jpy"] is None and r["rate"] is None
    assert [(s["rate"], s["max_subsidy_jpy"]) for s in r["scenarios"]] == [("1/2以内", 300_000_000), ("1/3以内", 200_000_000)]


@pytest.mark.parametrize(
    "args",
    [
        {"programme": "geniac", "rate": "1/3以内", "items": [{"category": "gpu_compute", "amount": 1}]},
        {"programme": "geniac", "rate": "1/2", "org_kind": "university", "items": [{"category": "gpu_compute", "amount": 1}]},
        {"programme": "geniac", "rate": "1/2", "items": []},
        {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": -5}]},
        {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": float("inf")}]},
        {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": 1e20}]},
        {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": 1, "outsourced": True}]},
        {"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": 1, "currency": "GBP"}]},
    ],
)
def test_bad_input(args):
    out = execute("subsidy_amount", args)
    assert out["ok"] is False and out["error"]


def test_yen_format():
    assert yen(100_000_000) == "100,000,000円（1億円）"
    assert yen(150_500_075) == "150,500,075円（1億5,050万75円）"
    assert yen(9_999) == "9,999円"
