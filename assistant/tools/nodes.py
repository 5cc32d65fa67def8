"""gpu_node_plan: checks a GENIAC route-(2) GPU node plan (bulk-procured by METI) against the document's rules."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from assistant.tools import quotes as Q
from assistant.tools.common import ROUNDING_JA, STRICT, ToolOutput, cites, exact, number, yen

ROUTE2_MAX_NODES = 100  # 「100 以下」
GPUS_PER_NODE = 8
GPU_MEMORY_GB_PER_NODE = 640
LOCAL_SSD_TB_PER_NODE = 30
DOC_PERIOD_MONTHS = 6  # 「10 月中旬（P）から 6 ヶ月」
HOURS_PER_MONTH = 730  # assumption, stated in every result: 365 days × 24 h ÷ 12
MAX_NODES = 10_000
MAX_GPUS = MAX_NODES * GPUS_PER_NODE
# The document gives only the node total (計 640GB for 8 GPUs); the per-GPU figure is derived from it.
GPU_MEMORY_GB_PER_GPU = GPU_MEMORY_GB_PER_NODE // GPUS_PER_NODE
assert GPU_MEMORY_GB_PER_GPU * GPUS_PER_NODE == GPU_MEMORY_GB_PER_NODE
PER_GPU_BASIS_JA = (
    f"H100 1基あたりのGPUメモリ{GPU_MEMORY_GB_PER_GPU}GBは、文書のGPUノード仕様（H100 GPU 8基、GPUメモリ計640GB）から"
    f"640GB÷8基で算出した値です（文書は1基あたりの値を直接は記載していません）。"
)

Verdict = Literal["可能", "不可能", "100ノードまで可能（超過分は個別調整）"]


class GpuNodePlanInput(BaseModel):
    model_config = STRICT

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
    period_months: int = Field(DOC_PERIOD_MONTHS, ge=1, le=24, description="利用期間の月数（文書では6ヶ月）")
    unit_price: float | None = Field(
        None, gt=0, le=1e9, allow_inf_nan=False, description="GPUノードの仮単価（1ノードあたり、price_unit の単位）"
    )
    price_unit: Literal["node_hour", "node_month"] = Field("node_hour", description="仮単価の単位: ノード時間あたり / ノード月あたり")
    currency: Literal["JPY", "USD"] = Field("JPY", description="仮単価の通貨")
    jpy_per_usd: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False, description="為替想定: 1米ドルあたりの円（USDの場合必須）")

    @model_validator(mode="after")
    def _check(self) -> GpuNodePlanInput:
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

    def plan(self) -> list[int]:
        if self.nodes_per_month is not None:
            return list(self.nodes_per_month)
        if self.h100_gpus is not None:
            return [nodes_for_gpus(self.h100_gpus)] * self.period_months
        return [self.constant_nodes or 0] * self.period_months


def nodes_for_gpus(gpus: int) -> int:
    """Whole nodes needed for ``gpus`` H100s at 8 per node (300 → 38)."""
    return -(-gpus // GPUS_PER_NODE)


class NodeTotals(BaseModel):
    peak_nodes: int
    h100_gpus: int = Field(description="H100 GPU数（ピーク時、1ノード8基）")
    gpu_memory_gb: int = Field(description="GPUメモリ合計（ピーク時、1ノード640GB）")
    gpu_memory_gb_per_gpu: int = Field(
        GPU_MEMORY_GB_PER_GPU, description="H100 1基あたりのGPUメモリ（ノード仕様の640GB÷8基から算出）"
    )
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
    verdict: Verdict
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


def _totals(plan: list[int]) -> NodeTotals:
    peak = max(plan)
    node_hours = sum(plan) * HOURS_PER_MONTH
    return NodeTotals(
        peak_nodes=peak,
        h100_gpus=GPUS_PER_NODE * peak,
        gpu_memory_gb=GPU_MEMORY_GB_PER_NODE * peak,
        local_ssd_tb=LOCAL_SSD_TB_PER_NODE * peak,
        node_hours=node_hours,
        gpu_hours=node_hours * GPUS_PER_NODE,
    )


def _example(plan: list[int]) -> Q.Quote | None:
    """The document's worked example this plan has the shape of, if any."""
    if len(set(plan)) == 1:
        return Q.CR_EXAMPLE_OK
    if plan[0] > 0 and all(n == 0 for n in plan[1:]):
        return Q.CR_EXAMPLE_NG1
    if len(plan) > 1 and len(set(plan[1:])) == 1 and plan[1] not in (0, plan[0]):
        return Q.CR_EXAMPLE_NG2
    return None


def gpu_node_plan(args: GpuNodePlanInput) -> GpuNodePlanResult:
    """GENIACの計算リソース確保方法(2)（経済産業省が一括で確保しH100 GPUノードを提供）のノード数計画を判定します。

    ルール: ノード数は100以下で、利用期間（10月中旬（P）から6ヶ月）を通して一定であること。100を超える分は
    個別調整で確保できます。月ごとのノード数（nodes_per_month、期間の全月分）、一定数（constant_nodes）、
    または必要なH100 GPUの数（h100_gpus、1ノード8基で必要ノード数を切り上げ）のどれか一つを受け取り、
    可否、100を超える分、H100 GPU数（1ノード8基）、GPUメモリ（640GB/ノード、1基あたり80GB）、ローカルSSD（30TB/ノード）、
    ノード時間、仮単価（unit_price）があれば期間全体の費用（使用の有無に関わらず期間全体に課金）を返します。
    """
    plan = args.plan()
    months = len(plan)
    route2_part = [min(n, ROUTE2_MAX_NODES) for n in plan]
    excess = [max(n - ROUTE2_MAX_NODES, 0) for n in plan]
    constant = len(set(plan)) == 1
    reasons: list[str] = []
    quotes: list[Q.Quote] = [Q.CR_MAX_100, Q.CR_CONSTANT]
    route2_nodes: int | None
    if constant and plan[0] <= ROUTE2_MAX_NODES:
        verdict: Verdict = "可能"
        route2_nodes = plan[0]
        reasons.append(f"期間（{months}ヶ月）を通して{plan[0]}ノードで一定、かつ100以下のため、(2)の手法で確保できます。")
    elif len(set(route2_part)) == 1 and route2_part[0] == ROUTE2_MAX_NODES:
        verdict = "100ノードまで可能（超過分は個別調整）"
        route2_nodes = ROUTE2_MAX_NODES
        quotes.append(Q.CR_OVER_100)
        over = f"{excess[0]}ノード" if len(set(excess)) == 1 else "月ごとに " + "・".join(map(str, excess)) + " ノード"
        reasons.append(
            f"(2)の手法で確保できるのは100ノード以下のため、{'期間を通して' + str(plan[0]) + 'ノード' if constant else 'この計画'}は"
            f"そのままでは(2)の手法で確保できません。100ノードを(2)の手法で期間を通して確保し、100を超える分（{over}）は"
            "個別に調整して確保することが認められています。"
        )
    else:
        verdict = "不可能"
        route2_nodes = None
        if not constant:
            reasons.append(
                "(2)の手法で使用するGPUノード数は期間を通して一定である必要がありますが、この計画は月ごとに"
                f"{'・'.join(map(str, plan))}ノードと変化しています。"
            )
        if 0 in plan:
            reasons.append("一部の月に(2)の手法でノードを確保しない計画は、期間を通して一定という条件を満たしません。")
        reasons.append(
            "(2)の手法で確保する場合は、期間を通して一定のノード数（100以下）にしてください。"
            "(1)の手法（計算リソース提供事業者と個別に調整して直接確保）では、研究開発期間内で利用量や利用期間を各自で設定できます。"
        )
        quotes.append(Q.CR_ROUTE1_FLEXIBLE)
    ex = _example(plan)
    if ex is not None:
        quotes.append(ex)

    totals = _totals(plan)
    route2_totals = _totals([route2_nodes] * months) if route2_nodes else None
    hours_assumption = f"ノード時間は1ヶ月={HOURS_PER_MONTH}時間（365日×24時間÷12）と仮定して計算しています（実際の利用期間の日数ではありません）。"

    cost_jpy = cost_ja = cost_basis = None
    fx_note = None
    if args.unit_price is not None and route2_nodes:
        price = exact(args.unit_price)
        if args.currency == "USD":
            price *= exact(args.jpy_per_usd or 0)
            fx_note = f"為替想定 1ドル={number(args.jpy_per_usd or 0)}円"
        units = route2_nodes * months * (HOURS_PER_MONTH if args.price_unit == "node_hour" else 1)
        cost = Fraction(units) * price
        cost_jpy = int(cost)
        cost_ja = yen(cost_jpy)
        unit_word = "ノード時間" if args.price_unit == "node_hour" else "ノード月"
        cur = "ドル" if args.currency == "USD" else "円"
        cost_basis = (
            f"{route2_nodes}ノード×{months}ヶ月"
            + (f"×{HOURS_PER_MONTH}時間" if args.price_unit == "node_hour" else "")
            + f"＝{units:,}{unit_word}×仮単価{number(args.unit_price)}{cur}/{unit_word}"
            + (f"（{fx_note}）" if fx_note else "")
            + f"、{ROUNDING_JA}。使用の有無に関わらず利用期間全体に課金されます。"
        )
        quotes += [Q.CR_BILLING, Q.CR_PRICE_CONTACT]
        if fx_note:
            quotes.append(Q.CR_FX_NODES)

    quotes += [Q.CR_NODE_SPEC, Q.CR_ROUTE1_REQUIRED, Q.CR_CONTRACT]
    parts = []
    gpu_request = None
    if args.h100_gpus is not None:
        g, n = args.h100_gpus, plan[0]
        gpu_request = GpuRequest(
            h100_gpus=g, nodes=n, provided_gpus=n * GPUS_PER_NODE, unused_gpus=n * GPUS_PER_NODE - g,
            within_route2=n <= ROUTE2_MAX_NODES,
        )
        spare = f"、{gpu_request.unused_gpus}基は余り" if gpu_request.unused_gpus else ""
        fits = (
            f"{n}ノードは(2)の手法の上限「100以下」に収まります（期間を通して{n}ノードで一定にする場合）。"
            if gpu_request.within_route2
            else f"{n}ノードは(2)の手法の上限「100以下」を超えます（100ノードまでを(2)の手法で、超える{n - ROUTE2_MAX_NODES}ノードは個別調整）。"
        )
        parts.append(
            f"H100 {g:,}基には、1ノード8基のため{g:,}÷8を切り上げて{n:,}ノードが必要です"
            f"（{n:,}ノード＝H100 {gpu_request.provided_gpus:,}基{spare}）。{fits}"
        )
    parts.append(f"判定: {verdict}。" + " ".join(reasons))
    t = totals
    parts.append(
        f"計画全体の規模はピーク{t.peak_nodes:,}ノード（H100 GPU {t.h100_gpus:,}基、GPUメモリ{t.gpu_memory_gb:,}GB、"
        f"ローカルSSD {t.local_ssd_tb:,}TB）、期間中{t.node_hours:,}ノード時間（{t.gpu_hours:,} GPU時間、1ヶ月=730時間と仮定）です。"
    )
    parts.append(PER_GPU_BASIS_JA)
    if route2_totals and route2_nodes != t.peak_nodes:
        parts.append(f"うち(2)の手法の分は{route2_nodes}ノード（H100 GPU {route2_totals.h100_gpus:,}基）です。")
    if cost_ja:
        parts.append(f"(2)の手法の分の期間全体の費用は{cost_ja}です（{cost_basis}）")
    elif args.unit_price is not None:
        parts.append("計画が(2)の手法の条件を満たさないため、費用は計算していません。")
    caveats = [
        "(1)の手法（提案者が計算リソース提供事業者と個別に調整し直接確保）の提案は必須で、(2)の手法は希望する場合に追加で提案できます。",
        "(2)を選択できるのは、採択通知日から1ヶ月程度内にクラウドベンダーとの契約を締結できる企業等に限られます。",
        "(2)の費用は使用の有無に関わらず利用期間全体に対して発生します（従量課金ではありません）。",
        "利用期間は10月中旬（P、仮）から6ヶ月の予定です。GPU以外の計算リソースは(1)(2)いずれの場合も各提案者が直接調達します。",
        ("提供はAmazon Web Servicesのp5.48xlargeの予定ですが、異なるクラウドベンダーになる可能性があります。"
        "仮単価の計算方法は文書の連絡先に問い合わせると個別に伝えられます。"),
    ]
    if months != DOC_PERIOD_MONTHS:
        caveats.insert(0, f"文書の利用期間は6ヶ月ですが、入力された{months}ヶ月分で判定しました。")
    return GpuNodePlanResult(
        verdict=verdict,
        gpu_request=gpu_request,
        allowed_as_submitted=verdict == "可能",
        plan=plan,
        period_months=months,
        route2_nodes=route2_nodes,
        individual_nodes_per_month=excess if route2_nodes == ROUTE2_MAX_NODES else [0] * months,
        reasons=reasons,
        totals=totals,
        route2_totals=route2_totals,
        hours_assumption=hours_assumption,
        cost_jpy=cost_jpy,
        cost_ja=cost_ja,
        cost_basis=cost_basis,
        explanation=" ".join(parts),
        caveats=caveats,
        citations=cites(*quotes),
    )
