"""Curated-answer matching eval: precision and recall of assistant.answer.curated on question pairs.

evals/datasets/curated_pairs.jsonl holds pairs (curated question, applicant question, match?) grouped by the
curated question; the split (tuning / heldout) is by group with a fixed seed and was fixed before tuning.
Two views:
- pairs: each pair decided alone (``decide``): precision and recall of "match";
- served: each applicant question against every curated question of its split (``Matcher.best``), as the
  engine does; a match to the wrong curated question counts as a false positive.
- offers: each paraphrase against every curated question of the whole file (all splits: a library of 100+
  approved questions), as ``Matcher.related`` offers them under an answer from the documents: is the right one
  among the offers (recall), and how many are offered per question.
``tune`` picks the similarity threshold of least cost, a wrong match costing ``FP_COST`` missed ones (run on
the tuning splits of ``TUNING_SPLITS``; heldout4, heldout5 and heldout6 are blind, never used for tuning).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.curated import (
    MIN_SIMILARITY,
    RELATED_LIMIT,
    RELATED_MARGIN,
    RELATED_SIMILARITY,
    CuratedEntry,
    CuratedHit,
    Matcher,
    decide,
)

DATASET = Path(__file__).resolve().parent / "datasets" / "curated_pairs.jsonl"
#: The splits the matcher was tuned on (heldout3 was blind for v3 and is a tuning split since v4); heldout4,
#: heldout5 and heldout6 are the blind held-out sets (written by others; docs/evaluation.md says how often each
#: was scored).
TUNING_SPLITS = ("tuning", "heldout", "heldout2", "heldout3")
#: A wrong curated answer served costs this many missed ones when the threshold is tuned.
FP_COST = 4.0


def load_pairs(path: Path = DATASET, split: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split in (None, "all") or r["split"] == split]


@dataclass
class Scores:
    n: int
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


class Embeddings:
    """Unit query vectors of every text of the pairs, embedded once."""

    def __init__(self, embed: Any, pairs: list[dict[str, Any]]) -> None:
        self.embed = embed
        texts = list(dict.fromkeys(t for r in pairs for t in (r["curated"], r["question"])))
        vecs = np.asarray(embed(texts), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        self.vec = dict(zip(texts, vecs))


def score_pairs(pairs: list[dict[str, Any]], emb: Embeddings, threshold: float = MIN_SIMILARITY
                ) -> tuple[Scores, list[dict[str, Any]]]:
    tp = fp = fn = tn = 0
    errors = []
    for r in pairs:
        d = decide(r["question"], emb.vec[r["question"]], r["curated"], emb.vec[r["curated"]], threshold)
        if d.matched and r["match"]:
            tp += 1
        elif d.matched:
            fp += 1
        elif r["match"]:
            fn += 1
        else:
            tn += 1
        if d.matched != r["match"]:
            errors.append({"id": r["id"], "kind": r["kind"], "expected": r["match"], "similarity": round(d.similarity, 4),
                           "reason": d.reason, "curated": r["curated"], "question": r["question"]})
    return Scores(len(pairs), tp, fp, fn, tn), errors


def _library(questions: list[str], emb: Embeddings, threshold: float = MIN_SIMILARITY
             ) -> tuple[list[CuratedEntry], Matcher]:
    """``questions`` as active curated entries, with a matcher that has their vectors."""
    entries = [CuratedEntry(id=i, question=q, answer="", citations=(), approved_at="2026-01-01")
               for i, q in enumerate(dict.fromkeys(questions))]
    matcher = Matcher(min_similarity=threshold)
    matcher.vectors([e.question for e in entries], lambda texts: np.stack([emb.vec[t] for t in texts]))
    return entries, matcher


def _served_scores(pairs: list[dict[str, Any]], chosen: list[CuratedHit | None]) -> Scores:
    tp = fp = fn = tn = 0
    for r, hit in zip(pairs, chosen):
        right = hit is not None and hit.entry.question == r["curated"]
        if r["match"]:
            tp, fn, fp = tp + right, fn + (hit is None), fp + (hit is not None and not right)
        else:
            # A near-miss question may legitimately match another group's curated question only if that
            # pair is listed as a match somewhere; none is, so any hit on it is an error.
            fp, tn = fp + (hit is not None), tn + (hit is None)
    return Scores(len(pairs), tp, fp, fn, tn)


def score_served(pairs: list[dict[str, Any]], emb: Embeddings, threshold: float = MIN_SIMILARITY) -> Scores:
    """Each applicant question against all curated questions of the set, as served."""
    entries, matcher = _library([r["curated"] for r in pairs], emb, threshold)
    return _served_scores(pairs, [matcher.best(r["question"], emb.vec[r["question"]], entries, lambda texts: None)
                                  for r in pairs])


def tune(pairs: list[dict[str, Any]], emb: Embeddings, fp_cost: float = FP_COST) -> float:
    """The similarity threshold (step 0.005) with the least cost on ``pairs``: a wrong match (either view)
    costs ``fp_cost`` missed ones, because a wrong curated answer served is worse than none. The served view
    is taken per split, as each split is its own set of curated questions; ties go to the higher threshold."""
    splits: dict[str, list[dict[str, Any]]] = {}
    for r in pairs:
        splits.setdefault(r["split"], []).append(r)
    best, best_cost = 1.0, float("inf")
    for t in np.arange(0.99, 0.895, -0.005):
        t = round(float(t), 3)
        cost = 0.0
        for part in splits.values():
            for s in (score_pairs(part, emb, t)[0], score_served(part, emb, t)):
                cost += fp_cost * s.fp + s.fn
        if cost < best_cost:
            best, best_cost = t, cost
    return best


def run(embed: Any, split: str = "heldout", threshold: float = MIN_SIMILARITY, path: Path = DATASET
        ) -> dict[str, Any]:
    pairs = load_pairs(path, split)
    emb = Embeddings(embed, pairs)
    pair_scores, errors = score_pairs(pairs, emb, threshold)
    served = score_served(pairs, emb, threshold)
    return {"dataset": str(path), "split": split, "threshold": threshold,
            "pairs": pair_scores.as_dict(), "served": served.as_dict(), "errors": errors}


def score_offers(pairs: list[dict[str, Any]], pool: list[str], embed: Any, limit: int = RELATED_LIMIT,
                 min_similarity: float = RELATED_SIMILARITY) -> dict[str, Any]:
    """Offer recall: the share of paraphrases whose curated question ``Matcher.related`` offers from ``pool``
    (every curated question of the file), with the mean number of offers per applicant question."""
    emb = Embeddings(embed, pairs + [{"curated": q, "question": q} for q in pool])
    entries, matcher = _library(pool, emb)
    found = positives = offered = 0
    for r in pairs:
        hits = matcher.related(r["question"], emb.vec[r["question"]], entries, lambda texts: None, limit,
                               min_similarity)
        offered += len(hits)
        if r["match"]:
            positives += 1
            found += any(h.entry.question == r["curated"] for h in hits)
    return {"n": len(pairs), "paraphrases": positives, "found": found, "pool": len(entries), "limit": limit,
            "min_similarity": min_similarity, "margin": RELATED_MARGIN,
            "recall": round(found / positives, 4) if positives else 1.0,
            "mean_offers": round(offered / len(pairs), 2) if pairs else 0.0}


def run_offers(embed: Any, split: str = "heldout", path: Path = DATASET) -> dict[str, Any]:
    return {"dataset": str(path), "split": split,
            **score_offers(load_pairs(path, split), [r["curated"] for r in load_pairs(path)], embed)}


def score_judged(pairs: list[dict[str, Any]], emb: Embeddings, model: Any) -> dict[str, Any]:
    """The served view with the LLM judge (assistant.answer.curated_judge), as the engine runs it when the chat model
    answers: each applicant question against the split's curated questions; the judge chooses among the closest
    (and the embedded matcher's pick); an unusable reply leaves the embedded matcher's decision."""
    from assistant.answer.curated_judge import choose

    entries, matcher = _library([r["curated"] for r in pairs], emb)
    chosen: list[CuratedHit | None] = []
    undecided = 0
    for r in pairs:
        vec = emb.vec[r["question"]]
        hit = matcher.best(r["question"], vec, entries, lambda texts: None)
        pick, verdict = choose(r["question"], hit, matcher.related(r["question"], vec, entries, lambda texts: None),
                               lambda: model)
        undecided += not verdict.decided
        chosen.append(pick)
    return {**_served_scores(pairs, chosen).as_dict(), "undecided": undecided}


def run_judged(embed: Any, model: Any, split: str = "heldout", path: Path = DATASET) -> dict[str, Any]:
    pairs = load_pairs(path, split)
    return {"dataset": str(path), "split": split, "judged": score_judged(pairs, Embeddings(embed, pairs), model)}
