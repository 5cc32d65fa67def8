"""Building a real index for a test: the packaged corpus plus one document from outside the corpus folder."""

from __future__ import annotations

from pathlib import Path

from assistant.domain.config import Settings, load_settings
from corpus.ingest import IngestReport, ingest


def index_with_outside_document(tmp: Path, filename: str, text: str) -> tuple[Settings, IngestReport, Path]:
    """Ingest the packaged corpus into ``tmp/data``, then ``text`` written to ``tmp/outside/filename``: (the
    settings, the second ingest's report, the document's path)."""
    doc = tmp / "outside" / filename
    doc.parent.mkdir()
    doc.write_text(text, encoding="utf-8")
    settings = load_settings(data_dir=tmp / "data", _env_file=None)
    ingest(settings)
    return settings, ingest(settings, [doc]), doc
