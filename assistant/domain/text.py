"""Japanese text normalisation shared by ingestion, retrieval, citations and evals."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """NFKC-normalise (full-width digits/letters → ASCII, half-width kana → full-width)."""
    return unicodedata.normalize("NFKC", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogates(text: str) -> bool:
    """True when ``text`` holds a lone UTF-16 surrogate (e.g. from JSON "\\ud800"), which cannot be encoded."""
    return _SURROGATE.search(text) is not None


def scrub(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so it can be stored, logged and tokenised."""
    return _SURROGATE.sub("\ufffd", text)


def match_key(text: str) -> str:
    """The form used whenever two texts are compared: NFKC, all whitespace removed (DESIGN.md contract)."""
    return _WS.sub("", nfkc(text))


def contains(haystack: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` after :func:`match_key` on both."""
    return match_key(needle) in match_key(haystack)


_OPEN = frozenset("（(「『【［[〔｛{")
_CLOSE = frozenset("）)」』】］]〕｝}")
_STOPS = frozenset("。！？")
_ASCII_STOPS = frozenset("!?")  # only before whitespace or the line end: a '?' inside a URL ends nothing


def sentence_spans(
    line: str, start: int = 0, end: int | None = None, depth_aware: bool = True
) -> list[tuple[int, int]]:
    """The sentences of one line (``line[start:end]``) as (start, end) offsets, surrounding space left out.

    A sentence ends at 。！？ (or ! ? before whitespace), with any stops and closing brackets right after it
    (「…です。」, 「本当ですか？！」). With ``depth_aware``, a stop inside brackets does not end the sentence: the
    documents put whole clauses in parentheses, e.g. 「（常時使用する従業員数（単体）が2,000人以下。みなし大企業を
    除く。）」. The one sentence splitter: ingestion (corpus/splitter.py), sentence vectors, citations and the
    offline answer all use it.
    """
    end = len(line) if end is None else end
    out = []
    depth = 0
    s = skip_spaces(line, start, end)
    j = s
    while j < end:
        c = line[j]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif (c in _STOPS or (c in _ASCII_STOPS and (j + 1 == end or line[j + 1].isspace()))) and (
            depth == 0 or not depth_aware
        ):
            k = j + 1
            while k < end and (line[k] in _CLOSE or line[k] in _STOPS):
                k += 1
            out.append((s, k))
            s = skip_spaces(line, k, end)
            j = s
            depth = 0
            continue
        j += 1
    tail_end = trim_end(line, s, end)
    if tail_end > s:
        out.append((s, tail_end))
    return out


def split_sentences(text: str) -> list[str]:
    """Japanese text as sentences (:func:`sentence_spans`, line by line), keeping the punctuation."""
    return [line[a:b] for line in text.splitlines() for a, b in sentence_spans(line)]


def skip_spaces(text: str, i: int, end: int) -> int:
    """The first index from ``i`` (before ``end``) that is not white space."""
    while i < end and text[i].isspace():
        i += 1
    return i


def trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing white space, not before ``start``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def japanese_date(as_of: str) -> str:
    """"2023-09-22" → "2023年9月22日", "2023-12" → "2023年12月", "2024" → "2024年"; anything else as given."""
    m = _ISO_DATE.fullmatch((as_of or "").strip())
    if not m:
        return as_of
    y, mo, d = m.groups()
    return f"{int(y)}年" + (f"{int(mo)}月" if mo else "") + (f"{int(d)}日" if d else "")
