"""SQLite storage for the web app: conversation turns, feedback and staff reply drafts.

One connection per thread (sqlite3 connections must not be shared across threads), WAL so readers never
block the writer, and an ordered list of migrations recorded in ``schema_version``. A turn is written as
soon as its question arrives and updated when the answer completes, so a crash or a dead LLM never loses
the question; an answer that broke off is kept with ``partial = 1``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from assistant.domain.schema import Answer, Draft

log = logging.getLogger(__name__)

# Append only; never edit a migration that has shipped. Index i is schema version i + 1.
MIGRATIONS: list[str] = [
    # 1: the three tables
    """
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT 'web',
        client TEXT,
        question TEXT NOT NULL,
        history_json TEXT NOT NULL DEFAULT '[]',
        answer_text TEXT NOT NULL DEFAULT '',
        answer_json TEXT,
        backend TEXT,
        status TEXT NOT NULL DEFAULT 'pending',
        partial INTEGER NOT NULL DEFAULT 0,
        timings_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        completed_at TEXT
    );
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        turn_id INTEGER NOT NULL REFERENCES turns(id),
        rating TEXT NOT NULL CHECK (rating IN ('like', 'dislike')),
        comment TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        inquiry TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        salutation TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        signature TEXT NOT NULL DEFAULT '',
        citations_json TEXT NOT NULL DEFAULT '[]',
        backend TEXT,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent')),
        author TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT
    );
    """,
    # 2: lookups the UI and the export do
    """
    CREATE INDEX turns_conversation ON turns(conversation_id, id);
    CREATE INDEX feedback_turn ON feedback(turn_id);
    CREATE INDEX drafts_updated ON drafts(updated_at);
    """,
    # 3: the web UI's history: turns belong to a browser session (a random id in a cookie)
    """
    ALTER TABLE turns ADD COLUMN session_id TEXT;
    CREATE INDEX turns_session ON turns(session_id, conversation_id, id);
    """,
]

def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StorageError(RuntimeError):
    pass


class Storage:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    # --- connections -----------------------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (other threads' connections close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self._conn().execute(sql, params)

    def schema_version(self) -> int:
        row = self._execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        conn = self._conn()
        with self._lock:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
            # BEGIN IMMEDIATE: two processes opening the same file at once must not both apply a migration.
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
                if current > len(MIGRATIONS):
                    raise StorageError(
                        f"{self.path} has schema version {current}, newer than this code ({len(MIGRATIONS)}); "
                        "upgrade koubo-assistant or point KOUBO_DB_PATH at another file."
                    )
                for version in range(current + 1, len(MIGRATIONS) + 1):
                    for statement in _statements(MIGRATIONS[version - 1]):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, now_iso()))
                    log.info("storage %s: applied migration %d", self.path, version)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # --- turns ---------------------------------------------------------------------------------------------------
    def start_turn(
        self,
        conversation_id: str,
        question: str,
        history: list[dict[str, str]] | None = None,
        *,
        channel: str = "web",
        client: str | None = None,
        session_id: str | None = None,
    ) -> int:
        cur = self._execute(
            "INSERT INTO turns (conversation_id, channel, client, question, history_json, created_at, session_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (conversation_id, channel, client, question, _dumps(history or []), now_iso(), session_id),
        )
        return int(cur.lastrowid or 0)

    def save_progress(self, turn_id: int, text: str) -> None:
        """Keep the text streamed so far, so a crash mid-answer still leaves what the user saw."""
        self._execute("UPDATE turns SET answer_text = ? WHERE id = ? AND status = 'pending'", (text, turn_id))

    def finish_turn(self, turn_id: int, answer: Answer) -> None:
        status = "partial" if answer.partial else ("error" if answer.error and not answer.text else "done")
        self._execute(
            "UPDATE turns SET answer_text = ?, answer_json = ?, backend = ?, status = ?, partial = ?, "
            "timings_json = ?, completed_at = ? WHERE id = ?",
            (answer.text, _dumps(answer.to_api()), answer.backend, status, int(answer.partial),
             _dumps(answer.timings_ms), now_iso(), turn_id),
        )

    def abort_turn(self, turn_id: int, text: str, reason: str) -> None:
        """The answer broke off before ``final`` (client left, worker error): keep what arrived, marked."""
        self._execute(
            "UPDATE turns SET answer_text = ?, status = 'partial', partial = 1, completed_at = ?, "
            "answer_json = ? WHERE id = ? AND status = 'pending'",
            (text, now_iso(), _dumps({"text": text, "partial": True, "error": reason}), turn_id),
        )

    def mark_interrupted(self) -> int:
        """At startup: turns still pending were cut off by a restart; mark them partial."""
        cur = self._execute(
            "UPDATE turns SET status = 'interrupted', partial = 1, completed_at = ? WHERE status = 'pending'",
            (now_iso(),),
        )
        return cur.rowcount

    def get_turn(self, turn_id: int) -> dict[str, Any] | None:
        row = self._execute("SELECT * FROM turns WHERE id = ?", (turn_id,)).fetchone()
        return _turn_dict(row) if row else None

    def turns(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        if conversation_id is None:
            rows = self._execute("SELECT * FROM turns ORDER BY id").fetchall()
        else:
            rows = self._execute("SELECT * FROM turns WHERE conversation_id = ? ORDER BY id", (conversation_id,)).fetchall()
        return [_turn_dict(r) for r in rows]

    # --- a browser session's history -----------------------------------------------------------------------------
    def conversations(self, session_id: str, limit: int = 30) -> list[dict[str, Any]]:
        """The session's conversations, most recently active first: id, title (first question), turns, updated."""
        rows = self._execute(
            "SELECT c.conversation_id, c.n, c.updated_at, t.question AS title FROM ("
            " SELECT conversation_id, MIN(id) AS first_id, MAX(id) AS last_id, COUNT(*) AS n,"
            " MAX(created_at) AS updated_at FROM turns WHERE session_id = ? GROUP BY conversation_id"
            ") c JOIN turns t ON t.id = c.first_id ORDER BY c.last_id DESC LIMIT ?",
            (session_id, limit),
        ).fetchall()
        return [{"conversation_id": r["conversation_id"], "title": r["title"], "turns": r["n"],
                 "updated_at": r["updated_at"]} for r in rows]

    def session_turns(self, session_id: str, conversation_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The last ``limit`` turns of one of the session's conversations, oldest first ([] if not the session's)."""
        rows = self._execute(
            "SELECT * FROM (SELECT * FROM turns WHERE session_id = ? AND conversation_id = ? ORDER BY id DESC"
            " LIMIT ?) ORDER BY id",
            (session_id, conversation_id, limit),
        ).fetchall()
        return [_turn_dict(r) for r in rows]

    # --- feedback ------------------------------------------------------------------------------------------------
    def add_feedback(self, turn_id: int, rating: str, comment: str | None = None) -> int:
        if rating not in ("like", "dislike"):
            raise ValueError(f"rating must be 'like' or 'dislike', not {rating!r}")
        if self.get_turn(turn_id) is None:
            raise KeyError(f"no turn {turn_id}")
        ts = now_iso()
        cur = self._execute(
            "INSERT INTO feedback (turn_id, rating, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (turn_id, rating, _clean(comment), ts, ts),
        )
        return int(cur.lastrowid or 0)

    def set_feedback_comment(self, feedback_id: int, comment: str | None) -> bool:
        cur = self._execute(
            "UPDATE feedback SET comment = ?, updated_at = ? WHERE id = ?", (_clean(comment), now_iso(), feedback_id)
        )
        return cur.rowcount == 1

    def feedback(self) -> list[dict[str, Any]]:
        rows = self._execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    # --- drafts --------------------------------------------------------------------------------------------------
    def save_draft(self, draft: Draft, author: str | None, draft_id: int | None = None) -> int:
        """Insert a new draft, or update the fields of ``draft_id`` (a sent draft stays sent)."""
        cites = _dumps([c.model_dump() for c in draft.citations])
        ts = now_iso()
        if draft_id is not None:
            cur = self._execute(
                "UPDATE drafts SET inquiry = ?, subject = ?, salutation = ?, body = ?, signature = ?, "
                "citations_json = ?, backend = ?, author = COALESCE(?, author), updated_at = ? WHERE id = ?",
                (draft.inquiry, draft.subject, draft.salutation, draft.body, draft.signature, cites,
                 draft.backend, author, ts, draft_id),
            )
            if cur.rowcount == 1:
                return draft_id
        cur = self._execute(
            "INSERT INTO drafts (inquiry, subject, salutation, body, signature, citations_json, backend, author, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (draft.inquiry, draft.subject, draft.salutation, draft.body, draft.signature, cites, draft.backend,
             author, ts, ts),
        )
        return int(cur.lastrowid or 0)

    def mark_sent(self, draft_id: int) -> bool:
        ts = now_iso()
        cur = self._execute(
            "UPDATE drafts SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?", (ts, ts, draft_id)
        )
        return cur.rowcount == 1

    def get_draft(self, draft_id: int) -> dict[str, Any] | None:
        row = self._execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return _draft_dict(row) if row else None

    def list_drafts(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self._execute("SELECT * FROM drafts ORDER BY updated_at DESC, id DESC LIMIT ?", (limit,)).fetchall()
        return [_draft_dict(r) for r in rows]

    # --- export --------------------------------------------------------------------------------------------------
    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every turn (type "turn") then every feedback (type "feedback", the shape evals/feedback.py reads)."""
        for row in self._execute("SELECT * FROM turns ORDER BY id").fetchall():
            t = _turn_dict(row)
            yield {
                "type": "turn", "id": t["id"], "conversation_id": t["conversation_id"], "channel": t["channel"],
                "question": t["question"], "answer": t["answer_text"], "history": t["history"],
                "citations": t["citations"], "tool_calls": t["tool_calls"], "backend": t["backend"],
                "status": t["status"], "partial": t["partial"], "timings_ms": t["timings_ms"],
                "created_at": t["created_at"], "completed_at": t["completed_at"],
            }
        rows = self._execute(
            "SELECT f.rating, f.comment, f.created_at, t.question, t.answer_text, t.history_json, t.answer_json "
            "FROM feedback f JOIN turns t ON t.id = f.turn_id ORDER BY f.id"
        ).fetchall()
        for r in rows:
            answer = _loads(r["answer_json"], {})
            yield {
                "type": "feedback",
                "rating": r["rating"],
                "comment": r["comment"],
                "question": r["question"],
                "answer": r["answer_text"],
                "history": _loads(r["history_json"], []),
                "citations": answer.get("citations") or [],
                "created_at": r["created_at"],
            }

    def export_jsonl(self, out: IO[str]) -> int:
        n = 0
        for rec in self.export_records():
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        return n


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        log.warning("unreadable JSON in storage: %.80s", text)
        return default


def _clean(comment: str | None) -> str | None:
    comment = (comment or "").strip()
    return comment[:2000] or None


def _turn_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    answer = _loads(d.pop("answer_json"), {})
    d["answer"] = answer
    d["history"] = _loads(d.pop("history_json"), [])
    d["timings_ms"] = _loads(d.pop("timings_json"), {})
    d["partial"] = bool(d["partial"])
    d["citations"] = answer.get("citations") or []
    d["tool_calls"] = answer.get("tool_calls") or []
    return d


def _draft_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["citations"] = _loads(d.pop("citations_json"), [])
    return d
