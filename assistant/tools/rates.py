"""subsidy_rate: the subsidy/grant rate for a programme and the applicant's facts, as the documents state it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from assistant.tools import quotes as Q
from assistant.tools.common import (
    PROGRAMME_DESCRIPTION,
    PROGRAMME_JA,
    RATE_FRACTION,
    RATE_WORDS,
    STRICT,
    Programme,
    RateLabel,
    ToolOutput,
    cites,
)

INFRA_SME_MAX_EMPLOYEES = 2000  # 「常時使用する従業員数（単体）が2,000人以下」: 2,000 itself qualifies

OrgKind = Literal[
    "company",
    "university",
    "kosen",
    "national_rd_agency",
    "incorporated_administrative_agency",
    "local_incorporated_administrative_agency",
    "public_research_institute",
    "other_corporation",
]
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
_ACADEMIC_KINDS = {
    "university",
    "kosen",
    "national_rd_agency",
    "incorporated_administrative_agency",
    "local_incorporated_administrative_agency",
    "public_research_institute",
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
        if kind in _ACADEMIC_KINDS and self.tokutei_jigyosha:
            raise PydanticCustomError(
                "contradiction",
                "「{kind}」は学術機関等として扱われ、中小企業等経営強化法の特定事業者とは別の区分です。"
                "org_kind と tokutei_jigyosha のどちらかを見直してください。",
                {"kind": ORG_JA[kind]},
            )
        return self


class SubsidyRateInput(ApplicantFacts):
    programme: Programme = Field(description=PROGRAMME_DESCRIPTION)


class MissingFact(BaseModel):
    field: str = Field(description="不足している入力項目名")
    question_ja: str = Field(description="申請者に確認すべき事項")


class RateCandidate(BaseModel):
    condition_ja: str
    rate: RateLabel
    label_ja: str = Field("", description="条件の短い呼び名（回答の一文目で使う）")


RateStatus = Literal["determined", "needs_more_facts", "not_stated_in_documents"]


class RateDecision(BaseModel):
    """Internal outcome shared by subsidy_rate and subsidy_amount."""

    status: RateStatus
    rate: RateLabel | None = None
    basis_ja: str
    missing: list[str] = Field(default_factory=list)
    candidates: list[RateCandidate] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _infra(f: ApplicantFacts) -> RateDecision:
    kind = f.org_kind
    one = "①国立研究開発法人等・大学等・地方独立行政法人・中堅・中小企業"
    if kind is None:
        return RateDecision(
            status="needs_more_facts",
            basis_ja="補助率は組織の種類と規模で決まります。",
            missing=["org_kind"],
            candidates=[
                RateCandidate(condition_ja=f"{one}（企業は従業員数（単体）2,000人以下、みなし大企業を除く）", rate="1/2以内",
                              label_ja="大学・国立研究開発法人等や中堅・中小企業"),
                RateCandidate(condition_ja="②大企業その他の①以外の法人", rate="1/3以内", label_ja="大企業その他の法人"),
            ],
        )
    if kind in ("university", "national_rd_agency", "local_incorporated_administrative_agency"):
        return RateDecision(status="determined", rate="1/2以内", basis_ja=f"{ORG_JA[kind]}は{one}に当たります。")
    if kind in ("kosen", "incorporated_administrative_agency", "public_research_institute"):
        return RateDecision(
            status="not_stated_in_documents",
            basis_ja=(
                f"{ORG_JA[kind]}は①に明記されていません。①の「国立研究開発法人等」「大学等」の「等」に含まれるかは"
                "文書に定義がありません。"
            ),
            candidates=[
                RateCandidate(condition_ja="①の「国立研究開発法人等」「大学等」に含まれる場合", rate="1/2以内",
                              label_ja="①の「国立研究開発法人等」「大学等」に含まれる場合"),
                RateCandidate(condition_ja="①に含まれない場合（②その他の①以外の法人）", rate="1/3以内", label_ja="含まれない場合"),
            ],
        )
    if kind == "other_corporation":
        return RateDecision(
            status="determined",
            rate="1/3以内",
            basis_ja="①に列挙されていない法人は「②大企業その他の①以外の法人」に当たります。",
            notes=["①の「国立研究開発法人等」「大学等」の「等」の範囲は文書に定義がないため、公募要領で確認してください。"],
        )
    # company
    notes = []
    if f.tokutei_jigyosha is not None:
        notes.append("この補助の補助率は特定事業者かどうかでは変わりません（文書の区分は従業員数とみなし大企業です）。")
    if f.deemed_large_enterprise:
        return RateDecision(
            status="determined",
            rate="1/3以内",
            basis_ja="みなし大企業は①の中堅・中小企業から除かれるため、②大企業その他の①以外の法人に当たります。",
            notes=notes,
        )
    if f.employees is not None and f.employees > INFRA_SME_MAX_EMPLOYEES:
        return RateDecision(
            status="determined",
            rate="1/3以内",
            basis_ja=f"常時使用する従業員数（単体）が{f.employees:,}人で2,000人を超えるため、②大企業に当たります。",
            notes=notes,
        )
    if f.employees is not None and f.deemed_large_enterprise is False:
        return RateDecision(
            status="determined",
            rate="1/2以内",
            basis_ja=(
                f"常時使用する従業員数（単体）が{f.employees:,}人（2,000人以下）で、みなし大企業に該当しないため、"
                "①中堅・中小企業に当たります。"
            ),
            notes=notes,
        )
    missing = []
    if f.employees is None:
        missing.append("employees")
    if f.deemed_large_enterprise is None:
        missing.append("deemed_large_enterprise")
    return RateDecision(
        status="needs_more_facts",
        basis_ja="企業の補助率は、常時使用する従業員数（単体）とみなし大企業に該当するかで決まります。",
        missing=missing,
        candidates=[
            RateCandidate(condition_ja="従業員数（単体）2,000人以下で、みなし大企業に該当しない（①中堅・中小企業）", rate="1/2以内",
                          label_ja="中堅・中小企業"),
            RateCandidate(condition_ja="従業員数（単体）2,000人超、またはみなし大企業（②大企業その他）", rate="1/3以内",
                          label_ja="大企業"),
        ],
        notes=notes,
    )


def _geniac(f: ApplicantFacts) -> RateDecision:
    kind = f.org_kind
    flat = RateCandidate(condition_ja="中小企業等経営強化法に基づく特定事業者、または学術機関等", rate="定額",
                         label_ja="特定事業者・学術機関等")
    half = RateCandidate(condition_ja="特定事業者・学術機関等に該当しない企業", rate="1/2", label_ja="それ以外の企業")
    notes = []
    if f.employees is not None or f.deemed_large_enterprise is not None:
        notes.append("この助成の助成率の区分は特定事業者・学術機関等かどうかで、従業員数やみなし大企業は文書の区分に使われていません。")
    if kind is None:
        if f.tokutei_jigyosha:
            return RateDecision(status="determined", rate="定額", basis_ja="中小企業等経営強化法に基づく特定事業者は定額助成です。", notes=notes)
        return RateDecision(
            status="needs_more_facts",
            basis_ja="助成率は、特定事業者または学術機関等に当たるかで決まります。",
            missing=["org_kind"] + (["tokutei_jigyosha"] if f.tokutei_jigyosha is None else []),
            candidates=[flat, half],
            notes=notes,
        )
    if kind in ("university", "kosen", "incorporated_administrative_agency", "public_research_institute"):
        return RateDecision(
            status="determined", rate="定額", basis_ja=f"{ORG_JA[kind]}は文書が列挙する学術機関等に当たります。", notes=notes
        )
    if kind == "national_rd_agency":
        return RateDecision(
            status="determined",
            rate="定額",
            basis_ja="国立研究開発法人は独立行政法人の一類型（国の研究機関）であり、文書が列挙する学術機関等（国公立研究機関、独立行政法人）に当たります。",
            notes=notes,
        )
    if kind == "local_incorporated_administrative_agency":
        return RateDecision(
            status="not_stated_in_documents",
            basis_ja=(
                "地方独立行政法人は学術機関等の列挙に明記されていません（公立大学法人は「大学」、公設の試験研究機関は"
                "「国公立研究機関」として指定してください）。「これらに準ずる機関」に当たるかは文書に定めがありません。"
            ),
            candidates=[RateCandidate(condition_ja="学術機関等に「準ずる機関」に当たる場合", rate="定額", label_ja="学術機関等に準ずる機関に当たる場合")],
            notes=notes,
        )
    # company or other_corporation
    if f.tokutei_jigyosha:
        return RateDecision(status="determined", rate="定額", basis_ja="中小企業等経営強化法に基づく特定事業者は定額助成です。", notes=notes)
    if f.tokutei_jigyosha is None:
        return RateDecision(
            status="needs_more_facts",
            basis_ja="企業の助成率は、中小企業等経営強化法に基づく特定事業者に当たるかで決まります（文書に特定事業者の定義はありません）。",
            missing=["tokutei_jigyosha"],
            candidates=[flat, half],
            notes=notes,
        )
    if kind == "company":
        return RateDecision(
            status="determined", rate="1/2", basis_ja="特定事業者・学術機関等に該当しない企業は助成率1/2です。", notes=notes
        )
    return RateDecision(
        status="not_stated_in_documents",
        basis_ja="文書は特定事業者・学術機関等（定額）と「これに該当しない企業」（1/2）を定めていますが、企業以外の法人の扱いは明記していません。",
        candidates=[flat, half],
        notes=notes,
    )


def decide_rate(programme: str, facts: ApplicantFacts) -> RateDecision:
    return _infra(facts) if programme == "ai-compute-infra" else _geniac(facts)


def rate_quotes(programme: str) -> list[Q.Quote]:
    if programme == "ai-compute-infra":
        return [Q.INFRA_RATE, Q.INFRA_CAP, Q.INFRA_MAY_CHANGE]
    return [Q.GENIAC_RATE, Q.GENIAC_CAP, Q.GENIAC_MAY_CHANGE]


def rate_caveats(programme: str) -> list[str]:
    if programme == "ai-compute-infra":
        return [
            "補助額には上限が設けられ、上限額は事前調査を踏まえて決定するとされています（文書の時点で未定）。",
            "補助率の区分（従業員数2,000人以下等）の要件は変更の可能性があると明記されています。",
            "これは2023年12月の事前調査資料の記載で、実際の条件は後に公表される公募要領で確認が必要です。",
        ]
    return [
        "事前調査を踏まえて助成額に上限を設ける可能性があると明記されています（上限額は文書に記載なし）。",
        "助成率は計算リソース利用料についての定めです。",
        "これは2023年9月の事前調査資料の記載（現時点の想定で変更の可能性あり）で、実際の条件はNEDOの公募要領で確認が必要です。",
    ]


RATE_NOUN = {"ai-compute-infra": "補助率", "geniac": "助成率"}


def rate_phrase(rate: str) -> str:
    if rate == "定額":
        return "定額（定額助成）"
    return f"{rate}（{RATE_WORDS[rate]}）"


class SubsidyRateResult(ToolOutput):
    programme: Programme
    programme_ja: str
    status: RateStatus = Field(description="determined=決定, needs_more_facts=事実が不足, not_stated_in_documents=文書に定めなし")
    rate: RateLabel | None = Field(description="文書どおりの表記の補助率・助成率（決定できた場合）")
    rate_fraction: str | None = Field(description="分数（定額・未決定の場合は null）")
    rate_ja: str | None
    basis_ja: str
    missing_facts: list[MissingFact] = Field(default_factory=list)
    candidates: list[RateCandidate] = Field(default_factory=list)


def missing_facts(names: list[str]) -> list[MissingFact]:
    return [MissingFact(field=n, question_ja=FACT_QUESTIONS[n]) for n in names]


def subsidy_rate(args: SubsidyRateInput) -> SubsidyRateResult:
    """補助率・助成率を、制度と申請者の事実（組織の種類、常時使用する従業員数（単体）、みなし大企業か、特定事業者か）から文書どおりに判定します。

    ai-compute-infra（AI用の高度な電子計算機の整備への補助）は①国立研究開発法人等・大学等・地方独立行政法人・
    中堅・中小企業（従業員数（単体）2,000人以下、みなし大企業を除く）が1/2以内、②大企業その他が1/3以内。
    geniac（生成AI基盤モデル開発の助成）は特定事業者・学術機関等が定額、それ以外の企業が1/2。
    判定に必要な事実が欠けている場合は推測せず、不足している項目と条件ごとの候補を返します。
    """
    d = decide_rate(args.programme, args)
    prog = PROGRAMME_JA[args.programme]
    word = RATE_NOUN[args.programme]
    mf = missing_facts(d.missing)
    if d.status == "determined" and d.rate:
        text = f"{prog}の{word}は{rate_phrase(d.rate)}です。{d.basis_ja}"
        if d.rate == "定額":
            text += "文書は「定額助成」と記載するのみで、助成額の算定方法は示していません。"
    elif d.status == "needs_more_facts":
        asks = "、".join(m.question_ja for m in mf)
        options = "、".join(f"{c.condition_ja}なら{rate_phrase(c.rate)}" for c in d.candidates)
        text = f"{prog}の{word}を決めるには、{asks}が必要です。{d.basis_ja}{options}です。"
    else:
        options = "、".join(f"{c.condition_ja}は{rate_phrase(c.rate)}" for c in d.candidates)
        text = f"{prog}について、文書からは{word}を確定できません。{d.basis_ja}" + (f"{options}です。" if options else "")
        text += "公募要領または問い合わせ先で確認してください。"
    return SubsidyRateResult(
        programme=args.programme,
        programme_ja=prog,
        status=d.status,
        rate=d.rate,
        rate_fraction=(str(RATE_FRACTION[d.rate].numerator) + "/" + str(RATE_FRACTION[d.rate].denominator))
        if d.rate and RATE_FRACTION[d.rate] is not None
        else None,
        rate_ja=RATE_WORDS[d.rate] if d.rate else None,
        basis_ja=d.basis_ja,
        missing_facts=mf,
        candidates=d.candidates,
        explanation=text,
        caveats=d.notes + rate_caveats(args.programme),
        citations=cites(*rate_quotes(args.programme)),
    )
