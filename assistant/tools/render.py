"""Readable Japanese for calculator results: a lead sentence that answers, a question back for a missing fact,
and a few short bullets (basis, conditions, one caveat) — built from the structured result, not from the
tool's one-paragraph ``explanation`` (which stays what the LLM reads).

Where a result holds several statements (a node plan's verdict and its GPU totals, a schedule's windows), the
caller's ``relevance`` function scores each statement's topic against the question and the best one leads;
ties keep the tool's own order, so without a relevance function the verdict leads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.domain.programmes import NodeRoute, Programme
from assistant.tools import programme_arg
from assistant.tools.results import yen

Relevance = Callable[[str], float]
# The share of a text's terms that the question contains (1.0: the question names it).
Coverage = Callable[[str], float]

MAX_TOOL_BULLETS = 2



def _programme(pid: str) -> Programme | None:
    try:
        return programme_arg.get(pid)
    except KeyError:
        return None


def _short(r: dict[str, Any]) -> str:
    p = _programme(r.get("programme", ""))
    return p.names.short if p else r.get("programme_ja", "")


def _rate_noun(pid: str) -> str:
    p = _programme(pid)
    return p.rates.noun if p and p.rates else "補助率"


def _amount_noun(pid: str) -> str:
    p = _programme(pid)
    return p.amounts.noun if p and p.amounts else "補助額"
_ORG_SHORT = {
    "company": "企業",
    "university": "大学",
    "kosen": "高等専門学校",
    "national_rd_agency": "国立研究開発法人",
    "incorporated_administrative_agency": "独立行政法人",
    "local_incorporated_administrative_agency": "地方独立行政法人",
    "public_research_institute": "国公立研究機関",
    "other_corporation": "法人",
}
# What the applicant is asked for, short enough for one sentence (the tool's question_ja lists every option).
_ASK = {
    "org_kind": "組織の種類（企業、大学、研究機関など）",
    "employees": "常時使用する従業員数（単体）",
    "deemed_large_enterprise": "みなし大企業に当たるかどうか",
    "tokutei_jigyosha": "中小企業等経営強化法の特定事業者に当たるかどうか",
}


@dataclass
class Rendered:
    """One tool result as the answer shows it."""

    lead: str
    ask: str = ""
    bullets: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # the facts ``ask`` asks for, to merge several asks into one


# The labels this module puts before a bullet for the chat; a letter drops them.
BULLET_LABELS = ("根拠", "条件", "区分", "理由")
_LABEL = re.compile(rf"^(?:{'|'.join(BULLET_LABELS)}): ")


def strip_label(bullet: str) -> str:
    return _LABEL.sub("", bullet)


def _none(_: str) -> float:
    return 0.0


def _rate(rate: str | None) -> str:
    return "定額（定額助成）" if rate == "定額" else str(rate)


def _applicant(args: dict[str, Any]) -> str:
    """'従業員3,000人の企業', 'みなし大企業に当たる企業', '大学' … from the arguments the tool was called with."""
    kind = args.get("org_kind")
    noun = _ORG_SHORT.get(str(kind), "") if kind else ""
    pre = []
    if args.get("employees") is not None:
        pre.append(f"従業員{int(args['employees']):,}人の")
    if args.get("deemed_large_enterprise") is True:
        pre.append("みなし大企業に当たる")
    if args.get("tokutei_jigyosha") is True:
        pre.append("特定事業者の")
    elif args.get("tokutei_jigyosha") is False:
        pre.append("特定事業者でない")
    if not noun and not pre:
        return ""
    return "".join(pre) + (noun or "申請者")


def fact_labels(missing: list[dict[str, Any]]) -> list[str]:
    return [_ASK.get(m.get("field", ""), m.get("question_ja", "")) for m in missing]


def ask_sentence(labels: list[str], options: int = 2) -> str:
    """The question back: 'どちらに当たるか確認するため、AとBを教えてください。'"""
    if not labels:
        return ""
    which = "どちらに当たるか" if options == 2 else "どれに当たるか"
    return f"{which}確認するため、{'と'.join(labels)}を教えてください。"


def _ask(missing: list[dict[str, Any]], options: int) -> str:
    return ask_sentence(fact_labels(missing), options)


def _one_caveat(caveats: list[str], relevance: Relevance, skip: tuple[str, ...] = ()) -> list[str]:
    """The caveat closest to the question (the tool's first, most specific one when none is closer)."""
    kept = [c for c in caveats if not any(s in c for s in skip)]
    if not kept:
        return []
    order = _by_relevance(list(range(len(kept))), lambda i: relevance(kept[i]))
    return [kept[order[0]]]


# --- subsidy_rate ----------------------------------------------------------------------------------------------


def _named_candidate(cands: list[dict[str, Any]], coverage: Coverage) -> dict[str, Any] | None:
    """The one candidate the question itself names (「大企業の補助率は？」 names 大企業): at least half of its
    label's terms are in the question, and no other candidate comes as close."""
    scored = sorted(((coverage(c.get("label_ja") or ""), i) for i, c in enumerate(cands)), reverse=True)
    if not scored or scored[0][0] < 0.5 or (len(scored) > 1 and scored[1][0] >= scored[0][0]):
        return None
    return cands[scored[0][1]]


def render_rate(
    args: dict[str, Any], r: dict[str, Any], relevance: Relevance = _none, coverage: Coverage = _none
) -> Rendered:
    prog = _short(r)
    word = _rate_noun(r["programme"])
    who = _applicant(args)
    cands = r.get("candidates") or []
    status = r["status"]
    if status == "determined":
        lead = f"{prog}の{word}は、{who}なら{_rate(r['rate'])}です。" if who else f"{prog}の{word}は{_rate(r['rate'])}です。"
        bullets = [f"根拠: {r['basis_ja']}"]
        p = _programme(r["programme"])
        label = p.rates.labels.get(r["rate"]) if p and p.rates else None
        if label is not None and label.rate_note:
            bullets.append(label.rate_note)
    else:
        options = "、".join(f"{c.get('label_ja') or c['condition_ja']}なら{_rate(c['rate'])}" for c in cands)
        named = _named_candidate(cands, coverage) if status == "needs_more_facts" else None
        if named is not None:
            # The applicant told us which case they are in by naming it: answer that case, show the rule.
            lead = f"{named['label_ja']}の{word}は{_rate(named['rate'])}です（{prog}）。"
            bullets = ["区分: " + "／".join(f"{c['condition_ja']}は{_rate(c['rate'])}" for c in cands)]
            bullets += _one_caveat(r.get("caveats") or [], relevance)
            return Rendered(lead=lead, bullets=bullets[:MAX_TOOL_BULLETS])
        if status == "not_stated_in_documents" or not options:
            lead = f"{prog}の{word}は文書からは確定できません。" + (f"{options}です。" if options else "")
        else:
            lead = f"{prog}の{word}は、{options}です。"
        if status == "not_stated_in_documents":
            bullets = [f"理由: {r['basis_ja']}", "公募要領または問い合わせ先で確認してください。"]
        elif cands:
            bullets = ["区分: " + "／".join(f"{c['condition_ja']}は{_rate(c['rate'])}" for c in cands)]
        else:
            bullets = [f"条件: {r['basis_ja']}"]
    bullets += _one_caveat(r.get("caveats") or [], relevance)
    ask = _ask(r.get("missing_facts") or [], len(cands)) if status == "needs_more_facts" else ""
    missing = fact_labels(r.get("missing_facts") or []) if ask else []
    return Rendered(lead=lead, ask=ask, bullets=bullets[:MAX_TOOL_BULLETS], missing=missing)


# --- subsidy_amount --------------------------------------------------------------------------------------------


def render_amount(args: dict[str, Any], r: dict[str, Any], relevance: Relevance = _none) -> Rendered:
    prog = _short(r)
    noun = _amount_noun(r["programme"])
    rate = r.get("rate")
    excluded = [it for it in r.get("items") or [] if it.get("status") != "eligible"]
    bullets: list[str] = []
    ask = ""
    if r.get("eligible_total_jpy", 0) == 0 and excluded:
        lead = f"{prog}では、ご質問の費用は対象経費に当たらないため、{noun}は計算できません。"
    elif rate and r.get("max_subsidy_ja"):
        p = _programme(r["programme"])
        label = p.rates.labels.get(rate) if p and p.rates else None
        f = label.as_fraction() if label else None
        if f is None:
            lead = f"{prog}の{noun}は、最大で対象経費の全額{r['max_subsidy_ja']}です（{rate}助成）。"
        else:
            lead = (
                f"{prog}の{noun}は最大{r['max_subsidy_ja']}です"
                f"（対象経費{r['eligible_total_ja']}×{f.numerator}/{f.denominator}）。"
            )
        if r.get("cap_applied"):
            lead = lead.rstrip("。") + f"。指定された上限{_yen_of(r.get('cap_jpy'))}を適用しています。"
        who = _applicant(args)
        basis = f"{noun[:2]}率: {_rate(rate)}" + (f"（{who}）" if who else "")
        bullets.append(basis)
        if rate.endswith("以内"):
            bullets.append(f"「{rate}」は上限の率で、実際の{noun}は審査で決まります。")
    else:
        scen = r.get("scenarios") or []
        options = "、".join(
            f"{s.get('label_ja') or s['condition_ja']}（{_rate(s['rate'])}）なら最大{s['max_subsidy_ja']}" for s in scen
        )
        lead = f"{prog}の{noun}は、{options}です。" if options else f"{prog}の{noun}は文書からは確定できません。"
        ask = _ask(r.get("missing_facts") or [], len(scen))
        bullets.append(f"対象経費は{r['eligible_total_ja']}です。")
    if excluded:
        bullets.append(
            "計算に含めていない費用: "
            + "、".join(f"{it['category_ja']} {it['amount']}（{it['reason_ja'].rstrip('。')}）" for it in excluded)
        )
    bullets += _one_caveat(r.get("caveats") or [], relevance, skip=("助成率の区分は特定事業者",))
    missing = fact_labels(r.get("missing_facts") or []) if ask else []
    return Rendered(lead=lead, ask=ask, bullets=bullets[:MAX_TOOL_BULLETS], missing=missing)


def _yen_of(n: Any) -> str:
    return yen(int(n or 0))


# --- gpu_node_plan ---------------------------------------------------------------------------------------------

# What each statement is about, scored against the question to decide which one answers it.
def _node_topics(route: NodeRoute) -> dict[str, str]:
    return {
        "verdict": f"{route.label}で確保できるか ノード数の上限 {route.maximum.nodes}ノード以下 期間を通して一定 個別に調整 計画 使う 可能",
        "totals": f"{route.node_spec.gpu} GPUの数 何基 何枚 GPUメモリ 何GB 1基あたり ローカルSSD TB 合計 規模 ノード時間",
        "cost": "費用 料金 単価 いくら 金額 円 課金",
    }


def _route_of(r: dict[str, Any]) -> NodeRoute:
    p = _programme(r.get("programme", ""))
    if p is None or p.node_route is None:
        p = programme_arg.served().with_nodes()[0]
    assert p.node_route is not None
    return p.node_route


def render_nodes(args: dict[str, Any], r: dict[str, Any], relevance: Relevance = _none) -> Rendered:
    route = _route_of(r)
    label, top, gpu, per = route.label, route.maximum.nodes, route.node_spec.gpu, route.node_spec.gpus_per_node
    verdict = r["verdict"]
    plan = r["plan"]
    t = r["totals"]
    gr = r.get("gpu_request")
    if gr:
        n = gr["nodes"]
        fits = (
            f"{n}ノードは{label}の上限（{top}ノード以下）に収まります。"
            if gr["within_route2"]
            else f"{n}ノードは{label}の上限（{top}ノード以下）を超えるため、{top}ノードまでを{label}で、超える{n - top}ノードは個別に調整して確保します。"
        )
        verdict_s = f"{gpu} {gr['h100_gpus']:,}基には{n:,}ノードが必要です（1ノード{per}基、{gr['h100_gpus']:,}÷{per}を切り上げ）。{fits}"
    elif verdict == "可能":
        verdict_s = f"{plan[0]:,}ノードを期間を通して一定で使う計画は、{label}で確保できます（上限は{top}ノード以下）。"
    elif r.get("route2_nodes") == top:
        excess = r.get("individual_nodes_per_month") or []
        over = f"超える{excess[0]:,}ノード" if len(set(excess)) == 1 else f"{top}を超える分（月ごとに" + "・".join(map(str, excess)) + "ノード）"
        verdict_s = f"{label}で確保できるのは{top}ノードまでで、{over}は個別に調整して確保します。"
    else:
        verdict_s = (
            f"この計画（月ごとに{'・'.join(map(str, plan))}ノード）は{label}では確保できません。"
            f"{label}のノード数は期間を通して一定（{top}ノード以下）である必要があります。"
        )
    totals_s = (
        f"ピーク{t['peak_nodes']:,}ノードで、{gpu} GPU {t['h100_gpus']:,}基、GPUメモリ合計{t['gpu_memory_gb']:,}GB"
        f"（1基あたり{t['gpu_memory_gb_per_gpu']}GB）、ローカルSSD合計{t['local_ssd_tb']:,}TBです。"
    )
    statements = {"verdict": verdict_s, "totals": totals_s}
    if r.get("cost_ja"):
        statements["cost"] = f"{label}の分の費用は、利用期間全体で{r['cost_ja']}です。"
    topics = _node_topics(route)
    order = _by_relevance(list(statements), lambda k: relevance(topics[k]))
    lead = statements[order[0]]
    bullets = [statements[k] for k in order[1:]]
    if verdict == "不可能" and route.alternative:
        bullets.append("(1)の手法（提供事業者と個別に調整して直接確保）なら、利用量や利用期間を各自で設定できます。")
    if r.get("cost_basis"):
        bullets.append(f"費用の計算: {r['cost_basis']}")
    bullets += _one_caveat(r.get("caveats") or [], relevance)
    return Rendered(lead=lead, bullets=bullets[:MAX_TOOL_BULLETS])


def _by_relevance(keys: list[str], score: Callable[[str], float]) -> list[str]:
    """Keys by descending score; equal scores keep their given order (a stable sort)."""
    scored = [(score(k), i, k) for i, k in enumerate(keys)]
    return [k for _, _, k in sorted(scored, key=lambda x: (-x[0], x[1]))]


# --- programme_schedule ----------------------------------------------------------------------------------------

_KIND_TOPIC = {
    "presurvey_window": "事前調査 受付 提出 締切 期限 いつまで 何日間 間に合う",
    "call": "公募 募集 開始 いつから 始まる",
    "committee": "第三者委員会 審査",
    "development_period": "開発期間 開発 始まる 終わる 半年",
    "rd_period": "研究開発期間 GPU 利用期間 終わる 6ヶ月",
}


# 「…で確認してください（各文書も…案内しています）。」: the bracketed aside adds nothing to a bullet.
_TRAILING_NOTE = re.compile(r"（[^（）]*）。$")


def _ja_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = (int(x) for x in str(iso).split("-"))
    return f"{y}年{m}月{d}日"


def _entry_sentence(e: dict[str, Any], on: str, user_date: bool, tag: str) -> str:
    label = tag + e["label_ja"]
    if e.get("length_days") is not None:
        s = f"{label}は{e['stated_ja']}（開始日と終了日を含めて{e['length_days']}日間）で、"
        if e["status"] == "open":
            s += f"{on}は期間内のため間に合います（締切は{_ja_date(e['end'])}、当日を含めて残り{e['days_left']}日）。"
        elif e["status"] == "closed":
            s += f"締切（{_ja_date(e['end'])}）を過ぎているため、{on}では間に合いません。" if user_date else "すでに終了しています。"
        elif e["status"] == "not_yet_open":
            s += f"{on}はまだ受付開始前です（開始は{_ja_date(e['start'])}）。"
        else:
            s += f"{e['status_ja']}です。"
        return s
    if e.get("estimated_end_ja"):
        closed = "（すでに終了）" if e["status"] == "closed" else ""
        return f"{label}は「{e['stated_ja']}」で、終了は{e['estimated_end_ja']}の見込みです{closed}。"
    return f"{label}は「{e['stated_ja']}」です（{e['status_ja']}）。"


def _tag(pid: str) -> str:
    p = _programme(pid)
    return f"{p.names.label}の" if p else ""


def render_schedule(args: dict[str, Any], r: dict[str, Any], relevance: Relevance = _none) -> Rendered:
    entries = r.get("entries") or []
    user_date = bool(args.get("on_date"))
    on = _ja_date(r.get("on_date"))
    both = args.get("programme", "all") == "all" and len({e["programme"] for e in entries}) > 1
    sentences = [_entry_sentence(e, on, user_date, _tag(e["programme"]) if both else "") for e in entries]
    order = _by_relevance(
        list(range(len(entries))),
        lambda i: relevance(f"{entries[i]['label_ja']} {entries[i]['stated_ja']} {_KIND_TOPIC.get(entries[i]['kind'], '')}"),
    )  # type: ignore[arg-type]
    bullets: list[str] = []
    cd = r.get("contract_deadline")
    if cd:
        owner = next((_programme(e["programme"]) for e in entries if _programme(e["programme"]) and
                      _programme(e["programme"]).node_route), None)  # type: ignore[union-attr]
        route = owner.node_route if owner else _route_of({})
        assert route is not None and route.contract_deadline is not None
        stated = route.contract_deadline.stated.replace(" ", "")
        lead = (
            f"{route.label}を選ぶ場合、クラウドベンダーとの契約は{cd['deadline_ja']}までに締結する必要があります"
            f"（採択通知日{_ja_date(cd['notice_date'])}から{stated}）。"
        )
        bullets.append(f"「{stated.removesuffix('内')}」のため、厳密な期限日ではなく目安です。")
    else:
        lead = sentences[order[0]] if sentences else "文書に日程の記載はありません。"
        if len(order) > 1:
            bullets.append(sentences[order[1]])
    where = _TRAILING_NOTE.sub("。", r.get("where_to_check_ja", ""))
    if where:
        bullets.append(where)
    return Rendered(lead=lead, bullets=[b for b in bullets if b.strip("。")][:MAX_TOOL_BULLETS])


RENDERERS: dict[str, Callable[..., Rendered]] = {
    "subsidy_rate": render_rate,
    "subsidy_amount": render_amount,
    "gpu_node_plan": render_nodes,
    "programme_schedule": render_schedule,
}


def render(
    name: str, args: dict[str, Any], result: dict[str, Any], relevance: Relevance | None = None,
    coverage: Coverage | None = None,
) -> Rendered:
    """Lead, question back and bullets for one successful tool result."""
    if name == "subsidy_rate":
        return render_rate(args or {}, result, relevance or _none, coverage or _none)
    return RENDERERS[name](args or {}, result, relevance or _none)


def render_error(error: str | None) -> Rendered:
    return Rendered(lead=str(error or "計算できませんでした。"))
