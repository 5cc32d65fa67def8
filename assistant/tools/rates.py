"""subsidy_rate: the subsidy/grant rate for a programme and the applicant's facts, as the documents state it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.domain.programmes import ACADEMIC_KINDS, Cited, OrgKind, Programme, RateRules
from assistant.tools import programme_arg
from assistant.tools.results import STRICT, ToolOutput, cites

__all__ = ["ApplicantFacts", "OrgKind", "SubsidyRateInput", "SubsidyRateResult", "decide_rate", "subsidy_rate"]

ORG_JA: dict[str, str] = {
    "company": "企業（株式会社等）",
    "university": "大学（国立大学法人・公立大学法人・私立大学）",
    "kosen": "高等専門学校",
    "national_rd_agency": "国立研究開発法人",
    "incorporated_administrative_agency": "独立行政法人（国立研究開発法人以外）",
    "local_incorporated_administrative_agency": "地方独立行政法人（公立大学法人を除く）",
    "public_research_institute": "国公立研究機関",
    "other_corporation": "その他の法人（一般社団法人等）",
}

FACT_QUESTIONS: dict[str, str] = {
    "org_kind": "申請者の組織の種類（企業、大学、高等専門学校、国立研究開発法人、独立行政法人、地方独立行政法人、国公立研究機関、その他の法人）",
    "employees": "常時使用する従業員数（単体）",
    "deemed_large_enterprise": "みなし大企業に該当するかどうか",
    "tokutei_jigyosha": "中小企業等経営強化法に基づく特定事業者に該当するかどうか",
}


class ApplicantFacts(BaseModel):
    """The applicant facts the rate rules use; unknown facts stay None and are reported, never guessed."""

    model_config = STRICT

    org_kind: OrgKind | None = Field(
        None,
        description=(
            "申請者の組織の種類。company=企業, university=大学（国立大学法人・公立大学法人・私立大学）, "
            "kosen=高等専門学校, national_rd_agency=国立研究開発法人, incorporated_administrative_agency=独立行政法人"
            "（国立研究開発法人以外）, local_incorporated_administrative_agency=地方独立行政法人, "
            "public_research_institute=国公立研究機関, other_corporation=その他の法人。不明なら省略"
        ),
    )
    employees: int | None = Field(
        None, ge=0, le=5_000_000, description="常時使用する従業員数（単体、人）。不明なら省略"
    )
    deemed_large_enterprise: bool | None = Field(
        None, description="みなし大企業（大企業の実質的な支配下にある中小企業）に該当するか。不明なら省略"
    )
    tokutei_jigyosha: bool | None = Field(
        None, description="中小企業等経営強化法に基づく特定事業者に該当するか。不明なら省略"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ApplicantFacts:
        kind = self.org_kind
        if kind is not None and kind != "company" and self.deemed_large_enterprise:
            raise PydanticCustomError(
                "contradiction",
                "みなし大企業は企業についての区分です。組織の種類（org_kind）が「{kind}」の場合は "
                "deemed_large_enterprise を指定しないでください（企業なら org_kind を company にしてください）。",
                {"kind": ORG_JA[kind]},
            )
        if kind in ACADEMIC_KINDS and self.tokutei_jigyosha:
            raise PydanticCustomError(
                "contradiction",
                "「{kind}」は学術機関等として扱われ、中小企業等経営強化法の特定事業者とは別の区分です。"
                "org_kind と tokutei_jigyosha のどちらかを見直してください。",
                {"kind": ORG_JA[kind]},
            )
        return self


def programme_field() -> Any:
    return Field(
        description="制度（ai-compute-infra, geniac など、公募ごとの制度ID）",
        json_schema_extra=programme_arg.schema_enum("rates"),
    )


class SubsidyRateInput(ApplicantFacts):
    programme: str = programme_field()

    @field_validator("programme")
    @classmethod
    def _served(cls, v: str) -> str:
        return programme_arg.check(v, "rates")


class MissingFact(BaseModel):
    field: str = Field(description="不足している入力項目名")
    question_ja: str = Field(description="申請者に確認すべき事項")


class RateCandidate(BaseModel):
    condition_ja: str
    rate: str
    label_ja: str = Field("", description="条件の短い呼び名（回答の一文目で使う）")


RateStatus = Literal["determined", "needs_more_facts", "not_stated_in_documents"]


class RateDecision(BaseModel):
    """Internal outcome shared by subsidy_rate and subsidy_amount."""

    status: RateStatus
    rate: str | None = None
    basis_ja: str
    missing: list[str] = Field(default_factory=list)
    candidates: list[RateCandidate] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _rules(programme: str) -> RateRules:
    rules = programme_arg.get(programme).rates
    if rules is None:
        raise ValueError(f"programme {programme!r} has no rate rules")
    return rules


def decide_rate(programme: str, facts: ApplicantFacts) -> RateDecision:
    """The outcome of the one rate rule of ``programme`` that applies to ``facts`` (the programme file's rules)."""
    rules = _rules(programme)
    known = facts.model_dump(include={"org_kind", "employees", "deemed_large_enterprise", "tokutei_jigyosha"})
    rule = rules.decide(known)
    values = {"org": ORG_JA.get(facts.org_kind or "", ""), "employees": facts.employees}
    candidates = [
        RateCandidate(condition_ja=c.condition, rate=c.rate, label_ja=c.label)
        for c in (rules.candidates[cid] for cid in rule.candidates)
    ]
    notes = [n.text for n in rules.notes if n.matches(known)] + list(rule.notes)
    return RateDecision(
        status=rule.status,
        rate=rule.rate,
        basis_ja=rule.basis.format_map(values),
        missing=[f for f in rule.missing if known.get(f) is None],
        candidates=candidates,
        notes=notes,
    )


def rate_quotes(programme: str) -> list[Cited]:
    return list(_rules(programme).citations)


def rate_caveats(programme: str) -> list[str]:
    return [c.text for c in _rules(programme).caveats]


def rate_phrase(rate: str, programme: str) -> str:
    return _rules(programme).phrase(rate)


def rate_fraction(rate: str, programme: str) -> Fraction | None:
    return _rules(programme).labels[rate].as_fraction()


class SubsidyRateResult(ToolOutput):
    programme: str
    programme_ja: str
    status: RateStatus = Field(description="determined=決定, needs_more_facts=事実が不足, not_stated_in_documents=文書に定めなし")
    rate: str | None = Field(description="文書どおりの表記の補助率・助成率（決定できた場合）")
    rate_fraction: str | None = Field(description="分数（定額・未決定の場合は null）")
    rate_ja: str | None
    basis_ja: str
    missing_facts: list[MissingFact] = Field(default_factory=list)
    candidates: list[RateCandidate] = Field(default_factory=list)


def missing_facts(names: list[str]) -> list[MissingFact]:
    return [MissingFact(field=n, question_ja=FACT_QUESTIONS[n]) for n in names]


def subsidy_rate(args: SubsidyRateInput) -> SubsidyRateResult:
    """補助率・助成率を、制度と申請者の事実（組織の種類、常時使用する従業員数（単体）、みなし大企業か、特定事業者か）から文書どおりに判定します。

    制度ごとの区分（例: ai-compute-infra は中堅・中小企業等が1/2以内・大企業等が1/3以内、geniac は特定事業者・
    学術機関等が定額・それ以外の企業が1/2）は制度ファイルの規則に従います。
    判定に必要な事実が欠けている場合は推測せず、不足している項目と条件ごとの候補を返します。
    """
    prog: Programme = programme_arg.get(args.programme)
    rules = _rules(args.programme)
    d = decide_rate(args.programme, args)
    name = prog.names.official
    word = rules.noun
    mf = missing_facts(d.missing)
    if d.status == "determined" and d.rate:
        text = f"{name}の{word}は{rules.phrase(d.rate)}です。{d.basis_ja}" + (rules.labels[d.rate].rate_note or "")
    elif d.status == "needs_more_facts":
        asks = "、".join(m.question_ja for m in mf)
        options = "、".join(f"{c.condition_ja}なら{rules.phrase(c.rate)}" for c in d.candidates)
        text = f"{name}の{word}を決めるには、{asks}が必要です。{d.basis_ja}{options}です。"
    else:
        options = "、".join(f"{c.condition_ja}は{rules.phrase(c.rate)}" for c in d.candidates)
        text = f"{name}について、文書からは{word}を確定できません。{d.basis_ja}" + (f"{options}です。" if options else "")
        text += "公募要領または問い合わせ先で確認してください。"
    label = rules.labels[d.rate] if d.rate else None
    return SubsidyRateResult(
        programme=args.programme,
        programme_ja=name,
        status=d.status,
        rate=d.rate,
        rate_fraction=label.fraction if label else None,
        rate_ja=label.words if label else None,
        basis_ja=d.basis_ja,
        missing_facts=mf,
        candidates=d.candidates,
        explanation=text,
        caveats=d.notes + rate_caveats(args.programme),
        citations=cites(*rate_quotes(args.programme)),
    )
