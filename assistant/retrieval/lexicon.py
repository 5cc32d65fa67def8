"""Query expansion from the helpdesk lexicon (assistant/retrieval/lexicon/ja.yaml), for the lexical ranker only."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.domain.text import nfkc


@lru_cache(maxsize=1)
def _lexicon() -> dict:  # type: ignore[type-arg]
    raw = resources.files("assistant.retrieval").joinpath("lexicon/ja.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw) or {}


@lru_cache(maxsize=1)
def expansions() -> dict[str, tuple[str, ...]]:
    data = _lexicon()
    return {nfkc(str(k)).lower(): tuple(str(v) for v in vals) for k, vals in (data.get("expansions") or {}).items()}


@lru_cache(maxsize=1)
def _programmes() -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    out = {}
    for name, spec in (_lexicon().get("programmes") or {}).items():
        names = tuple(nfkc(str(n)).lower() for n in spec.get("names") or [])
        out[str(name)] = (names, frozenset(str(d) for d in spec.get("documents") or []))
    return out


def programmes_named(query: str) -> list[frozenset[str]]:
    """Document-id sets of the programmes the query names outright (lexicon order)."""
    q = nfkc(query).lower()
    return [docs for names, docs in _programmes().values() if any(n in q for n in names)]


def programme_keys_named(query: str) -> frozenset[str]:
    """The lexicon keys (e.g. ``geniac``, ``ai-compute-infra``) of the programmes the query names outright."""
    q = nfkc(query).lower()
    return frozenset(key for key, (names, _) in _programmes().items() if any(n in q for n in names))


def programme_documents() -> dict[str, frozenset[str]]:
    """Programme key → the document ids that belong to it (the lexicon's ``programmes``)."""
    return {key: docs for key, (_, docs) in _programmes().items()}


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


@lru_cache(maxsize=1)
def _programme_names_pattern() -> re.Pattern[str] | None:
    names = sorted({n for ns, _ in _programmes().values() for n in ns}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None


def strip_programme_names(query: str) -> str:
    """The query with the programme names of the lexicon blanked out (NFKC, case-insensitive)."""
    pattern = _programme_names_pattern()
    return pattern.sub(" ", nfkc(query)) if pattern else query
