"""The offline rule-based router: realistic Japanese phrasings → calculator calls that execute() accepts."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.tools import execute
from assistant.tools.router import route


def calls(q, today=None):
    out = [(c.name, c.args) for c in route(q, today=today)]
    for name, args in out:
        res = execute(name, args)
        assert res["ok"], (q, name, args, res)
    return out


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("従業員3000人の会社の補助率は？", [("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company", "employees": 3000})]),
        ("従業員２，０００人の企業で、みなし大企業ではありません。供給確保計画の補助率は？",
         [("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company", "employees": 2000, "deemed_large_enterprise": False})]),
        ("社員2001名の企業が電子計算機を整備する場合の補助率を教えてください",
         [("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company", "employees": 2001})]),
        ("みなし大企業の補助率は？", [("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company", "deemed_large_enterprise": True})]),
        ("大学の助成率を教えてください", [("subsidy_rate", {"programme": "geniac", "org_kind": "university"})]),
        ("特定事業者ではない企業のGENIACの助成率は？",
         [("subsidy_rate", {"programme": "geniac", "org_kind": "company", "tokutei_jigyosha": False})]),
        ("当社は中小企業等経営強化法の特定事業者です。基盤モデル開発の助成率は？",
         [("subsidy_rate", {"programme": "geniac", "org_kind": "company", "tokutei_jigyosha": True})]),
        ("高専は定額助成の対象ですか？NEDOの公募です", [("subsidy_rate", {"programme": "geniac", "org_kind": "kosen"})]),
        ("国立研究開発法人がクラウドプログラムの供給確保計画に申請する場合の補助率は？",
         [("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "national_rd_agency"})]),
    ],
)
def test_rate_questions(question, expected):
    assert calls(question) == expected


def test_ambiguous_programme_gives_both():
    out = calls("中小企業の場合、補助はどのくらいですか")
    assert [(n, a["programme"]) for n, a in out] == [("subsidy_rate", "ai-compute-infra"), ("subsidy_rate", "geniac")]


@pytest.mark.parametrize(
    ("question", "programme", "items", "extra"),
    [
        ("GPU費用3億円の場合、GENIACの助成額は最大いくら？", "geniac",
         [{"category": "gpu_compute", "amount": 3e8, "currency": "JPY"}], {}),
        ("GPU費用1.5億円を申請したい。助成額は最大いくら？特定事業者です", "geniac",
         [{"category": "gpu_compute", "amount": 1.5e8, "currency": "JPY"}], {"org_kind": "company", "tokutei_jigyosha": True}),
        ("電子計算機の整備で、GPUサーバーの導入費用３億５０００万円の場合、補助額はいくら？", "ai-compute-infra",
         [{"category": "equipment", "amount": 3.5e8, "currency": "JPY"}], {}),
        ("$2M at 150円/ドル のGPU利用料の助成は？", "geniac",
         [{"category": "gpu_compute", "amount": 2e6, "currency": "USD"}], {"jpy_per_usd": 150.0}),
        ("5000万円のデータ整備を外注した場合の助成額は？", "geniac",
         [{"category": "data_preparation", "amount": 5e7, "currency": "JPY", "outsourced": True}], {}),
        ("GPU利用料2億円とデータ整備費（外注）3000万円の助成額は？特定事業者ではない会社です", "geniac",
         [{"category": "gpu_compute", "amount": 2e8, "currency": "JPY"},
          {"category": "data_preparation", "amount": 3e7, "currency": "JPY", "outsourced": True}],
         {"org_kind": "company", "tokutei_jigyosha": False}),
        ("AWSの利用料200万ドル、1ドル=145円で計算すると助成はいくら？", "geniac",
         [{"category": "gpu_compute", "amount": 2e6, "currency": "USD"}], {"jpy_per_usd": 145.0}),
    ],
)
def test_amount_questions(question, programme, items, extra):
    out = calls(question)
    assert out == [("subsidy_amount", {"programme": programme, "items": items, **extra})]


def test_amount_answer_is_exact():
    (name, args), = calls("GPU費用1.5億円、特定事業者ではない企業です。GENIACで助成額は最大いくら？")
    assert execute(name, args)["result"]["max_subsidy_jpy"] == 75_000_000


@pytest.mark.parametrize(
    ("question", "args"),
    [
        ("120ノード使いたいのですが可能ですか", {"constant_nodes": 120}),
        ("１０１ノードを一括で確保できますか", {"constant_nodes": 101}),
        ("期間を通して30ノードで申請できますか", {"constant_nodes": 30}),
        ("最初の1ヶ月30ノード、その後40ノードは可能ですか", {"nodes_per_month": [30, 40, 40, 40, 40, 40]}),
        ("前半1ヶ月だけ30ノード使いたい", {"nodes_per_month": [30, 0, 0, 0, 0, 0]}),
        ("最初の2か月は50ノード、残りは80ノードにしたい", {"nodes_per_month": [50, 50, 80, 80, 80, 80]}),
        ("30,30,40ノードでもいいですか", {"nodes_per_month": [30, 30, 40], "period_months": 3}),
    ],
)
def test_node_questions(question, args):
    assert calls(question) == [("gpu_node_plan", args)]


def test_node_verdicts_follow_the_document():
    for q, verdict in [
        ("30ノードを期間中ずっと", "可能"),
        ("最初の1ヶ月30ノード、その後40ノード", "不可能"),
        ("最初の1ヶ月だけ30ノード", "不可能"),
    ]:
        (name, args), = calls(q)
        assert execute(name, args)["result"]["verdict"] == verdict, q


@pytest.mark.parametrize(
    ("question", "programme"),
    [
        ("事前調査の締め切りはいつまで？", "all"),
        ("GENIACの開発期間は？", "geniac"),
        ("供給確保計画の公募はいつから始まりますか", "ai-compute-infra"),
        ("研究開発期間はいつからいつまでですか？GPUノードの利用期間も知りたい", "geniac"),
        ("今から申請できますか？募集期間を教えてください", "all"),
    ],
)
def test_schedule_questions(question, programme):
    out = calls(question, today=date(2026, 11, 22))
    assert ("programme_schedule", {"programme": programme, "on_date": "2026-11-22"}) in out


@pytest.mark.parametrize(
    "question",
    [
        "審査基準を教えて",
        "事前調査の提出先のメールアドレスは？",
        "H100とは何ですか",
        "今日はいい天気ですね",
        "支援対象となる基盤モデルの種類は？",
        "外資企業の子会社でも参加できますか",
        "RAGの構築費用は対象になりますか",
        "",
        "   ",
    ],
)
def test_unrelated_questions_route_to_nothing(question):
    assert route(question) == []
