"""`koubo calc …`: run the deterministic calculators from the shell (helpdesk staff), `--json` for machines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, get_args

from assistant.tools import execute
from assistant.tools.numerals import parse_amount
from assistant.tools.rates import OrgKind
from assistant.tools.router import route

ORG_CHOICES = list(get_args(OrgKind))
_YES_NO = {"yes": True, "no": False}


def _facts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", choices=ORG_CHOICES, help="kind of organisation")
    p.add_argument("--employees", type=int, help="regular employees on a stand-alone basis (常時使用する従業員数（単体）)")
    p.add_argument("--deemed-large", choices=["yes", "no"], help="みなし大企業 or not")
    p.add_argument("--tokutei", choices=["yes", "no"], help="特定事業者 under 中小企業等経営強化法 or not")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the tool result as JSON")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("calc", help="run a subsidy / GPU-node / schedule calculator")
    sub = parser.add_subparsers(dest="calc", metavar="CALCULATOR")

    p = sub.add_parser("rate", help="subsidy or grant rate for an applicant")
    p.add_argument("--programme", required=True, help="programme id (koubo programmes list), e.g. ai-compute-infra | geniac")
    _facts(p)
    _common(p)
    p.set_defaults(func=_run, tool="subsidy_rate")

    p = sub.add_parser("amount", help="maximum subsidy for eligible costs (amounts accept 3億, 1.5億, 5000万)")
    p.add_argument("--programme", required=True, help="programme id (koubo programmes list), e.g. ai-compute-infra | geniac")
    p.add_argument("--gpu", help="GPU compute cost")
    p.add_argument("--non-gpu", help="non-GPU compute cost")
    p.add_argument("--data-prep", help="data preparation cost")
    p.add_argument("--outsourced", choices=["yes", "no"], help="whether the data preparation is outsourced")
    p.add_argument("--equipment", help="cost of installing the AI computers (infrastructure subsidy)")
    p.add_argument("--other", help="other costs")
    p.add_argument("--currency", choices=["JPY", "USD", "EUR"], default="JPY", help="currency of the amounts")
    p.add_argument("--usd-rate", type=float, help="exchange-rate assumption: yen per US dollar")
    p.add_argument("--eur-rate", type=float, help="exchange-rate assumption: yen per euro")
    p.add_argument("--rate", help="rate as the documents write it (e.g. 1/2以内, 1/3以内, 1/2, 定額), when already known")
    p.add_argument("--cap", help="cap on the subsidy in yen, when known")
    _facts(p)
    _common(p)
    p.set_defaults(func=_run, tool="subsidy_amount")

    p = sub.add_parser("nodes", help="GENIAC route-(2) GPU node plan: one count (constant) or a comma list per month")
    p.add_argument("--nodes", required=True, help="'30' = 30 for the whole period; '30,30,40' = per month")
    p.add_argument("--programme", help="programme with node limits (default: the first, geniac)")
    p.add_argument("--months", type=int, help="period in months (default: 6, or the length of a list)")
    p.add_argument("--price", type=float, help="provisional unit price per node-hour (or per node-month)")
    p.add_argument("--price-unit", choices=["node_hour", "node_month"], default="node_hour")
    p.add_argument("--currency", choices=["JPY", "USD"], default="JPY")
    p.add_argument("--usd-rate", type=float, help="exchange-rate assumption: yen per US dollar")
    _common(p)
    p.set_defaults(func=_run, tool="gpu_node_plan")

    p = sub.add_parser("schedule", help="dates the documents give, and whether each window is open on a date")
    p.add_argument("--programme", default="all", help="programme id (koubo programmes list) or all")
    p.add_argument("--date", help="YYYY-MM-DD (default: today)")
    _common(p)
    p.set_defaults(func=_run, tool="programme_schedule")

    p = sub.add_parser("route", help="show which calculators the offline router picks for a question, and run them")
    p.add_argument("question")
    _common(p)
    p.set_defaults(func=_run_route)

    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _amount_arg(text: str | None, flag: str) -> float | None:
    if text is None:
        return None
    try:
        return float(parse_amount(text))
    except (ValueError, OverflowError):  # OverflowError: more digits than a float holds
        raise _Usage(f"{flag} の金額「{text}」を読み取れません。例: 300000000、3億、1.5億、5000万") from None


class _Usage(Exception):
    pass


def _build_args(a: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.tool in ("subsidy_rate", "subsidy_amount"):
        out["programme"] = a.programme
        for key, value in (
            ("org_kind", a.org),
            ("employees", a.employees),
            ("deemed_large_enterprise", _YES_NO.get(a.deemed_large or "")),
            ("tokutei_jigyosha", _YES_NO.get(a.tokutei or "")),
        ):
            if value is not None:
                out[key] = value
    if a.tool == "subsidy_amount":
        items = []
        for flag, cat, text in (
            ("--gpu", "gpu_compute", a.gpu),
            ("--non-gpu", "non_gpu_compute", a.non_gpu),
            ("--data-prep", "data_preparation", a.data_prep),
            ("--equipment", "equipment", a.equipment),
            ("--other", "other", a.other),
        ):
            amount = _amount_arg(text, flag)
            if amount is not None:
                item: dict[str, Any] = {"category": cat, "amount": amount, "currency": a.currency}
                if cat == "data_preparation" and a.outsourced:
                    item["outsourced"] = _YES_NO[a.outsourced]
                items.append(item)
        if not items:
            raise _Usage("費用を1つ以上指定してください（--gpu, --non-gpu, --data-prep, --equipment, --other）。")
        out["items"] = items
        if a.usd_rate is not None:
            out["jpy_per_usd"] = a.usd_rate
        if a.eur_rate is not None:
            out["jpy_per_eur"] = a.eur_rate
        if a.rate:
            out["rate"] = a.rate
        cap = _amount_arg(a.cap, "--cap")
        if cap is not None:
            if cap != int(cap):
                raise _Usage("--cap は円単位の整数で指定してください。")
            out["cap_jpy"] = int(cap)
    if a.tool == "gpu_node_plan":
        if a.programme:
            out["programme"] = a.programme
        parts = [x for x in a.nodes.replace("、", ",").split(",") if x.strip()]
        try:
            values = [int(x) for x in parts]
        except ValueError:
            raise _Usage(f"--nodes「{a.nodes}」を読み取れません。例: --nodes 30 または --nodes 30,30,40") from None
        if len(values) == 1:
            out["constant_nodes"] = values[0]
            if a.months is not None:
                out["period_months"] = a.months
        else:
            out["nodes_per_month"] = values
            out["period_months"] = a.months if a.months is not None else len(values)
        if a.price is not None:
            out.update(unit_price=a.price, price_unit=a.price_unit, currency=a.currency)
        if a.usd_rate is not None:
            out["jpy_per_usd"] = a.usd_rate
    if a.tool == "programme_schedule":
        out["programme"] = a.programme
        if a.date:
            out["on_date"] = a.date
    return out


def _print_result(name: str, outcome: dict[str, Any], as_json: bool) -> int:
    if as_json:
        print(json.dumps(outcome, ensure_ascii=False, indent=2))
        return 0 if outcome["ok"] else 1
    if not outcome["ok"]:
        print(f"入力エラー（{name}）: {outcome['error']}", file=sys.stderr)
        return 1
    r = outcome["result"]
    print(f"■ {name}")
    print(r["explanation"])
    if r.get("missing_facts"):
        print("\n確認が必要な事項:")
        for m in r["missing_facts"]:
            print(f"  - {m['question_ja']}（{m['field']}）")
    if r.get("items"):
        print("\n内訳:")
        for it in r["items"]:
            print(f"  - {it['category_ja']}: {it['amount']} → {it['amount_jpy']:,}円 [{it['status']}] {it['reason_ja']}")
    if r.get("entries"):
        print("\n日程:")
        for e in r["entries"]:
            print(f"  - {e['label_ja']}: 「{e['stated_ja']}」 → {e['status_ja']}")
    if r.get("caveats"):
        print("\n留意点:")
        for c in r["caveats"]:
            print(f"  - {c}")
    if r.get("citations"):
        print("\n根拠:")
        for c in r["citations"]:
            print(f"  [{c['doc']}] {c['quote']}")
    return 0


def _run(a: argparse.Namespace) -> int:
    try:
        tool_args = _build_args(a)
    except _Usage as exc:
        print(f"入力エラー: {exc}", file=sys.stderr)
        return 2
    outcome = execute(a.tool, tool_args)
    rc = _print_result(a.tool, outcome, a.json)
    # Arguments the calculator refuses (out of its documented range, NaN, …) are usage errors like the others.
    refused = not outcome["ok"] and all(d.get("type") != "internal_error" for d in outcome.get("details", []))
    return 2 if refused else rc


def _run_route(a: argparse.Namespace) -> int:
    calls = route(a.question)
    if a.json:
        print(
            json.dumps(
                [{"name": c.name, "args": c.args, "outcome": execute(c.name, c.args)} for c in calls],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not calls:
        print("この質問に当てはまる計算ツールはありません（文書検索で回答します）。")
        return 0
    rc = 0
    for c in calls:
        print(f"→ {c.name} {json.dumps(c.args, ensure_ascii=False)}")
        rc = max(rc, _print_result(c.name, execute(c.name, c.args), False))
        print()
    return rc
