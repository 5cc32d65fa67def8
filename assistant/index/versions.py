"""The registry of document versions: which version of each document is served, and every version's passages.

Ingesting a file whose document id is known but whose content (SHA-256 of the file) is new creates a new
version and retires the previous one. A retired version is never served, but its record (sha256, ingest
time, the document's own date ``as_of``, source path, chunk count) and the text of its passages stay here,
so a citation pinned to (chunk id, version) can always be shown again.

Stored in ``<index_dir>/versions.sqlite3`` (SQLite, WAL); every change of one ingest is one transaction,
committed right after the ingest switched the served index generation. Only ingestion writes here.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.domain.schema import Chunk

REGISTRY_FILE = "versions.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    as_of TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    chunks INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    programme TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    changed_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_version ON versions (doc_id) WHERE status = 'active';
CREATE TABLE IF NOT EXISTS passages (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    chunk_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    start INTEGER NOT NULL DEFAULT 0,
    "end" INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, version, chunk_id),
    FOREIGN KEY (doc_id, version) REFERENCES versions (doc_id, version)
);
CREATE INDEX IF NOT EXISTS passages_by_chunk ON passages (chunk_id);
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Version:
    doc_id: str
    version: int
    sha256: str
    ingested_at: str
    as_of: str
    source: str
    chunks: int
    title: str
    programme: str
    status: str  # "active" | "retired"
    changed_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Changes:
    """What one ingest does to the registry, applied in one transaction after the switch."""

    added: list[tuple[Version, list[Chunk]]] = field(default_factory=list)  # new versions (active) + passages
    activate: list[tuple[str, int]] = field(default_factory=list)  # (doc, version) made the served one
    retire: list[str] = field(default_factory=list)  # docs with no served version any more
    as_of: list[tuple[str, int, str]] = field(default_factory=list)  # (doc, version, date) corrected

    def __bool__(self) -> bool:
        return bool(self.added or self.activate or self.retire or self.as_of)


class VersionRegistry:
    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / REGISTRY_FILE
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    # --- reading -------------------------------------------------------------------------------------------
    def active(self) -> dict[str, Version]:
        """doc id → its served version."""
        return {r["doc_id"]: Version(**dict(r)) for r in self._rows("SELECT * FROM versions WHERE status = 'active'")}

    def history(self, doc_id: str) -> list[Version]:
        """Every version of ``doc_id``, oldest first."""
        return [Version(**dict(r)) for r in
                self._rows("SELECT * FROM versions WHERE doc_id = ? ORDER BY version", (doc_id,))]

    def documents(self) -> list[dict[str, Any]]:
        """One row per document: its newest version's record, the served version (None when retired), counts."""
        out = []
        for r in self._rows(
            "SELECT v.*, (SELECT version FROM versions a WHERE a.doc_id = v.doc_id AND a.status = 'active') "
            "AS active_version, (SELECT COUNT(*) FROM versions c WHERE c.doc_id = v.doc_id) AS versions "
            "FROM versions v WHERE v.version = (SELECT MAX(version) FROM versions m WHERE m.doc_id = v.doc_id) "
            "ORDER BY v.doc_id"
        ):
            row = dict(r)
            served = row.pop("active_version")
            latest = Version(**{k: row[k] for k in Version.__dataclass_fields__})
            if served is not None and served != latest.version:
                latest = self.get(latest.doc_id, int(served)) or latest
            out.append({**latest.as_dict(), "active_version": served, "versions": row["versions"],
                        "status": "active" if served is not None else "retired"})
        return out

    def get(self, doc_id: str, version: int) -> Version | None:
        rows = self._rows("SELECT * FROM versions WHERE doc_id = ? AND version = ?", (doc_id, version))
        return Version(**dict(rows[0])) if rows else None

    def by_sha(self, doc_id: str, sha256: str) -> Version | None:
        rows = self._rows("SELECT * FROM versions WHERE doc_id = ? AND sha256 = ? ORDER BY version DESC",
                          (doc_id, sha256))
        return Version(**dict(rows[0])) if rows else None

    def next_version(self, doc_id: str) -> int:
        rows = self._rows("SELECT COALESCE(MAX(version), 0) AS v FROM versions WHERE doc_id = ?", (doc_id,))
        return int(rows[0]["v"]) + 1

    def chunks(self, doc_id: str, version: int) -> list[Chunk]:
        """The passages of one version, as chunks tagged with that version and its date."""
        v = self.get(doc_id, version)
        if v is None:
            return []
        return [Chunk(id=r["chunk_id"], doc_id=doc_id, title=r["title"], section=r["section"], text=r["text"],
                      start=r["start"], end=r["end"], ordinal=r["ordinal"], doc_version=version, doc_as_of=v.as_of)
                for r in self._rows('SELECT * FROM passages WHERE doc_id = ? AND version = ? ORDER BY ordinal',
                                    (doc_id, version))]

    def passage(self, chunk_id: str, version: int | None = None, doc_id: str | None = None) -> dict[str, Any] | None:
        """A cited passage by chunk id (+ version, + document): its text whether or not that version is served."""
        sql = ("SELECT p.*, v.as_of, v.status FROM passages p JOIN versions v USING (doc_id, version) "
               "WHERE p.chunk_id = ?")
        args: list[Any] = [chunk_id]
        if version is not None:
            sql += " AND p.version = ?"
            args.append(version)
        if doc_id is not None:
            sql += " AND p.doc_id = ?"
            args.append(doc_id)
        rows = self._rows(sql + " ORDER BY p.version DESC LIMIT 1", tuple(args))
        if not rows:
            return None
        r = dict(rows[0])
        return {"chunk_id": r["chunk_id"], "doc": r["doc_id"], "doc_version": r["version"], "doc_as_of": r["as_of"],
                "title": r["title"], "section": r["section"], "text": r["text"], "status": r["status"]}

    # --- writing (ingest only) ------------------------------------------------------------------------------
    def apply(self, changes: Changes) -> None:
        """All of one ingest's changes, atomically."""
        if not changes:
            return
        stamp = now_iso()
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                for doc in changes.retire + [v.doc_id for v, _ in changes.added] + [d for d, _ in changes.activate]:
                    conn.execute("UPDATE versions SET status = 'retired', changed_at = ? "
                                 "WHERE doc_id = ? AND status = 'active'", (stamp, doc))
                for v, chunks in changes.added:
                    conn.execute(
                        "INSERT INTO versions (doc_id, version, sha256, ingested_at, as_of, source, chunks, title, "
                        "programme, status, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
                        (v.doc_id, v.version, v.sha256, v.ingested_at, v.as_of, v.source, v.chunks, v.title,
                         v.programme, stamp))
                    conn.executemany(
                        'INSERT INTO passages (doc_id, version, chunk_id, ordinal, title, section, start, "end", text) '
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(v.doc_id, v.version, c.id, c.ordinal, c.title, c.section, c.start, c.end, c.text)
                         for c in chunks])
                for doc, version in changes.activate:
                    conn.execute("UPDATE versions SET status = 'active', changed_at = ? WHERE doc_id = ? AND version = ?",
                                 (stamp, doc, version))
                for doc, version, as_of in changes.as_of:
                    conn.execute("UPDATE versions SET as_of = ? WHERE doc_id = ? AND version = ?", (as_of, doc, version))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                conn.close()
