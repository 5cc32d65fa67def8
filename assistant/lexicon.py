"""Query expansion from the helpdesk lexicon (assistant/lexicon/ja.yaml), for the lexical ranker only."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from assistant.text import nfkc


@lru_cache(maxsize=1)
def expansions() -> dict[str, tuple[str, ...]]:
    raw = resources.files("assistant").joinpath("lexicon/ja.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw) or {}
    return {nfkc(str(k)).lower(): tuple(str(v) for v in vals) for k, vals in (data.get("expansions") or {}).items()}


def expand_query(query: str) -> str:
    """The query followed by the document words for every lexicon key it contains."""
    extra = expansion_terms(query)
    return f"{query} {' '.join(extra)}" if extra else query


def expansion_terms(query: str) -> list[str]:
    """The lexicon words a query adds (in lexicon order, no repeats); empty when no key matches."""
    q = nfkc(query).lower()
    extra: list[str] = []
    for key, words in expansions().items():
        if key in q:
            extra.extend(w for w in words if w not in extra)
    return extra
