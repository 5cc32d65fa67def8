"""Staff knowledge management at runtime: upload a document, retire or restore a version, follow the job.

Each change runs as a job in ONE background worker thread (ingests are serialised anyway by the ingest lock),
with the ingest's progress (stage, done, total) on the job. An uploaded file is kept under
``<data_dir>/uploads/<doc id>/<time>-<sha>/`` with a documents.json naming its id, programme and date, so
later ingests re-read it like any recorded source. A finished job makes the running server switch to the
new index generation at once (``after_job``), without waiting for the index watcher's next look.

Bad input is refused before any work, with a Japanese message (``KnowledgeError``); a job that fails leaves
the served index as it was and removes the upload it could not use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.domain import programmes
from assistant.domain.config import Settings
from corpus.catalog import CATALOG_FILE, load_catalog, slug_id, valid_as_of
from corpus.docs import DocsError, history, list_documents
from corpus.ingest import ingest
from corpus.loaders import SUPPORTED
from corpus.programme_check import corpus_texts, run_check

log = logging.getLogger(__name__)

#: Finished jobs kept in memory for GET /api/jobs/{id}.
MAX_JOBS = 200
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_SAFE_NAME = re.compile(r"[^\w.\-]+")

STAGES_JA = {"queued": "順番待ち", "loading": "読み込み中", "embedding": "分割・埋め込み中", "writing": "索引を書き込み中",
             "done": "完了", "failed": "失敗"}


class KnowledgeError(ValueError):
    """Refused input: ``message_ja`` for the user, the exception text (English) for the log, an HTTP status."""

    def __init__(self, message_ja: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.message_ja, self.detail, self.status = message_ja, detail, status


Recorder = Callable[[str, str, str, str], Any]  # (action, who, document id, detail)


def _log_only(action: str, who: str, object_id: str, detail: str = "") -> None:
    log.info("staff action %s by %s on %s %s", action, who, object_id, detail)


def programme_labels(corpus_dir: Path) -> dict[str, str]:
    """The programmes a document can belong to (id → short name), from the programme files."""
    return {p.id: p.names.short for p in programmes.load(corpus_dir)}


def programme_check(corpus_dir: Path, programme: str) -> dict[str, Any]:
    """The result of `koubo programmes check` for one programme, for the knowledge section."""
    status = run_check(corpus_dir, corpus_texts(corpus_dir))
    findings = list(status["inactive"].get(programme, [])) + list(status["file_errors"])
    ok = programme in status["active"] and not status["file_errors"]
    text = ("規程ファイルの検査（koubo programmes check）: 問題はありません。" if ok else
            "規程ファイルの検査（koubo programmes check）で問題が見つかりました: " + " / ".join(findings))
    return {"programme": programme, "available": True, "ok": ok, "findings": findings, "text": text}


@dataclass
class Job:
    id: str
    kind: str  # upload | retire | restore
    doc_id: str
    who: str
    status: str = "queued"  # queued | running | done | failed
    stage: str = "queued"
    done: int = 0
    total: int = 0
    message: str = ""  # Japanese, for the user
    error: str | None = None  # English, for developers
    version: int | None = None  # the version served after the job (upload, restore)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    finished_at: str | None = None
    _work: Callable[[Job], None] | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        d["stage_ja"] = STAGES_JA.get(self.stage, self.stage)
        d["progress"] = round(self.done / self.total, 3) if self.total else (1.0 if self.status == "done" else 0.0)
        return d

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class Knowledge:
    """Document uploads and version changes for a running server, one job at a time."""

    def __init__(self, settings: Settings, after_job: Callable[[], Any] | None = None,
                 record: Recorder = _log_only) -> None:
        self.settings = settings
        self.after_job = after_job
        self._record = record  # every staff action on documents (the audit log, in the web service)
        self.uploads = settings.data_dir / "uploads"
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="koubo-knowledge-jobs", daemon=True)
        self._thread.start()

    # --- reading ---------------------------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:

        return list_documents(self.settings)

    def history(self, doc_id: str) -> list[dict[str, Any]]:

        try:
            return [v.as_dict() for v in history(self.settings, doc_id)]
        except DocsError as exc:
            raise KnowledgeError(exc.message_ja, exc.detail, exc.status) from None

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created_at, reverse=True)

    def wait(self, job_id: str, timeout: float = 600.0) -> Job | None:
        """Block until the job finished (for the CLI and tests); the job, or None if unknown."""
        deadline = time.monotonic() + timeout
        while (job := self.job(job_id)) is not None and not job.finished and time.monotonic() < deadline:
            time.sleep(0.1)
        return job

    # --- submitting ------------------------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes, *, programme: str, as_of: str = "", doc_id: str = "",
               title: str = "", who: str) -> Job:
        """Check an uploaded file and queue its ingest; raises KnowledgeError before any work on bad input."""
        name = Path((filename or "").replace("\\", "/")).name.strip()
        ext = Path(name).suffix.lower()
        if not name or ext not in SUPPORTED:
            raise KnowledgeError(
                f"「{name[:80] or '（名前なし）'}」は取り込めない形式です。PDF・Word（.docx）・HTML・テキスト（.txt/.md）のファイルを"
                "選んでください。", f"unsupported file type {ext!r}", 415)
        limit = int(self.settings.max_file_mb * 2**20)
        if len(data) > limit:
            raise KnowledgeError(f"ファイルが大きすぎます（上限 {self.settings.max_file_mb:g} MB）。",
                                 f"upload has {len(data)} bytes; the limit is {limit}", 413)
        if not data:
            raise KnowledgeError("ファイルが空です。内容のあるファイルを選んでください。", "empty upload")
        programme = (programme or "").strip()
        known = programme_labels(self.settings.corpus_dir)
        if not programme:
            raise KnowledgeError("この文書が属する事業を選んでください。", "programme missing")
        if not known:
            raise KnowledgeError("この資料フォルダには事業の規程ファイル（programmes/*.yaml）がありません。先に規程ファイルを"
                                 "追加してください（docs/programmes.md）。", "no programme files in the corpus folder")
        if programme not in known:
            labels = "、".join(f"{name}（{p}）" for p, name in known.items())
            raise KnowledgeError(f"事業「{programme[:50]}」は登録されていません。次から選んでください: {labels}",
                                 f"unknown programme {programme!r}; known: {list(known)}")
        as_of = (as_of or "").strip()
        if as_of and not valid_as_of(as_of):
            raise KnowledgeError(f"資料の日付「{as_of[:20]}」を読めません。2024-03-01 のように入力してください。",
                                 f"invalid as_of {as_of!r}")
        doc_id = (doc_id or "").strip() or self._doc_id_for(name)
        if not _DOC_ID.fullmatch(doc_id):
            raise KnowledgeError("文書IDは半角英小文字・数字・ハイフンで指定してください（例: geniac-koubo-youryou）。",
                                 f"invalid document id {doc_id!r}")
        with self._lock:
            busy = next((j for j in self._jobs.values() if j.doc_id == doc_id and not j.finished), None)
            if busy is not None:
                raise KnowledgeError(
                    f"文書「{doc_id}」は現在取り込み中です（受付番号 {busy.id[:8]}）。完了してから、もう一度お試しください。",
                    f"a job for {doc_id} is already {busy.status} ({busy.id})", 409)
            job = Job(id=uuid.uuid4().hex, kind="upload", doc_id=doc_id, who=who)
            job._path = self._keep(doc_id, name, data, programme, as_of, title)
            job._work = lambda j: self._ingest_upload(j, as_of)
            self._add(job)
        self._record("document.upload", who, doc_id, f"{name} ({len(data)} bytes, programme {programme})")
        return job

    def retire(self, doc_id: str, who: str) -> Job:
        versions = self.history(doc_id)  # unknown id → KnowledgeError 404
        if not any(v["status"] == "active" for v in versions):
            raise KnowledgeError(f"文書「{doc_id}」はすでに公開を停止しています。", f"{doc_id} has no active version", 409)
        job = self._submit("retire", doc_id, who, lambda j: self._change(j, retire=doc_id))
        self._record("document.retire", who, doc_id, "")
        return job

    def restore(self, doc_id: str, version: int, who: str) -> Job:
        versions = self.history(doc_id)
        if version not in {v["version"] for v in versions}:
            have = "、".join(str(v["version"]) for v in versions)
            raise KnowledgeError(f"文書「{doc_id}」に版 {version} はありません（ある版: {have}）。",
                                 f"{doc_id} has no version {version}", 404)
        job = self._submit("restore", doc_id, who, lambda j: self._change(j, restore=(doc_id, version)))
        self._record("document.restore", who, doc_id, f"version {version}")
        return job

    def _submit(self, kind: str, doc_id: str, who: str, work: Callable[[Job], None]) -> Job:
        with self._lock:
            busy = next((j for j in self._jobs.values() if j.doc_id == doc_id and not j.finished), None)
            if busy is not None:
                raise KnowledgeError(f"文書「{doc_id}」は現在処理中です。完了してから、もう一度お試しください。",
                                     f"a job for {doc_id} is already {busy.status} ({busy.id})", 409)
            job = Job(id=uuid.uuid4().hex, kind=kind, doc_id=doc_id, who=who)
            job._work = work
            self._add(job)
        return job

    def _add(self, job: Job) -> None:
        self._jobs[job.id] = job
        finished = [j for j in self._jobs.values() if j.finished]
        for old in sorted(finished, key=lambda j: j.created_at)[: max(0, len(self._jobs) - MAX_JOBS)]:
            del self._jobs[old.id]
        self._queue.put(job)

    def _doc_id_for(self, name: str) -> str:
        """A new version of a corpus document when the file has its name there; else an id from the name."""
        try:
            for meta in load_catalog(self.settings.corpus_dir).values():
                if meta.file == name:
                    return meta.id
        except ValueError:
            pass
        return slug_id(Path(name).stem)

    def _keep(self, doc_id: str, name: str, data: bytes, programme: str, as_of: str, title: str) -> Path:
        """Write the upload and its documents.json into a folder of its own, atomically (temp folder, rename)."""
        safe = _SAFE_NAME.sub("_", name)[-120:].lstrip(".") or f"upload{Path(name).suffix.lower()}"
        folder = self.uploads / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        final = folder / f"{stamp}-{hashlib.sha256(data).hexdigest()[:12]}"
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
        try:
            (tmp / safe).write_bytes(data)
            entry = {"id": doc_id, "file": safe, "programme": programme}
            if as_of:
                entry["as_of"] = as_of
            if title.strip():
                entry["title"] = title.strip()[:200]
            (tmp / CATALOG_FILE).write_text(json.dumps([entry], ensure_ascii=False, indent=1), encoding="utf-8")
            if final.exists():  # the same bytes uploaded twice within a second
                shutil.rmtree(tmp)
                return final / safe
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final / safe

    # --- the worker -------------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            job = self._queue.get()
            job.status, job.stage = "running", "loading"
            try:
                assert job._work is not None
                job._work(job)
            except Exception as exc:  # a failed job must leave the worker running
                log.exception("knowledge job %s (%s %s) failed", job.id, job.kind, job.doc_id)
                job.status, job.stage = "failed", "failed"
                job.message = job.message or "処理中に問題が発生しました。公開中の資料は変わっていません。時間をおいてもう一度お試しください。"
                job.error = job.error or f"{type(exc).__name__}: {exc}"
            finally:
                job.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
                self._queue.task_done()
            if job.status == "done" and self.after_job is not None:
                try:
                    self.after_job()
                except Exception:  # the watcher will pick the generation up on its own
                    log.exception("switching to the new index generation after job %s failed", job.id)

    def _progress(self, job: Job) -> Callable[[str, int, int], None]:
        def update(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        return update

    def _ingest_upload(self, job: Job, as_of: str) -> None:

        assert job._path is not None
        report = ingest(self.settings, [job._path], as_of=as_of or None, on_progress=self._progress(job))
        mine = [e for e in report.errors if Path(e.path).resolve() == job._path.resolve()]
        if mine or job.doc_id not in report.documents:
            job.status, job.stage = "failed", "failed"
            job.message = (mine[0].message_ja if mine else "この文書を取り込めませんでした。") + "（公開中の資料は変わっていません。）"
            job.error = mine[0].cause if mine else f"{job.doc_id} not among the ingested documents"
            shutil.rmtree(job._path.parent, ignore_errors=True)  # never recorded as a source: nothing refers to it
            return
        job.version = report.versions.get(job.doc_id)
        old, new = report.changed.get(job.doc_id, (job.version, job.version))
        job.status, job.stage = "done", "done"
        if new is not None and new != old:
            job.message = f"文書「{job.doc_id}」の版 {new} を公開しました。" + (f"版 {old} は履歴に残しています。" if old else "")
        else:
            job.message = f"文書「{job.doc_id}」は公開中の版 {job.version} と同じ内容のため、変更はありません。"

    def _change(self, job: Job, retire: str | None = None, restore: tuple[str, int] | None = None) -> None:

        report = ingest(self.settings, retire=[retire] if retire else (),
                        restore=dict([restore]) if restore else None, on_progress=self._progress(job))
        job.status, job.stage = "done", "done"
        if retire:
            job.message = f"文書「{retire}」の公開を停止しました（版は履歴に残しています）。"
        else:
            assert restore is not None
            job.version = report.versions.get(restore[0])
            job.message = f"文書「{restore[0]}」の版 {restore[1]} を公開しました。"
