"""Query expansion from the helpdesk lexicon (assistant/retrieval/lexicon/ja.yaml), for the lexical ranker only,
and the programme names applicants write, read from the programme files (assistant/domain/programmes.py)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.domain.programmes import Programmes
from assistant.domain.programmes import current as current_programmes
from assistant.domain.text import nfkc


@lru_cache(maxsize=1)
def _lexicon() -> dict:  # type: ignore[type-arg]
    raw = resources.files("assistant.retrieval").joinpath("lexicon/ja.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw) or {}


@lru_cache(maxsize=1)
def expansions() -> dict[str, tuple[str, ...]]:
    data = _lexicon()
    return {nfkc(str(k)).lower(): tuple(str(v) for v in vals) for k, vals in (data.get("expansions") or {}).items()}


def _programmes(progs: Programmes) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    """(names applicants write, document ids) per programme, in file order."""
    names = progs.colloquial_names()
    return [(names[p.id], frozenset(p.documents)) for p in progs]


def programmes_named(query: str, progs: Programmes | None = None) -> list[frozenset[str]]:
    """Document-id sets of the programmes the query names outright, in the order the query names them (default
    programmes: those the settings name)."""
    progs = progs if progs is not None else current_programmes()
    q = nfkc(query).lower()
    found = []
    for names, docs in _programmes(progs):
        positions = [q.find(n) for n in names if n in q]
        if positions:
            found.append((min(positions), docs))
    return [docs for _, docs in sorted(found, key=lambda t: t[0])]


def programme_keys_named(query: str, progs: Programmes | None = None) -> frozenset[str]:
    """The ids (e.g. ``geniac``, ``ai-compute-infra``) of the programmes the query names outright."""
    progs = progs if progs is not None else current_programmes()
    q = nfkc(query).lower()
    names = progs.colloquial_names()
    return frozenset(p.id for p in progs if any(n in q for n in names[p.id]))


def programme_documents(progs: Programmes | None = None) -> dict[str, frozenset[str]]:
    """Programme id → the document ids that belong to it (from the programme files)."""
    progs = progs if progs is not None else current_programmes()
    return {p.id: frozenset(p.documents) for p in progs}


def expansion_terms(query: str) -> list[str]:
    """The lexicon words a query adds (in lexicon order, no repeats); empty when no key matches."""
    q = nfkc(query).lower()
    extra: list[str] = []
    for key, words in expansions().items():
        if key in q:
            extra.extend(w for w in words if w not in extra)
    return extra


@lru_cache(maxsize=16)
def _programme_names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    ordered = sorted(set(names), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered), re.IGNORECASE) if ordered else None


def strip_programme_names(query: str, progs: Programmes | None = None) -> str:
    """The query with the programmes' names blanked out (NFKC, case-insensitive)."""
    progs = progs if progs is not None else current_programmes()
    pattern = _programme_names_pattern(tuple(n for ns, _ in _programmes(progs) for n in ns))
    return pattern.sub(" ", nfkc(query)) if pattern else query
