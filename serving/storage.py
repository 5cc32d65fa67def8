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
from contextlib import contextmanager
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
    # 4: curated answers (事務局回答 / 追加Q&A) and the append-only audit log of staff actions
    """
    CREATE TABLE curated (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        citations_json TEXT NOT NULL DEFAULT '[]',
        programme TEXT,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stale', 'retired')),
        approver TEXT,
        approved_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        source_turn_id INTEGER,
        source_draft_id INTEGER,
        stale_json TEXT
    );
    CREATE INDEX curated_status ON curated(status, id);
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL DEFAULT '',
        object_id TEXT NOT NULL DEFAULT '',
        detail_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    """,
]

CURATED_STATUSES = ("active", "stale", "retired")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StorageError(RuntimeError):
    pass


class CuratedConflict(StorageError):
    """A curated answer was changed by someone else since it was read (optimistic concurrency)."""

    def __init__(self, curated_id: int, revision: int) -> None:
        super().__init__(f"curated answer {curated_id} is at revision {revision}")
        self.curated_id, self.revision = curated_id, revision


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

    # --- audit log (append-only: triggers abort UPDATE and DELETE; there is no API for either) -------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error): a change and its audit record."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def append_audit(self, who: str, action: str, object_type: str = "", object_id: object = "",
                     detail: dict[str, Any] | None = None, conn: sqlite3.Connection | None = None) -> int:
        cur = (conn or self._conn()).execute(
            "INSERT INTO audit_log (at, who, action, object_type, object_id, detail_json) VALUES (?, ?, ?, ?, ?, ?)",
            (now_iso(), str(who or "")[:100], action, object_type, "" if object_id is None else str(object_id),
             _dumps(detail or {})),
        )
        return int(cur.lastrowid or 0)

    def audit_records(self, limit: int | None = None, after_id: int = 0) -> list[dict[str, Any]]:
        """Audit records after ``after_id``, oldest first, at most ``limit`` of them."""
        rows = self._execute("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                        (after_id, -1 if limit is None else limit)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["detail"] = _loads(d.pop("detail_json"), {})
            out.append(d)
        return out

    # --- curated answers (事務局回答) ------------------------------------------------------------------------------
    def add_curated(self, question: str, answer: str, citations: list[dict[str, Any]], *, programme: str | None,
                    approver: str, source_turn_id: int | None = None, source_draft_id: int | None = None) -> int:
        ts = now_iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO curated (question, answer, citations_json, programme, approver, approved_at, created_at, "
                "updated_at, source_turn_id, source_draft_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (question, answer, _dumps(citations), programme, approver, ts, ts, ts, source_turn_id, source_draft_id),
            )
            cid = int(cur.lastrowid or 0)
            self.append_audit(approver, "curated.create", "curated", cid,
                              {"question": question[:200], "source_turn_id": source_turn_id,
                               "source_draft_id": source_draft_id}, conn=conn)
        return cid

    def update_curated(self, curated_id: int, revision: int, who: str, *, question: str, answer: str,
                       citations: list[dict[str, Any]], programme: str | None) -> dict[str, Any]:
        """Edit (and re-approve) a curated answer if it is still at ``revision``; it becomes active again.

        Raises KeyError (no such id) or CuratedConflict (someone saved it first: nothing is overwritten)."""
        ts = now_iso()
        with self.transaction() as conn:
            row = conn.execute("SELECT revision, status FROM curated WHERE id = ?", (curated_id,)).fetchone()
            if row is None:
                raise KeyError(curated_id)
            if int(row["revision"]) != revision:
                raise CuratedConflict(curated_id, int(row["revision"]))
            conn.execute(
                "UPDATE curated SET question = ?, answer = ?, citations_json = ?, programme = ?, approver = ?, "
                "approved_at = ?, updated_at = ?, revision = revision + 1, status = 'active', stale_json = NULL "
                "WHERE id = ?",
                (question, answer, _dumps(citations), programme, who, ts, ts, curated_id),
            )
            self.append_audit(who, "curated.edit", "curated", curated_id,
                              {"revision": revision + 1, "was": row["status"], "question": question[:200]}, conn=conn)
        return self.get_curated(curated_id) or {}

    def set_curated_status(self, curated_id: int, status: str, who: str, *, revision: int | None = None,
                           stale: list[dict[str, Any]] | None = None, action: str | None = None) -> bool:
        """Move a curated answer to ``status`` (retire by staff; stale / active again by the staleness check).

        With ``revision``, only if it is still at that revision (else CuratedConflict). False if unchanged."""
        if status not in CURATED_STATUSES:
            raise ValueError(f"unknown curated status {status!r}")
        with self.transaction() as conn:
            row = conn.execute("SELECT revision, status FROM curated WHERE id = ?", (curated_id,)).fetchone()
            if row is None:
                raise KeyError(curated_id)
            if revision is not None and int(row["revision"]) != revision:
                raise CuratedConflict(curated_id, int(row["revision"]))
            if row["status"] == status and stale is None:
                return False
            conn.execute(
                "UPDATE curated SET status = ?, stale_json = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
                (status, _dumps(stale) if stale else None, now_iso(), curated_id),
            )
            self.append_audit(who, action or f"curated.{status}", "curated", curated_id,
                              {"was": row["status"], **({"stale": [s.get("doc") for s in stale]} if stale else {})},
                              conn=conn)
        return True

    def get_curated(self, curated_id: int) -> dict[str, Any] | None:
        row = self._execute("SELECT * FROM curated WHERE id = ?", (curated_id,)).fetchone()
        return _curated_dict(row) if row else None

    def list_curated(self, status: str | None = None) -> list[dict[str, Any]]:
        if status is None:
            rows = self._execute("SELECT * FROM curated ORDER BY id").fetchall()
        else:
            rows = self._execute("SELECT * FROM curated WHERE status = ? ORDER BY id", (status,)).fetchall()
        return [_curated_dict(r) for r in rows]

    def curated_stamp(self) -> tuple[int, str]:
        """(count, newest update) of the curated table: changes whenever an entry is added, edited or moved."""
        row = self._execute("SELECT COUNT(*), COALESCE(MAX(updated_at), '') || ':' || COALESCE(SUM(revision), 0) "
                       "FROM curated").fetchone()
        return int(row[0]), str(row[1])

    def disliked(self, limit: int = 100) -> list[dict[str, Any]]:
        """Disliked answers, newest first: the staff desk's feedback queue (with the curated answer made from it)."""
        rows = self._execute(
            "SELECT f.id AS feedback_id, f.comment, f.created_at, t.id AS turn_id, t.question, t.answer_text, "
            "t.answer_json, (SELECT MAX(c.id) FROM curated c WHERE c.source_turn_id = t.id) AS curated_id "
            "FROM feedback f JOIN turns t ON t.id = f.turn_id WHERE f.rating = 'dislike' "
            "ORDER BY f.id DESC LIMIT ?", (limit,),
        ).fetchall()
        out = []
        for r in rows:
            answer = _loads(r["answer_json"], {})
            out.append({"feedback_id": r["feedback_id"], "turn_id": r["turn_id"], "question": r["question"],
                        "answer": r["answer_text"], "comment": r["comment"], "created_at": r["created_at"],
                        "citations": answer.get("citations") or [], "curated_id": r["curated_id"]})
        return out

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
    """The statements of a migration; a trigger body's inner ``;`` does not end its CREATE TRIGGER."""
    out: list[str] = []
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \n;"):
        out.append(buf.strip())
    return out


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


def _curated_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["citations"] = _loads(d.pop("citations_json"), [])
    d["stale"] = _loads(d.pop("stale_json"), None)
    return d


def _draft_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["citations"] = _loads(d.pop("citations_json"), [])
    return d
