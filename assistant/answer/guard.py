"""Scope and prompt-injection checks that run before any answer, with or without the LLM.

Rules, not a model: they must be predictable, and the offline mode needs them as much as the LLM mode.
The LLM prompt repeats the same rules, so the model refuses what slips through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.domain.text import nfkc

Verdict = Literal["ok", "injection", "out_of_scope"]

_INJECTION = [
    r"(指示|命令|ルール|設定|制約|プロンプト)(を|は)?(すべて|全て|全部)?(無視|忘れ|破棄|リセット|解除|上書き)",
    r"(システム|system)\s*(プロンプト|prompt|メッセージ|message)",
    r"(プロンプト|指示内容|初期設定|内部設定)(を|の)?(内容を?)?(表示|教え|見せ|出力|開示|公開|繰り返|書き出|貼り付け)",
    r"ignore\s+(all\s+|the\s+)?(previous|prior|above)",
    r"(disregard|forget)\s+(all\s+|your\s+)?(instructions|rules)",
    r"reveal\s+(your|the)\s+(prompt|instructions)",
    r"(あなた|君|お前)は(今から|これから|もう)",
    r"(開発者|管理者|デベロッパー|developer|admin)\s*モード",
    r"DAN\b|jailbreak|ジェイルブレイク|脱獄",
    r"(制限|制約|ルール)(なし|無し|を外|を解除)",
    r"(以降|これから)は?.{0,20}(として|になりきって)(振る舞|答え|回答)",
    # role-play and planted "official" instructions
    r"ロールプレイ|なりきって|役を演じ|演じてください|(あなた|君)は.{0,15}(審査員|担当者|職員|大臣)(です|だ|として)",
    r"(と|って)(答え|回答|返答|返事)(ること|なさい|てください|ろ)",
    r"(採択|合格|承認)(を|すると|確定と)?.{0,6}(宣言|約束|保証)",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION), re.IGNORECASE)

# Words that place a question inside the programmes the corpus covers.
_DOMAIN = [
    "補助", "助成", "公募", "応募", "申請", "事前調査", "採択", "審査", "基盤モデル", "生成ai", "geniac", "nedo",
    "経済産業省", "経産省", "計算リソース", "計算資源", "gpu", "h100", "ノード", "p5", "aws", "クラウド",
    "電子計算機", "供給確保", "中小企業", "大企業", "みなし", "特定事業者", "学術機関", "大学", "研究開発",
    "従業員", "定額", "補助率", "助成率", "上限", "締切", "締め切り", "期限", "募集", "スケジュール", "期間",
    "連絡先", "問い合わせ", "問合せ", "対象", "費用", "経費", "外注", "データ整備", "為替", "仮単価",
    "llm", "大規模言語モデル", "マルチモーダル", "ファインチューニング", "チューニング", "事務局", "支援",
    "居住者", "外資", "日本法人", "提案", "事業者", "要件", "公開度", "性能", "rag", "推論", "ssd",
    "取組方針", "第三者委員会", "インターコネクト", "計算機", "交付", "契約", "単価", "ベンダー", "補助金", "助成金",
]

# Requests outside the helpdesk's job even when they use programme words: other ministries' schemes, writing
# code, forecasts, other applicants' confidential status, a vendor's account support, product comparisons.
_OUT_OF_SCOPE_ALWAYS = re.compile(
    r"厚生労働省|厚労省|文部科学省|文科省|総務省|国土交通省|国交省|農林水産省|農水省|環境省|内閣府の|"
    r"科研費|雇用調整助成金|ものづくり補助金|it導入補助金|事業再構築補助金|小規模事業者持続化|"
    r"(コード|プログラム|スクリプト|sql)を(書|作|生成)|実装して(ください|下さい)|"
    r"(相場|株価|為替レート|レート)を?(予想|予測)|(予想|予測)して(もらえ|ください|下さい|くれ)|"
    r"(競合|他社|ライバル|[a-zａ-ｚ]社)[^。]{0,20}(申請|応募|採択)(している|した|された)か|"
    r"(アカウント|請求先|パスワード|ログイン)[^。]{0,15}(変更|設定|リセット|方法)|"
    r"(どっち|どちら)[^。]{0,10}(速い|早い|良い|いい|おすすめ|高性能)",
    re.IGNORECASE,
)

# Clearly unrelated requests (checked only when no domain word is present).
_OFF_TOPIC = re.compile(
    r"天気|株価|為替相場|レシピ|料理|占い|恋愛|ゲーム|映画|音楽|スポーツ|野球|サッカー|旅行|ホテル|"
    r"コードを書|プログラムを書|python|javascript|翻訳して|小説|詩を|歌詞|ジョーク|冗談|"
    r"確定申告|年金|税金|ビザ|医療費|病院|宝くじ|競馬|仮想通貨|ビットコイン|ランチ|お店|飲食店|グルメ|居酒屋",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GuardResult:
    verdict: Verdict
    reason: str = ""


def has_domain_term(question: str) -> bool:
    q = nfkc(question).lower()
    return any(term in q for term in _DOMAIN)


def check(question: str, top_dense_similarity: float | None = None, min_similarity: float = 0.80) -> GuardResult:
    """Classify a question before answering.

    ``top_dense_similarity`` is the cosine similarity of the best dense hit (e5 scores sit around 0.75–0.9);
    without a domain word and below ``min_similarity`` the question is taken as out of scope.
    """
    q = nfkc(question)
    m = _INJECTION_RE.search(q)
    if m:
        return GuardResult("injection", f"injection pattern: {m.group(0)!r}")
    m = _OUT_OF_SCOPE_ALWAYS.search(q)
    if m:
        return GuardResult("out_of_scope", f"out-of-scope request: {m.group(0)!r}")
    domain = has_domain_term(q)
    if not domain and _OFF_TOPIC.search(q):
        return GuardResult("out_of_scope", "off-topic keyword and no domain term")
    if not domain and top_dense_similarity is not None and top_dense_similarity < min_similarity:
        return GuardResult("out_of_scope", f"no domain term; best dense similarity {top_dense_similarity:.3f}")
    return GuardResult("ok")
