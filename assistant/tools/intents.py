"""Which calculator a question asks for: concept families scored over three views of the question.

The offline router (``router.py``) used to fire a tool on the first keyword that matched, so any 「応募できますか」
became a schedule question. Here each tool has an intent score built from families of words:

- a family is a set of words for one concept, taken from the documents' own vocabulary (補助率・助成率・定額,
  締め切り・受付期間, ノード・一括で確保 …) plus the plain words applicants use for it;
- a word matches the question's surface text (NFKC), its Sudachi normalised forms (〆切/締切 → 締め切り,
  できる → 出来る) or, for words of four kana or more, its readings, which catch homophones an IME produces
  and kana spellings (補助律・ほじょりつ → ホジョリツ, 絞め切り → シメキリ);
- a tool's score adds what the question *asks* (a rate, an amount, a node count or limit, a date or period),
  what it *states* (employees, an amount of money, a node or GPU count, a date) and subtracts what marks a
  look-up question (where to send, whom to contact, what to write, what a word means). A tool fires when its
  score reaches ``THRESHOLD``; being eligible (「応募できますか」) is not a question about a date.

Every pattern here is a plain word list or a regex without nested quantifiers (linear time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.domain.text import nfkc
from assistant.retrieval.tokenizer import default_tokenizer

THRESHOLD = 2
# Readings shorter than this collide too often (キカン: 期間/機関, ジキ: 時期/磁気) to stand for a word.
MIN_READING = 4
_HIRA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}


def _kata(text: str) -> str:
    return text.translate(str.maketrans(_HIRA))


@dataclass(frozen=True)
class Tokens:
    """A text's morphemes (one form each) joined, with the offsets where morphemes start and end."""

    text: str
    bounds: frozenset[int]

    @classmethod
    def join(cls, parts: list[str]) -> Tokens:
        bounds = {0}
        pos = 0
        for part in parts:
            pos += len(part)
            bounds.add(pos)
        return cls("".join(parts), frozenset(bounds))

    def contains(self, word: str) -> bool:
        """``word`` occurs spanning whole morphemes (so ゼンガク is not found inside ジ|ゼンガクシュウ)."""
        start = self.text.find(word)
        while start >= 0:
            if start in self.bounds and start + len(word) in self.bounds:
                return True
            start = self.text.find(word, start + 1)
        return False


@dataclass(frozen=True)
class View:
    """The question as surface text, normalised forms and katakana readings."""

    surface: str
    lower: str
    norm: Tokens
    reading: Tokens

    @classmethod
    def of(cls, question: str) -> View:
        surface = nfkc(question)
        norm, reading = default_tokenizer().forms(surface)  # Sudachi is a dependency; questions are bounded
        return cls(surface=surface, lower=surface.lower(), norm=Tokens.join(norm),
                   reading=Tokens.join([_kata(r) for r in reading]))


@lru_cache(maxsize=2048)
def _word_forms(word: str) -> tuple[str, str]:
    norm, reading = default_tokenizer().forms(word)
    return "".join(norm), _kata("".join(reading))


def has_word(view: View, word: str) -> bool:
    if word in view.surface or word.lower() in view.lower:
        return True
    norm, reading = _word_forms(word)
    if norm and view.norm.contains(norm):
        return True
    return len(reading) >= MIN_READING and view.reading.contains(reading)


def has_any(view: View, words: tuple[str, ...]) -> bool:
    return any(has_word(view, w) for w in words)


# ---- families (words) ----
# Support: the programmes' own verbs and nouns for money given.
SUPPORT = ("補助", "助成", "もらえ", "subsidy", "grant")
# A rate or share of the costs.
RATE = ("補助率", "助成率", "補助割合", "助成割合", "負担割合", "負担率", "自己負担", "割合", "何割", "何分の", "分の1",
        "定額", "全額", "半分", "半額", "パーセント", "何%", "subsidy rate")
# Applicant classes the rate rules use: asking which one applies is asking for the rate.
CLASS = ("大企業", "中小企業", "中堅", "中小", "扱い", "扱う", "該当", "区分", "分類", "当たる", "どちら", "どっち", "SME")
# An amount of money asked for.
AMOUNT_ASK = ("補助", "助成", "いくら", "最大", "もらえ", "受けられ", "出ますか", "出る", "支給", "上限", "負担",
              "how much")
# The GPU nodes that METI procures in bulk (route (2)) and their counts.
NODE_TOPIC = ("ノード", "GPU", "H100", "一括で確保", "一括確保", "一括調達", "一括で調達", "まとめて確保",
              "まとめて借り", "まとめて調達", "(2)", "node")
NODE_COUNT_ASK = ("何ノード", "ノード数", "何台", "何基", "何枚", "何個", "GPUの数", "GPU数", "最大数", "how many")
NODE_LIMIT_ASK = ("上限", "最大", "いくつ", "幾つ", "max")
NODE_SHAPE_ASK = ("増減", "増や", "減ら", "変え", "変更", "途中", "月ごと", "月によって", "一定")
# A date, period or deadline asked for.
TIME_ASK = ("いつ", "何日", "何月", "何ヶ月", "何か月", "何カ月", "何週", "期限", "締め切り", "締切", "〆切",
            "締め切る", "受付中", "募集中", "スケジュール", "日程", "今も", "今から", "いまから",
            "今でも", "現在も", "deadline", "when", "schedule")
TIME_NOUN = ("期間", "時期", "開始日", "終了日", "受付開始", "間に合", "何年")
# Look-up questions: where, who, which document, what to write, what a word means.
LOOKUP = ("問い合わせ", "問合せ", "連絡先", "相談先", "窓口", "メールアドレス", "宛先", "提出先", "担当者", "担当部署",
          "書類", "様式", "どこに", "どこで", "どこを", "どこから", "根拠", "定義", "意味", "とは何", "とはなに", "とは?", "書けば", "書かない",
          "記入", "法律", "規程", "どうして", "なぜ", "理由", "経緯")
# Eligibility: whether something or someone may take part (not how much, not when).
ELIGIBLE = ("対象", "充て", "使えます", "応募でき", "申請でき", "参加でき")

# ---- structured cues (regexes without nested quantifiers) ----
_RATE_SUFFIX = re.compile(r"(?<![効確倍])率(?:は|って|を|が|も)")
_QUESTION_FORM = re.compile(r"どう|いくら|何|\?|か。?$")
# 「終わるのはいつ」「開始は」: an event of the calendar asked about; not 「始まってから」「終わった後」.
_EVENT = re.compile(r"(?:始ま|終わ)(?:る|り|ります|った(?!後|あと))|(?:開始|終了|スタート)(?!後|前|して)")
_DATE_MENTION = re.compile(r"(?:20\d\d|[0-9]{1,2})\s*(?:年|月|/)|[上中下]旬")
# 「期間は？」「時期を教えて」「受付期間をそれぞれ教えて」: the date or period itself is what is asked.
_TIME_TOPIC = re.compile(r"(?:期間|日程|時期|期限|締め?切り?)(?:は|って|を|が)?(?:それぞれ|全部|ざっくり)?(?:教え|知り|[?？]|$)")
_LATE = re.compile(r"まだ|過ぎ(?:たら|ると|ても|て)|セーフ|大丈夫|OK|ok")
# 「1台に」「1ノードあたり」: a per-unit figure (a specification or a price), not a plan.
_PER_UNIT = re.compile(r"(?:1|一)\s*(?:台|ノード|枚|基)\s*(?:に|で|あたり|当たり)|あたり|当たり")
_NOW = re.compile(r"今|現在|いま(?![すせし])")
_OPEN = re.compile(r"期間中|受付|募集|間に合")
_SUBMIT = re.compile(r"提出|出し|出せ|回答|応募|申請|送")


@dataclass
class Scores:
    rate: int = 0
    amount: int = 0
    nodes: int = 0
    schedule: int = 0
    lookup: bool = False


def scores(
    view: View, *, has_facts: bool, has_size_fact: bool, has_money: bool, has_node_count: bool, has_full_date: bool
) -> Scores:
    """Intent scores for the four calculators; ``THRESHOLD`` or more means the question asks for it.

    ``has_facts``: the question states applicant facts (organisation kind, employees, flags);
    ``has_size_fact``: one of those that decides the applicant class (employees, みなし大企業, 特定事業者).
    """
    q = view.surface
    s = Scores()
    s.lookup = has_any(view, LOOKUP)
    penalty = 2 if s.lookup else 0
    eligible = has_any(view, ELIGIBLE)

    # Rate: a rate word, or an applicant fact with a class or support word in a question.
    if has_any(view, RATE) or _RATE_SUFFIX.search(q):
        s.rate += 3
    if has_size_fact and has_any(view, CLASS):
        s.rate += 2
    if has_facts and has_any(view, SUPPORT) and _QUESTION_FORM.search(q):
        s.rate += 2 - (1 if eligible else 0)
    s.rate -= penalty

    # Amount: money stated and an amount asked.
    if has_money and has_any(view, AMOUNT_ASK):
        s.amount += 3
    s.amount -= penalty

    # Nodes: a node or GPU count stated, or the node count / limit / shape of route (2) asked.
    if has_node_count:
        s.nodes += 3
    elif (has_any(view, NODE_TOPIC) or has_any(view, NODE_COUNT_ASK)) and not _PER_UNIT.search(q):
        if has_any(view, NODE_COUNT_ASK) or not has_money and (has_any(view, NODE_LIMIT_ASK) or has_any(view, NODE_SHAPE_ASK)):
            s.nodes += 2
    s.nodes -= penalty

    # Schedule: a date or period asked; a stated date with a question whether it is still in time.
    if has_any(view, TIME_ASK):
        s.schedule += 2
    if has_any(view, TIME_NOUN) or _EVENT.search(q):
        s.schedule += 1
    if _TIME_TOPIC.search(q):
        s.schedule += 1
    if _DATE_MENTION.search(q):
        s.schedule += 1
    if _NOW.search(q) and _OPEN.search(q):
        s.schedule += 1
    if has_full_date and (_LATE.search(q) or _SUBMIT.search(q)):
        s.schedule += 1
    s.schedule -= penalty
    return s
