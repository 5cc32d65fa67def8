"""Ingestion: load → normalise → split → embed → index (Chroma + BM25), idempotent and all-or-nothing per run.

The managed set of sources is the corpus folder plus every file or folder ever ingested (remembered in
``<index>/sources.json``). Each run re-reads the whole set:
- unchanged chunks (same stable id) are kept, changed ones replaced, chunks of removed documents deleted;
- a file that fails to load keeps its previously indexed chunks (nothing is lost) and is reported;
- every file is loaded, split and embedded *before* the index is touched, so a failure half-way leaves the
  previous index as it was. Chroma is written first and BM25 last; if a run is killed between the two, the
  retriever notices the mismatch on open and rebuilds BM25 from Chroma.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.bm25 import BM25Index
from assistant.config import Settings
from assistant.embedding_cache import CachedPassageEmbedder, cache_file
from assistant.japanese import default_tokenizer
from assistant.schema import Chunk
from assistant.sentence_index import SentenceBatch, SentenceIndex
from assistant.store import ChunkStore
from corpus.catalog import CatalogError, DocumentMeta, load_catalog, meta_for_file
from corpus.loaders import SUPPORTED, LoadError, load_text
from corpus.splitter import split_document

log = logging.getLogger(__name__)


@dataclass
class FileError:
    path: str
    message_ja: str
    cause: str


@dataclass
class IngestReport:
    documents: dict[str, str] = field(default_factory=dict)  # doc id → file
    errors: list[FileError] = field(default_factory=list)
    added: int = 0
    kept: int = 0
    deleted: int = 0
    total_chunks: int = 0
    embedded: int = 0  # passages (chunks and sentences) embedded in this run
    embedding_cache_hits: int = 0  # passages whose vectors came from the embedding cache
    seconds: float = 0.0

    def summary_ja(self) -> str:
        lines = [
            f"取り込み完了: 文書 {len(self.documents)} 件、チャンク {self.total_chunks} 件"
            f"（追加 {self.added}、変更なし {self.kept}、削除 {self.deleted}）、{self.seconds:.1f} 秒"
            f"（埋め込み計算 {self.embedded} 件、キャッシュ利用 {self.embedding_cache_hits} 件）。"
        ]
        for e in self.errors:
            lines.append(f"  ⚠ {e.path}: {e.message_ja}")
        return "\n".join(lines)


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            files.append(p)
    seen: set[Path] = set()
    out = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            out.append(f)
    return out


def _catalog_for(path: Path, cache: dict[Path, dict[str, DocumentMeta]]) -> dict[str, DocumentMeta]:
    folder = path.parent.resolve()
    if folder not in cache:
        cache[folder] = load_catalog(folder)
    return cache[folder]


def _sources_path(settings: Settings) -> Path:
    return settings.index_dir / "sources.json"


def _read_sources(settings: Settings) -> dict[str, str]:
    """doc id → source file of the last successful run."""
    p = _sources_path(settings)
    if not p.exists():
        return {}
    try:
        return dict(json.loads(p.read_text(encoding="utf-8")).get("documents", {}))
    except (OSError, ValueError) as exc:
        log.warning("sources manifest %s unreadable (%s); starting from the corpus folder only", p, exc)
        return {}


def _write_json_atomic(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def _progress(iterable, total: int, desc: str, enabled: bool):  # type: ignore[no-untyped-def]
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="batch", file=sys.stderr, leave=False)


def ingest(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
    store: ChunkStore | None = None,
    export_embedding_cache: Path | None = None,
) -> IngestReport:
    t0 = time.perf_counter()
    paths = [Path(p) for p in paths or []]
    report = IngestReport()
    store = store or ChunkStore(settings)
    sentences = SentenceIndex(store) if settings.dense_sentences else None
    if rebuild:
        store.delete(list(store.existing()))
        if sentences is not None:
            sentences.delete_all()
        for p in (settings.bm25_path, settings.bm25_path.with_suffix(".npz"), _sources_path(settings)):
            p.unlink(missing_ok=True)

    previous = _read_sources(settings)
    registered = [Path(p) for p in previous.values()]
    # Registered sources that vanished are dropped (their chunks get deleted); explicit paths that do not
    # exist are kept so that the loader reports them.
    files = _expand([settings.corpus_dir, *(p for p in registered if p.exists()), *paths])

    # 1. load and split everything, touching nothing.
    catalogs: dict[Path, dict[str, DocumentMeta]] = {}
    desired: dict[str, list[Chunk]] = {}
    failed_docs: set[str] = set()
    path_of_doc = {v: k for k, v in previous.items()}
    for f in files:
        try:
            text = load_text(f)
            meta = meta_for_file(f, _catalog_for(f, catalogs), text)
        except (LoadError, CatalogError) as exc:
            log.warning("skipping %s: %s", f, exc)
            report.errors.append(FileError(str(f), exc.message_ja, str(exc)))
            if str(f) in path_of_doc:
                failed_docs.add(path_of_doc[str(f)])
            continue
        if meta.id in desired:
            msg = f"文書ID「{meta.id}」が {report.documents[meta.id]} と重複しています。ファイル名か documents.json の id を変えてください。"
            report.errors.append(FileError(str(f), msg, f"duplicate document id {meta.id}"))
            continue
        chunks = split_document(meta.id, meta.title, text, settings.chunk_size, settings.chunk_overlap)
        if not chunks:
            report.errors.append(FileError(str(f), "本文が見つからなかったため取り込みませんでした。", "no chunks"))
            continue
        desired[meta.id] = chunks
        report.documents[meta.id] = str(f)

    # 2. diff against the index.
    existing = store.existing()
    wanted: dict[str, Chunk] = {c.id: c for chunks in desired.values() for c in chunks}
    keep_docs = failed_docs  # documents whose file failed this time keep their chunks
    to_delete = [
        cid for cid, meta in existing.items()
        if cid not in wanted and meta.get("doc_id") not in keep_docs
    ]
    new_chunks = [c for cid, c in wanted.items() if cid not in existing]
    changed_meta = [
        c for cid, c in wanted.items()
        if cid in existing and {k: existing[cid].get(k) for k in c.metadata()} != c.metadata()
    ]

    # 3. embed the new chunks (the slow part) before writing anything; unchanged texts come from the cache.
    original_embedder = store.embedder
    embedder = CachedPassageEmbedder(original_embedder, [cache_file(settings.corpus_dir, original_embedder.name),
                                                         cache_file(settings.index_dir, original_embedder.name)])
    store.embedder = embedder  # the sentence index embeds through the store too
    try:
        vectors, sentence_batch, new_tokens = _embed(
            settings, sentences, embedder, new_chunks, wanted, existing, progress)
    finally:
        store.embedder = original_embedder
    report.embedded, report.embedding_cache_hits = embedder.misses, embedder.hits
    tokenizer = default_tokenizer()

    # 4. write: Chroma, then BM25, then the sources manifest.
    if new_chunks:
        store.upsert(new_chunks, vectors)
    if changed_meta:
        store.update_metadata(changed_meta)
    if to_delete:
        store.delete(to_delete)
        if sentences is not None:
            sentences.delete(to_delete)
    if sentence_batch is not None and sentence_batch.ids:
        sentences.write(sentence_batch)
    kept_ids = [cid for cid in existing if cid not in set(to_delete)]
    old_bm25 = None
    if settings.bm25_path.exists() and not rebuild:
        try:
            old_bm25 = BM25Index.load(settings.bm25_path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("old BM25 index unreadable (%s); rebuilding", exc)
    if old_bm25 is not None and all(cid in old_bm25._row for cid in kept_ids):
        bm25 = old_bm25.updated(kept_ids, new_tokens)
    else:
        all_chunks = [c for c in store.all_chunks()]
        bm25 = BM25Index.build(
            [(c.id, tokenizer.tokenize(c.index_text())) for c in all_chunks], settings.bm25_k1, settings.bm25_b
        )
    bm25.save(settings.bm25_path)
    sources = {doc: path for doc, path in report.documents.items()}
    for doc in failed_docs:
        if doc in previous:
            sources[doc] = previous[doc]
    _write_json_atomic(_sources_path(settings), {"documents": sources})
    try:
        embedder.save(cache_file(settings.index_dir, embedder.name))
    except OSError as exc:  # a cache is an optimisation: never fail an ingest over it
        log.warning("could not write the embedding cache: %s", exc)
    if export_embedding_cache is not None:
        n = embedder.save(export_embedding_cache, used_only=True)
        log.info("wrote %d passage vectors to %s", n, export_embedding_cache)

    report.added = len(new_chunks)
    report.deleted = len(to_delete)
    report.kept = len(kept_ids)
    report.total_chunks = store.count()
    report.seconds = time.perf_counter() - t0
    log.info("ingest: %s", report)
    return report


def _embed(
    settings: Settings,
    sentences: SentenceIndex | None,
    embedder: CachedPassageEmbedder,
    new_chunks: list[Chunk],
    wanted: dict[str, Chunk],
    existing: dict[str, dict],
    progress: bool,
) -> tuple[np.ndarray, SentenceBatch | None, list[tuple[str, list[str]]]]:
    """Vectors of the new chunks, the sentence batch to write, and the BM25 tokens of the new chunks."""
    batch = settings.embedding_batch_size
    vectors = np.zeros((len(new_chunks), embedder.dim), dtype=np.float32)
    starts = range(0, len(new_chunks), batch)
    for i in _progress(starts, len(starts), "embedding", progress):
        vectors[i : i + batch] = embedder.embed_passages([c.text for c in new_chunks[i : i + batch]])
    sentence_batch = None
    if sentences is not None:
        # New chunks, plus kept chunks that lack sentence vectors (an index built before they existed).
        have = sentences.chunk_ids()
        backfill = [c for cid, c in wanted.items() if cid in existing and cid not in have]
        sentence_batch = sentences.embed(new_chunks + backfill, batch)
    tokenizer = default_tokenizer()
    new_tokens = [(c.id, tokenizer.tokenize(c.index_text())) for c in new_chunks]

    return vectors, sentence_batch, new_tokens


def ensure_index(settings: Settings, progress: bool = False) -> IngestReport | None:
    """Build the index from the corpus folder when it is missing or empty, or add the sentence vectors an
    index built before them lacks; None when the index is already complete."""
    store = ChunkStore(settings)
    if store.count() > 0:
        if not settings.dense_sentences or SentenceIndex(store).count() > 0:
            return None
        log.info("index in %s has no sentence vectors: adding them", settings.index_dir)
        return ingest(settings, progress=progress, store=store)
    log.info("no index yet in %s: ingesting %s", settings.index_dir, settings.corpus_dir)
    return ingest(settings, progress=progress, store=store)
