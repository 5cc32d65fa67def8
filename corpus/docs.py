"""Document versions for people: list, history, retire, restore, and a cited passage by (chunk id, version).

Shared by `koubo docs` and the staff desk/API; errors carry a Japanese message for users (``DocsError``).
Retiring and restoring run an ingest (the index switches generation), so they take the ingest lock.
"""

from __future__ import annotations

from typing import Any

from assistant.domain.config import Settings
from assistant.index.generations import pinned
from assistant.index.versions import Version, VersionRegistry
from corpus.ingest import IngestReport, Progress, ingest


class DocsError(ValueError):
    def __init__(self, message_ja: str, detail: str, status: int = 404) -> None:
        super().__init__(detail)
        self.message_ja, self.detail, self.status = message_ja, detail, status


def registry(settings: Settings) -> VersionRegistry:
    return VersionRegistry(pinned(settings, None).index_dir)


def list_documents(settings: Settings) -> list[dict[str, Any]]:
    """Every document ever ingested: its served (else newest) version's record, status, number of versions."""
    return registry(settings).documents()


def history(settings: Settings, doc_id: str) -> list[Version]:
    versions = registry(settings).history(doc_id)
    if not versions:
        raise DocsError(f"文書ID「{doc_id[:100]}」は登録されていません。`koubo docs list` で ID をご確認ください。",
                        f"unknown document id {doc_id!r}")
    return versions


def retire(settings: Settings, doc_id: str, on_progress: Progress | None = None,
           progress: bool = False) -> IngestReport:
    """Stop serving ``doc_id`` (all its versions stay in the registry); the index switches without it."""
    versions = history(settings, doc_id)
    if not any(v.status == "active" for v in versions):
        raise DocsError(f"文書「{doc_id}」はすでに公開を停止しています。", f"{doc_id} has no active version", 409)
    return ingest(settings, retire=[doc_id], on_progress=on_progress, progress=progress)


def restore(settings: Settings, doc_id: str, version: int, on_progress: Progress | None = None,
            progress: bool = False) -> IngestReport:
    """Serve ``version`` of ``doc_id`` again (the served one, if another, is retired)."""
    versions = history(settings, doc_id)
    if version not in {v.version for v in versions}:
        have = "、".join(str(v.version) for v in versions)
        raise DocsError(f"文書「{doc_id}」に版 {version} はありません（ある版: {have}）。",
                        f"{doc_id} has no version {version}")
    return ingest(settings, restore={doc_id: version}, on_progress=on_progress, progress=progress)


def passage(settings: Settings, chunk_id: str, version: int | None = None, doc_id: str | None = None
            ) -> dict[str, Any] | None:
    """The text of a cited passage, served or retired."""
    return registry(settings).passage(chunk_id, version, doc_id)
