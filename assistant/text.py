"""Japanese text normalisation shared by ingestion, retrieval, citations and evals."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
# A Japanese sentence ends at 。！？ (and their ASCII forms after NFKC), optionally followed by closing brackets.
_SENTENCE_END = re.compile(r"(?<=[。！？!?])[」』）)】]*")


def nfkc(text: str) -> str:
    """NFKC-normalise (full-width digits/letters → ASCII, half-width kana → full-width)."""
    return unicodedata.normalize("NFKC", text)


def match_key(text: str) -> str:
    """The form used whenever two texts are compared: NFKC, all whitespace removed (DESIGN.md contract)."""
    return _WS.sub("", nfkc(text))


def contains(haystack: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` after :func:`match_key` on both."""
    return match_key(needle) in match_key(haystack)


def split_sentences(text: str) -> list[str]:
    """Split Japanese text into sentences on 。！？ and line breaks; keeps the punctuation, drops blanks."""
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in _SENTENCE_END.finditer(line):
            end = m.end()
            if end > start:
                out.append(line[start:end])
                start = end
        if start < len(line):
            out.append(line[start:])
    return [s.strip() for s in out if s.strip()]
