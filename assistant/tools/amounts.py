"""subsidy_amount: the maximum subsidy for eligible costs by category, in exact integer yen (rounded down)."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.domain.programmes import AmountRules, Category, Cited, ItemStatus
from assistant.tools import programme_arg
from assistant.tools.rates import (
    ApplicantFacts,
    MissingFact,
    RateCandidate,
    RateStatus,
    decide_rate,
    missing_facts,
    programme_field,
    rate_caveats,
    rate_fraction,
    rate_phrase,
    rate_quotes,
)
from assistant.tools.results import ROUNDING_JA, STRICT, ToolOutput, cites, exact, number, yen

MAX_AMOUNT = 10**13  # 10兆: anything above is a typo, not a plan

CATEGORY_JA: dict[str, str] = {
    "gpu_compute": "GPUリソースの計算リソース利用料",
    "non_gpu_compute": "GPUリソース以外の計算リソース利用料",
    "data_preparation": "データ整備費",
    "equipment": "AI用の高度な電子計算機の導入等に係る費用",
    "other": "その他の費用",
}
Currency = Literal["JPY", "USD", "EUR"]
CURRENCY_JA = {"JPY": "円", "USD": "ドル", "EUR": "ユーロ"}


def _all_rate_labels(schema: dict) -> None:  # type: ignore[type-arg]
    labels = [lab for p in programme_arg.served().with_rates() for lab in p.rates.labels]  # type: ignore[union-attr]
    for node in schema.get("anyOf", [schema]):
        if node.get("type") == "string":
            node["enum"] = list(dict.fromkeys(labels))


class CostItem(BaseModel):
    model_config = STRICT

    category: Category = Field(
        description=(
            "費用の区分。gpu_compute=GPUリソースの利用料, non_gpu_compute=GPU以外の計算リソース利用料, "
            "data_preparation=データ整備費, equipment=AI用の電子計算機の導入等の費用（設備）, other=その他"
        )
    )
    amount: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False, description="金額（currency の単位、税の扱いは申請書に従う）")
    currency: Currency = Field("JPY", description="通貨。JPY以外は為替想定（jpy_per_usd / jpy_per_eur）が必須")
    outsourced: bool | None = Field(None, description="data_preparation の場合、外注費かどうか（データ整備費は外注費に限り対象）")
    from_academic_institution: bool = Field(
        False, description="計算リソースを学術機関等（国公立研究機関、国立大学法人等）から調達する場合 true"
    )


class SubsidyAmountInput(ApplicantFacts):
    programme: str = programme_field()
    items: list[CostItem] = Field(min_length=1, max_length=50, description="費用の内訳（区分ごと）")
    rate: str | None = Field(
        None,
        max_length=20,
        description="補助率・助成率が既に分かっている場合に文書どおりの表記で指定（例: ai-compute-infra: 1/2以内・1/3以内, geniac: 1/2・定額）。省略時は申請者の事実から判定",
        json_schema_extra=_all_rate_labels,
    )
    jpy_per_usd: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False, description="為替想定: 1米ドルあたりの円")
    jpy_per_eur: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False, description="為替想定: 1ユーロあたりの円")
    cap_jpy: int | None = Field(
        None, ge=0, le=MAX_AMOUNT, description="補助額・助成額の上限（円）。文書の時点で上限額は未定なので、分かっている場合のみ指定"
    )

    @field_validator("programme")
    @classmethod
    def _served(cls, v: str) -> str:
        return programme_arg.check(v, "amounts")

    @model_validator(mode="after")
    def _check(self) -> SubsidyAmountInput:
        prog = programme_arg.get(self.programme)
        labels = list(prog.rates.labels) if prog.rates else []
        if self.rate is not None and self.rate not in labels:
            raise PydanticCustomError(
                "contradiction",
                "rate「{rate}」は{prog}の区分にありません。指定できるのは {allowed} です（省略すると申請者の事実から判定します）。",
                {"rate": self.rate, "prog": prog.names.official, "allowed": "・".join(labels)},
            )
        for i, item in enumerate(self.items):
            if item.currency == "USD" and self.jpy_per_usd is None:
                raise PydanticCustomError(
                    "missing_fx",
                    "items[{i}] は米ドル建てです。為替想定 jpy_per_usd（1ドルあたりの円、例: 150）を指定してください"
                    "（文書は為替想定の明記を求めています）。",
                    {"i": i},
                )
            if item.currency == "EUR" and self.jpy_per_eur is None:
                raise PydanticCustomError(
                    "missing_fx",
                    "items[{i}] はユーロ建てです。為替想定 jpy_per_eur（1ユーロあたりの円）を指定してください"
                    "（文書は為替想定の明記を求めています）。",
                    {"i": i},
                )
            if item.outsourced is not None and item.category != "data_preparation":
                raise PydanticCustomError(
                    "contradiction",
                    "items[{i}].outsourced はデータ整備費（category=data_preparation）にだけ指定できます。",
                    {"i": i},
                )
        facts_rate = decide_rate(self.programme, self)
        if self.rate is not None and facts_rate.status == "determined" and facts_rate.rate != self.rate:
            raise PydanticCustomError(
                "contradiction",
                "指定された rate「{given}」と、申請者の事実から判定される「{derived}」が食い違っています。"
                "rate を省略するか、申請者の事実を見直してください。",
                {"given": self.rate, "derived": facts_rate.rate},
            )
        return self


class ItemResult(BaseModel):
    index: int
    category: Category
    category_ja: str
    amount: str = Field(description="入力された金額と通貨")
    amount_jpy: int = Field(description="円換算額（1円未満切り捨て）")
    status: ItemStatus = Field(
        description="eligible=対象, ineligible=対象外, unclear=事実が不足, rate_not_stated=対象だが助成率の記載なし"
    )
    reason_ja: str


class Scenario(BaseModel):
    condition_ja: str
    label_ja: str = Field("", description="条件の短い呼び名")
    rate: str
    max_subsidy_jpy: int
    max_subsidy_ja: str


class SubsidyAmountResult(ToolOutput):
    programme: str
    programme_ja: str
    rate_status: RateStatus
    rate: str | None
    items: list[ItemResult]
    eligible_total_jpy: int = Field(description="補助率・助成率を適用する対象経費の合計（円、1円未満切り捨て）")
    eligible_total_ja: str
    max_subsidy_jpy: int | None = Field(description="補助額・助成額の最大（円）。率が決まらない場合は null")
    max_subsidy_ja: str | None
    before_cap_jpy: int | None
    cap_jpy: int | None
    cap_applied: bool
    rounding: str
    exchange_assumptions: list[str]
    missing_facts: list[MissingFact] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list, description="率が未決定のとき、条件ごとの最大額")


def _rules(programme: str) -> AmountRules:
    rules = programme_arg.get(programme).amounts
    if rules is None:
        raise ValueError(f"programme {programme!r} has no amount rules")
    return rules


def _classify(rules: AmountRules, item: CostItem) -> tuple[ItemStatus, str, list[Cited]]:
    """The first item rule of the programme file that matches the cost item."""
    for r in rules.items:
        if r.matches(item.category, item.outsourced, item.from_academic_institution):
            return r.status, r.reason.format(category=CATEGORY_JA[item.category]), [r, *r.also_cite]
    raise LookupError(item.category)  # unreachable: the schema requires a last rule for any cost


def _apply(programme: str, rate: str, eligible: Fraction) -> int:
    fraction = rate_fraction(rate, programme)
    # 定額: the documents give no fraction; the upper bound is the eligible cost itself.
    return int(eligible) if fraction is None else int(eligible * fraction)  # int() floors for ≥ 0


def subsidy_amount(args: SubsidyAmountInput) -> SubsidyAmountResult:
    """費用区分ごとの対象経費から、補助額・助成額の最大を円単位の整数（1円未満切り捨て）で計算します。

    対象となる費用区分は制度ファイルの規則に従います（例: ai-compute-infra は電子計算機の導入等に係る費用
    （equipment）、geniac は計算リソース利用料（GPU・GPU以外）とデータ整備費（外注費に限る））。対象外・要確認の費用は
    除外した上で理由を示します。
    外貨建ての費用は為替想定（jpy_per_usd / jpy_per_eur）が必須です。補助率は rate で指定するか、
    申請者の事実（org_kind, employees, deemed_large_enterprise, tokutei_jigyosha）から判定します。
    上限額は文書の時点で未定のため、cap_jpy は分かっている場合のみ指定してください。
    """
    prog = args.programme
    rules = _rules(prog)
    programme = programme_arg.get(prog)
    fx_used: dict[str, float] = {}
    items: list[ItemResult] = []
    quotes: list[Cited] = []
    eligible = Fraction(0)
    for i, item in enumerate(args.items):
        raw = exact(item.amount)
        if item.currency == "JPY":
            jpy = raw
            shown = f"{number(raw)}円"
        else:
            per = args.jpy_per_usd if item.currency == "USD" else args.jpy_per_eur
            assert per is not None  # guaranteed by the input validator
            fx_used[item.currency] = per
            jpy = raw * exact(per)
            shown = f"{number(raw)}{CURRENCY_JA[item.currency]}"
        status, reason, qs = _classify(rules, item)
        quotes += qs
        if status == "eligible":
            eligible += jpy
        items.append(
            ItemResult(
                index=i,
                category=item.category,
                category_ja=CATEGORY_JA[item.category],
                amount=shown,
                amount_jpy=int(jpy),
                status=status,
                reason_ja=reason,
            )
        )
    if fx_used:
        quotes.append(rules.exchange_rate)
    fx_text = [f"1{CURRENCY_JA[c]}={number(v)}円" for c, v in fx_used.items()]

    if args.rate is not None:
        decision_status: RateStatus = "determined"
        rate: str | None = args.rate
        basis = f"指定された{rate_phrase(args.rate, prog)}を適用しました。"
        decision_notes: list[str] = []
        missing: list[str] = []
        candidates: list[RateCandidate] = []
    else:
        d = decide_rate(prog, args)
        decision_status, rate, basis = d.status, d.rate, d.basis_ja
        decision_notes, missing, candidates = d.notes, d.missing, d.candidates
    quotes += rate_quotes(prog)

    eligible_yen = int(eligible)
    before_cap = _apply(prog, rate, eligible) if rate else None
    max_subsidy = before_cap
    cap_applied = False
    if before_cap is not None and args.cap_jpy is not None and before_cap > args.cap_jpy:
        max_subsidy, cap_applied = args.cap_jpy, True
    scenarios = []
    if rate is None:
        for c in candidates:
            amount = _apply(prog, c.rate, eligible)
            if args.cap_jpy is not None:
                amount = min(amount, args.cap_jpy)
            scenarios.append(Scenario(condition_ja=c.condition_ja, label_ja=c.label_ja, rate=c.rate,
                                      max_subsidy_jpy=amount, max_subsidy_ja=yen(amount)))

    p = programme.names.official
    noun, rate_noun = rules.noun, programme.rates.noun if programme.rates else ""
    parts = [f"{p}の対象経費は{yen(eligible_yen)}です" + (f"（為替想定: {'、'.join(fx_text)}）。" if fx_text else "。")]
    excluded = [it for it in items if it.status != "eligible"]
    if excluded:
        parts.append(
            "計算に含めていない費用: "
            + "、".join(f"{it.category_ja} {it.amount}（{_STATUS_JA[it.status]}）" for it in excluded)
            + "。"
        )
    label = programme.rates.labels[rate] if rate and programme.rates else None
    if label is not None and label.fraction is None and max_subsidy is not None:
        parts.append(
            f"{rate_noun}は{rate_phrase(rate, prog)}で、{noun}は最大で対象経費の全額{yen(max_subsidy)}です。"  # type: ignore[arg-type]
            + (label.amount_note or "")
        )
    elif rate and label is not None and max_subsidy is not None:
        f = label.as_fraction()
        parts.append(
            f"{rate_phrase(rate, prog)}を適用すると、{noun}は最大{yen(max_subsidy)}です"
            f"（{yen(eligible_yen)}×{f.numerator}/{f.denominator}、{ROUNDING_JA}）。"  # type: ignore[union-attr]
        )
        if label.amount_note:
            parts.append(label.amount_note)
    else:
        parts.append(
            f"{rate_noun}が確定しないため最大額は決められません（{basis.rstrip('。')}）。"
            + "".join(f"{s.condition_ja}なら最大{s.max_subsidy_ja}。" for s in scenarios)
        )
    if cap_applied:
        parts.append(f"指定された上限{yen(args.cap_jpy or 0)}を適用しました（上限適用前は{yen(before_cap or 0)}）。")
    caveats = list(decision_notes)
    if args.cap_jpy is None:
        caveats.append(rules.cap.caveat)
    if fx_text:
        caveats.append(f"外貨建ての費用は為替想定（{'、'.join(fx_text)}）で換算しました。申請書にも為替想定を明記する必要があります。")
    caveats += rate_caveats(prog)
    return SubsidyAmountResult(
        programme=prog,
        programme_ja=p,
        rate_status=decision_status,
        rate=rate,  # type: ignore[arg-type]
        items=items,
        eligible_total_jpy=eligible_yen,
        eligible_total_ja=yen(eligible_yen),
        max_subsidy_jpy=max_subsidy,
        max_subsidy_ja=yen(max_subsidy) if max_subsidy is not None else None,
        before_cap_jpy=before_cap,
        cap_jpy=args.cap_jpy,
        cap_applied=cap_applied,
        rounding=f"対象経費の合計（円換算）に率を乗じ、{ROUNDING_JA}。",
        exchange_assumptions=fx_text,
        missing_facts=missing_facts(missing),
        scenarios=scenarios,
        explanation="".join(parts),
        caveats=caveats,
        citations=cites(*quotes),
    )


_STATUS_JA = {"ineligible": "対象外", "unclear": "要確認", "rate_not_stated": "助成率の記載なし", "eligible": "対象"}
