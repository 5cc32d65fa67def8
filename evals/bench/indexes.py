"""Benchmark indexes under one work folder: the real corpus, and synthetic corpora of N chunks.

Layout: ``<workdir>/corpora/<n>-s<seed>/`` (generated documents), ``<workdir>/indexes/<name>/`` (data dirs),
``<workdir>/pool-vectors.npz`` (the sentence vectors of vectors.ComposedEmbedder). An index is reused when its
``bench-index.json`` says it was built completely from the same corpus; delete the folder to rebuild.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.domain.config import PACKAGED_CORPUS, Settings, load_settings
from assistant.index.embeddings import get_embedder
from assistant.index.generations import resolve
from assistant.index.store import ChunkStore
from corpus.ingest import ingest
from evals.bench.report import dir_bytes, say
from evals.bench.synthetic import SentencePool, generate
from evals.bench.vectors import ComposedEmbedder

MARKER = "bench-index.json"
ROOT = Path(__file__).resolve().parents[2]
# An index built by other ingest/index code is rebuilt rather than measured (the code changes under us).
_INDEX_CODE = ["corpus/ingest.py", "corpus/splitter.py", "assistant/index/store.py", "assistant/index/bm25.py",
               "assistant/retrieval/tokenizer.py", "assistant/index/sentence_index.py", "assistant/retrieval/lexicon.py",
               "assistant/index/generations.py"]


def code_fingerprint() -> str:
    h = hashlib.sha256()
    for rel in _INDEX_CODE:
        p = ROOT / rel
        h.update(rel.encode() + b"\0" + (p.read_bytes() if p.is_file() else b"-"))
    return h.hexdigest()[:12]


def bench_settings(data_dir: Path, corpus_dir: Path = PACKAGED_CORPUS, **overrides: Any) -> Settings:
    """The user's settings (env, .env) with the benchmark's own data and corpus folders."""
    return load_settings(data_dir=Path(data_dir), corpus_dir=Path(corpus_dir), **overrides)


def index_bytes(settings: Settings) -> dict[str, int]:
    settings = resolve(settings)  # the served generation's files
    chroma = dir_bytes(settings.chroma_dir)
    bm25 = sum(p.stat().st_size for p in (settings.bm25_path, settings.bm25_path.with_suffix(".npz"))
               if p.exists())
    return {"chroma_bytes": chroma, "bm25_bytes": bm25, "index_bytes": dir_bytes(settings.index_dir)}


def composed_embedder(workdir: Path, settings: Settings):  # type: ignore[no-untyped-def]
    pool = SentencePool.from_corpus()
    return ComposedEmbedder(get_embedder(settings), pool.sentences + pool.headings,
                            cache_file=Path(workdir) / "pool-vectors.npz")


@dataclass
class BuiltIndex:
    settings: Settings
    chunks: int
    seconds: float | None  # None when reused
    embed_seconds: float | None
    info: dict[str, Any]


class _TimedEmbedder:
    """Counts the seconds ingest spends embedding passages, to separate them from the rest of the pipeline."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim, self.seconds = inner, inner.name, inner.dim, 0.0

    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - t

    def embed_queries(self, texts: list[str]):  # type: ignore[no-untyped-def]
        return self.inner.embed_queries(texts)


def build(settings: Settings, embedder: Any, fresh: bool = True, label: str = "") -> BuiltIndex:
    """Ingest ``settings.corpus_dir`` into ``settings.data_dir`` through the real ingest path."""
    if fresh and settings.data_dir.exists():
        shutil.rmtree(settings.data_dir)
    timed = _TimedEmbedder(embedder)
    say(f"ingesting {label or settings.corpus_dir} → {settings.data_dir} …")
    t = time.perf_counter()
    store = ChunkStore(settings, embedder=timed)  # type: ignore[arg-type]
    report = ingest(settings, store=store)
    seconds = time.perf_counter() - t
    if report.errors:
        raise RuntimeError(f"ingest errors: {[e.cause for e in report.errors][:3]}")
    info = {"label": label, "chunks": report.total_chunks, "documents": len(report.documents),
            "seconds": seconds, "embed_seconds": timed.seconds, "embedder": type(embedder).__name__,
            "code": code_fingerprint()}
    (settings.data_dir / MARKER).write_text(json.dumps(info), encoding="utf-8")
    return BuiltIndex(settings, report.total_chunks, seconds, timed.seconds, info)


def synthetic_index(workdir: Path, n: int, seed: int = 0, rebuild: bool = False) -> BuiltIndex:
    """An index of a synthetic corpus of ``n`` chunks with composed vectors, built or reused."""
    workdir = Path(workdir)
    corpus = generate(workdir / "corpora" / f"{n}-s{seed}", n, seed)
    settings = bench_settings(workdir / "indexes" / f"synthetic-{n}-s{seed}", corpus.folder)
    marker = settings.data_dir / MARKER
    label = f"synthetic {n} chunks (seed {seed})"
    if marker.is_file() and not rebuild:
        info = json.loads(marker.read_text(encoding="utf-8"))
        if info.get("label") == label and info.get("chunks") == corpus.n_chunks and info.get("code") == code_fingerprint():
            return BuiltIndex(settings, corpus.n_chunks, None, None, info)
    return build(settings, composed_embedder(workdir, settings), label=label)


def real_index(workdir: Path) -> Settings:
    """An index of the packaged corpus (real embeddings), built once and reused."""
    settings = bench_settings(Path(workdir) / "indexes" / "real")
    marker = settings.data_dir / MARKER
    if not marker.is_file() or json.loads(marker.read_text(encoding="utf-8")).get("code") != code_fingerprint():
        build(settings, get_embedder(settings), label="real corpus")
    return settings
