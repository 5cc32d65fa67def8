"""gpu_node_plan: checks a GENIAC route-(2) GPU node plan (bulk-procured by METI) against the document's rules."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.domain.programmes import Cited, NodeRoute, Programme
from assistant.tools import programme_arg
from assistant.tools.results import ROUNDING_JA, STRICT, ToolOutput, cites, exact, number, yen

HOURS_PER_MONTH = 730  # assumption, stated in every result: 365 days × 24 h ÷ 12
MAX_NODES = 10_000
MAX_GPUS = MAX_NODES * 8
DEFAULT_PERIOD_MONTHS = 6  # used only when the programme's route states none (its period.months otherwise)


def default_programme() -> Programme:
    """The first served programme with node limits (GENIAC in the packaged corpus)."""
    progs = programme_arg.served().with_nodes()
    if not progs:
        raise ValueError("no served programme has node limits")
    return progs[0]


def route_of(programme: str | None) -> NodeRoute:
    prog = programme_arg.get(programme) if programme else default_programme()
    assert prog.node_route is not None  # the input validator admits only programmes with node limits
    return prog.node_route


def per_gpu_memory(r: NodeRoute) -> int:
    # The documents give only the node total (計 640GB for 8 GPUs); the per-GPU figure is derived from it.
    return r.node_spec.gpu_memory_gb // r.node_spec.gpus_per_node


def per_gpu_basis(r: NodeRoute) -> str:
    s = r.node_spec
    return (
        f"{s.gpu} 1基あたりのGPUメモリ{per_gpu_memory(r)}GBは、文書のGPUノード仕様（{s.gpu} GPU {s.gpus_per_node}基、"
        f"GPUメモリ計{s.gpu_memory_gb}GB）から{s.gpu_memory_gb}GB÷{s.gpus_per_node}基で算出した値です"
        "（文書は1基あたりの値を直接は記載していません）。"
    )


def excess_verdict(r: NodeRoute) -> str:
    return f"{r.maximum.nodes}ノードまで可能（超過分は個別調整）"


class GpuNodePlanInput(BaseModel):
    model_config = STRICT

    programme: str | None = Field(
        None,
        description="制度（GPUノードの規定がある制度。省略時は geniac など、規定がある最初の制度）",
        json_schema_extra=programme_arg.schema_enum("node_limits"),
    )
    constant_nodes: int | None = Field(
        None, ge=1, le=MAX_NODES, description="期間を通して一定のGPUノード数。月ごとに変わる場合は nodes_per_month を使う"
    )
    nodes_per_month: list[Annotated[int, Field(ge=0, le=MAX_NODES)]] | None = Field(
        None,
        min_length=1,
        max_length=24,
        description="月ごとのGPUノード数（期間の全月分、例: 最初の1ヶ月のみ30ノードなら [30,0,0,0,0,0]）",
    )
    h100_gpus: int | None = Field(
        None,
        ge=1,
        le=MAX_GPUS,
        description="必要なH100 GPUの数（ノード数の代わりに指定）。1ノード8基として必要ノード数（切り上げ）を期間を通して一定で判定",
    )
    period_months: int | None = Field(
        None, ge=1, le=24, description="利用期間の月数（省略時は文書の利用期間。GENIACでは6ヶ月）"
    )
    unit_price: float | None = Field(
        None, gt=0, le=1e9, allow_inf_nan=False, description="GPUノードの仮単価（1ノードあたり、price_unit の単位）"
    )
    price_unit: Literal["node_hour", "node_month"] = Field("node_hour", description="仮単価の単位: ノード時間あたり / ノード月あたり")
    currency: Literal["JPY", "USD"] = Field("JPY", description="仮単価の通貨")
    jpy_per_usd: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False, description="為替想定: 1米ドルあたりの円（USDの場合必須）")

    @field_validator("programme")
    @classmethod
    def _served(cls, v: str | None) -> str | None:
        return None if v is None else programme_arg.check(v, "node_limits")

    @model_validator(mode="after")
    def _check(self) -> GpuNodePlanInput:
        if self.period_months is None:
            self.period_months = route_of(self.programme).period.months if programme_arg.served().with_nodes() \
                else DEFAULT_PERIOD_MONTHS
        given = [x is not None for x in (self.constant_nodes, self.nodes_per_month, self.h100_gpus)]
        if sum(given) != 1:
            raise PydanticCustomError(
                "plan_shape",
                "GPUノード数は constant_nodes（期間を通して一定）、nodes_per_month（月ごと）、h100_gpus（必要なH100 GPUの数）の"
                "どれか一つだけを指定してください。",
            )
        if self.nodes_per_month is not None:
            if len(self.nodes_per_month) != self.period_months:
                raise PydanticCustomError(
                    "plan_length",
                    "nodes_per_month は利用期間の月数（period_months={m}）と同じ数だけ指定してください（指定は{k}ヶ月分）。"
                    "例: 6ヶ月のうち最初の1ヶ月のみ30ノードなら [30,0,0,0,0,0]。期間を通して一定なら constant_nodes を使ってください。",
                    {"m": self.period_months, "k": len(self.nodes_per_month)},
                )
            if not any(self.nodes_per_month):
                raise PydanticCustomError("node_count", "nodes_per_month がすべて0です。少なくとも1ヶ月は1以上のノード数を指定してください。")
        if self.currency == "USD" and self.unit_price is not None and self.jpy_per_usd is None:
            raise PydanticCustomError(
                "missing_fx",
                "仮単価が米ドル建てです。為替想定 jpy_per_usd（1ドルあたりの円）を指定してください（文書は為替想定の明記を求めています）。",
            )
        return self

    def plan(self, gpus_per_node: int) -> list[int]:
        months = self.period_months or DEFAULT_PERIOD_MONTHS
        if self.nodes_per_month is not None:
            return list(self.nodes_per_month)
        if self.h100_gpus is not None:
            return [nodes_for_gpus(self.h100_gpus, gpus_per_node)] * months
        return [self.constant_nodes or 0] * months


def nodes_for_gpus(gpus: int, gpus_per_node: int = 8) -> int:
    """Whole nodes needed for ``gpus`` GPUs at ``gpus_per_node`` per node (300 → 38 at 8)."""
    return -(-gpus // gpus_per_node)


class NodeTotals(BaseModel):
    peak_nodes: int
    h100_gpus: int = Field(description="H100 GPU数（ピーク時、1ノード8基）")
    gpu_memory_gb: int = Field(description="GPUメモリ合計（ピーク時、1ノード640GB）")
    gpu_memory_gb_per_gpu: int = Field(description="H100 1基あたりのGPUメモリ（ノード仕様の640GB÷8基から算出）")
    local_ssd_tb: int = Field(description="ローカルSSD合計（ピーク時、1ノード30TB）")
    node_hours: int = Field(description="期間中のノード時間（1ヶ月=730時間と仮定）")
    gpu_hours: int


class GpuRequest(BaseModel):
    h100_gpus: int = Field(description="入力された必要GPU数")
    nodes: int = Field(description="必要ノード数（GPU数÷8の切り上げ）")
    provided_gpus: int = Field(description="そのノード数で提供されるH100の数")
    unused_gpus: int = Field(description="必要数を超えて余るH100の数")
    within_route2: bool = Field(description="必要ノード数が(2)の手法の上限（100以下）に収まるか")


class GpuNodePlanResult(ToolOutput):
    programme: str = Field(description="判定に使った制度")
    verdict: str = Field(description="可能 / 不可能 / 上限ノードまで可能（超過分は個別調整）")
    gpu_request: GpuRequest | None = Field(None, description="h100_gpus を指定した場合の換算")
    allowed_as_submitted: bool = Field(description="入力どおりの計画が(2)の手法で認められるか")
    plan: list[int] = Field(description="月ごとのノード数")
    period_months: int
    route2_nodes: int | None = Field(description="(2)の手法で確保する一定のノード数（認められる場合）")
    individual_nodes_per_month: list[int] = Field(description="100を超える分として個別調整で確保するノード数（月ごと）")
    reasons: list[str]
    totals: NodeTotals = Field(description="入力された計画全体の規模")
    route2_totals: NodeTotals | None = Field(description="(2)の手法で確保する分の規模（利用期間全体）")
    hours_assumption: str
    cost_jpy: int | None = Field(description="(2)の手法の分の期間全体の費用（円、1円未満切り捨て）。仮単価がない・計画が認められない場合は null")
    cost_ja: str | None
    cost_basis: str | None


def _totals(r: NodeRoute, plan: list[int]) -> NodeTotals:
    spec = r.node_spec
    peak = max(plan)
    node_hours = sum(plan) * HOURS_PER_MONTH
    return NodeTotals(
        peak_nodes=peak,
        h100_gpus=spec.gpus_per_node * peak,
        gpu_memory_gb=spec.gpu_memory_gb * peak,
        gpu_memory_gb_per_gpu=per_gpu_memory(r),
        local_ssd_tb=spec.local_ssd_tb * peak,
        node_hours=node_hours,
        gpu_hours=node_hours * spec.gpus_per_node,
    )


def _example(r: NodeRoute, plan: list[int]) -> Cited | None:
    """The document's worked example this plan has the shape of, if any."""
    if len(set(plan)) == 1:
        return r.examples.constant
    if plan[0] > 0 and all(n == 0 for n in plan[1:]):
        return r.examples.first_month_only
    if len(plan) > 1 and len(set(plan[1:])) == 1 and plan[1] not in (0, plan[0]):
        return r.examples.changes_after_first
    return None


def gpu_node_plan(args: GpuNodePlanInput) -> GpuNodePlanResult:
    """GPUノードを一括で確保する手法（GENIACの計算リソース確保方法(2): 経済産業省が一括で確保しH100 GPUノードを提供）の
    ノード数計画を、制度ファイルの規則（上限ノード数、期間を通して一定か、超過分の扱い、ノード仕様、課金方法）で判定します。

    GENIACのルール: ノード数は100以下で、利用期間（10月中旬（P）から6ヶ月）を通して一定であること。100を超える分は
    個別調整で確保できます。月ごとのノード数（nodes_per_month、期間の全月分）、一定数（constant_nodes）、
    または必要なH100 GPUの数（h100_gpus、1ノード8基で必要ノード数を切り上げ）のどれか一つを受け取り、
    可否、上限を超える分、GPU数、GPUメモリ、ローカルSSD、ノード時間、仮単価（unit_price）があれば期間全体の費用
    （使用の有無に関わらず期間全体に課金）を返します。
    """
    prog = programme_arg.get(args.programme) if args.programme else default_programme()
    r = route_of(prog.id)
    spec, top, label = r.node_spec, r.maximum.nodes, r.label
    plan = args.plan(spec.gpus_per_node)
    months = len(plan)
    must_be_constant = r.constant_over_period.value
    excess_allowed = r.excess.handling == "individual_arrangement"
    route_part = [min(n, top) for n in plan]
    excess = [max(n - top, 0) for n in plan]
    constant = len(set(plan)) == 1
    fits = (constant or not must_be_constant) and max(plan) <= top and (constant or 0 not in plan or not must_be_constant)
    reasons: list[str] = []
    quotes: list[Cited | None] = [r.maximum, r.constant_over_period]
    route_nodes: int | None
    if fits and constant:
        verdict = "可能"
        route_nodes = plan[0]
        reasons.append(f"期間（{months}ヶ月）を通して{plan[0]}ノードで一定、かつ{top}以下のため、{label}で確保できます。")
    elif fits:
        verdict = "可能"
        route_nodes = max(plan)
        reasons.append(f"どの月も{top}ノード以下のため、{label}で確保できます。")
    elif excess_allowed and len(set(route_part)) == 1 and route_part[0] == top:
        verdict = excess_verdict(r)
        route_nodes = top
        quotes.append(r.excess)
        over = f"{excess[0]}ノード" if len(set(excess)) == 1 else "月ごとに " + "・".join(map(str, excess)) + " ノード"
        reasons.append(
            f"{label}で確保できるのは{top}ノード以下のため、{'期間を通して' + str(plan[0]) + 'ノード' if constant else 'この計画'}は"
            f"そのままでは{label}で確保できません。{top}ノードを{label}で期間を通して確保し、{top}を超える分（{over}）は"
            "個別に調整して確保することが認められています。"
        )
    else:
        verdict = "不可能"
        route_nodes = None
        if must_be_constant and not constant:
            reasons.append(
                f"{label}で使用するGPUノード数は期間を通して一定である必要がありますが、この計画は月ごとに"
                f"{'・'.join(map(str, plan))}ノードと変化しています。"
            )
            if 0 in plan:
                reasons.append(f"一部の月に{label}でノードを確保しない計画は、期間を通して一定という条件を満たしません。")
        if max(plan) > top and not excess_allowed:
            reasons.append(f"{label}で確保できるのは{top}ノード以下で、超える分を確保する方法は文書に定められていません。")
        reasons.append(
            f"{label}で確保する場合は、{'期間を通して一定の' if must_be_constant else ''}ノード数（{top}以下）にしてください。"
            + (r.alternative.text if r.alternative else "")
        )
        quotes.append(r.alternative)
    quotes.append(_example(r, plan))

    totals = _totals(r, plan)
    route_totals = _totals(r, [route_nodes] * months) if route_nodes else None
    hours_assumption = f"ノード時間は1ヶ月={HOURS_PER_MONTH}時間（365日×24時間÷12）と仮定して計算しています（実際の利用期間の日数ではありません）。"

    cost_jpy = cost_ja = cost_basis = None
    fx_note = None
    if args.unit_price is not None and route_nodes:
        price = exact(args.unit_price)
        if args.currency == "USD":
            price *= exact(args.jpy_per_usd or 0)
            fx_note = f"為替想定 1ドル={number(args.jpy_per_usd or 0)}円"
        # Billed for the whole period whether used or not (whole_period); by use otherwise, which the plan gives.
        node_months = route_nodes * months if r.billing.basis == "whole_period" else sum(route_part)
        units = node_months * (HOURS_PER_MONTH if args.price_unit == "node_hour" else 1)
        cost = Fraction(units) * price
        cost_jpy = int(cost)
        cost_ja = yen(cost_jpy)
        unit_word = "ノード時間" if args.price_unit == "node_hour" else "ノード月"
        cur = "ドル" if args.currency == "USD" else "円"
        billing = (
            "使用の有無に関わらず利用期間全体に課金されます。" if r.billing.basis == "whole_period" else "使用した量に応じて課金されます。"
        )
        cost_basis = (
            (f"{route_nodes}ノード×{months}ヶ月" if r.billing.basis == "whole_period" else f"{node_months}ノード月")
            + (f"×{HOURS_PER_MONTH}時間" if args.price_unit == "node_hour" else "")
            + f"＝{units:,}{unit_word}×仮単価{number(args.unit_price)}{cur}/{unit_word}"
            + (f"（{fx_note}）" if fx_note else "")
            + f"、{ROUNDING_JA}。{billing}"
        )
        quotes += [r.billing, r.unit_price]
        if fx_note:
            quotes.append(r.exchange_rate)

    quotes += [spec, *r.also_cite, r.contract_deadline]
    parts = []
    gpu_request = None
    if args.h100_gpus is not None:
        g, n = args.h100_gpus, plan[0]
        per = spec.gpus_per_node
        gpu_request = GpuRequest(
            h100_gpus=g, nodes=n, provided_gpus=n * per, unused_gpus=n * per - g, within_route2=n <= top,
        )
        spare = f"、{gpu_request.unused_gpus}基は余り" if gpu_request.unused_gpus else ""
        fit_text = (
            f"{n}ノードは{label}の上限「{top}以下」に収まります（期間を通して{n}ノードで一定にする場合）。"
            if gpu_request.within_route2
            else f"{n}ノードは{label}の上限「{top}以下」を超えます（{top}ノードまでを{label}で、超える{n - top}ノードは個別調整）。"
            if excess_allowed
            else f"{n}ノードは{label}の上限「{top}以下」を超えます。"
        )
        parts.append(
            f"{spec.gpu} {g:,}基には、1ノード{per}基のため{g:,}÷{per}を切り上げて{n:,}ノードが必要です"
            f"（{n:,}ノード＝{spec.gpu} {gpu_request.provided_gpus:,}基{spare}）。{fit_text}"
        )
    parts.append(f"判定: {verdict}。" + " ".join(reasons))
    t = totals
    parts.append(
        f"計画全体の規模はピーク{t.peak_nodes:,}ノード（{spec.gpu} GPU {t.h100_gpus:,}基、GPUメモリ{t.gpu_memory_gb:,}GB、"
        f"ローカルSSD {t.local_ssd_tb:,}TB）、期間中{t.node_hours:,}ノード時間（{t.gpu_hours:,} GPU時間、1ヶ月={HOURS_PER_MONTH}時間と仮定）です。"
    )
    parts.append(per_gpu_basis(r))
    if route_totals and route_nodes != t.peak_nodes:
        parts.append(f"うち{label}の分は{route_nodes}ノード（{spec.gpu} GPU {route_totals.h100_gpus:,}基）です。")
    if cost_ja:
        parts.append(f"{label}の分の期間全体の費用は{cost_ja}です（{cost_basis}）")
    elif args.unit_price is not None:
        parts.append(f"計画が{label}の条件を満たさないため、費用は計算していません。")
    caveats = [c.text for c in r.caveats]
    if months != r.period.months:
        caveats.insert(0, f"文書の利用期間は{r.period.months}ヶ月ですが、入力された{months}ヶ月分で判定しました。")
    return GpuNodePlanResult(
        programme=prog.id,
        verdict=verdict,
        gpu_request=gpu_request,
        allowed_as_submitted=verdict == "可能",
        plan=plan,
        period_months=months,
        route2_nodes=route_nodes,
        individual_nodes_per_month=excess if route_nodes == top and excess_allowed and max(plan) > top else [0] * months,
        reasons=reasons,
        totals=totals,
        route2_totals=route_totals,
        hours_assumption=hours_assumption,
        cost_jpy=cost_jpy,
        cost_ja=cost_ja,
        cost_basis=cost_basis,
        explanation=" ".join(parts),
        caveats=caveats,
        citations=cites(*quotes),
    )
