"""argparse types for numeric options: a value out of range is a one-line usage error (exit 2), never a traceback
and never silently capped."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def int_range(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"「{text[:40]}」は整数ではありません（{lo}〜{hi}）。") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text[:40]} は範囲外です（{lo}〜{hi} の整数）。")
        return value

    parse.__name__ = "int"
    return parse


def float_range(lo: float, hi: float, *, lo_open: bool = False) -> Callable[[str], float]:
    """A finite float in [lo, hi] (or (lo, hi] with ``lo_open``); NaN and infinities are refused."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"「{text[:40]}」は数値ではありません。") from None
        if not math.isfinite(value) or value > hi or value < lo or (lo_open and value == lo):
            bound = f"{lo} より大きく {hi} 以下" if lo_open else f"{lo}〜{hi}"
            raise argparse.ArgumentTypeError(f"{text[:40]} は範囲外です（{bound} の有限の数値）。")
        return value

    parse.__name__ = "float"
    return parse
