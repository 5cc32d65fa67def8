"""Eval metrics: pure functions over plain dicts (the shapes written to results.jsonl).

Every comparison of texts goes through :func:`assistant.domain.text.match_key` (NFKC, whitespace removed), the rule
DESIGN.md fixes for the FAQ dataset.

Definitions (also shown in the report):
- hit@k: a retrieved passage among the first k is a hit for a gold source when its doc equals the gold doc
  and the gold ``contains`` excerpt occurs in its text. An item hits when any gold source is hit within k,
  or, with ``needs_all_sources``, when every gold source is hit within k.
- MRR: 1 / rank of the first hit (with ``needs_all_sources``: the rank at which the last required source is
  found), 0 when there is none. Only in-scope items with gold sources count.
- must_include accuracy: every inner list has at least one string contained in the answer. Only in-scope items
  with a non-empty ``must_include`` count.
- tool name accuracy: the expected tool is among the names of the tool calls made. ``search_documents``
  also counts as satisfied when retrieval ran (retrieved non-empty), because the engine retrieves for every
  question without the model having to call it.
- refusal accuracy: share of out-of-scope items answered with a refusal; false-refusal rate: share of in-scope
  items refused.
- citation validity: share of citations whose quote occurs in a retrieved passage of the same doc (and the
  same chunk, when the citation names its chunk_id).
- answer length: characters of the answer text before any source list, p50/p95 over answered items and over
  single-fact items (in-scope, single-turn, one must_include group).
- latency percentiles: linear interpolation between closest ranks (numpy's default "linear" method).
- coverage: the outcome an answer has (answered / not_in_documents / out_of_scope) against the expected one
  (the item's ``expected_coverage``, else out_of_scope for ``out_of_scope: true``, else answered); the summary
  holds the confusion matrix (expected → produced), accuracy and recall per expected outcome.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from assistant.domain.text import match_key

COVERAGES = ("answered", "not_in_documents", "out_of_scope")

SEARCH_TOOL = "search_documents"
PERCENTILE_METHOD = "linear interpolation between closest ranks"
HIT_KS = (1, 3, 5)

#: Per-item metrics where a lower value is better (everything else: higher is better).
LOWER_IS_BETTER = frozenset({"false_refusal"})


# --- retrieval ----------------------------------------------------------------------------------------------


def passage_hits(passage: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """True when ``passage`` (doc, text) satisfies one gold source (doc, contains)."""
    if passage.get("doc") != gold.get("doc"):
        return False
    return match_key(str(gold.get("contains") or "")) in match_key(str(passage.get("text") or ""))


def gold_ranks(
    retrieved: Sequence[Mapping[str, Any]], gold_sources: Sequence[Mapping[str, Any]]
) -> list[int | None]:
    """For each gold source, the 1-based rank of the first passage that hits it (None when none does)."""
    ranks: list[int | None] = []
    for gold in gold_sources:
        rank = next((i for i, p in enumerate(retrieved, start=1) if passage_hits(p, gold)), None)
        ranks.append(rank)
    return ranks


def first_hit_rank(
    retrieved: Sequence[Mapping[str, Any]],
    gold_sources: Sequence[Mapping[str, Any]],
    needs_all: bool = False,
) -> int | None:
    """Rank at which the item counts as found: first hit, or (needs_all) the last required source's rank."""
    ranks = gold_ranks(retrieved, gold_sources)
    if not ranks:
        return None
    if needs_all:
        return None if any(r is None for r in ranks) else max(r for r in ranks if r is not None)
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def hit_at_k(
    retrieved: Sequence[Mapping[str, Any]],
    gold_sources: Sequence[Mapping[str, Any]],
    k: int,
    needs_all: bool = False,
) -> bool:
    rank = first_hit_rank(retrieved, gold_sources, needs_all)
    return rank is not None and rank <= k


def reciprocal_rank(
    retrieved: Sequence[Mapping[str, Any]],
    gold_sources: Sequence[Mapping[str, Any]],
    needs_all: bool = False,
) -> float:
    rank = first_hit_rank(retrieved, gold_sources, needs_all)
    return 0.0 if rank is None else 1.0 / rank


# --- answer -------------------------------------------------------------------------------------------------


def must_include_ok(answer: str, must_include: Sequence[Sequence[str]]) -> bool:
    """Every inner list has at least one alternative contained in the answer."""
    key = match_key(answer or "")
    return all(any(match_key(alt) in key for alt in group if alt) for group in must_include)


def tool_name_ok(
    expected_tool: str,
    tool_calls: Sequence[Mapping[str, Any]],
    retrieved: Sequence[Mapping[str, Any]] = (),
) -> bool:
    """The expected tool was called; ``search_documents`` is also satisfied by the engine's own retrieval."""
    if any(call.get("name") == expected_tool for call in tool_calls):
        return True
    return expected_tool == SEARCH_TOOL and len(retrieved) > 0


def citation_is_valid(citation: Mapping[str, Any], retrieved: Sequence[Mapping[str, Any]]) -> bool:
    """The quote occurs in a retrieved passage of the same doc (and the same chunk when chunk_id is given)."""
    quote = match_key(str(citation.get("quote") or ""))
    if not quote:
        return False
    chunk_id = citation.get("chunk_id")
    for passage in retrieved:
        if passage.get("doc") != citation.get("doc"):
            continue
        if chunk_id and passage.get("id") and passage.get("id") != chunk_id:
            continue
        if quote in match_key(str(passage.get("text") or "")):
            return True
    return False


def citation_counts(
    citations: Sequence[Mapping[str, Any]], retrieved: Sequence[Mapping[str, Any]]
) -> tuple[int, int]:
    """(valid citations, all citations) for one answer."""
    valid = sum(1 for c in citations if citation_is_valid(c, retrieved))
    return valid, len(citations)


# --- aggregation helpers ------------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100), numpy's default ("linear": interpolation between closest ranks); None for
    no values. The one percentile of evals/ (FAQ eval and benchmarks alike)."""
    data = [float(v) for v in values]
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0..100, got {q}")
    return float(np.percentile(data, q))


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None (bools count as 0/1); None when there are none."""
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


# --- per item -----------------------------------------------------------------------------------------------


def item_metrics(
    expected: Mapping[str, Any], result: Mapping[str, Any], mode: str = "answer"
) -> dict[str, Any]:
    """Metric values for one item; a metric that does not apply to the item is None.

    ``expected`` has the dataset fields (gold_sources, must_include, expected_tool, out_of_scope,
    needs_all_sources); ``result`` has retrieved, answer, tool_calls, citations, refused.
    """
    out_of_scope = bool(expected.get("out_of_scope"))
    gold = list(expected.get("gold_sources") or [])
    retrieved = list(result.get("retrieved") or [])
    needs_all = bool(expected.get("needs_all_sources"))
    m: dict[str, Any] = {}

    scored_retrieval = bool(gold) and not out_of_scope
    for k in HIT_KS:
        m[f"hit@{k}"] = hit_at_k(retrieved, gold, k, needs_all) if scored_retrieval else None
    m["rr"] = reciprocal_rank(retrieved, gold, needs_all) if scored_retrieval else None
    if mode != "answer":
        return m

    must = expected.get("must_include") or []
    m["must_include"] = (
        must_include_ok(result.get("answer") or "", must) if must and not out_of_scope else None
    )
    tool = expected.get("expected_tool")
    m["tool_ok"] = tool_name_ok(tool, result.get("tool_calls") or [], retrieved) if tool else None
    refused = bool(result.get("refused"))
    m["refusal_ok"] = refused if out_of_scope else None
    m["false_refusal"] = refused if not out_of_scope else None
    produced = result.get("coverage")
    expected_cov = expected.get("coverage") or ("out_of_scope" if out_of_scope else "answered")
    m["coverage_ok"] = (produced == expected_cov) if produced else None
    valid, total = citation_counts(result.get("citations") or [], retrieved)
    m["citations_valid"], m["citations_total"] = valid, total
    m["citation_validity"] = valid / total if total else None
    return m


def failure_reasons(metrics: Mapping[str, Any], error: str | None = None) -> list[str]:
    """Short English labels for what went wrong with one item (empty when it passed everything)."""
    reasons = []
    if error:
        reasons.append("error")
    if metrics.get("hit@5") is False:
        reasons.append("retrieval miss (hit@5)")
    if metrics.get("must_include") is False:
        reasons.append("must_include missing")
    if metrics.get("tool_ok") is False:
        reasons.append("expected tool not called")
    if metrics.get("refusal_ok") is False:
        reasons.append("should have refused")
    if metrics.get("false_refusal") is True:
        reasons.append("refused an in-scope question")
    if metrics.get("coverage_ok") is False:
        reasons.append("wrong coverage outcome")
    validity = metrics.get("citation_validity")
    if validity is not None and validity < 1.0:
        reasons.append("invalid citation")
    if metrics.get("judge_faithful") is False:
        reasons.append("model-judged: unfaithful")
    if metrics.get("judge_correct") is False:
        reasons.append("model-judged: incorrect")
    return reasons


# --- whole run ----------------------------------------------------------------------------------------------


def _count(rows: Sequence[Mapping[str, Any]], key: str) -> int:
    return sum(1 for r in rows if r["metrics"].get(key) is not None)


def _share(rows: Sequence[Mapping[str, Any]], key: str) -> float | None:
    return mean(r["metrics"].get(key) for r in rows)


def retrieval_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": _count(rows, "rr")}
    for k in HIT_KS:
        out[f"hit@{k}"] = _share(rows, f"hit@{k}")
    out["mrr"] = _share(rows, "rr")
    return out


def latency_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """p50/p95 of whole-item latency and of each engine stage; items that errored are left out."""
    ok = [r for r in rows if not r.get("error")]
    out: dict[str, Any] = {
        "p50": percentile((r["latency_ms"] for r in ok if r.get("latency_ms") is not None), 50),
        "p95": percentile((r["latency_ms"] for r in ok if r.get("latency_ms") is not None), 95),
        "method": PERCENTILE_METHOD,
        "stages": {},
    }
    stages: dict[str, list[float]] = {}
    for r in ok:
        for stage, ms in (r.get("timings_ms") or {}).items():
            if isinstance(ms, (int, float)):
                stages.setdefault(stage, []).append(float(ms))
    for stage in sorted(stages):
        out["stages"][stage] = {"p50": percentile(stages[stage], 50), "p95": percentile(stages[stage], 95)}
    return out


# A line that starts a source list, should an answer (an LLM's) write one into its text.
_SOURCES_HEAD = re.compile(r"^\s*(?:#+\s*)?(?:出典|参考資料|参照|Sources?)\s*[:：]?\s*$", re.MULTILINE)


def answer_length(text: str) -> int:
    """Characters of the answer before any source list (sources, notices and tool steps are not in the text)."""
    m = _SOURCES_HEAD.search(text)
    return len(text[: m.start()] if m else text) if text else 0


def is_single_fact(row: Mapping[str, Any]) -> bool:
    """An in-scope, single-turn item whose must_include asks for one fact (one group)."""
    exp = row.get("expected") or {}
    return (
        not exp.get("out_of_scope")
        and not row.get("history")
        and len(exp.get("must_include") or []) == 1
    )


def length_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """p50/p95 characters of the answer text before sources, over answered (not refused, no error) items,
    and over single-fact items (see :func:`is_single_fact`)."""
    answered = [r for r in rows if not r.get("error") and not r.get("refused")]
    lengths = [answer_length(str(r.get("answer") or "")) for r in answered]
    single = [answer_length(str(r.get("answer") or "")) for r in answered if is_single_fact(r)]
    return {
        "n": len(lengths),
        "p50": percentile(lengths, 50),
        "p95": percentile(lengths, 95),
        "single_fact": {
            "n": len(single),
            "p50": percentile(single, 50),
            "p95": percentile(single, 95),
            "share_le_300": (sum(1 for n in single if n <= 300) / len(single)) if single else None,
        },
    }


def category_summary(rows: Sequence[Mapping[str, Any]], mode: str) -> dict[str, dict[str, Any]]:
    cats: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        cats.setdefault(str(r.get("category") or "unknown"), []).append(r)
    out = {}
    for name in sorted(cats):
        group = cats[name]
        entry: dict[str, Any] = {
            "n": len(group),
            "errors": sum(1 for r in group if r.get("error")),
            "hit@5": _share(group, "hit@5"),
            "mrr": _share(group, "rr"),
        }
        if mode == "answer":
            entry["must_include_accuracy"] = _share(group, "must_include")
            entry["tool_name_accuracy"] = _share(group, "tool_ok")
            entry["refusal_accuracy"] = _share(group, "refusal_ok")
        out[name] = entry
    return out


def coverage_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Confusion matrix of expected vs produced coverage, accuracy and recall per expected outcome."""
    pairs = [
        ((r.get("expected") or {}).get("coverage") or "answered", r.get("coverage"))
        for r in rows
        if r.get("coverage") and not r.get("error")
    ]
    if not pairs:
        return None
    matrix = {e: {p: 0 for p in COVERAGES} for e in COVERAGES}
    for exp, got in pairs:
        matrix.setdefault(exp, {p: 0 for p in COVERAGES})
        matrix[exp][got] = matrix[exp].get(got, 0) + 1
    recall = {
        e: (matrix[e][e] / sum(matrix[e].values())) if sum(matrix[e].values()) else None for e in matrix
    }
    text = "; ".join(
        f"{e}: " + ", ".join(f"{p} {n}" for p, n in matrix[e].items() if n)
        for e in matrix
        if sum(matrix[e].values())
    )
    return {
        "n": len(pairs),
        "accuracy": sum(1 for e, g in pairs if e == g) / len(pairs),
        "matrix": matrix,
        "recall": recall,
        "not_in_documents_recall": recall.get("not_in_documents"),
        "matrix_text": text,
    }


def summarize(rows: Sequence[Mapping[str, Any]], mode: str = "answer") -> dict[str, Any]:
    """The metric part of summary.json; answer-side sections are None in retrieval mode."""
    summary: dict[str, Any] = {
        "n": len(rows),
        "mode": mode,
        "errors": sum(1 for r in rows if r.get("error")),
        "retrieval": retrieval_summary(rows),
        "answer": None,
        "tools": None,
        "refusal": None,
        "citations": None,
        "coverage": None,
        "latency_ms": latency_summary(rows),
        "categories": category_summary(rows, mode),
    }
    if mode != "answer":
        return summary
    calc = [r for r in rows if "calc" in (r.get("tags") or [])]
    summary["answer"] = {
        "n": _count(rows, "must_include"),
        "must_include_accuracy": _share(rows, "must_include"),
        "calc": {"n": _count(calc, "must_include"), "must_include_accuracy": _share(calc, "must_include")},
        "length_chars": length_summary(rows),
    }
    summary["tools"] = {"n": _count(rows, "tool_ok"), "name_accuracy": _share(rows, "tool_ok")}
    summary["refusal"] = {
        "n_out_of_scope": _count(rows, "refusal_ok"),
        "accuracy": _share(rows, "refusal_ok"),
        "n_in_scope": _count(rows, "false_refusal"),
        "false_refusal_rate": _share(rows, "false_refusal"),
    }
    summary["coverage"] = coverage_summary(rows)
    valid = sum(int(r["metrics"].get("citations_valid") or 0) for r in rows)
    total = sum(int(r["metrics"].get("citations_total") or 0) for r in rows)
    summary["citations"] = {
        "n": total,
        "valid": valid,
        "validity": valid / total if total else None,
        "answers_without_citations": sum(
            1 for r in rows if not r.get("error") and not r.get("refused") and not r.get("citations")
        ),
    }
    return summary
