"""Japanese number expressions → exact values: 3億, 1.5億円, 5000万, 3億5,000万, 二千万, 2,001 (after NFKC)."""

from __future__ import annotations

import re
from fractions import Fraction

from assistant.domain.text import nfkc

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = (("兆", 10**12), ("億", 10**8), ("万", 10**4))
_START = "0-9〇零一二三四五六七八九十百千"
_END = _START + "万億兆"
# The characters a number run may contain: arabic digits with , and ., kanji digits and unit characters.
RUN_CHARS = "0-9,.〇零一二三四五六七八九十百千万億兆"
# A run that may be a number: starts with a digit, ends with a digit or unit (or a stray comma: 「$64, million」).
# One way to match any given run (no nested or overlapping quantifiers), so a pattern built from it fails in
# time linear in the run's length; the old form, two overlapping stars, took minutes on 2,000 digits.
NUMBER_RUN = rf"[{_START}](?:[{RUN_CHARS}]*[{_END}])?,?"
# The same without commas, for the items of a comma-separated list 「30,30,40ノード」 (items and separators
# must not overlap, or a list of n items could be split in 2^n ways).
NUMBER_RUN_WITHOUT_COMMAS = rf"[{_START}](?:[{RUN_CHARS.replace(',', '')}]*[{_END}])?"
# Longer runs are not read as numbers (no amount, count or list in these documents needs more characters:
# 1,000,000,000,000 has 17); callers mask them with mask_long_numbers() before matching.
MAX_NUMBER_CHARS = 32
_LONG_RUN = re.compile(rf"[{RUN_CHARS}]{{{MAX_NUMBER_CHARS + 1},}}")
_ARABIC = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def _small(group: str) -> Fraction:
    """A number below 10,000 (possibly with a decimal point): '5000', '1.5', '5千', '三千五百'."""
    value = Fraction(0)
    current: Fraction | None = None
    i = 0
    while i < len(group):
        ch = group[i]
        m = _ARABIC.match(group, i)
        if m:
            current = Fraction(m.group().replace(",", ""))
            i = m.end()
            continue
        if ch in _KANJI_DIGITS:
            current = Fraction(_KANJI_DIGITS[ch])
        elif ch in _SMALL:
            value += (current if current is not None else 1) * _SMALL[ch]
            current = None
        else:
            raise ValueError(f"not a number: {group!r}")
        i += 1
    return value + (current or 0)


def parse_number(text: str) -> Fraction:
    """Parse one Japanese number expression; raises ValueError when it is not one."""
    s = nfkc(text).strip().replace("，", ",")
    if not s:
        raise ValueError("empty number")
    total = Fraction(0)
    for unit, size in _BIG:
        if unit in s:
            head, s = s.split(unit, 1)
            if unit in s:
                raise ValueError(f"unit {unit} twice in {text!r}")
            total += (_small(head) if head else Fraction(1)) * size
    if s:
        total += _small(s)
    return total


def mask_long_numbers(text: str) -> str:
    """``text`` with every run of number characters longer than MAX_NUMBER_CHARS replaced by '#' of the same
    length, so positions stay valid and the run is no longer read as a number."""
    return _LONG_RUN.sub(lambda m: "#" * len(m.group()), text)


def parse_amount(text: str) -> Fraction:
    """Like parse_number, but tolerates a trailing 円 and a leading ¥."""
    s = nfkc(text).strip().lstrip("¥￥").removesuffix("円").strip()
    return parse_number(s)
