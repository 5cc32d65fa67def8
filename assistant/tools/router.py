"""Rule-based tool routing for offline mode (no LLM): which calculators a question asks for (intent scores of
``intents.py``: concept families over surface, Sudachi normalised forms and readings) and their arguments (number
patterns → calculator calls).

Choices, documented because a reader will ask:
- Programme: chosen by keyword scores (GENIAC/基盤モデル開発/助成/NEDO/ノード… vs 電子計算機/供給確保計画/
  クラウドプログラム/整備/補助…). When neither wins, rate and amount questions get one call per programme, so the
  offline answer shows both rules side by side instead of guessing; schedule questions use programme="all".
- Missing applicant facts are left out; the calculator then answers with the missing facts and the candidates.
- An amount question calls subsidy_amount only (it contains the rate decision); a rate question subsidy_rate.
- A tool fires only when its intent score reaches intents.THRESHOLD, so unrelated, eligibility and look-up
  questions return [] and go to retrieval alone. A node question with no plan (「何ノードまで？」) checks the limit.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, Field

from assistant.domain.programmes import Programmes
from assistant.domain.text import nfkc
from assistant.tools import intents, programme_arg
from assistant.tools.numerals import NUMBER_RUN, NUMBER_RUN_WITHOUT_COMMAS, mask_long_numbers, parse_number

log = logging.getLogger(__name__)


class RoutedCall(BaseModel):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


# One item of a list 「30、30、40ノード」.
_LIST_ITEM = NUMBER_RUN_WITHOUT_COMMAS
_SEP = r"\s*[,、・/]\s*"
# At most one item more than the calculator's 24 months, so a longer list is still passed on and refused by it,
# and a failed match costs at most this many steps per start, not the length of the question.
_MAX_LIST_ITEMS = 25
# A minus sign right before a number, not a range 「100-200人」 (a digit before the sign): 「従業員-5人」.
_MINUS = "-−‐‑"
_DIGITS = frozenset("0123456789〇零一二三四五六七八九十百千万億兆")


def _negative(q: str, start: int) -> bool:
    """True when the number starting at ``start`` carries a minus sign (counts and amounts cannot be negative)."""
    i = start
    while i > 0 and q[i - 1] in " \t":
        i -= 1
    return i > 0 and q[i - 1] in _MINUS and not (i > 1 and q[i - 2] in _DIGITS)

_ORG_RULES = [
    (r"高専|高等専門学校", "kosen"),
    (r"国立研究開発法人|国研|産総研|理研|理化学研究所|NICT|情報通信研究機構", "national_rd_agency"),
    (r"地方独立行政法人|地方独法", "local_incorporated_administrative_agency"),
    (r"独立行政法人|独法", "incorporated_administrative_agency"),
    (r"国公立研究機関|公設試|公立(の)?研究所|国立(の)?研究所", "public_research_institute"),
    (r"大学", "university"),
    (r"一般社団法人|一般財団法人|公益(社団|財団)法人|社団法人|財団法人|NPO|特定非営利", "other_corporation"),
    (r"会社|企業|スタートアップ|ベンチャー|事業者|弊社|当社|民間", "company"),
]
_NEG = r"(?:では(?:ない|ありません|ないです|なく)|じゃない|でない|に(?:は)?(?:該当|あた|当た)(?:ら|り)?(?:しない|しません|ない|ません)|以外|ではない場合)"


def _programmes(q: str, progs: Programmes) -> list[str]:
    """The programmes a question is about: those it names outright when it names several, else the one whose cue
    words (the programme files' routing.cues) score highest; a tie keeps every programme tied at the top."""
    # 「GENIACとインフラ補助でそれぞれ」: several named outright → answer for each, whatever the other cues say.
    named = {prog for _, prog in _mentions(q, progs)}
    if len(named) >= 2:
        return [p.id for p in progs if p.id in named]
    scores = {p.id: sum(c.weight for c in p.routing.cues if re.search(c.pattern, q)) for p in progs}
    best = max(scores.values(), default=0)
    return [pid for pid, v in scores.items() if v == best]


def _flag(q: str, word: str) -> bool | None:
    if not re.search(word, q):
        return None
    return not re.search(f"(?:{word}){_NEG}", q)


def _org(q: str) -> str | None:
    # 「大学等」 in a quoted rule or 「大学発ベンチャー」 is a company.
    if re.search(r"大学発", q):
        return "company"
    for pattern, kind in _ORG_RULES:
        if re.search(pattern, q):
            if kind == "incorporated_administrative_agency" and re.search(r"地方独立行政法人|地方独法", q):
                continue
            return kind
    return None


def _employees(q: str) -> int | None:
    for pattern in (
        rf"(?:従業員|社員|職員|常時使用する従業員)(?:数)?(?:\(単体\))?(?:は|が|:)?(?:約|およそ|ちょうど|丁度|ぴったり)?({NUMBER_RUN})(?:人|名)",
        rf"({NUMBER_RUN})(?:人|名)(?:規模)?(?:の|程度の|くらいの|ほどの)?(?:会社|企業|中小企業|中堅企業|大企業|スタートアップ|ベンチャー|事業者)",
        rf"(?:従業員|社員)(?:数)?(?:は|が)?(?:約|ちょうど|丁度|ぴったり)?({NUMBER_RUN})",
    ):
        m = re.search(pattern, q)
        if m:
            if _negative(q, m.start(1)):
                continue
            try:
                v = parse_number(m.group(1))
            except ValueError:
                continue
            # Above the calculator's range it is passed on, so the answer says it is too large (never capped).
            if v.denominator == 1 and v >= 0:
                return int(v)
    return None


def _facts(q: str) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    kind = _org(q)
    if kind:
        facts["org_kind"] = kind
    emp = _employees(q)
    if emp is not None:
        facts["employees"] = emp
        facts.setdefault("org_kind", "company")
    deemed = _flag(q, "みなし大企業")
    if deemed is not None and facts.get("org_kind", "company") == "company":
        facts["deemed_large_enterprise"] = deemed
        facts.setdefault("org_kind", "company")
    tokutei = _flag(q, "特定事業者")
    academic = {"university", "kosen", "national_rd_agency", "incorporated_administrative_agency",
                "local_incorporated_administrative_agency", "public_research_institute"}
    if tokutei is not None and facts.get("org_kind") not in academic:
        facts["tokutei_jigyosha"] = tokutei
    return facts


# ---- money ----
_FX_PATTERNS = [
    rf"({NUMBER_RUN})円\s*/\s*(?:ドル|\$|USD)",
    rf"1\s*(?:ドル|\$|USD)\s*(?:=|＝|は|が|あたり)?\s*({NUMBER_RUN})円",
    rf"(?:為替|レート|ドル円)(?:レート)?(?:は|を|が)?\s*(?:1ドル)?\s*=?\s*({NUMBER_RUN})円",
    rf"(?:ドル|\$)\s*({NUMBER_RUN})円(?:換算|で)",
]
_SCALE_EN = {"k": 10**3, "K": 10**3, "m": 10**6, "M": 10**6, "million": 10**6, "b": 10**9, "B": 10**9, "billion": 10**9}


def _money(q: str) -> tuple[list[tuple[Fraction, str, int, int]], Fraction | None]:
    """Amounts as (value, currency, start, end) and the yen-per-dollar assumption, if any."""
    fx: Fraction | None = None
    taken: list[tuple[int, int]] = []
    for pattern in _FX_PATTERNS:
        m = re.search(pattern, q)
        if m:
            fx = parse_number(m.group(1))
            taken.append(m.span())
            break
    found: list[tuple[Fraction, str, int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in re.finditer(rf"\$\s*({NUMBER_RUN})\s*(million|billion|[kKmMbB])?\b|({NUMBER_RUN})\s*(million|billion|[kKmMbB])?\s*(?:USD|米ドル|ドル)", q):
        if not free(*m.span()) or _negative(q, m.start(1) if m.group(1) else m.start(3)):
            continue
        num = m.group(1) or m.group(3)
        scale = m.group(2) or m.group(4)
        try:
            v = parse_number(num) * (_SCALE_EN.get(scale, 1) if scale else 1)
        except ValueError:
            continue
        found.append((v, "USD", *m.span()))
        taken.append(m.span())
    for m in re.finditer(rf"({NUMBER_RUN})\s*円", q):
        if not free(*m.span()) or _negative(q, m.start(1)):
            continue
        try:
            v = parse_number(m.group(1))
        except ValueError:
            continue
        found.append((v, "JPY", *m.span()))
        taken.append(m.span())
    # 「1.5億」 without 円 after a cost word still means yen.
    for m in re.finditer(rf"(?:費用|経費|コスト|予算|利用料|代|額)(?:は|が|:|を)?\s*(?:約)?({NUMBER_RUN}[万億兆])(?!円)", q):
        if free(*m.span(1)) and not _negative(q, m.start(1)):
            try:
                found.append((parse_number(m.group(1)), "JPY", *m.span(1)))
            except ValueError:
                pass
    return sorted(found, key=lambda t: t[2]), fx


_CATEGORY_RULES = [
    (r"GPU(リソース)?以外|CPU|ストレージ|非GPU", "non_gpu_compute"),
    (r"データ整備|アノテーション|データ作成|データの整備", "data_preparation"),
    (r"設備|導入|購入|サーバー?|電子計算機|データセンター|整備費", "equipment"),
    (r"GPU|H100|計算リソース|クラウド利用料|利用料|計算資源(の)?利用", "gpu_compute"),
]


def _category(context: str, programme: str, progs: Programmes) -> str:
    for pattern, cat in _CATEGORY_RULES:
        if re.search(pattern, context):
            return cat
    amounts = progs.get(programme).amounts
    return amounts.default_category if amounts else "other"


def _mentions(q: str, progs: Programmes) -> list[tuple[int, str]]:
    found = [(m.start(), p.id) for p in progs for pattern in p.routing.mentions for m in re.finditer(pattern, q)]
    return sorted(found)


def _owner(q: str, mentions: list[tuple[int, str]], start: int, end: int) -> str | None:
    """The programme an amount belongs to: one named in its own clause (「設備費6億円はインフラ補助、」), else the
    one named last before it (「GENIACで計算資源費3億円」), else the first one after it."""
    lo = max(q.rfind(c, 0, start) for c in "、。;!?\n") + 1
    hi = min([i for i in (q.find(c, end) for c in "、。;!?\n") if i >= 0] or [len(q)])
    inside = [(abs(pos - start), prog) for pos, prog in mentions if lo <= pos < hi]
    if inside:
        return min(inside)[1]
    before = [prog for pos, prog in mentions if pos < start]
    if before:
        return before[-1]
    after = [prog for pos, prog in mentions if pos > start]
    return after[0] if after else None


def _amount_calls(q: str, programmes: list[str], facts: dict[str, Any], progs: Programmes) -> list[RoutedCall]:
    money, fx = _money(q)
    cap = None
    m = re.search(rf"上限(?:額)?(?:が|は|を)?\s*({NUMBER_RUN})\s*円", q)
    if m:
        cap = parse_number(m.group(1))
        money = [t for t in money if not (t[2] <= m.start(1) < t[3])]
    if not money:
        return []
    mentions = _mentions(q, progs)
    owners = [_owner(q, mentions, start, end) for _, _, start, end in money]
    # Two programmes each with its own amounts → one call per programme with only its amounts.
    split = len({o for o in owners if o}) >= 2 and all(owners)
    any_category = "|".join(p for p, _ in _CATEGORY_RULES)
    calls = []
    for prog in (sorted(set(owners), key=owners.index) if split else programmes):
        items = []
        prev_end = 0
        for k, (value, currency, start, end) in enumerate(money):
            next_start = money[k + 1][2] if k + 1 < len(money) else len(q)
            # Context never crosses another programme's name: 「…3億円、インフラ補助で設備費6億円」.
            lo = max([prev_end, start - 20] + [pos for pos, _ in mentions if pos < start])
            hi = min([next_start, end + 20] + [pos for pos, _ in mentions if pos > end])
            prev_end = end
            if split and owners[k] != prog:
                continue
            before, after = q[lo:start], q[end:hi]
            context = after if not re.search(any_category, before) and re.search(any_category, after) else before
            cat = _category(context, prog, progs)
            item: dict[str, Any] = {"category": cat, "amount": float(value), "currency": currency}
            if cat == "data_preparation":
                if re.search(r"外注|委託|外部", context):
                    item["outsourced"] = True
                elif re.search(r"内製|自社で|社内", context):
                    item["outsourced"] = False
            items.append(item)
        args: dict[str, Any] = {"programme": prog, "items": items, **facts}
        if fx is not None:
            args["jpy_per_usd"] = float(fx)
        if cap is not None and cap.denominator == 1:
            args["cap_jpy"] = int(cap)
        calls.append(RoutedCall(name="subsidy_amount", args=args))
    return calls


# ---- nodes ----
def _node_call(q: str) -> RoutedCall | None:
    listed = re.search(rf"((?:{_LIST_ITEM})(?:{_SEP}(?:{_LIST_ITEM})){{1,{_MAX_LIST_ITEMS - 1}}})\s*ノード", q)
    if listed and not _negative(q, listed.start(1)):
        values = [parse_number(x) for x in re.split(_SEP, listed.group(1))]
        if all(v.denominator == 1 for v in values):
            plan = [int(v) for v in values]
            return RoutedCall(name="gpu_node_plan", args={"nodes_per_month": plan, "period_months": len(plan)})
    # 「1ノードあたり」 is a per-node figure (a price, a specification), not a count.
    counts = [(parse_number(m.group(1)), m.start(), m.end())
              for m in re.finditer(rf"({NUMBER_RUN})\s*(?:ノード|node)(?!\s*(?:あたり|当たり|当り|につき))", q)
              if not _negative(q, m.start(1))]
    counts = [(int(v), s, e) for v, s, e in counts if v.denominator == 1]
    if not counts:
        return _gpu_count_call(q)
    months = 6
    first = re.search(rf"(?:最初|初め|はじめ|前半|冒頭)の?\s*({NUMBER_RUN})?\s*(?:ヶ月|か月|カ月|ヵ月|箇月|月)", q) or re.search(
        r"(初月|1ヶ月目|一ヶ月目)", q
    )
    if first:
        k = 1
        if first.lastindex and first.group(1) and re.fullmatch(NUMBER_RUN, first.group(1) or ""):
            k = int(parse_number(first.group(1)))
        k = max(1, min(k, months - 1))
        if len(counts) >= 2:
            plan = [counts[0][0]] * k + [counts[1][0]] * (months - k)
        else:
            plan = [counts[0][0]] * k + [0] * (months - k)
        return RoutedCall(name="gpu_node_plan", args={"nodes_per_month": plan})
    if len(counts) >= 2 and re.search(r"その後|以降|残り|途中から|後半", q):
        plan = [counts[0][0]] + [counts[1][0]] * (months - 1)
        return RoutedCall(name="gpu_node_plan", args={"nodes_per_month": plan})
    n = max(v for v, _, _ in counts) if re.search(r"最大|ピーク", q) else counts[0][0]
    if n < 1:
        return None
    # Beyond the calculator's range it is passed on as written, so the answer says it is too large.
    args: dict[str, Any] = {"constant_nodes": n}
    price = re.search(rf"(?:仮単価|単価)(?:は|が|を)?\s*(?:1ノード(?:1)?時間あたり)?\s*({NUMBER_RUN})\s*(円|ドル)(?:\s*/\s*(?:ノード時間|時間|ノード月|月))?", q)
    if price:
        args["unit_price"] = float(parse_number(price.group(1)))
        if price.group(2) == "ドル":
            args["currency"] = "USD"
            _, fx = _money(q)
            if fx is None:
                return RoutedCall(name="gpu_node_plan", args={"constant_nodes": args["constant_nodes"]})
            args["jpy_per_usd"] = float(fx)
        if re.search(r"ノード月|1ヶ月あたり|月額", q):
            args["price_unit"] = "node_month"
    return RoutedCall(name="gpu_node_plan", args=args)


_GPU_WORD = r"(?:H100|GPU)(?:\s*GPU)?"
_GPU_UNIT = r"(?:枚|基|個|台)"
_GPU_COUNT_PATTERNS = [
    # 「H100を300枚」「GPUが200基」 — never 「H100 1枚あたり」, which asks for a per-GPU figure.
    rf"{_GPU_WORD}\s*(?:を|が|は|:|×|x|\*)?\s*(?:約|およそ)?({NUMBER_RUN})\s*{_GPU_UNIT}(?!\s*(?:あたり|当たり|当り|につき))",
    # 「300枚のH100」 (the lookbehind keeps the 100 of 「H100」 from being read as a count)
    rf"(?<![0-9A-Za-z])({NUMBER_RUN})\s*{_GPU_UNIT}(?:分)?(?:の)?\s*{_GPU_WORD}",
]
_PER_GPU = rf"(?:{_GPU_WORD})\s*(?:1|一)\s*{_GPU_UNIT}\s*(?:あたり|当たり|当り)|(?:GPU|H100)(?:1{_GPU_UNIT})?(?:あたり|当たり|当り)|1GPU"


def _gpu_count_call(q: str) -> RoutedCall | None:
    """GPU counts instead of nodes → h100_gpus; a per-GPU spec question → one node, whose result states it."""
    for pattern in _GPU_COUNT_PATTERNS:
        for m in re.finditer(pattern, q):
            if _negative(q, m.start(1)):
                continue
            try:
                v = parse_number(m.group(1))
            except ValueError:
                continue
            if v.denominator == 1 and v >= 1:
                return RoutedCall(name="gpu_node_plan", args={"h100_gpus": int(v)})
    if re.search(_PER_GPU, q) and re.search(r"メモリ|GB|容量|スペック|仕様", q):
        return RoutedCall(name="gpu_node_plan", args={"constant_nodes": 1})
    return None


# ---- dates ----
_FULL_DATE = r"(20\d\d)\s*(?:年|/|-|\.)\s*(\d{1,2})\s*(?:月|/|-|\.)\s*(\d{1,2})\s*日?"
_MONTH_DAY = r"(?:(20\d\d)\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日|(?:(20\d\d)/)?(\d{1,2})/(\d{1,2})"


def _date(y: str | None, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d)) if y else None
    except ValueError:
        return None


def _notice_date(q: str, undated_year: int) -> tuple[date, tuple[int, int]] | None:
    """「採択通知が11月10日に届いた」「11月10日に採択通知」 → the notice date (year-less: the year of the document whose
    contract-deadline rule it refers to)."""
    for pattern in (
        rf"(?:採択)?通知(?:日)?(?:が|は|を|:)?\s*(?:{_MONTH_DAY})",
        rf"(?:{_MONTH_DAY})\s*(?:に|の)?\s*(?:採択(?:の)?)?通知",
    ):
        m = re.search(pattern, q)
        if not m:
            continue
        g = m.groups()
        y, mo, d = (g[0], g[1], g[2]) if g[1] else (g[3], g[4], g[5])
        found = _date(y or str(undated_year), mo, d)
        if found:
            return found, m.span()
    return None


def _stated_date(q: str, skip: tuple[int, int] | None) -> date | None:
    """A full date the user gives as 'now' or as their submission day; not the ends of a quoted range."""
    for m in re.finditer(_FULL_DATE, q):
        if skip and skip[0] <= m.start() < skip[1]:
            continue
        if re.match(r"\s*(?:から|〜|~|ー|－|まで)", q[m.end():]):
            continue
        found = _date(*m.groups())
        if found:
            return found
    return None


def route(question: str, today: date | None = None) -> list[RoutedCall]:
    """The calculator calls a rule-based reading of ``question`` supports; [] when none applies."""
    # Over-long digit runs are masked first: they are no number anyone means, and matching stays linear.
    q = mask_long_numbers(nfkc(question or ""))
    if not q.strip():
        return []
    progs = programme_arg.served()
    if not len(progs):
        return []
    try:
        return _route(q, progs, today)
    except (ValueError, ArithmeticError):  # a number or date the rules cannot read (incl. pydantic's errors)
        log.exception("router could not read the numbers or dates of %r; no calculator call", question[:200])
        return []


def _route(q: str, progs: Any, today: date | None) -> list[RoutedCall]:
    calls: list[RoutedCall] = []
    programmes = _programmes(q, progs)
    facts = _facts(q)
    nodes = _node_call(q)
    money, _ = _money(q)
    full_date = bool(re.search(_FULL_DATE, q) or re.search(_MONTH_DAY, q))
    size_fact = bool({"employees", "deemed_large_enterprise", "tokutei_jigyosha"} & facts.keys())
    sc = intents.scores(intents.View.of(q), has_facts=bool(facts), has_size_fact=size_fact,
                        has_money=bool(money), has_node_count=nodes is not None, has_full_date=full_date)
    with_nodes = progs.with_nodes()
    if sc.nodes >= intents.THRESHOLD and with_nodes:
        # The programme the question leans to when it has node limits; the first with limits otherwise.
        owner = next((p for p in with_nodes if p.id in programmes and len(programmes) == 1), with_nodes[0])
        route_ = owner.node_route
        assert route_ is not None
        # No plan stated (「何ノードまで？」「月ごとに増減できる？」): check the limit itself, whose result states
        # both rules (the maximum, held constant over the period).
        call = nodes or RoutedCall(name="gpu_node_plan", args={"constant_nodes": route_.maximum.nodes})
        if owner.id != with_nodes[0].id:
            call.args["programme"] = owner.id
        calls.append(call)
    amount_calls = (
        _amount_calls(q, [p for p in programmes if progs.get(p).amounts], facts, progs)
        if sc.amount >= intents.THRESHOLD and not nodes else []
    )
    calls.extend(amount_calls)
    if sc.rate >= intents.THRESHOLD and not amount_calls:
        calls.extend(
            RoutedCall(name="subsidy_rate", args={"programme": p, **facts}) for p in programmes if progs.get(p).rates
        )
    if sc.schedule >= intents.THRESHOLD:
        prog = programmes[0] if len(programmes) == 1 else "all"
        args: dict[str, Any] = {"programme": prog}
        deadline_owner = next(
            (p for p in with_nodes if p.node_route and p.node_route.contract_deadline and prog in ("all", p.id)), None
        ) or next((p for p in with_nodes if p.node_route and p.node_route.contract_deadline), None)
        notice = None
        if deadline_owner is not None and re.search(r"通知", q):
            cd = deadline_owner.node_route.contract_deadline  # type: ignore[union-attr]
            notice = _notice_date(q, cd.undated_year)  # type: ignore[union-attr]
        if notice is not None and deadline_owner is not None:
            args["notice_date"] = notice[0].isoformat()
            # The contract rule is one programme's route; a question leaning elsewhere keeps every programme's dates.
            args["programme"] = deadline_owner.id if prog in ("all", deadline_owner.id) else "all"
        stated = _stated_date(q, notice[1] if notice else None)
        if stated is not None:
            args["on_date"] = stated.isoformat()
        elif today is not None:
            args["on_date"] = today.isoformat()
        calls.append(RoutedCall(name="programme_schedule", args=args))
    return calls
