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


_OPEN = "（(「『【［["
_CLOSE = "）)」』】］]"
_ENDERS = "。！？!?"


def split_sentences(text: str) -> list[str]:
    """Split Japanese text into sentences on 。！？ and line breaks, keeping the punctuation.

    A 。 inside brackets (（…。…）, 「…。」) does not end the sentence: the documents put whole clauses in
    parentheses, e.g. 「（常時使用する従業員数（単体）が2,000人以下。みなし大企業を除く。）」.
    """
    out: list[str] = []
    for line in text.splitlines():
        depth = 0
        buf = ""
        for i, ch in enumerate(line):
            buf += ch
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth = max(0, depth - 1)
            elif ch in _ENDERS and depth == 0:
                nxt = line[i + 1] if i + 1 < len(line) else ""
                if nxt not in _ENDERS:
                    out.append(buf)
                    buf = ""
        if buf:
            out.append(buf)
    return [s.strip() for s in out if s.strip()]


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def japanese_date(as_of: str) -> str:
    """"2023-09-22" → "2023年9月22日", "2023-12" → "2023年12月", "2024" → "2024年"; anything else as given."""
    m = _ISO_DATE.fullmatch((as_of or "").strip())
    if not m:
        return as_of
    y, mo, d = m.groups()
    return f"{int(y)}年" + (f"{int(mo)}月" if mo else "") + (f"{int(d)}日" if d else "")
