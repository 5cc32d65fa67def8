"""programme_schedule: the dates the documents give and, for a date, whether each window is open or closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from assistant.tools import quotes as Q
from assistant.tools.common import STRICT, ToolOutput, cites

Status = Literal["open", "closed", "not_yet_open", "provisional", "end_not_stated"]
Kind = Literal["presurvey_window", "call", "committee", "development_period", "rd_period"]
STATUS_JA = {
    "open": "受付中・期間中",
    "closed": "終了",
    "not_yet_open": "開始前",
    "provisional": "予定として告知（未確定）",
    "end_not_stated": "開始済み（終了時期は文書に記載なし）",
}


class ScheduleEntry(BaseModel):
    programme: Literal["ai-compute-infra", "geniac"]
    doc: str
    kind: Kind
    label_ja: str
    stated_ja: str = Field(description="文書の記載（そのまま）")
    start: date | None
    end: date | None
    exact: bool = Field(description="日付まで確定した記載か（false は予定・想定・月単位の記載）")
    interpretation_ja: str = Field(description="日付への読み替え方（仮定を含む）")
    status: Status
    status_ja: str


@dataclass(frozen=True)
class _Row:
    programme: Literal["ai-compute-infra", "geniac"]
    quote: Q.Quote
    kind: Kind
    label_ja: str
    stated_ja: str
    start: date | None
    end: date | None
    exact: bool
    interpretation_ja: str


_ROWS: list[_Row] = [
    _Row(
        programme="ai-compute-infra",
        quote=Q.INFRA_WINDOW,
        kind="presurvey_window",
        label_ja="事前調査の実施期間（提出期間）",
        stated_ja="2023年12月26日から2024年1月17日まで",
        start=date(2023, 12, 26),
        end=date(2024, 1, 17),
        exact=True,
        interpretation_ja="文書記載の日付どおり。",
    ),
    _Row(
        programme="ai-compute-infra",
        quote=Q.INFRA_CALL,
        kind="call",
        label_ja="供給確保計画の公募（想定）",
        stated_ja="来年2月から3月にかけて公募を行い",
        start=date(2024, 2, 1),
        end=date(2024, 3, 31),
        exact=False,
        interpretation_ja="「来年」は文書の公表時期（2023年12月）から2024年と読みました。時期は確定していないと明記されています。",
    ),
    _Row(
        programme="ai-compute-infra",
        quote=Q.INFRA_CALL,
        kind="committee",
        label_ja="第三者委員会（想定）",
        stated_ja="3月に第三者委員会を実施することを想定",
        start=date(2024, 3, 1),
        end=date(2024, 3, 31),
        exact=False,
        interpretation_ja="2024年3月と読みました（想定であり確定していません）。",
    ),
    _Row(
        programme="geniac",
        quote=Q.GENIAC_WINDOW,
        kind="presurvey_window",
        label_ja="事前調査の実施期間（提出期間）",
        stated_ja="2023年9月22日から2023年10月11日まで",
        start=date(2023, 9, 22),
        end=date(2023, 10, 11),
        exact=True,
        interpretation_ja="文書記載の日付どおり。",
    ),
    _Row(
        programme="geniac",
        quote=Q.GENIAC_CALL,
        kind="call",
        label_ja="NEDOによる公募の開始（予定）",
        stated_ja="10月下旬（予定）からNEDOより公募",
        start=date(2023, 10, 21),
        end=None,
        exact=False,
        interpretation_ja="文書の公表時期（2023年9月）から2023年10月下旬（21日以降）と読みました。公募の締切は文書に記載がありません。",
    ),
    _Row(
        programme="geniac",
        quote=Q.GENIAC_DEV_PERIOD,
        kind="development_period",
        label_ja="基盤モデル開発の実施期間（予定）",
        stated_ja="2024年1月頃から半年間",
        start=date(2024, 1, 1),
        end=date(2024, 6, 30),
        exact=False,
        interpretation_ja="2024年1月1日から6月30日までとして扱いました（「頃」「予定」のため前後します）。",
    ),
    _Row(
        programme="geniac",
        quote=Q.CR_RD_PERIOD,
        kind="rd_period",
        label_ja="研究開発期間・GPUリソースの利用期間（予定）",
        stated_ja="10月中旬（P）から6ヶ月の予定",
        start=date(2024, 10, 11),
        end=date(2025, 4, 20),
        exact=False,
        interpretation_ja=(
            "文書（計算リソースについて）には年の記載がありません。文書の公表年（2024年）から2024年10月中旬〜2025年4月中旬と"
            "仮定しました（Pは仮の意味）。"
        ),
    ),
]


class ProgrammeScheduleInput(BaseModel):
    model_config = STRICT

    programme: Literal["ai-compute-infra", "geniac", "all"] = Field(
        "all", description="制度。ai-compute-infra=AI用電子計算機の整備への補助, geniac=生成AI基盤モデル開発の助成, all=両方"
    )
    on_date: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="判定する日付（YYYY-MM-DD）。省略すると今日",
    )

    @field_validator("on_date")
    @classmethod
    def _real_date(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                date.fromisoformat(v)
            except ValueError:
                raise PydanticCustomError(
                    "date", "on_date「{v}」は存在しない日付です。YYYY-MM-DD 形式の実在する日付を指定してください。", {"v": v}
                ) from None
        return v


class ProgrammeScheduleResult(ToolOutput):
    on_date: date
    entries: list[ScheduleEntry]
    all_closed: bool = Field(description="日付の定まった期間がすべて終了しているか")
    where_to_check_ja: str


def _status(row: _Row, d: date) -> Status:
    if row.start and d < row.start:
        return "not_yet_open" if row.exact else "provisional"
    if row.end is None:
        return "end_not_stated"
    if d > row.end:
        return "closed"
    return "open" if row.exact else "provisional"


def programme_schedule(args: ProgrammeScheduleInput, today: date | None = None) -> ProgrammeScheduleResult:
    """各文書に記載された日程（事前調査の実施期間、公募の想定時期、開発期間・研究開発期間）と、指定日（省略時は今日）時点で
    それぞれが受付中・終了・予定（未確定）のどれかを返します。

    文書は2023〜2024年のもので、記載された受付期間はすでに終了しています。最新の公募情報の確認先も返します。
    """
    d = date.fromisoformat(args.on_date) if args.on_date else (today or date.today())
    rows = [r for r in _ROWS if args.programme in ("all", r.programme)]
    entries = []
    for r in rows:
        s = _status(r, d)
        entries.append(
            ScheduleEntry(
                programme=r.programme,
                doc=r.quote.doc,
                kind=r.kind,
                label_ja=r.label_ja,
                stated_ja=r.stated_ja,
                start=r.start,
                end=r.end,
                exact=r.exact,
                interpretation_ja=r.interpretation_ja,
                status=s,
                status_ja=STATUS_JA[s],
            )
        )
    dated = [e for e in entries if e.end is not None]
    all_closed = all(e.status == "closed" for e in dated)
    where = []
    quotes = [r.quote for r in rows]
    if args.programme in ("all", "geniac"):
        where.append("GENIAC（生成AI基盤モデル開発の助成）はNEDOの公募要領")
        quotes.append(Q.GENIAC_DETAILS)
    if args.programme in ("all", "ai-compute-infra"):
        where.append("AI用の電子計算機の整備への補助は経済産業省がその後公表する公募要領")
        quotes.append(Q.INFRA_DETAILS)
    where_ja = "最新の日程・条件は、" + "、".join(where) + "で確認してください（各文書も詳細は今後公表される公募要領等を確認するよう案内しています）。"

    lines = [f"{e.label_ja}「{e.stated_ja}」: {e.status_ja}" for e in entries]
    head = f"{d.isoformat()}時点の日程です。"
    if all_closed:
        head += "文書は2023〜2024年のもので、記載された期間はすべて終了しています（現在受け付けているものはありません）。"
    else:
        head += "（一部は予定・未確定の記載です。）"
    explanation = head + " / ".join(lines) + "。" + where_ja
    caveats = [
        "月単位・「頃」「予定」「想定」「P（仮）」の記載は確定した日付ではありません。",
        "GENIACの公募の締切と、計算リソースの研究開発期間の年は文書に記載がありません。",
    ]
    return ProgrammeScheduleResult(
        on_date=d,
        entries=entries,
        all_closed=all_closed,
        where_to_check_ja=where_ja,
        explanation=explanation,
        caveats=caveats,
        citations=cites(*quotes),
    )

