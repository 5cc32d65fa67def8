"""Sentences copied verbatim from corpus/documents/*.txt; every calculator rule cites one of them.

tests/test_tools_citations.py checks that each constant occurs in its document (after
assistant.domain.text.match_key), so a typo here fails the suite instead of misquoting a ministry.
"""

from __future__ import annotations

from dataclasses import dataclass

INFRA = "ai-compute-infra-presurvey"
GENIAC = "geniac-foundation-model-presurvey"
COMPUTE = "geniac-compute-resources"


@dataclass(frozen=True)
class Quote:
    doc: str
    text: str

    def cite(self) -> dict[str, str]:
        return {"doc": self.doc, "quote": self.text}


# --- AI compute infrastructure subsidy (供給確保計画 / クラウドプログラム) ---
INFRA_SCOPE = Quote(INFRA, "AI 用の高度な電子計算機の導入等に係る費用の補助という形で支援を行う。")
INFRA_RATE = Quote(
    INFRA,
    "補助率については、①国立研究開発法人等・大学等・地方独立行政法人・中堅・中小企業（常時使用する従業員数（単体）が"
    "2,000人以下。みなし大企業を除く。ただし、本要件は変更の可能性があることに留意。）：1/2 以内、"
    "②大企業その他の①以外の法人：1/3 以内とする。",
)
INFRA_CAP = Quote(INFRA, "ただし、補助額には上限を設けることとし、本事前調査を踏まえて、上限額を決定する。")
INFRA_NEDO_RULES = Quote(
    INFRA,
    "助成金の交付のルールについては NEDO の交付規程を参照のこと。ただし、今後、交付規程は改定する予定なので、"
    "改定された交付規程を参照ください。",
)
INFRA_WINDOW = Quote(INFRA, "2023年12月26日から2024年1月17日まで")
INFRA_CALL = Quote(
    INFRA,
    "（公募・第三者委員会の時期は確定していませんが、来年2月から3月にかけて公募を行い、"
    "3月に第三者委員会を実施することを想定しています。）",
)
INFRA_DETAILS = Quote(INFRA, "なお、供給確保計画の公募にあたっての詳細については、今後公表される公募要領等をご確認ください。")
INFRA_MAY_CHANGE = Quote(INFRA, "ただし、現時点の想定であり、今後変更の可能性がある。")

# --- GENIAC foundation-model development grant (競争力ある生成AI基盤モデルの開発（助成）) ---
GENIAC_SUPPORT = Quote(
    GENIAC, "基盤モデルの開発に必要な GPU を含む計算リソースの提供とその利用料の助成という形で支援を行う。"
)
GENIAC_RATE = Quote(
    GENIAC,
    "計算リソース利用料について、中小企業等経営強化法に基づく特定事業者・学術機関等（国公立研究機関、国立大学法人、"
    "公立大学法人、私立大学、高等専門学校、独立行政法人及びこれらに準ずる機関）は定額助成とし、"
    "これに該当しない企業については助成率（1 / 2）を導入する。",
)
GENIAC_CAP = Quote(GENIAC, "また、本事前調査を踏まえて、助成額に上限を設ける可能性があることに留意のこと。")
GENIAC_WINDOW = Quote(GENIAC, "2023年9月22日から2023年10月11日まで")
GENIAC_CALL = Quote(
    GENIAC,
    "有識者委員会での議論を受けて、支援スキームの大枠が固まったことから、基盤モデル開発の支援企業を10月下旬（予定）から"
    "NEDOより公募することとなりました。",
)
GENIAC_DEV_PERIOD = Quote(GENIAC, "2024年1月頃から半年間")
GENIAC_DETAILS = Quote(
    GENIAC, "なお、公募や本事業実施にあたっての詳細については、今後公表されるNEDOの公募要領等をご確認ください。"
)
GENIAC_MAY_CHANGE = Quote(GENIAC, "なお、現時点の想定であり、今後変更の可能性はある。")

# --- GENIAC compute-resource rules (計算リソースについて) ---
CR_ELIGIBLE = Quote(COMPUTE, "本事業では、計算リソースの利用料とデータ整備に必要な費用（ただし外注費に限る）が助成対象となります。")
CR_GPU_AND_OTHER = Quote(
    COMPUTE, "そのうち、計算リソース利用料は、GPU リソースと GPU リソース以外の計算リソースの費用が対象となります。"
)
CR_FX = Quote(COMPUTE, "その際、将来の為替変動を考慮した金額で申請することを認めます（ただし、その際の為替想定を明記すること）。")
CR_NO_ACADEMIC_PROVIDER = Quote(
    COMPUTE,
    "ただし、学術機関等（国公立研究機関、国立大学法人等及びこれらに準ずる機関）から計算リソースを調達することはできません。",
)
CR_ROUTE1_REQUIRED = Quote(
    COMPUTE, "このうち、(1)の調達方法を提案することは必須とし、希望する提案者は(2)の調達方法を提案することも可能です。"
)
CR_ROUTE1_FLEXIBLE = Quote(
    COMPUTE,
    "なお、補助対象となる計算リソースの利用量や利用期間について、研究開発期間であれば、計算リソース提供事業者と個別に"
    "交渉の上、各自で設定することが可能です。",
)
CR_RD_PERIOD = Quote(COMPUTE, "研究開発期間については、10月中旬（P）から6ヶ月の予定です。")
CR_NON_GPU_DIRECT = Quote(
    COMPUTE,
    "ただし、GPU リソース以外の計算リソースについては、各提案者が計算リソース提供事業者と個別に調整し、直接調達することになります。",
)
CR_NODE_SPEC = Quote(
    COMPUTE,
    "本事業実施のために確保する GPU リソースは、NVIDIA 社製 H100 GPU を 8 基、GPU メモリを計 640GB、ローカル SSD を 30TB、"
    "インジェクションバンド幅 3.2Tbps 相当のインターコネク、を搭載した GPU サーバー（以下、「GPU ノード」という）、"
    "および付随するサーバー、ネットワーク、ストレージサービス等の形態で提供されます。",
)
CR_MAX_100 = Quote(
    COMPUTE, "(2)の手法で GPU リソースを確保することを希望する事業者については、GPU リソースのノード数を、「100 以下」とします。"
)
CR_CONSTANT = Quote(
    COMPUTE,
    "なお、事業期間（GPU リソースの利用期間は研究開発期間と同じ 10 月中旬（P）から 6 ヶ月となります）を通して使用する"
    " GPU ノード数は一定（100 以下）であることとします。",
)
CR_OVER_100 = Quote(
    COMPUTE,
    "GPU ノードを「100 以上」利用したい事業者については、100 を越える分について、個別に調整することで確保することを認めます。",
)
CR_VENDOR = Quote(COMPUTE, "提供クラウドベンダー/GPU ノードの種類：Amazon Web Services/p5.48xlarge（※）")
CR_PRICE_CONTACT = Quote(
    COMPUTE,
    "(2)に関し、提案書の記入にあたって使用する GPU リソースの仮単価の計算方法については、本公募に申請を検討する事業者は"
    "個別にお伝えするので、「(連絡先)」に記載の宛先に連絡をお願いします。",
)
CR_FX_NODES = Quote(
    COMPUTE,
    "その際、申請において、GPU リソースの費用を将来の為替変動を考慮した金額で申請することを認めます"
    "（ただし、その際の為替想定を明記すること）。",
)
CR_BILLING = Quote(
    COMPUTE,
    "なお、(2)に関しては、使用の有無に関わらず、提供された GPU リソースの利用期間全体に対して費用が発生する点に留意ください"
    "（使用した量に応じて費用が発生する従量課金制ではありません）。",
)
CR_CONTRACT = Quote(
    COMPUTE, "ただし、(2)を選択できる事業者は、採択通知日から 1 ヶ月程度内にクラウドベンダーとの契約を締結できる企業等に限ります。"
)
CR_EXAMPLE_OK = Quote(
    COMPUTE, "・確保可能な場合：計算リソース利用期間を通して、(2)の手法で確保する GPU リソースが 30 ノード。"
)
CR_EXAMPLE_NG1 = Quote(
    COMPUTE,
    "・確保不可能な場合 1：計算リソース利用期間のうち、(2)の手法で前半 1 ヶ月で確保する GPU リソースが 30 ノード。"
    "（それ以降は(2)の手法で GPU リソースを確保しない。）",
)
CR_EXAMPLE_NG2 = Quote(
    COMPUTE,
    "・確保不可能な場合 2：計算リソース利用期間のうち、(2)の手法で前半 1 ヶ月で確保する GPU リソースが 30 ノード、"
    "それ以降に(2)の手法で確保する GPU リソースが 40 ノード。",
)

ALL_QUOTES: dict[str, Quote] = {k: v for k, v in globals().items() if isinstance(v, Quote)}
