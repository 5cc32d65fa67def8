"""Data shapes shared by ingestion, retrieval, the answer engine and every adapter (CLI, API, UI, evals)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

SECTION_SEP = " > "


class Chunk(BaseModel):
    """One indexed passage of a document."""

    id: str = Field(description="Stable id: hash of doc id + content; equal text in the same doc → equal id.")
    doc_id: str
    title: str
    section: str = Field("", description="Section path, parts joined with ' > '.")
    text: str = Field(description="Original text for display (not normalised).")
    start: int = Field(ge=0, description="Character offset of the chunk in the document's original text.")
    end: int = Field(ge=0)
    ordinal: int = Field(0, ge=0, description="Position of the chunk in its document.")
    doc_version: int = Field(0, ge=0, description="Version of the document this chunk belongs to (0: unknown).")
    doc_as_of: str = Field("", description="The document's own date (YYYY, YYYY-MM or YYYY-MM-DD); '' unknown.")

    def index_text(self) -> str:
        """What the lexical index sees: title and section path prefixed to the text."""
        head = self.title if not self.section else f"{self.title}{SECTION_SEP}{self.section}"
        return f"{head}\n{self.text}"

    def metadata(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "ordinal": self.ordinal,
            "doc_version": self.doc_version,
            "doc_as_of": self.doc_as_of,
        }

    @classmethod
    def from_store(cls, id: str, text: str, meta: dict[str, Any]) -> Chunk:
        return cls(
            id=id,
            text=text,
            doc_id=str(meta["doc_id"]),
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
            ordinal=int(meta.get("ordinal", 0)),
            doc_version=int(meta.get("doc_version", 0) or 0),
            doc_as_of=str(meta.get("doc_as_of", "") or ""),
        )


class Passage(BaseModel):
    """A retrieved chunk with its scores."""

    chunk: Chunk
    score: float = Field(description="Final score (fused, or reranker score when reranking).")
    ranks: dict[str, int] = Field(default_factory=dict, description="1-based rank per method, e.g. bm25, dense.")
    scores: dict[str, float] = Field(default_factory=dict, description="Raw score per method (dense = cosine).")

    @property
    def doc(self) -> str:
        return self.chunk.doc_id

    def as_result(self) -> dict[str, Any]:
        return {
            "id": self.chunk.id,
            "doc": self.chunk.doc_id,
            "title": self.chunk.title,
            "section": self.chunk.section,
            "text": self.chunk.text,
            "score": round(float(self.score), 6),
        }


class Citation(BaseModel):
    marker: int = Field(description="The [n] number used in the answer text.")
    chunk_id: str
    doc: str
    title: str = ""
    section: str = ""
    quote: str = Field(description="The cited passage text (or the sentence of it that supports the claim).")
    doc_version: int | None = Field(None, description="The version of the document the passage was cited from.")
    doc_as_of: str | None = Field(None, description="That version's own date (YYYY, YYYY-MM or YYYY-MM-DD).")


class ToolCallRecord(BaseModel):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    result: Any = None
    ok: bool = True
    error: str | None = None


Backend = Literal["llm", "offline"]


class RelatedCurated(BaseModel):
    """An approved Q&A (事務局回答) close to the question, offered under an answer from the documents."""

    id: int
    question: str = Field(description="The approved question, shown as it was approved.")
    answer: str = Field(description="The approved answer text (its sources are on the public page /qa).")
    approved_at: str = Field(description="ISO date or datetime of the approval.")
    similarity: float


class Answer(BaseModel):
    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    retrieved: list[Passage] = Field(default_factory=list)
    backend: Backend = "offline"
    refused: bool = False
    uncited: bool = Field(False, description="True when the answer states facts without any valid citation.")
    notice: str | None = Field(None, description="User-facing note, e.g. 'answered without the LLM'.")
    standalone_query: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    partial: bool = Field(False, description="The stream broke off; text is what arrived.")
    error: str | None = None
    curated_id: int | None = Field(None, description="The staff-approved curated answer (事務局回答) served, if any.")
    related_curated: list[RelatedCurated] = Field(
        default_factory=list, description="Approved Q&As close to the question, offered when none was served.")
    # The offline composer's structured parts (assistant.answer.compose.OfflineParts), for staff drafts; not serialised.
    _parts: Any = PrivateAttr(default=None)

    @property
    def parts(self) -> Any:
        """The offline composer's parts (lead, bullets, tool results, extracts), or None for LLM answers."""
        return self._parts
    coverage: Literal["answered", "not_in_documents", "out_of_scope"] = Field(
        "answered", description="answered from the documents; not_in_documents (in scope, the documents are "
        "silent); out_of_scope (refused)."
    )

    def to_api(self) -> dict[str, Any]:
        """The JSON shape returned by `koubo ask --json` and `POST /api/ask`."""
        return {
            "question": self.question,
            "text": self.text,
            "citations": [c.model_dump() for c in self.citations],
            "tool_calls": [t.model_dump(mode="json") for t in self.tool_calls],
            "retrieved": [p.as_result() for p in self.retrieved],
            "backend": self.backend,
            "refused": self.refused,
            "uncited": self.uncited,
            "notice": self.notice,
            "standalone_query": self.standalone_query,
            "timings_ms": self.timings_ms,
            "partial": self.partial,
            "error": self.error,
            "coverage": self.coverage,
            "curated_id": self.curated_id,
            "related_curated": [r.model_dump() for r in self.related_curated],
        }


class StreamEvent(BaseModel):
    """One step of a streamed answer, in order: status*, retrieved, (tool_call | status)*, token*, final.

    ``final`` always comes last and carries the complete Answer (also after an error: then ``answer.partial``
    or ``answer.error`` says what happened), so an adapter that only waits for ``final`` loses nothing.
    """

    type: Literal["status", "retrieved", "tool_call", "token", "final"]
    text: str | None = Field(None, description="token: the text delta; status: a Japanese progress message.")
    tool_call: ToolCallRecord | None = None
    passages: list[Passage] | None = None
    answer: Answer | None = None


class Draft(BaseModel):
    """A staff reply draft to an inquiry email."""

    inquiry: str
    subject: str
    salutation: str
    body: str
    signature: str
    citations: list[Citation] = Field(default_factory=list)
    backend: Backend = "offline"
    notice: str | None = None
    curated_id: int | None = Field(None, description="The approved answer (事務局回答) the draft is based on.")
    related_curated: list[RelatedCurated] = Field(
        default_factory=list, description="Approved answers close to the inquiry, so replies stay consistent.")

    def as_email(self) -> str:
        return f"件名: {self.subject}\n\n{self.salutation}\n\n{self.body}\n\n{self.signature}\n"
