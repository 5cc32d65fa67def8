"""What every calculator result holds (explanation, caveats, citations) and exact yen arithmetic and formatting."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain.programmes import Cited

ROUNDING_JA = "1円未満は切り捨て"
STRICT = ConfigDict(extra="forbid")


class ToolCitation(BaseModel):
    doc: str = Field(description="文書ID（documents.json の id）")
    quote: str = Field(description="文書からそのまま引用した文")


class ToolOutput(BaseModel):
    """Common tail of every calculator result."""

    explanation: str = Field(description="主要な数値と注意点を含む日本語の説明（1段落）")
    caveats: list[str] = Field(default_factory=list, description="文書が示す留意点・未確定事項")
    citations: list[ToolCitation] = Field(default_factory=list)

    def summary_ja(self) -> str:
        """One Japanese paragraph for offline answers: explanation, then the caveats."""
        if not self.caveats:
            return self.explanation
        return self.explanation + " 【留意点】" + " ".join(self.caveats)


def cites(*quotes: Cited | None) -> list[ToolCitation]:
    """Citations in order, each quote once (None: a rule the programme does not state)."""
    seen: set[tuple[str, str]] = set()
    out: list[ToolCitation] = []
    for q in quotes:
        if q is not None and (q.doc, q.quote) not in seen:
            seen.add((q.doc, q.quote))
            out.append(ToolCitation(doc=q.doc, quote=q.quote))
    return out


def exact(x: float) -> Fraction:
    """The decimal number the caller wrote (1.5e8 → 150000000), not the binary float's expansion."""
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(Decimal(repr(float(x))))


def floor_yen(x: Fraction) -> int:
    return math.floor(x)


def _kanji_amount(n: int) -> str:
    parts: list[str] = []
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        q, n = divmod(n, size)
        if q:
            parts.append(f"{q:,}{unit}")
    if n:
        parts.append(f"{n:,}")
    return "".join(parts) or "0"


def yen(n: int) -> str:
    """'100,000,000円（1億円）': both forms, so users and FAQ checks find either."""
    plain = f"{n:,}円"
    if abs(n) < 10**4:
        return plain
    sign = "-" if n < 0 else ""
    return f"{plain}（{sign}{_kanji_amount(abs(n))}円）"


def number(x: Fraction | float) -> str:
    """A readable exact number: integers with commas, otherwise up to 4 decimals."""
    fx = Fraction(x) if not isinstance(x, float) else exact(x)
    if fx.denominator == 1:
        return f"{fx.numerator:,}"
    return f"{float(fx):,.4f}".rstrip("0").rstrip(".")
