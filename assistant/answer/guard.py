"""Scope and prompt-injection checks that run before any answer, with or without the LLM.

Rules, not a model: they must be predictable, and the offline mode needs them as much as the LLM mode.
The LLM prompt repeats the same rules, so the model refuses what slips through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.domain import programmes
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
    r"(制限|制約|ルール)(なし|無し|を外|を解除)|(制限|制約|縛り)(も|が|の)?(ない|無い)",
    r"(以降|これから)は?.{0,20}(として|になりきって)(振る舞|答え|回答)",
    # role-play and planted "official" instructions
    r"ロールプレイ|なりきって|役を演じ|演じてください|(あなた|君)は.{0,15}(審査員|担当者|職員|大臣)(です|だ|として)",
    r"(と|って)(答え|回答|返答|返事)(ること|なさい|てください|ろ)",
    r"(と|って)(回答|返答|返事)(して|しろ|せよ)|(と|って)(答えて|言って)(ください|下さい|くれ)",
    r"(採択|合格|承認)(を|すると|確定と)?.{0,6}(宣言|約束|保証)",
    r"(ふり|フリ)をして|(に|と)なったつもりで|(キャラ|キャラクター)として|役(を|で)(やって|して|お願い)|語尾に",
    # English role-play and rule changes
    r"\b(you are now|pretend (you are|to be)|act as|from now on|role-?play)\b",
    r"\b(override|bypass|disable)\b[^.?!\n]{0,30}\b(rules|guidelines|instructions|filters?|restrictions)\b",
    r"\b(developer|admin|god|debug) mode\b",
    # Exfiltration: the system's own text, settings, secrets, files, staff and user data
    r"(スタッフ|職員|社員|管理者|ユーザー|利用者|会員|顧客)(の)?(一覧|名簿|リスト|個人情報)",
    r"環境変数|設定ファイル|コンフィグ|api\s?キー|アクセスキー|秘密鍵|(管理者|admin|root)の?パスワード",
    r"(上|前|先|直前)の(文章|文|テキスト|内容|メッセージ|指示)を?(そのまま|全部|全て|すべて)?(繰り返|復唱|出力|表示|コピー)",
    r"(データベース|db|サーバー?|システム)(の|上の|内の)(テーブル|ファイル|ディレクトリ|中身)",
    r"/etc/|/proc/|/home/|\.ssh\b|\bpasswd\b|\.env\b",
    (r"\b(print|show|list|dump|reveal|display|output|repeat|give me)\b[^.?!\n]{0,40}"
     r"\b(environment variables?|env vars?|config(uration)?( file)?|settings|system prompt|your prompt|instructions|"
     r"api keys?|secrets?|passwords?|files|staff|employees|source code)\b"),
    r"\byour (system |hidden |initial )?(prompt|instructions|settings|configuration|config|environment)\b",
    r"\brepeat\b[^.?!\n]{0,30}\b(above|previous|earlier|verbatim)\b",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION), re.IGNORECASE)

# Words that place a question inside the programmes the corpus covers; each programme's names come from its file.
_DOMAIN = [
    "補助", "助成", "公募", "応募", "申請", "事前調査", "採択", "審査", "基盤モデル", "生成ai",
    "経済産業省", "経産省", "計算リソース", "計算資源", "gpu", "h100", "ノード", "p5", "aws", "クラウド",
    "中小企業", "大企業", "みなし", "特定事業者", "学術機関", "大学", "研究開発",
    "従業員", "定額", "補助率", "助成率", "上限", "締切", "締め切り", "期限", "募集", "スケジュール", "期間",
    "連絡先", "問い合わせ", "問合せ", "対象", "費用", "経費", "外注", "データ整備", "為替", "仮単価",
    "llm", "大規模言語モデル", "マルチモーダル", "ファインチューニング", "チューニング", "事務局", "支援",
    "居住者", "外資", "日本法人", "提案", "事業者", "要件", "公開度", "性能", "rag", "推論", "ssd",
    "取組方針", "第三者委員会", "インターコネクト", "計算機", "交付", "契約", "単価", "ベンダー", "補助金", "助成金",
    # how applicants speak of subsidy administration, which the documents leave to the call's guidelines
    "提出", "様式", "公募要領", "精算", "自己負担", "重複受給", "併用", "実績報告", "成果報告", "交付決定", "補助対象", "助成対象",
    "subsidy", "grant", "eligible", "eligibility", "applicant", "application", "deadline",
]

# Requests outside the helpdesk's job even when they use programme words: other ministries' schemes, writing
# code, forecasts, other applicants' confidential status, a vendor's account support, product comparisons.
_OUT_OF_SCOPE_ALWAYS = re.compile(
    r"厚生労働省|厚労省|文部科学省|文科省|総務省|国土交通省|国交省|農林水産省|農水省|環境省|内閣府の|"
    r"(金融|国税|特許|デジタル|こども|復興|消費者|文化|観光|気象|警察|防衛|スポーツ)庁|"
    r"科研費|雇用調整助成金|ものづくり補助金|it導入補助金|事業再構築補助金|小規模事業者持続化|"
    r"(コード|プログラム|スクリプト|sql)を(書|作|生成)|実装して(ください|下さい)|"
    r"(相場|株価|為替レート|レート)を?(予想|予測)|(予想|予測)して(もらえ|ください|下さい|くれ)|"
    r"(競合|他社|ライバル|[a-zａ-ｚ]社)[^。]{0,20}(申請|応募|採択)(している|した|された)か|"
    # Third parties' applications: what other firms proposed, estimated or were awarded, whether they applied
    r"(他社|他の(会社|企業|事業者|応募者|申請者|大学)|競合|ライバル|\b[a-z]社|\b[a-z]大学)[^。？?]{0,20}"
    r"((申請|応募|提案|採択|見積|参加)(内容|結果|額|状況)|(申請|応募|採択|参加|出)(した|している|された|しました|されました|してる)か)|"
    r"(採択|不採択|落選)(された|だった)?(企業|会社|事業者|大学)の?(一覧|リスト|名前|名称|社名)を?(教えて|見せて|出して|ください)|"
    # A cloud vendor's own account and service support
    r"(aws|azure|gcp|google cloud|ec2|s3|iam|さくらのクラウド)[^。？?]{0,20}"
    r"(アカウント|ログイン|サポートプラン|クォータ|解約|インスタンスが|バケット|パスワード)|"
    r"(アカウント|請求先|パスワード|ログイン)[^。]{0,15}(変更|設定|リセット|方法)|"
    r"(どっち|どちら)[^。]{0,10}(速い|早い|高性能|性能が)|"
    # English requests for code or commands
    r"\b(write|create|generate|debug|fix)\b[^.?!\n]{0,30}\b(python|bash|shell|javascript|java|sql|c\+\+|code|script|program)\b|"
    r"\b(run|execute)\b[^.?!\n]{0,10}(`|\b(ls|cat|sudo|rm|curl|wget)\b)",
    re.IGNORECASE,
)

# Clearly unrelated requests (checked only when no domain word is present).
_OFF_TOPIC = re.compile(
    r"天気|株価|為替相場|レシピ|料理|占い|恋愛|ゲーム|映画|音楽|スポーツ|野球|サッカー|旅行|ホテル|"
    r"コードを書|プログラムを書|python|javascript|翻訳して|小説|詩を|歌詞|ジョーク|冗談|"
    r"確定申告|年金|税金|ビザ|医療費|病院|宝くじ|競馬|仮想通貨|ビットコイン|ランチ|お店|飲食店|グルメ|居酒屋|"
    # software and device support: installing, errors, commands
    r"インストール(でき|し|する|方法)|アンインストール|再起動|(起動|接続)(しない|できない)|エラーが(出|で)|ドライバ|"
    r"(コマンド|関数|クエリ|dockerfile|正規表現)[^。？?]{0,10}(書き方|使い方|直し方|意味|例)|"
    r"ニュース|国債|法人税|所得税|住民税|相続税|贈与税|(の|って)株|株を|株は|"
    r"(メール|手紙|文章|挨拶|スピーチ|作文|感想文|記事|コピー|歌詞|詩|俳句|短歌|物語)を?(書いて|作って|考えて)|"
    r"^(こんにちは|こんばんは|おはよう|ありがとう|さようなら|またね|hello|hi\b|thanks|thank you)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GuardResult:
    verdict: Verdict
    reason: str = ""


def has_domain_term(question: str) -> bool:
    """The question uses the programmes' words: the generic ones above or a programme's own names (its file)."""
    q = nfkc(question).lower()
    names = (n for ns in programmes.current().colloquial_names().values() for n in ns)
    return any(term in q for term in _DOMAIN) or any(n in q for n in names)


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
