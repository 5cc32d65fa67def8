"""Fusing rankings from several retrievers (BM25 and dense): reciprocal rank fusion or weighted scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Ranking = Sequence[tuple[str, float]]  # (id, score), best first


def reciprocal_rank_fusion(
    rankings: Mapping[str, Ranking], k: int = 60, weights: Mapping[str, float] | None = None
) -> list[tuple[str, float]]:
    """RRF (Cormack et al. 2009): score(d) = Σ_m w_m / (k + rank_m(d)); ties broken by first appearance."""
    scores: dict[str, float] = {}
    for method, ranking in rankings.items():
        w = 1.0 if weights is None else weights.get(method, 1.0)
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def weighted_fusion(
    rankings: Mapping[str, Ranking], weights: Mapping[str, float] | None = None
) -> list[tuple[str, float]]:
    """Min-max normalise each method's scores to [0, 1], then sum them with weights."""
    scores: dict[str, float] = {}
    for method, ranking in rankings.items():
        if not ranking:
            continue
        w = 1.0 if weights is None else weights.get(method, 1.0)
        vals = [s for _, s in ranking]
        lo, hi = min(vals), max(vals)
        span = hi - lo
        for doc_id, s in ranking:
            norm = 1.0 if span == 0 else (s - lo) / span
            scores[doc_id] = scores.get(doc_id, 0.0) + w * norm
    return sorted(scores.items(), key=lambda kv: -kv[1])
