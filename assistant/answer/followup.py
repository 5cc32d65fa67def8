"""Does a follow-up question depend on the conversation? Decided from its own grammar (Sudachi parts of speech),
not from a list of questions.

A question depends on the history when
- it refers back: a demonstrative pronoun or determiner (それ, この, そういう …), 同じ, or a deictic time
  word (さっき, 先ほど, 前回 …);
- it opens as a continuation: a conjunction (じゃあ, では, でも …), a sentence-initial particle (で、, では),
  or a discourse connective (ちなみに, あと, なお …); topic changers (ところで, さて) do not count;
- it is elliptical: no predicate of its own and either at most one content noun (「締切は？」「本当に？」)
  or a bare noun phrase whose head is an entity or a formal noun, ending in a topic or condition marker
  (「大学の場合は？」「中小企業なら？」「1,500人なら？」); a phrase with its own attribute head
  (「GPUノードの上限は？」) names its topic and stands alone;
- it has no content noun at all (「いくらもらえるの？」「いつから？」).
Everything else (a predicate plus its own content nouns) names its topic by itself and is searched alone.
The labelled pairs in evals/datasets/followups.jsonl measure this (tuning/held-out split, see docs/evaluation.md).
"""

from __future__ import annotations

from assistant.retrieval.tokenizer import JapaneseTokenizer, default_tokenizer

Morpheme = tuple[str, tuple[str, ...], str]

_DEMONSTRATIVE_START = ("こ", "そ", "あ")
_NOT_DEMONSTRATIVE = {"あなた", "あんた", "あたし", "その他", "そのほか"}
_DEICTIC = {"さっき", "先程", "先ほど", "前回", "上記", "前述", "同じ", "今の", "以上", "両方", "両者", "双方"}
_CONNECTIVES = {"ちなみに", "あと", "なお", "また", "さらに", "それから", "他に", "ほかに", "逆に", "一方"}
_TOPIC_CHANGERS = {"ところで", "さて"}
# Nouns that carry no topic of their own: 「大学の場合は？」 is about 大学 under the earlier question.
_FORMAL_NOUNS = {"場合", "とき", "時", "方", "ほう", "件", "話", "こと", "もの", "点", "他", "ほか", "辺", "所", "ところ",
                 "感じ", "具体", "本当", "的"}
_TOPIC_ENDINGS = {"は", "も", "って", "なら", "と", "では", "だと"}


def _content_nouns(ms: list[Morpheme]) -> list[int]:
    return [
        i for i, (surf, pos, norm) in enumerate(ms)
        if pos[0] == "名詞" and surf not in _FORMAL_NOUNS and norm not in _FORMAL_NOUNS and surf not in _DEICTIC
    ]


def _refers_back(ms: list[Morpheme]) -> bool:
    for i, (surf, pos, norm) in enumerate(ms):
        nxt = ms[i + 1][0] if i + 1 < len(ms) else ""
        if surf + nxt in _NOT_DEMONSTRATIVE or surf in _NOT_DEMONSTRATIVE:
            continue
        if pos[0] in ("代名詞", "連体詞") and surf.startswith(_DEMONSTRATIVE_START):
            return True
        if surf in _DEICTIC or norm in _DEICTIC:
            return True
    return False


def _opens_as_continuation(ms: list[Morpheme]) -> bool:
    words = [m for m in ms if m[1][0] not in ("補助記号", "空白")]
    if not words:
        return False
    first, pos, _ = words[0]
    head = first + (words[1][0] if len(words) > 1 else "")
    if first in _TOPIC_CHANGERS or head in _TOPIC_CHANGERS:
        return False
    return pos[0] in ("接続詞", "助詞") or first in _CONNECTIVES or head in _CONNECTIVES


def _has_predicate(ms: list[Morpheme]) -> bool:
    """A verb, an adjective, an adjectival noun, or a copula after a noun or pronoun (「…は何ですか」)."""
    for i, (_, pos, _) in enumerate(ms):
        if pos[0] in ("動詞", "形容詞", "形状詞"):
            return True
        if pos[0] == "助動詞" and ms[i][2] in ("だ", "です") and i > 0 and ms[i - 1][1][0] in ("名詞", "代名詞"):
            return True
    return False


def _ends_with_topic(words: list[Morpheme]) -> bool:
    """「…は？」「…も？」「…なら？」「…だと？」: the main clause stops at its topic, its predicate left out."""
    return bool(words) and words[-1][0] in _TOPIC_ENDINGS and words[-1][1][0] in ("助詞", "助動詞")


def _elliptical(ms: list[Morpheme]) -> bool:
    words = [m for m in ms if m[1][0] not in ("補助記号", "空白")]
    if not words:
        return False
    if not _ends_with_topic(words) and _has_predicate(words):
        return False
    # A bare phrase: its head decides. Strip what closes it: the marker, a copula, an interrogative
    # (「…の場合は」「…だと」「…はどうですか」「…は合計いくら」).
    rest = list(words)
    while rest and (rest[-1][0] in _TOPIC_ENDINGS or rest[-1][1][0] in ("助動詞", "助詞", "副詞", "代名詞")):
        rest.pop()
    if not rest or len(_content_nouns(rest)) <= 1:
        return True
    head_surf, head_pos, _ = rest[-1]
    if head_surf in _FORMAL_NOUNS or head_pos[0] != "名詞":
        return True
    # 「A の B」 with a content noun B after の: B is an attribute the question asks about → its own topic.
    return not any(m[0] == "の" and m[1][0] == "助詞" for m in rest[1:-1])


def depends_on_history(question: str, tokenizer: JapaneseTokenizer | None = None) -> bool:
    """True when ``question`` cannot be understood without the previous turn (see the module docstring)."""
    ms = (tokenizer or default_tokenizer()).morphemes(question)
    if not ms:
        return False
    if _refers_back(ms) or _opens_as_continuation(ms):
        return True
    if not _content_nouns(ms):
        return True
    return _elliptical(ms)
