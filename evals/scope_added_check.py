"""How often would the added-document rule let an out-of-scope question through? A stress test on the training sets.

    python -m evals.scope_added_check            # prints, per gate, how many (document, question) pairs pass

With only the shipped documents indexed the rule (:func:`assistant.answer.scope.added_document_coverage`) never
fires. To see what it would do, each shipped document in turn is treated as "added" — the model's list of trained
documents holds the other two — and every question of the training sets (``evals.train_scope.TRAIN_SETS``) is
retrieved once and checked against it. An out-of-scope question that reaches the gate would be let through; an
in-scope one that reaches it is the rule doing its job. The blind set is not read.
"""

from __future__ import annotations

import argparse
from collections import Counter

from assistant.answer import scope
from assistant.domain.config import load_settings
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ensure_index
from evals.train_scope import TRAIN_SETS, load_sets, trained_documents

GATES = (0.5, scope.ADDED_DOCUMENT_GATE, 1.0)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    settings = load_settings()
    ensure_index(settings, progress=False)
    retriever = Retriever.from_settings(settings)
    rows = load_sets(TRAIN_SETS)
    docs = [str(d) for d in trained_documents(retriever)]
    passages = [retriever.search(r["question"], settings.top_k) for r in rows]
    shares: list[tuple[str, float]] = []
    for doc in docs:
        trained = frozenset(docs) - {doc}
        shares += [(r["expected_coverage"], scope.added_document_coverage(retriever, r["question"], ps, trained))
                   for r, ps in zip(rows, passages)]
    total = Counter(c for c, _ in shares)
    print(f"{len(docs)} documents, each treated as added; {len(rows)} questions of {len(TRAIN_SETS)} training sets")
    for gate in GATES:
        hits = Counter(c for c, share in shares if share >= gate)
        print(f"gate {gate:.2f}: " + ", ".join(f"{c} {hits[c]}/{total[c]} ({hits[c] / total[c]:.3f})"
                                               for c in sorted(total)))


if __name__ == "__main__":
    main()
