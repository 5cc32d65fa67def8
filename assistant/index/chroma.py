"""The one place that speaks to chromadb directly: the client (embedded or a server) and our embedding function.

Importing this module registers the embedding function with Chroma, so that a reopened collection rebuilds
it from its stored configuration instead of Chroma's default one (which would try to download a model and
fail offline).
"""

from __future__ import annotations

from typing import Any

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.domain.config import ConfigError, Settings
from assistant.index.embeddings import Embedder, get_embedder


@register_embedding_function
class KouboEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedders as a Chroma embedding function (ingestion and search pass vectors explicitly; Chroma
    calls this only when a collection is queried by text)."""

    def __init__(self, model: str, threads: int = 1, device: str = "cpu",
                 embedder: Embedder | None = None) -> None:
        self.model, self.threads, self.device = model, threads, device
        self._embedder = embedder

    def _get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(
                Settings(embedding_model=self.model, embedding_threads=self.threads,
                         embedding_device=self.device)
            )
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._get().embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._get().embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "koubo"

    def default_space(self):  # type: ignore[no-untyped-def]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "threads": self.threads, "device": self.device}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> KouboEmbeddingFunction:
        return KouboEmbeddingFunction(config["model"], int(config.get("threads", 1)),
                                      str(config.get("device", "cpu")))

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config.get("model") != new_config.get("model"):
            raise ValueError("the embedding model of an index cannot change; rebuild the index")


def embedding_function(embedder: Embedder, settings: Settings) -> KouboEmbeddingFunction:
    """The embedding function stored with a collection built by ``embedder`` under ``settings``."""
    return KouboEmbeddingFunction(embedder.name, settings.embedding_threads, settings.embedding_device, embedder)


def make_client(settings: Settings) -> Any:
    """A Chroma server client when ``KOUBO_CHROMA_HOST`` is set, else the embedded client of the index folder."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises bare Exceptions for an unreachable server
            raise ConfigError(
                f"Chroma server {settings.chroma_host}:{settings.chroma_port} unreachable ({exc}): start it "
                "(`chroma run --path DIR --port PORT`) or unset KOUBO_CHROMA_HOST to use the embedded index"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
