"""What the HTTP API and the Gradio app share at runtime: one Assistant, the storage, staff auth, limits.

``WebService.from_settings`` is the web server's composition root: it builds the index when it is missing
(corpus.ingest.ensure_index, at start-up, never while answering) and opens the Assistant over it."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.engine import Assistant
from assistant.domain.config import Settings
from assistant.domain.schema import Answer, StreamEvent
from assistant.domain.text import scrub
from assistant.domain.validation import bound_history
from corpus.catalog import CatalogError, load_catalog
from corpus.ingest import ensure_index
from serving.audit import audit
from serving.auth import StaffAuth
from serving.curated import StorageCuratedIndex, refresh_staleness
from serving.knowledge import Knowledge
from serving.login_throttle import LoginThrottle
from serving.storage import Storage
from serving.web.index_watch import IndexWatcher
from serving.web.limits import RateLimiter

log = logging.getLogger(__name__)

# While streaming, the text so far is written to SQLite at most this often (a crash keeps it).
PROGRESS_EVERY_S = 1.0


@dataclass
class WebService:
    settings: Settings
    assistant: Any  # assistant.answer.engine.Assistant; Any so tests may pass a look-alike
    storage: Storage
    auth: StaffAuth
    limiter: RateLimiter = field(init=False)
    login_throttle: LoginThrottle = field(init=False)
    index_watch: IndexWatcher | None = field(init=False, default=None)
    curated: StorageCuratedIndex | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if hasattr(self.assistant, "with_curated"):
            # Approved answers (事務局回答) come first; the engine sees them only through its CuratedIndex.
            self.curated = StorageCuratedIndex(self.storage)
            self.assistant = self.assistant.with_curated(self.curated)
            self.refresh_curated()  # an ingest may have run while the server was down
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)
        self.login_throttle = LoginThrottle.from_settings(self.settings)
        # Replaces self.assistant when an ingest publishes a new index generation; a request reads
        # self.assistant once, so it finishes on the generation it started with.
        self.index_watch = IndexWatcher.start(self, self.settings)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, backend: str = "auto", chat_model: Any = None, assistant: Any = None,
    ) -> WebService:
        if assistant is None:
            ensure_index(settings)
            assistant = Assistant.from_settings(settings, backend=backend, chat_model=chat_model)  # type: ignore[arg-type]
        storage = Storage(settings.sqlite_path)
        interrupted = storage.mark_interrupted()
        if interrupted:
            log.warning("%d answer(s) were cut off by the last shutdown; kept and marked partial", interrupted)
        return cls(settings, assistant, storage, StaffAuth(settings.staff_users, settings.session_secret))

    def staff_login(self, name: str, password: str, client: str) -> str | None:
        """The staff name when the password is right, else None; raises LoginThrottled while locked out.

        Every staff login path (API login, HTTP basic auth, the Gradio desk) goes through here, so they share
        one count per account and per client. Blocking (bcrypt): call it from a worker thread.
        """
        name = (name or "").strip()
        # A locked-out attempt raises LoginThrottled before any check and is not audited (it would let a
        # flood of refused attempts grow the log without bound); checked attempts are.
        ok = self.login_throttle.check(name, client, lambda: self.auth.check(name, password or ""))
        if not ok:
            log.info("staff login failed for %r from %s", name[:100], client)
        audit(self.storage, name, "login.success" if ok else "login.failure", "staff", name[:100], {"client": client})
        return name if ok else None

    def refresh_curated(self, retriever: Any = None) -> list[int]:
        """Mark curated answers stale whose quotes left the served documents (after an index change)."""
        retriever = retriever or getattr(self.assistant, "retriever", None)
        if retriever is None or not hasattr(retriever, "store"):
            return []
        try:
            return refresh_staleness(self.storage, retriever)
        except Exception:  # keep serving; the next index change or restart checks again
            log.exception("checking curated answers against the index failed")
            return []

    @functools.cached_property
    def documents(self) -> dict[str, Any]:
        """documents.json of the corpus folder ({id: DocumentMeta}): where each cited document came from."""
        try:
            return dict(load_catalog(self.settings.corpus_dir))
        except CatalogError as exc:
            log.warning("sources will show no provenance: %s", exc)
            return {}

    @functools.cached_property
    def knowledge(self) -> Any:
        """Document uploads, retire/restore jobs (serving.knowledge.Knowledge); a finished job switches the index."""

        def switch() -> None:
            if self.index_watch is not None:
                self.index_watch.check(self)

        def record(action: str, who: str, doc_id: str, detail: str) -> None:
            audit(self.storage, who, action, "document", doc_id, {"detail": detail} if detail else None)

        return Knowledge(self.settings, after_job=switch, record=record)

    def stream_and_store(
        self,
        question: str,
        history: list[dict[str, str]],
        *,
        conversation_id: str,
        channel: str,
        client: str | None,
        session_id: str | None = None,
    ) -> Iterator[tuple[int, StreamEvent]]:
        """Assistant.stream with the turn stored first, progress saved while streaming, result stored at the end.

        Yields (turn_id, event). If the consumer stops early (browser closed) or the engine raises, the turn
        keeps the text that arrived, marked partial.
        """
        # Bounded before it is stored or used, the same way the engine bounds it (API and Gradio both come here).
        history = bound_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        turn_id = self.storage.start_turn(conversation_id, scrub(question), history, channel=channel, client=client,
                                          session_id=session_id)
        text = ""
        last_save = time.monotonic()
        finished = False
        try:
            for event in self.assistant.stream(question, history):
                if event.type == "token" and event.text:
                    text += event.text
                    if time.monotonic() - last_save > PROGRESS_EVERY_S:
                        self.storage.save_progress(turn_id, text)
                        last_save = time.monotonic()
                elif event.type == "final" and event.answer is not None:
                    self.storage.finish_turn(turn_id, event.answer)
                    finished = True
                yield turn_id, event
        except GeneratorExit:
            if not finished:
                self.storage.abort_turn(turn_id, text, "client went away")
            raise
        except Exception as exc:
            log.exception("answering turn %d failed", turn_id)
            if not finished:
                self.storage.abort_turn(turn_id, text, f"{type(exc).__name__}: {exc}")
            raise

    def ask_and_store(self, question: str, history: list[dict[str, str]], *, conversation_id: str,
                      channel: str, client: str | None) -> tuple[int, Answer]:
        answer: Answer | None = None
        turn_id = 0
        for turn_id, event in self.stream_and_store(question, history, conversation_id=conversation_id,
                                                    channel=channel, client=client):
            if event.type == "final":
                answer = event.answer
        assert answer is not None, "Assistant.stream ended without a final event"
        return turn_id, answer
