"""Okapi BM25 over Japanese morphemes, persisted beside the Chroma data.

Local Chroma has no sparse/BM25 search, so we keep our own. The persisted state is the term-count matrix
(chunks × vocabulary, CSR) with the vocabulary and chunk ids; BM25 weights are derived from it on load. Keeping
counts rather than weights lets a re-ingest reuse the rows of unchanged chunks and tokenise only new ones.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from assistant.domain.schema import Chunk
from assistant.index.files import atomic_write

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


@dataclass
class BM25Index:
    chunk_ids: list[str]
    vocab: dict[str, int]
    counts: sparse.csr_matrix  # chunks × vocab term frequencies
    k1: float = 1.2
    b: float = 0.75

    def __post_init__(self) -> None:
        self._row = {cid: i for i, cid in enumerate(self.chunk_ids)}
        self._weights: sparse.csc_matrix | None = None
        self._idf: np.ndarray | None = None

    # --- building ----------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls, docs: Sequence[tuple[str, Sequence[str]]], k1: float = 1.2, b: float = 0.75
    ) -> BM25Index:
        """Build from (chunk id, tokens) pairs."""
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for r, (_, tokens) in enumerate(docs):
            for term, n in Counter(tokens).items():
                col = vocab.setdefault(term, len(vocab))
                rows.append(r)
                cols.append(col)
                vals.append(n)
        counts = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(docs), max(len(vocab), 1))
        )
        return cls([cid for cid, _ in docs], vocab, counts, k1, b)

    @classmethod
    def from_chunks(
        cls, chunks: Sequence[Chunk], tokenize: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75,
        reuse: BM25Index | None = None,
    ) -> BM25Index:
        """The index of ``chunks`` (their ``index_text``), the one way an index is built or rebuilt.

        ``reuse``: a previous index; the rows of chunks it holds are kept as they are and only the other
        chunks are tokenised (a re-ingest after a small change tokenises only what changed).
        """
        if reuse is None:
            return cls.build([(c.id, tokenize(c.index_text())) for c in chunks], k1, b)
        kept = [c.id for c in chunks if c.id in reuse]
        return reuse.updated(kept, [(c.id, tokenize(c.index_text())) for c in chunks if c.id not in reuse])

    def updated(
        self, keep_ids: Iterable[str], new_docs: Sequence[tuple[str, Sequence[str]]]
    ) -> BM25Index:
        """A new index holding the rows of ``keep_ids`` from this one plus ``new_docs`` (tokenised)."""
        keep = [cid for cid in keep_ids if cid in self._row]
        inv = {i: t for t, i in self.vocab.items()}
        kept_counts = self.counts[[self._row[c] for c in keep]] if keep else None
        docs: list[tuple[str, list[str]]] = []
        if kept_counts is not None:
            kept_counts = kept_counts.tocsr()
            for i, cid in enumerate(keep):
                start, end = kept_counts.indptr[i], kept_counts.indptr[i + 1]
                tokens: list[str] = []
                for col, n in zip(kept_counts.indices[start:end], kept_counts.data[start:end]):
                    tokens.extend([inv[int(col)]] * int(n))
                docs.append((cid, tokens))
        docs.extend((cid, list(toks)) for cid, toks in new_docs)
        return BM25Index.build(docs, self.k1, self.b)

    # --- scoring -----------------------------------------------------------------------------------------
    def _idf_array(self) -> np.ndarray:
        """Okapi IDF per vocabulary column: log(1 + (N − df + 0.5) / (df + 0.5))."""
        if self._idf is None:
            counts = self.counts.tocsr()
            n_docs = counts.shape[0]
            df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
            self._idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        return self._idf

    def idf(self, term: str, default: float = 1.0) -> float:
        """IDF of a term of the index, ``default`` for a term it has never seen."""
        col = self.vocab.get(term)
        return default if col is None else float(self._idf_array()[col])

    def _weight_matrix(self) -> sparse.csc_matrix:
        if self._weights is None:
            counts = self.counts.tocsr().astype(np.float32)
            n_docs = counts.shape[0]
            doc_len = np.asarray(counts.sum(axis=1)).ravel()
            avgdl = float(doc_len.mean()) if n_docs else 0.0
            idf = self._idf_array()
            norm = self.k1 * (1.0 - self.b + self.b * doc_len / max(avgdl, 1e-9))
            w = counts.copy()
            row_of = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
            tf = w.data
            w.data = idf[w.indices] * tf * (self.k1 + 1.0) / (tf + norm[row_of])
            self._weights = w.tocsc()
        return self._weights

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) for the tokenised query; chunks with score 0 are left out."""
        return self.search_weighted(Counter(query_tokens), k)

    def search_weighted(self, term_weights: Mapping[str, float], k: int) -> list[tuple[str, float]]:
        """Like :meth:`search` with a weight per query term (a repeated term counts its repeats), so that
        lexicon expansion terms can count less than the words the user typed."""
        if not self.chunk_ids:
            return []
        qweight: dict[int, float] = {}
        for term, weight in term_weights.items():
            if term in self.vocab and weight > 0:
                qweight[self.vocab[term]] = qweight.get(self.vocab[term], 0.0) + float(weight)
        if not qweight:
            return []
        w = self._weight_matrix()
        uniq = list(qweight)
        sub = w[:, uniq]
        scores = np.asarray(sub @ np.asarray([qweight[c] for c in uniq], dtype=np.float32)).ravel()
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._row

    def row_of(self, chunk_id: str) -> int | None:
        """The row of ``chunk_id`` in ``counts``; None when the index does not hold it."""
        return self._row.get(chunk_id)

    # --- persistence -------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees a half-written index."""
        counts = self.counts.tocsr()
        meta = {
            "format": FORMAT_VERSION,
            "k1": self.k1,
            "b": self.b,
            "chunk_ids": self.chunk_ids,
            "vocab": self.vocab,
            "shape": list(counts.shape),
        }
        # The matrix first, then the JSON that describes it: load() refuses a pair that disagrees.
        with atomic_write(path.with_suffix(".npz")) as f:
            np.savez_compressed(f, data=counts.data, indices=counts.indices, indptr=counts.indptr)
        with atomic_write(path) as f:
            f.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: BM25 format {meta.get('format')} != {FORMAT_VERSION}; re-run koubo ingest")
        with np.load(path.with_suffix(".npz")) as z:
            if len(z["indptr"]) - 1 != len(meta["chunk_ids"]):
                raise ValueError(f"{path}: BM25 files disagree (interrupted write?); re-run koubo ingest")
            counts = sparse.csr_matrix(
                (z["data"], z["indices"], z["indptr"]), shape=tuple(meta["shape"])
            )
        return cls(meta["chunk_ids"], meta["vocab"], counts, meta["k1"], meta["b"])
