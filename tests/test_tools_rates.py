"""subsidy_rate: each rule and boundary of the two programmes, through the public execute() registry."""

from __future__ import annotations

import pytest

from assistant.tools import execute


def rate(**args):
    out = execute("subsidy_rate", args)
    assert out["ok"], out
    return out["result"]


@pytest.mark.parametrize(
    ("employees", "deemed", "expected"),
    [
        (0, False, "1/2以内"),
        (2000, False, "1/2以内"),  # 「2,000人以下」: 2,000 itself qualifies
        (2001, False, "1/3以内"),
        (2001, None, "1/3以内"),  # over 2,000: deemed-large status no longer matters
        (150, True, "1/3以内"),  # みなし大企業 are excluded from ①
    ],
)
def test_infra_company_boundaries(employees, deemed, expected):
    args = {"programme": "ai-compute-infra", "org_kind": "company", "employees": employees}
    if deemed is not None:
        args["deemed_large_enterprise"] = deemed
    r = rate(**args)
    assert (r["status"], r["rate"]) == ("determined", expected)
    assert expected in r["explanation"]


def test_infra_fractions_and_words():
    r = rate(programme="ai-compute-infra", org_kind="company", employees=10, deemed_large_enterprise=False)
    assert (r["rate_fraction"], r["rate_ja"]) == ("1/2", "2分の1以内")
    r = rate(programme="ai-compute-infra", org_kind="company", employees=5000)
    assert (r["rate_fraction"], r["rate_ja"]) == ("1/3", "3分の1以内")


@pytest.mark.parametrize("kind", ["university", "national_rd_agency", "local_incorporated_administrative_agency"])
def test_infra_public_bodies_listed_in_first_group(kind):
    assert rate(programme="ai-compute-infra", org_kind=kind)["rate"] == "1/2以内"


def test_infra_other_corporation_is_second_group():
    assert rate(programme="ai-compute-infra", org_kind="other_corporation")["rate"] == "1/3以内"


def test_infra_kosen_is_not_stated_and_offers_both():
    r = rate(programme="ai-compute-infra", org_kind="kosen")
    assert r["status"] == "not_stated_in_documents" and r["rate"] is None
    assert [c["rate"] for c in r["candidates"]] == ["1/2以内", "1/3以内"]


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        ({"org_kind": "company"}, ["employees", "deemed_large_enterprise"]),
        ({"org_kind": "company", "employees": 2000}, ["deemed_large_enterprise"]),
        ({"org_kind": "company", "deemed_large_enterprise": False}, ["employees"]),
        ({}, ["org_kind"]),
    ],
)
def test_infra_missing_facts_are_named_not_guessed(args, missing):
    r = rate(programme="ai-compute-infra", **args)
    assert r["status"] == "needs_more_facts" and r["rate"] is None
    assert [m["field"] for m in r["missing_facts"]] == missing
    assert "みなし大企業" in r["explanation"] or "組織の種類" in r["explanation"]


def test_geniac_tokutei_and_academic_are_flat_rate_without_inai():
    assert rate(programme="geniac", org_kind="company", tokutei_jigyosha=True)["rate"] == "定額"
    for kind in ["university", "kosen", "national_rd_agency", "incorporated_administrative_agency", "public_research_institute"]:
        assert rate(programme="geniac", org_kind=kind)["rate"] == "定額", kind
    r = rate(programme="geniac", org_kind="company", tokutei_jigyosha=False)
    assert (r["rate"], r["rate_fraction"], r["rate_ja"]) == ("1/2", "1/2", "2分の1")
    assert "以内" not in r["rate"]


def test_geniac_company_needs_tokutei_and_ignores_employee_count():
    r = rate(programme="geniac", org_kind="company", employees=100, deemed_large_enterprise=False)
    assert r["status"] == "needs_more_facts"
    assert [m["field"] for m in r["missing_facts"]] == ["tokutei_jigyosha"]
    assert {c["rate"] for c in r["candidates"]} == {"定額", "1/2"}


def test_caveats_mention_the_undecided_cap():
    infra = rate(programme="ai-compute-infra", org_kind="university")
    assert any("上限" in c and "決定" in c for c in infra["caveats"])
    geniac = rate(programme="geniac", org_kind="university")
    assert any("上限" in c and "可能性" in c for c in geniac["caveats"])


@pytest.mark.parametrize(
    "args",
    [
        {"programme": "ai-compute-infra", "org_kind": "university", "deemed_large_enterprise": True},
        {"programme": "geniac", "org_kind": "university", "tokutei_jigyosha": True},
        {"programme": "geniac", "org_kind": "company", "employees": -1},
        {"programme": "geniac", "org_kind": "company", "employees": 10**9},
        {"programme": "unknown"},
        {"programme": "geniac", "org_kind": "startup"},
        {"programme": "geniac", "colour": "blue"},
        {},
    ],
)
def test_bad_input_gives_japanese_error(args):
    out = execute("subsidy_rate", args)
    assert out["ok"] is False
    assert out["details"] and out["error"].startswith("入力に誤りがあります")
