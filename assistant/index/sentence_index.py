"""Sentence-level dense vectors: every chunk's sentences embedded on their own, in a second Chroma collection.

Why: multilingual-e5-small embeds a long, mixed chunk as a blur of its topics, so a colloquial question about
one sentence often matches it poorly. Scoring a chunk by its best sentence (max-sim), blended with the whole
chunk's vector, raised dense hit@3 on the FAQ set from .667 to .770 (docs/retrieval.md).

The vectors live in ``<collection>__sent`` beside the chunk collection, each with its ``chunk_id`` in the
metadata, so ingestion adds and removes them together with their chunk. An index built before this existed
simply has no sentence vectors: dense search then uses the chunk vectors alone until the next ``koubo ingest``
backfills them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.domain.schema import Chunk
from assistant.domain.text import split_sentences
from assistant.index.chroma import embedding_function
from assistant.index.store import COUNT_MAX_AGE, CachedCount, ChunkStore, StoredBatch, stored_batches

log = logging.getLogger(__name__)

SUFFIX = "__sent"
_BATCH = 1000
_MIN_CHARS = 6  # shorter pieces ("・", "(必須)") only add noise as stand-alone vectors


def table_header(text: str) -> str:
    """The header row the splitter copies in front of every table-row chunk ('' for other chunks)."""
    first, _, rest = text.partition("\n")
    second = rest.partition("\n")[0]
    return first if "\t" in first and "\t" in second else ""


def sentence_units(chunk: Chunk) -> list[str]:
    """The pieces of ``chunk.text`` that get their own vector: its sentences, without a copied table header."""
    header = table_header(chunk.text)
    body = chunk.text[len(header) + 1:] if header else chunk.text
    units: list[str] = []
    for s in split_sentences(body):
        s = " ".join(s.split("\t")).strip()
        if len(s) >= _MIN_CHARS and s not in units:
            units.append(s)
    return units or [chunk.text]


@dataclass
class SentenceBatch:
    chunk_ids: list[str]
    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    metadatas: list[dict[str, str]] = field(default_factory=list)
    vectors: np.ndarray | None = None


class SentenceIndex:
    """The sentence vectors of one chunk collection."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        ef = embedding_function(store.embedder, store.settings)
        self.collection = store.client.get_or_create_collection(
            name=store.settings.chroma_collection + SUFFIX,
            embedding_function=ef,
            metadata={"hnsw:space": "cosine", "embedder": store.embedder.name, "dim": store.embedder.dim},
        )
        self._counter = CachedCount(self.collection)

    def count(self, max_age: float = 0.0) -> int:
        return self._counter.get(max_age)

    def chunk_ids(self) -> set[str]:
        """Chunks that have sentence vectors."""
        return {str(m.get("chunk_id")) for m in self._metadatas()}

    def embed(self, chunks: Sequence[Chunk], batch_size: int = 32) -> SentenceBatch:
        """Embed the sentences of ``chunks`` without writing anything (ingestion embeds before it writes)."""
        batch = SentenceBatch([c.id for c in chunks])
        for c in chunks:
            for i, unit in enumerate(sentence_units(c)):
                batch.ids.append(f"{c.id}:{i}")
                batch.texts.append(unit)
                batch.metadatas.append({"chunk_id": c.id, "doc_id": c.doc_id})
        batch.vectors = np.zeros((len(batch.texts), self.store.embedder.dim), dtype=np.float32)
        for i in range(0, len(batch.texts), batch_size):
            batch.vectors[i : i + batch_size] = self.store.embedder.embed_passages(batch.texts[i : i + batch_size])
        return batch

    def write(self, batch: SentenceBatch) -> None:
        """Store an embedded batch, replacing whatever sentence vectors its chunks had."""
        self.delete(batch.chunk_ids)
        self._counter.invalidate()
        for i in range(0, len(batch.ids), _BATCH):
            self.collection.upsert(
                ids=batch.ids[i : i + _BATCH], documents=batch.texts[i : i + _BATCH],
                metadatas=batch.metadatas[i : i + _BATCH], embeddings=batch.vectors[i : i + _BATCH],
            )

    def add(self, chunks: Sequence[Chunk], batch_size: int = 32) -> int:
        """Embed and store the sentences of ``chunks``; returns the number of vectors."""
        batch = self.embed(chunks, batch_size)
        self.write(batch)
        return len(batch.ids)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        chunk_ids = list(chunk_ids)
        self._counter.invalidate()
        for i in range(0, len(chunk_ids), _BATCH):
            self.collection.delete(where={"chunk_id": {"$in": chunk_ids[i : i + _BATCH]}})

    def delete_all(self) -> None:
        ids = [str(m.get("chunk_id")) for m in self._metadatas()]
        self.delete(sorted(set(ids)))

    def _metadatas(self) -> list[dict]:
        out: list[dict] = []
        for offset in range(0, self.count(), _BATCH):
            got = self.collection.get(include=["metadatas"], limit=_BATCH, offset=offset)
            out.extend(dict(m or {}) for m in got["metadatas"] or [])
        return out

    def stored_vectors(self, where: dict[str, Any] | None = None) -> Iterator[StoredBatch]:
        """The stored sentences matching ``where`` (all when None) with their vectors, in batches."""
        return stored_batches(self.collection, where)

    def best_per_chunk(self, vector: np.ndarray, k: int) -> dict[str, float]:
        """Chunk id → cosine similarity of its best sentence, over the ``k`` nearest sentences."""
        n = self.count(max_age=COUNT_MAX_AGE)
        if n == 0:
            return {}
        res = self.collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=min(k, n), include=["metadatas", "distances"],
        )
        best: dict[str, float] = {}
        for meta, d in zip(res["metadatas"][0], res["distances"][0]):
            cid = str((meta or {}).get("chunk_id"))
            best[cid] = max(best.get(cid, -1.0), 1.0 - float(d))
        return best
