"""programme_schedule: the dates the documents give and, for a date, whether each window is open or closed."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.domain.programmes import ALL, Cited, Programme, Window, WindowKind
from assistant.tools import programme_arg
from assistant.tools.results import STRICT, ToolOutput, cites

Status = Literal["open", "closed", "not_yet_open", "provisional", "end_not_stated"]
Kind = WindowKind
STATUS_JA = {
    "open": "受付中・期間中",
    "closed": "終了",
    "not_yet_open": "開始前",
    "provisional": "予定として告知（未確定）",
    "end_not_stated": "開始済み（終了時期は文書に記載なし）",
}


class ScheduleEntry(BaseModel):
    programme: str
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
    length_days: int | None = Field(
        None, description="日付まで確定した期間の日数（開始日と終了日の両方を含む）。月単位・予定の記載は null"
    )
    days_left: int | None = Field(
        None, description="受付中の期間について、判定日から終了日まで（両日を含む）の日数。それ以外は null"
    )
    duration_ja: str | None = Field(None, description="「開始時期＋期間」で書かれた記載の期間（例: 半年間＝6ヶ月）")
    estimated_end_ja: str | None = Field(None, description="「開始時期＋期間」の記載から見積もった終了時期（仮定を含む）")


def _real_date(field: str, v: str | None) -> str | None:
    if v is not None:
        try:
            date.fromisoformat(v)
        except ValueError:
            raise PydanticCustomError(
                "date",
                "{field}「{v}」は存在しない日付です。YYYY-MM-DD 形式の実在する日付を指定してください。",
                {"field": field, "v": v},
            ) from None
    return v


class ProgrammeScheduleInput(BaseModel):
    model_config = STRICT

    programme: str = Field(
        ALL,
        description="制度（ai-compute-infra=AI用電子計算機の整備への補助, geniac=生成AI基盤モデル開発の助成 など）。all=すべて",
        json_schema_extra=programme_arg.schema_enum("schedule", with_all=True),
    )
    on_date: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="判定する日付（YYYY-MM-DD）。利用者が「今日は…」「…時点で」「…に提出」と日付を述べた場合はその日付。省略すると今日",
    )
    notice_date: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="GENIACの採択通知日（YYYY-MM-DD）。指定すると(2)の手法のクラウドベンダーとの契約締結の目安（通知日から1ヶ月程度）を返す",
    )

    @field_validator("programme")
    @classmethod
    def _served(cls, v: str) -> str:
        return programme_arg.check(v, "schedule", with_all=True)

    @field_validator("on_date")
    @classmethod
    def _real_on_date(cls, v: str | None) -> str | None:
        return _real_date("on_date", v)

    @field_validator("notice_date")
    @classmethod
    def _real_notice_date(cls, v: str | None) -> str | None:
        return _real_date("notice_date", v)

    @model_validator(mode="after")
    def _notice_needs_a_contract_rule(self) -> ProgrammeScheduleInput:
        if self.notice_date is None:
            return self
        with_deadline = _with_contract_deadline()
        if self.programme == ALL and with_deadline or self.programme in {p.id for p in with_deadline}:
            return self
        raise PydanticCustomError(
            "contradiction",
            "notice_date（採択通知日）は {names} の契約期限にだけ使います。programme を {ids} にしてください。",
            {
                "names": "、".join(f"{p.names.label} の{p.node_route.label}" for p in with_deadline)  # type: ignore[union-attr]
                or "契約期限の規定がある制度",
                "ids": "".join(f"{p.id} か " for p in with_deadline) + ALL,
            },
        )


class ContractDeadline(BaseModel):
    notice_date: date
    deadline: date = Field(description="採択通知日の1ヶ月後の同じ日（その月にない日は月末）。文書は「1 ヶ月程度内」で目安")
    deadline_ja: str
    basis_ja: str


class ProgrammeScheduleResult(ToolOutput):
    on_date: date
    entries: list[ScheduleEntry]
    all_closed: bool = Field(description="日付の定まった期間がすべて終了しているか")
    where_to_check_ja: str
    contract_deadline: ContractDeadline | None = Field(
        None, description="notice_date を指定した場合の(2)の手法の契約締結の目安"
    )


def ja_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks becomes its last day (1/31 → 2/29)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def inclusive_days(start: date, end: date) -> int:
    """Days from start to end counting both ends (9/22–10/11 → 20)."""
    return (end - start).days + 1


def _estimated_end(row: Window) -> str | None:
    if row.duration is None or row.start is None:
        return None
    if row.start_precision == "month":
        # 「1月頃から半年間」: the months January..June, so the period ends at the end of June.
        last = add_months(row.start.replace(day=1), row.duration.months - 1)
        text = f"{last.year}年{last.month}月末頃"
        if row.start_fuzzy:
            after = add_months(last, 1)
            text += f"（{after.month}月頃）"
        return text
    if row.start_precision == "mid_month":
        end = add_months(row.start.replace(day=15), row.duration.months)
        return f"{end.year}年{end.month}月中旬頃"
    return ja_date(add_months(row.start, row.duration.months))


def _end_note(row: Window, end_ja: str) -> str:
    n = row.duration.months if row.duration else 0
    if row.start_precision == "month" and row.start_fuzzy:
        return (
            f"開始月から{n}ヶ月（開始月を含めて数える）とすると終了は{end_ja}です。"
            "「頃」のため開始がずれると翌月にかかる可能性があります"
        )
    if row.start_precision == "mid_month":
        return f"中旬開始から{n}ヶ月後として、終了は{end_ja}です（P・予定のため前後します）"
    return f"終了は{end_ja}です"


def _with_contract_deadline() -> list[Programme]:
    return [p for p in programme_arg.served() if p.node_route and p.node_route.contract_deadline]


def contract_deadline(notice: date, months: int = 1, stated: str = "1 ヶ月程度内") -> ContractDeadline:
    """A route's contract with the cloud vendor within about ``months`` of the selection notice."""
    deadline = add_months(notice, months)
    return ContractDeadline(
        notice_date=notice,
        deadline=deadline,
        deadline_ja=f"{ja_date(deadline)}頃",
        basis_ja=(
            f"採択通知日（{ja_date(notice)}）から{months}ヶ月後の{ja_date(deadline)}を目安としました。"
            f"文書は「{stated}」と記載しており、厳密な期限日ではありません（翌月に同じ日がない場合は月末としています）。"
        ),
    )


def _status(row: Window, d: date) -> Status:
    if row.start and d < row.start:
        return "not_yet_open" if row.exact else "provisional"
    if row.end is None:
        return "end_not_stated"
    if d > row.end:
        return "closed"
    return "open" if row.exact else "provisional"


def _window_line(e: ScheduleEntry, d: date) -> str:
    """The status sentence of a dated window, with its length and whether a submission on ``d`` is in time."""
    assert e.start is not None and e.end is not None
    text = f"{e.label_ja}「{e.stated_ja}」（開始日と終了日を含めて{e.length_days}日間）: {e.status_ja}"
    if e.status == "open":
        text += f"。{ja_date(d)}は期間内で、間に合います（締切は{ja_date(e.end)}、当日を含めて残り{e.days_left}日）"
    elif e.status == "closed":
        text += f"。締切（{ja_date(e.end)}）を過ぎているため、{ja_date(d)}では間に合いません"
    elif e.status == "not_yet_open":
        text += f"。{ja_date(d)}はまだ受付開始前です（開始は{ja_date(e.start)}）"
    return text


def programme_schedule(args: ProgrammeScheduleInput, today: date | None = None) -> ProgrammeScheduleResult:
    """各文書に記載された日程（事前調査の実施期間、公募の想定時期、開発期間・研究開発期間）と、指定日（省略時は今日）時点で
    それぞれが受付中・終了・予定（未確定）のどれかを返します。

    日付の確定した期間はその日数（両端を含む）と、受付中なら残り日数を返します。「開始時期＋期間」の記載
    （2024年1月頃から半年間、10月中旬（P）から6ヶ月）は終了時期の見積もりを返します。notice_date（採択通知日）を
    指定すると、(2)の手法のクラウドベンダーとの契約締結の目安（通知日から1ヶ月程度）を返します。
    文書は2023〜2024年のもので、記載された受付期間はすでに終了しています。最新の公募情報の確認先も返します。
    """
    d = date.fromisoformat(args.on_date) if args.on_date else (today or date.today())
    progs = [p for p in programme_arg.served().with_schedule() if args.programme in (ALL, p.id)]
    rows = [(p, w) for p in progs for w in p.schedule.windows]  # type: ignore[union-attr]
    entries = []
    for p, r in rows:
        s = _status(r, d)
        dated = r.exact and r.start is not None and r.end is not None
        entries.append(
            ScheduleEntry(
                programme=p.id,
                doc=r.doc,
                kind=r.kind,
                label_ja=r.label,
                stated_ja=r.stated,
                start=r.start,
                end=r.end,
                exact=r.exact,
                interpretation_ja=r.interpretation,
                status=s,
                status_ja=STATUS_JA[s],
                length_days=inclusive_days(r.start, r.end) if dated else None,  # type: ignore[arg-type]
                days_left=inclusive_days(d, r.end) if dated and s == "open" else None,  # type: ignore[arg-type]
                duration_ja=r.duration.text if r.duration else None,
                estimated_end_ja=_estimated_end(r),
            )
        )
    dated_entries = [e for e in entries if e.end is not None]
    all_closed = all(e.status == "closed" for e in dated_entries)
    quotes: list[Cited | None] = [r for _, r in rows]
    where = []
    for p in progs:
        where.append(p.schedule.where_to_check.text)  # type: ignore[union-attr]
        quotes.append(p.schedule.where_to_check)  # type: ignore[union-attr]
    where_ja = "最新の日程・条件は、" + "、".join(where) + "で確認してください（各文書も詳細は今後公表される公募要領等を確認するよう案内しています）。"

    deadline = None
    route_label = stated = ""
    if args.notice_date:
        owner = next(p for p in _with_contract_deadline() if args.programme in (ALL, p.id))
        route = owner.node_route
        assert route is not None and route.contract_deadline is not None  # checked by the input validator
        stated = route.contract_deadline.stated
        deadline = contract_deadline(date.fromisoformat(args.notice_date), route.contract_deadline.months, stated)
        route_label = route.label
        quotes.insert(0, route.contract_deadline)

    lines = []
    for e, (p, r) in zip(entries, rows):
        if e.length_days is not None:
            line = _window_line(e, d)
        elif e.estimated_end_ja is not None:
            line = f"{e.label_ja}「{e.stated_ja}」: {e.status_ja}。{_end_note(r, e.estimated_end_ja)}"
        else:
            line = f"{e.label_ja}「{e.stated_ja}」: {e.status_ja}"
        lines.append((f"【{p.names.label}】" if args.programme == ALL else "") + line)
    head = ""
    if deadline is not None:
        head += (
            f"{route_label}を選ぶ場合、クラウドベンダーとの契約は採択通知日（{ja_date(deadline.notice_date)}）から"
            f"{stated.replace(' ', '')}、"
            f"つまり{deadline.deadline_ja}までに締結する必要があります（「程度」のため目安です）。"
        )
    head += f"{ja_date(d)}時点の日程です。"
    if all_closed:
        head += "".join(dict.fromkeys(p.schedule.all_closed for p in progs))  # type: ignore[union-attr]
    else:
        head += "（一部は予定・未確定の記載です。）"
    explanation = head + " / ".join(lines) + "。" + where_ja
    caveats = ["月単位・「頃」「予定」「想定」「P（仮）」の記載は確定した日付ではありません。"]
    caveats += [c.text for p in progs for c in p.schedule.caveats]  # type: ignore[union-attr]
    if deadline is not None:
        caveats.insert(0, deadline.basis_ja)
    return ProgrammeScheduleResult(
        on_date=d,
        entries=entries,
        all_closed=all_closed,
        where_to_check_ja=where_ja,
        contract_deadline=deadline,
        explanation=explanation,
        caveats=caveats,
        citations=cites(*quotes),
    )
