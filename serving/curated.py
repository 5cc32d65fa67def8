"""Curated answers (事務局回答 / 追加Q&A) over the SQLite storage: validation, serving, staleness, export.

- ``validate`` checks a staff submission: every quote must be in the served text of its document
  (after ``match_key``), the programme must be known; problems come back as Japanese messages.
- ``StorageCuratedIndex`` is the engine's ``CuratedIndex``: active entries, matched by assistant.answer.curated.
- ``refresh_staleness`` runs after every ingest (CLI and the server's index watcher): an active answer whose
  quote is gone from its document becomes ``stale`` (with the old passage, the closest passage of the new
  version and a diff); a stale one whose quotes are all back becomes active again.
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.answer.curated import CuratedHit, Matcher, entry_from_row
from assistant.domain.schema import Chunk
from assistant.domain.text import match_key, split_sentences
from assistant.retrieval.lexicon import programme_documents
from assistant.retrieval.retriever import Retriever
from serving.storage import CuratedConflict, Storage

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 10000
MAX_CITATIONS = 10
MIN_QUOTE_CHARS = 8  # a shorter "quote" (「補助率」) is found everywhere and proves nothing
MAX_QUOTE_CHARS = 1000
SYSTEM = "system"  # the audit name of automatic changes (staleness at ingest)


class CuratedInputError(ValueError):
    def __init__(self, message_ja: str, detail: str) -> None:
        super().__init__(detail)
        self.message_ja, self.detail = message_ja, detail


# --- the served text of a document ----------------------------------------------------------------------------
def served_text(chunks: list[Chunk]) -> str:
    """A document's text rebuilt from its chunks (overlaps taken once, by their offsets)."""
    text = ""
    end = 0
    for c in chunks:
        if c.start >= end:
            text += "\n" + c.text
        else:
            text += c.text[end - c.start:]
        end = max(end, c.end)
    return text


class DocumentTexts:
    """match_key of each document's served text, read once per use (one Chroma query per document)."""

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self._chunks: dict[str, list[Chunk]] = {}
        self._keys: dict[str, str] = {}

    def chunks(self, doc: str) -> list[Chunk]:
        if doc not in self._chunks:
            self._chunks[doc] = self.retriever.store.doc_chunks(doc)
        return self._chunks[doc]

    def has_doc(self, doc: str) -> bool:
        return bool(self.chunks(doc))

    def contains(self, doc: str, quote: str) -> bool:
        if doc not in self._keys:
            self._keys[doc] = match_key(served_text(self.chunks(doc)))
        return bool(match_key(quote)) and match_key(quote) in self._keys[doc]

    def passage_of(self, doc: str, quote: str) -> str:
        """The chunk text holding the quote (for the staff view and later diffs); the quote itself if it spans two."""
        key = match_key(quote)
        return next((c.text for c in self.chunks(doc) if key in match_key(c.text)), quote)


# --- validation ----------------------------------------------------------------------------------------------
@dataclass
class Submission:
    question: str
    answer: str
    citations: list[dict[str, str]]  # {doc, quote, passage}
    programme: str | None


def programmes_of(citations: list[dict[str, str]]) -> set[str]:
    docs = {c["doc"] for c in citations}
    return {key for key, pdocs in programme_documents().items() if docs & pdocs}


def validate(question: str, answer: str, citations: list[dict[str, Any]], programme: str | None,
             retriever: Any, documents: dict[str, Any] | None = None) -> Submission:
    """A clean submission, or CuratedInputError with a Japanese message naming what to fix."""
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question:
        raise CuratedInputError("質問を入力してください。", "question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise CuratedInputError(f"質問が長すぎます（{len(question)}文字、上限{MAX_QUESTION_CHARS}文字）。",
                                f"question has {len(question)} characters")
    if not answer:
        raise CuratedInputError("回答文が空です。回答を入力してから保存してください。", "answer is empty")
    if len(answer) > MAX_ANSWER_CHARS:
        raise CuratedInputError(f"回答文が長すぎます（{len(answer)}文字、上限{MAX_ANSWER_CHARS}文字）。",
                                f"answer has {len(answer)} characters")
    if not citations:
        raise CuratedInputError("根拠となる資料の記載（出典）を1つ以上指定してください。", "no citations")
    if len(citations) > MAX_CITATIONS:
        raise CuratedInputError(f"出典は{MAX_CITATIONS}件までです。", f"{len(citations)} citations")
    programmes = programme_documents()
    if programme is not None and programme not in programmes:
        known = "、".join(programmes)
        raise CuratedInputError(f"制度「{programme}」は登録されていません。次のいずれかを指定してください: {known}",
                                f"unknown programme {programme!r}")
    texts = DocumentTexts(retriever)
    clean: list[dict[str, str]] = []
    for i, c in enumerate(citations, start=1):
        doc, quote = str(c.get("doc") or "").strip(), str(c.get("quote") or "").strip()
        if not texts.has_doc(doc):
            raise CuratedInputError(f"出典{i}の資料「{doc}」は、現在公開している資料の中に見つかりません。"
                                    "資料のIDを確認してください。", f"citation {i}: unknown document {doc!r}")
        if len(match_key(quote)) < MIN_QUOTE_CHARS or len(quote) > MAX_QUOTE_CHARS:
            raise CuratedInputError(f"出典{i}の引用は{MIN_QUOTE_CHARS}文字以上{MAX_QUOTE_CHARS}文字以内で、"
                                    "資料の文をそのまま貼り付けてください。", f"citation {i}: quote length {len(quote)}")
        if not texts.contains(doc, quote):
            raise CuratedInputError(f"出典{i}の引用は、資料「{doc}」の本文に見つかりませんでした。"
                                    "資料の文を一字一句そのまま貼り付けてください（空白・全角半角の違いは問いません）。",
                                    f"citation {i}: quote not found in {doc!r}")
        clean.append({"doc": doc, "quote": quote, "passage": texts.passage_of(doc, quote)})
    cited = programmes_of(clean)
    if programme is None and len(cited) == 1:
        programme = next(iter(cited))
    elif programme is not None and cited and programme not in cited:
        raise CuratedInputError(f"制度「{programme}」と出典の資料が一致しません。制度か出典を確認してください。",
                                f"programme {programme!r} but citations are from {sorted(cited)}")
    return Submission(question, answer, clean, programme)


# --- serving -----------------------------------------------------------------------------------------------------
@dataclass
class StorageCuratedIndex:
    """The engine's CuratedIndex over SQLite: active entries, re-read when the table changes."""

    storage: Storage
    matcher: Matcher = field(default_factory=Matcher)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stamp: Any = None
    _entries: list[Any] = field(default_factory=list)

    def entries(self) -> list[Any]:
        stamp = self.storage.curated_stamp()
        with self._lock:
            if stamp != self._stamp:
                self._entries = [entry_from_row(r) for r in self.storage.list_curated("active")]
                self._stamp = stamp
                self.matcher.forget({e.question for e in self._entries})
            return self._entries

    def match(self, question: str, vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]) -> CuratedHit | None:
        entries = self.entries()
        if not entries:
            return None
        with self._lock:  # the vector cache is shared by request threads
            return self.matcher.best(question, vector, entries, embed)

    def related(self, question: str, vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]
                ) -> list[CuratedHit]:
        entries = self.entries()
        if not entries:
            return []
        with self._lock:
            return self.matcher.related(question, vector, entries, embed)

    def warm(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        """Embed the active questions now (after a save), so no applicant waits for it."""
        entries = self.entries()
        with self._lock:
            self.matcher.vectors([e.question for e in entries], embed)


# --- staleness -----------------------------------------------------------------------------------------------------
def closest_passage(retriever: Any, doc: str, text: str) -> str | None:
    """The passage of ``doc`` (as served now) closest to ``text``: the retriever's ranking restricted to it."""
    k = max(getattr(retriever.settings, "candidate_k", 50), 50)
    for p in retriever.search(text[:500], k):
        if p.chunk.doc_id == doc:
            return p.chunk.text
    return None


def passage_diff(old: str, new: str | None) -> str:
    """A unified diff of two passages, sentence by sentence (Japanese has no words to split on)."""
    if new is None:
        return ""
    return "\n".join(difflib.unified_diff(split_sentences(old), split_sentences(new), "承認時の記載", "現在の記載",
                                          lineterm="", n=1))


def refresh_staleness(storage: Storage, retriever: Any) -> list[int]:
    """Check every active and stale curated answer against the served index; returns the ids made stale.

    Call after any ingest (new version, retired or restored document). Idempotent."""
    texts = DocumentTexts(retriever)
    made_stale: list[int] = []
    for row in storage.list_curated("active") + storage.list_curated("stale"):
        missing = [c for c in row["citations"] if not texts.contains(c["doc"], c["quote"])]
        if missing and row["status"] == "active":
            details = []
            for c in missing:
                old = c.get("passage") or c["quote"]
                new = closest_passage(retriever, c["doc"], old) if texts.has_doc(c["doc"]) else None
                details.append({"doc": c["doc"], "quote": c["quote"], "old_passage": old, "new_passage": new,
                                "diff": passage_diff(old, new), "document_missing": not texts.has_doc(c["doc"])})
            try:
                changed = storage.set_curated_status(row["id"], "stale", SYSTEM, revision=row["revision"],
                                                     stale=details)
            except CuratedConflict:
                continue  # edited meanwhile: that edit was validated against the served text
            if changed:
                made_stale.append(row["id"])
                log.warning("curated answer %d is stale: its quote is no longer in %s", row["id"],
                            ", ".join(d["doc"] for d in details))
        elif not missing and row["status"] == "stale":
            try:
                storage.set_curated_status(row["id"], "active", SYSTEM, revision=row["revision"])
            except CuratedConflict:
                continue
            log.info("curated answer %d is active again: its quotes are all back in the index", row["id"])
    return made_stale


def refresh_after_ingest(settings: Any) -> list[int]:
    """For `koubo ingest`: open the storage and the new index, refresh staleness; [] when there is no database."""
    if not settings.sqlite_path.exists():
        return []

    retriever = Retriever.from_settings(settings)
    try:
        return refresh_staleness(Storage(settings.sqlite_path), retriever)
    finally:
        retriever.close()
