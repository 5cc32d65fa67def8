"""Chroma storage of chunks, metadata and dense vectors (embedded PersistentClient or a Chroma server)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.domain.config import ConfigError, Settings
from assistant.domain.schema import Chunk
from assistant.index.chroma import embedding_function, make_client
from assistant.index.embeddings import Embedder, get_embedder
from assistant.index.generations import resolve

log = logging.getLogger(__name__)

_BATCH = 1000  # well under Chroma's max batch size


#: How stale a collection size may be on the search path (another replica may write to a shared server).
COUNT_MAX_AGE = 5.0


class CachedCount:
    """A collection's size, re-read at most every ``max_age`` seconds on request; writers invalidate it."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self._value: tuple[float, int] | None = None
        self._lock = threading.Lock()

    def get(self, max_age: float = 0.0) -> int:
        now = time.monotonic()
        with self._lock:
            if max_age > 0 and self._value and now - self._value[0] <= max_age:
                return self._value[1]
        n = int(self._collection.count())
        with self._lock:
            self._value = (now, n)
        return n

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


@dataclass
class StoredBatch:
    """Up to 1000 entries of a collection as stored: ids, texts, metadata and vectors."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    vectors: np.ndarray


def stored_batches(collection: Any, where: dict[str, Any] | None = None) -> Iterator[StoredBatch]:
    """Every entry of ``collection`` matching ``where`` (all when None) with its vector, in batches."""
    total = collection.count()
    for offset in range(0, total, _BATCH):
        got = collection.get(where=where, include=["documents", "metadatas", "embeddings"],
                             limit=_BATCH, offset=offset)
        texts = [d or "" for d in got["documents"] or []]
        vectors = (np.asarray(got["embeddings"], dtype=np.float32) if got["embeddings"] is not None
                   else np.zeros((0, 0), dtype=np.float32))
        yield StoredBatch(list(got["ids"]), texts, [dict(m or {}) for m in got["metadatas"] or []], vectors)
        if len(got["ids"]) < _BATCH:
            break


class ChunkStore:
    """One Chroma collection of chunks. Vectors are computed by our embedder and passed in explicitly."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, client: Any = None) -> None:
        self._owns_client = client is None
        if client is None and settings.chroma_host:
            client = make_client(settings)
        # Unpinned settings open the generation the pointer names now, and stay on it.
        settings = resolve(settings, client)
        self.settings = settings
        self.embedder = embedder or get_embedder(settings)
        self.client = client or make_client(settings)
        ef = embedding_function(self.embedder, settings)
        self.collection = self.client.get_or_create_collection(
            name=settings.chroma_collection,
            embedding_function=ef,
            metadata={"hnsw:space": "cosine", "embedder": self.embedder.name, "dim": self.embedder.dim},
        )
        self._counter = CachedCount(self.collection)
        built_with = (self.collection.metadata or {}).get("embedder")
        if built_with and built_with != self.embedder.name:
            raise ConfigError(
                f"the index in {settings.chroma_dir} was built with embedding model {built_with!r}, but "
                f"KOUBO_EMBEDDING_MODEL is {self.embedder.name!r}: run `koubo ingest --rebuild` "
                "or set KOUBO_EMBEDDING_MODEL back"
            )

    @property
    def generation(self) -> str | None:
        """The index generation this store reads (None: an index from before generations)."""
        return self.settings.index_generation

    def close(self) -> None:
        """Release the Chroma client (an embedded one keeps the generation's files open until then)."""
        close = getattr(self.client, "close", None)
        if self._owns_client and close is not None:
            close()

    def count(self, max_age: float = 0.0) -> int:
        """Number of chunks. ``max_age`` > 0 accepts a figure read that many seconds ago or less: Chroma's
        count() costs ~5 ms at 100k vectors (~25 ms at 400k), too much to pay on every search."""
        return self._counter.get(max_age)

    def existing(self) -> dict[str, dict[str, Any]]:
        """id → metadata of every stored chunk."""
        out: dict[str, dict[str, Any]] = {}
        total = self.count()
        for offset in range(0, total, _BATCH):
            got = self.collection.get(include=["metadatas"], limit=_BATCH, offset=offset)
            for cid, meta in zip(got["ids"], got["metadatas"] or []):
                out[cid] = dict(meta or {})
        return out

    def all_chunks(self) -> list[Chunk]:
        chunks: list[Chunk] = []
        total = self.count()
        for offset in range(0, total, _BATCH):
            got = self.collection.get(include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                chunks.append(Chunk.from_store(cid, doc or "", dict(meta or {})))
        return chunks

    def stored_vectors(self, where: dict[str, Any] | None = None) -> Iterator[StoredBatch]:
        """The stored chunks matching ``where`` (all when None) with their vectors, in batches."""
        return stored_batches(self.collection, where)

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self._counter.invalidate()
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i : i + _BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
                embeddings=np.asarray(vectors[i : i + _BATCH], dtype=np.float32),
            )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i : i + _BATCH]
            self.collection.update(ids=[c.id for c in part], metadatas=[c.metadata() for c in part])

    def delete(self, ids: Sequence[str]) -> None:
        self._counter.invalidate()
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self.collection.delete(ids=ids[i : i + _BATCH])

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {
            cid: Chunk.from_store(cid, doc or "", dict(meta or {}))
            for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [])
        }

    def section_chunks(self, doc_id: str, section: str) -> list[Chunk]:
        """Chunks of ``doc_id`` whose section path is exactly ``section``, in document order."""
        got = self.collection.get(where={"$and": [{"doc_id": doc_id}, {"section": section}]},
                                  include=["documents", "metadatas"])
        chunks = [Chunk.from_store(cid, doc or "", dict(meta or {}))
                  for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [])]
        return sorted(chunks, key=lambda c: c.ordinal)

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        """Every chunk of ``doc_id``, in document order (empty when the document is not indexed)."""
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        chunks = [Chunk.from_store(cid, doc or "", dict(meta or {}))
                  for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [])]
        return sorted(chunks, key=lambda c: (c.start, c.ordinal))

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity)."""
        n = self.count(max_age=COUNT_MAX_AGE)
        if n == 0:
            return []
        res = self.collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=min(k, n),
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]
