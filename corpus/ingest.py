"""Ingestion: load → normalise → split → embed → index (Chroma + BM25), idempotent, into a new generation.

The managed set of sources is the corpus folder plus every file ever ingested (recorded with the index, in
``<generation>/sources.json``, or with the pointer on a Chroma server). Each run re-reads the whole set, also
with ``--rebuild``:
- unchanged chunks (same stable id) are kept, changed ones replaced, chunks of removed documents deleted;
  a recorded file that is no longer found is reported (``IngestReport.missing``);
- a file that fails to load keeps its previously indexed chunks (nothing is lost) and is reported; a file
  refused by policy (a symbolic link out of its folder, over the size limits, binary or undecodable) is
  reported and its old chunks go;
- a run that changes anything builds a complete new index generation beside the served one (unchanged
  passages take their vectors from the embedding cache or the served index, never re-embedded) and only
  then switches the pointer to it in one atomic step (assistant/index/generations.py). ``kill -9`` at any moment
  leaves the served generation as it was; the next run removes the unfinished one. A run that changes
  nothing leaves the served generation in place. One ingest at a time (a lock file in the index folder).

Document versions (assistant/index/versions.py): a file whose document id is known but whose content is new
becomes that document's next version and the previous one is retired (kept with its passages, never
served); a file with content seen before changes nothing (so a restored older version stays served), except
when it is named explicitly, which makes its version the served one again. A retired document stays out of
the index until it is restored or a file with new content is ingested for it. A recorded source that is no
longer found keeps being served and is reported until it is retired (``koubo docs retire ID``): nothing
disappears silently. Every chunk carries its document's version and date (``doc_version``, ``doc_as_of``).
Passages are embedded in a pool of processes over every core (assistant/index/parallel_embed.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.domain.config import Settings
from assistant.domain.schema import Chunk
from assistant.index.bm25 import BM25Index
from assistant.index.embedding_cache import CachedPassageEmbedder, cache_file
from assistant.index.embeddings import get_embedder
from assistant.index.files import write_json_atomic
from assistant.index.generations import Generations, number_of, pinned
from assistant.index.parallel_embed import embed_passages, resolve_workers
from assistant.index.sentence_index import SentenceIndex, sentence_units
from assistant.index.store import ChunkStore
from assistant.index.versions import Changes, Version, VersionRegistry, now_iso
from assistant.retrieval.tokenizer import default_tokenizer
from corpus.catalog import CatalogError, DocumentMeta, load_catalog, meta_for_file, valid_as_of
from corpus.loaders import SUPPORTED, LoadError, load_text
from corpus.programme_check import activate as activate_programmes
from corpus.splitter import split_document

log = logging.getLogger(__name__)


#: Refusals that mean "this file must not be in the index": its previously indexed chunks are removed too.
#: Other load failures (unreadable, corrupt …) may be passing troubles and keep the document's old chunks.
POLICY_REFUSALS = {"symlink", "too_large", "binary", "encoding"}

#: ``progress(stage, done, total)``: stages "loading" (files), "embedding" (passages), "writing", "done".
Progress = Callable[[str, int, int], None]

#: Called with the IngestReport after every ingest that switched the served index (e.g. to re-check curated
#: answers against the new versions in ``report.changed``). A failing hook is logged, never fails the ingest.
AFTER_INGEST: list[Callable[[IngestReport], None]] = []


@dataclass
class FileError:
    path: str
    message_ja: str
    cause: str
    kind: str = ""


@dataclass
class IngestReport:
    documents: dict[str, str] = field(default_factory=dict)  # doc id → file
    errors: list[FileError] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # recorded sources no longer found (their chunks went)
    added: int = 0
    kept: int = 0
    deleted: int = 0
    total_chunks: int = 0
    embedded: int = 0  # passages (chunks and sentences) embedded in this run
    embedding_cache_hits: int = 0  # passages whose vectors came from the embedding cache
    generation: str | None = None  # the generation served after this run
    seconds: float = 0.0
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # doc id → loaded text (programme check)
    programmes: list[str] = field(default_factory=list)  # the programme check's report lines
    versions: dict[str, int] = field(default_factory=dict)  # doc id → served version after this run
    changed: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # doc → (old, new) served version
    retired: list[str] = field(default_factory=list)  # documents retired by this run
    skipped_retired: list[str] = field(default_factory=list)  # files of retired documents, not served

    def summary_ja(self) -> str:
        lines = [
            f"取り込み完了: 文書 {len(self.documents)} 件、チャンク {self.total_chunks} 件"
            f"（追加 {self.added}、変更なし {self.kept}、削除 {self.deleted}）、{self.seconds:.1f} 秒"
            f"（埋め込み計算 {self.embedded} 件、キャッシュ利用 {self.embedding_cache_hits} 件）。"
        ]
        if self.generation:
            lines.append(f"  索引の世代: {self.generation}")
        for e in self.errors:
            lines.append(f"  ⚠ {e.path}: {e.message_ja}")
        for doc, (old, new) in sorted(self.changed.items()):
            if new is None:
                continue
            lines.append(f"  {doc}: 版 {new} を公開しました" + (f"（版 {old} は公開を停止し、履歴に残しています）。" if old else "。"))
        for doc in self.retired:
            lines.append(f"  {doc}: 公開を停止しました（履歴に残しています。`koubo docs restore {doc} 版番号` で戻せます）。")
        for doc in self.skipped_retired:
            lines.append(f"  {doc}: 公開停止中の文書のため取り込みませんでした（`koubo docs restore` で戻せます）。")
        for path, doc in self.missing_docs().items():
            retire = f"`koubo docs retire {doc}` で公開を停止できます。" if doc else ""
            lines.append(f"  ⚠ {path}: 以前に取り込んだファイルが見つからない状態です。索引には以前の内容を残しています。"
                         f"{retire}ファイルを戻した場合は再度取り込んでください。")
        lines.extend(self.programmes)
        return "\n".join(lines)

    def missing_docs(self) -> dict[str, str]:
        """Missing source path → its document id ('' when unknown)."""
        return {p: self._missing_doc.get(p, "") for p in self.missing}

    _missing_doc: dict[str, str] = field(default_factory=dict, repr=False)


# --- which files -----------------------------------------------------------------------------------------------
def _symlink_error(path: Path, why: str) -> FileError:
    return FileError(
        str(path),
        f"「{path.name}」はシンボリックリンクのため取り込みませんでした（指定されたフォルダの外を指しています）。"
        "取り込む場合は、実体のファイルを直接指定してください。",
        f"symbolic link {why}: skipped",
        "symlink",
    )


def _inside(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(root)


def _walk(root: Path, skipped: list[FileError]) -> list[Path]:
    """Supported files under ``root``; symbolic links that lead out of it are not followed (and reported)."""
    real_root = Path(os.path.realpath(root))
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not descend into linked folders
        for name in dirnames:
            p = Path(dirpath, name)
            if p.is_symlink() and not _inside(p, real_root):
                skipped.append(_symlink_error(p, f"to a folder outside {root}"))
        for name in filenames:
            p = Path(dirpath, name)
            if p.suffix.lower() not in SUPPORTED:
                continue
            if p.is_symlink():
                if not _inside(p, real_root):
                    skipped.append(_symlink_error(p, f"to {os.path.realpath(p)}, outside {root}"))
                    continue
                if not p.is_file():
                    continue  # dangling
            found.append(p)
    return sorted(found)


def _expand(roots: Iterable[Path], registered: Iterable[Path], given: Iterable[Path],
            skipped: list[FileError]) -> list[Path]:
    """Files to read: folders walked, recorded files (never through a link), files named on the command line."""
    files: list[Path] = []
    for p in roots:
        if p.is_dir():
            files.extend(_walk(p, skipped))
    for p in registered:
        if p.is_symlink():  # recorded as a real file: a link put in its place is not followed
            skipped.append(_symlink_error(p, "replacing a recorded source file"))
        else:
            files.append(p)
    for p in given:
        files.extend(_walk(p, skipped) if p.is_dir() else [p])  # a file named explicitly is read as given
    seen: set[Path] = set()
    out = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            out.append(f)
    return out


def _catalog_for(path: Path, cache: dict[Path, dict[str, DocumentMeta]]) -> dict[str, DocumentMeta]:
    folder = path.parent.resolve()
    if folder not in cache:
        cache[folder] = load_catalog(folder)
    return cache[folder]


# --- the record of sources -------------------------------------------------------------------------------------
def _sources_path(settings: Settings) -> Path:
    return settings.generation_dir / "sources.json"


def _read_sources(settings: Settings, gens: Generations) -> dict[str, str]:
    """doc id → source file recorded with the generation ``settings`` is pinned to."""
    if gens.remote and settings.index_generation:
        remote = gens.sources()
        if remote is not None:
            return remote
    p = _sources_path(settings)
    if not p.exists():
        return {}
    try:
        return dict(json.loads(p.read_text(encoding="utf-8")).get("documents", {}))
    except (OSError, ValueError) as exc:
        log.warning("sources manifest %s unreadable (%s); starting from the corpus folder only", p, exc)
        return {}


def _checkpoint(stage: str) -> None:
    """Mark a stage. Test hook: with KOUBO_INGEST_PAUSE_AT=<stage> the process announces it on stderr and
    waits there, so that tests can ``kill -9`` it at a known point (tests/test_generations.py)."""
    log.info("ingest stage: %s", stage)
    if os.environ.get("KOUBO_INGEST_PAUSE_AT") == stage:
        print(f"ingest paused at {stage}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One ingest per index at a time (the kernel drops the lock when its holder dies, even by kill -9)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another ingest is writing %s; waiting for it to finish", lock_path.parent)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- ingest ----------------------------------------------------------------------------------------------------
def ingest(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
    store: ChunkStore | None = None,
    export_embedding_cache: Path | None = None,
    as_of: str | None = None,
    retire: Iterable[str] = (),
    restore: dict[str, int] | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Index the corpus folder, the recorded sources and ``paths``; see the module docstring.

    ``store`` lends its embedder (and, on a Chroma server, its client); writes always go to a new generation.
    ``rebuild`` ignores what the served index holds except its record of sources and the vectors it can lend.
    ``as_of`` is the date of the documents in ``paths`` (else documents.json ``as_of``, else ``published``).
    ``retire`` takes documents out of the index; ``restore`` ({doc: version}) serves an earlier version again.
    ``progress`` draws a bar on stderr; ``on_progress(stage, done, total)`` reports to a caller (UI, job).
    """
    settings = pinned(settings, None)
    if as_of and not valid_as_of(as_of):
        raise ValueError(f"as_of {as_of!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    bar = _Bar() if progress and on_progress is None else None
    plan = _Plan(as_of=as_of or None, retire=set(retire), restore=dict(restore or {}),
                 notify=on_progress or (bar.update if bar else None))
    try:
        with _exclusive(settings.index_dir / ".ingest.lock"):
            report = _ingest(settings, [Path(p) for p in paths or []], rebuild, False, store,
                             export_embedding_cache, plan)
            # Programmes whose quotes are not in the ingested text are not served (corpus/programme_check.py).
            report.programmes = activate_programmes(settings, report.texts)
    finally:
        if bar is not None:
            bar.close()
    if report.changed:
        for hook in tuple(AFTER_INGEST):
            try:
                hook(report)
            except Exception:  # a follower's failure must not undo a finished ingest
                log.exception("after-ingest hook %r failed", hook)
    return report


@dataclass
class _Plan:
    """What the caller asked for beyond "read the sources": dates, retirements, restorations, progress."""

    as_of: str | None = None
    retire: set[str] = field(default_factory=set)
    restore: dict[str, int] = field(default_factory=dict)
    notify: Progress | None = None

    def progress(self, stage: str, done: int, total: int) -> None:
        if self.notify is not None:
            try:
                self.notify(stage, done, total)
            except Exception:  # progress display must never stop an ingest
                log.debug("progress callback failed", exc_info=True)


class _Bar:
    """The CLI's progress bar (tqdm on stderr), one bar per stage."""

    def __init__(self) -> None:
        self._bar = None
        self._stage = ""

    def update(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self.close()
            self._stage = stage
            if total > 0 and stage in ("loading", "embedding"):
                label = {"loading": "読み込み", "embedding": "埋め込み"}[stage]
                self._bar = tqdm(total=total, desc=label, unit="件" if stage == "embedding" else "file",
                                 file=sys.stderr, leave=False, dynamic_ncols=True)
        if self._bar is not None:
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@dataclass
class _Candidate:
    path: Path
    meta: DocumentMeta
    text: str
    sha256: str
    explicit: bool


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _choose(doc: str, cands: list[_Candidate], registry: VersionRegistry, report: IngestReport) -> _Candidate | None:
    """The file that speaks for ``doc`` when several carry its id: the one named explicitly, else one whose
    content was never seen for it (a new version), else the first. Two such files with different content
    conflict: the first wins and the others are reported."""
    explicit = [c for c in cands if c.explicit]
    pool = explicit or [c for c in cands if registry.by_sha(doc, c.sha256) is None] or cands[:1]
    chosen = pool[0]
    for other in pool[1:]:
        if other.sha256 != chosen.sha256:
            msg = (f"文書ID「{doc}」が {chosen.path} と重複しています（内容が異なります）。"
                   "ファイル名か documents.json の id を変えてください。")
            report.errors.append(FileError(str(other.path), msg, f"duplicate document id {doc}", "duplicate"))
    return chosen


def _tag(chunks: list[Chunk], version: int, as_of: str) -> list[Chunk]:
    return [c.model_copy(update={"doc_version": version, "doc_as_of": as_of}) for c in chunks]


def _ingest(
    settings: Settings,
    paths: list[Path],
    rebuild: bool,
    progress: bool,
    store: ChunkStore | None,
    export_embedding_cache: Path | None,
    plan: _Plan | None = None,
) -> IngestReport:
    plan = plan or _Plan()
    t0 = time.perf_counter()
    report = IngestReport()
    inner = store.embedder if store is not None else get_embedder(settings)
    client = store.client if store is not None and settings.chroma_host else None
    gens = Generations(settings, client)
    current = gens.current()
    highest = max([number_of(g) for g in gens.existing()] + [0])
    for g in gens.existing():
        if number_of(g) > number_of(current or ""):
            log.warning("removing index generation %s: an earlier ingest stopped before finishing it", g)
            gens.remove(g)

    old_settings = pinned(settings, current)
    old_store: ChunkStore | None = None
    own_old = False
    if current is not None or gens.legacy_exists():
        if store is not None and store.generation == current:
            old_store = store
        else:
            old_store, own_old = ChunkStore(old_settings, inner, client), True
    try:
        return _build(settings, gens, current, old_store, paths, rebuild, progress, inner, client,
                      export_embedding_cache, report, t0, highest, plan)
    finally:
        if own_old and old_store is not None:
            old_store.close()


def _build(
    settings: Settings,
    gens: Generations,
    current: str | None,
    old_store: ChunkStore | None,
    paths: list[Path],
    rebuild: bool,
    progress: bool,
    inner,  # type: ignore[no-untyped-def]
    client,  # type: ignore[no-untyped-def]
    export_embedding_cache: Path | None,
    report: IngestReport,
    t0: float,
    highest: int,
    plan: _Plan,
) -> IngestReport:
    old_settings = pinned(settings, current)
    registry = VersionRegistry(settings.index_dir)
    active = registry.active()
    changes = Changes()
    served = old_store is not None and old_store.count() > 0
    previous = _read_sources(old_settings, gens) if old_store is not None else {}
    registered = [Path(p) for p in previous.values()]
    doc_of_source = {v: k for k, v in previous.items()}
    for p in registered:
        if not p.exists() and not p.is_symlink() and doc_of_source.get(str(p)) not in plan.retire:
            report.missing.append(str(p))
            report._missing_doc[str(p)] = doc_of_source.get(str(p), "")
            log.warning("recorded source %s no longer exists: its document stays served until retired", p)
    files = _expand([settings.corpus_dir], [p for p in registered if p.exists() or p.is_symlink()], paths,
                    report.errors)
    explicit = {f.resolve() for f in _expand([], [], paths, [])}

    # 1. load and split everything, touching nothing.
    limits = {"max_bytes": int(settings.max_file_mb * 2**20),
              "max_unpacked_bytes": int(settings.max_unpacked_mb * 2**20)}
    catalogs: dict[Path, dict[str, DocumentMeta]] = {}
    desired: dict[str, list[Chunk]] = {}
    sources: dict[str, str] = {}
    failed_docs: set[str] = set()
    doc_of_path = {os.path.abspath(v): k for k, v in previous.items()}
    for e in report.errors:  # symbolic links skipped while listing
        log.warning("skipping %s: %s", e.path, e.cause)
    candidates: dict[str, list[_Candidate]] = {}
    for n, f in enumerate(files):
        plan.progress("loading", n, len(files))
        try:
            text = load_text(f, **limits)
            meta = meta_for_file(f, _catalog_for(f, catalogs), text)
            sha = _sha256(f)
        except (LoadError, CatalogError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = LoadError(f"cannot read {f}: {exc}", f"「{f.name}」を読み込めませんでした。", "unreadable")
            kind = getattr(exc, "kind", "catalog")
            log.warning("skipping %s: %s", f, exc)
            report.errors.append(FileError(str(f), exc.message_ja, str(exc), kind))
            doc = doc_of_path.get(os.path.abspath(f)) or doc_of_path.get(str(f.resolve()))
            if doc and kind not in POLICY_REFUSALS:
                failed_docs.add(doc)
            continue
        candidates.setdefault(meta.id, []).append(_Candidate(f, meta, text, sha, f.resolve() in explicit))
    plan.progress("loading", len(files), len(files))
    for doc, cands in candidates.items():
        chosen = _choose(doc, cands, registry, report)
        if chosen is None or doc in plan.retire or doc in plan.restore:
            continue
        f, meta = chosen.path, chosen.meta
        chunks = split_document(meta.id, meta.title, chosen.text, settings.chunk_size, settings.chunk_overlap)
        if not chunks:
            report.errors.append(FileError(str(f), "本文が見つからなかったため取り込みませんでした。", "no chunks", "empty"))
            if doc in previous:  # an empty new version (e.g. a scanned PDF) must not take the served one away
                failed_docs.add(doc)
            continue
        date = (plan.as_of if chosen.explicit and plan.as_of else "") or meta.as_of or (
            meta.published if valid_as_of(meta.published) else "")
        known, cur = registry.by_sha(doc, chosen.sha256), active.get(doc)
        source = str(f.resolve())
        if known is None:  # new content: the next version, served from now on
            n = registry.next_version(doc)
            chunks = _tag(chunks, n, date)
            stamp = now_iso()
            changes.added.append((Version(doc, n, chosen.sha256, stamp, date, source, len(chunks), meta.title,
                                          meta.programme, "active", stamp), chunks))
            report.changed[doc] = (cur.version if cur else None, n)
        elif chosen.explicit and (cur is None or cur.version != known.version):  # named again: served again
            chunks = _tag(chunks, known.version, known.as_of or date)
            changes.activate.append((doc, known.version))
            report.changed[doc] = (cur.version if cur else None, known.version)
        elif cur is None:  # a retired document's file, seen before: stays retired
            report.skipped_retired.append(doc)
            continue
        elif cur.version == known.version:
            if date and date != cur.as_of:
                changes.as_of.append((doc, cur.version, date))
            chunks = _tag(chunks, cur.version, date or cur.as_of)
        else:  # another version is served (restored): keep serving it, from the registry
            chunks = registry.chunks(doc, cur.version)
            source = previous.get(doc, source)
        desired[doc] = chunks
        report.texts[doc] = chosen.text
        report.documents[doc] = str(f)
        sources[doc] = source
    for doc, version in plan.restore.items():
        v = registry.get(doc, version)
        if v is None:
            raise KeyError(f"{doc} has no version {version}")
        cur = active.get(doc)
        desired[doc] = registry.chunks(doc, version)
        failed_docs.discard(doc)
        sources[doc] = previous.get(doc) or v.source
        if cur is None or cur.version != version:
            changes.activate.append((doc, version))
            report.changed[doc] = (cur.version if cur else None, version)
    for doc in report._missing_doc.values():  # a vanished file: keep serving what is indexed until retired
        if doc and doc not in desired:
            failed_docs.add(doc)
    refused = {doc_of_path.get(os.path.abspath(e.path)) for e in report.errors if e.kind in POLICY_REFUSALS}
    for doc, v in active.items():  # nothing disappears silently: served documents no source accounts for
        if doc not in desired and doc not in failed_docs and doc not in plan.retire and doc not in candidates \
                and doc not in refused:
            log.warning("document %s (version %d) has no source any more; still served from the registry", doc,
                        v.version)
            desired[doc] = registry.chunks(doc, v.version)
    for doc in plan.retire:
        desired.pop(doc, None)
        failed_docs.discard(doc)
        sources.pop(doc, None)
        report.documents.pop(doc, None)
        if doc in active or doc in previous:
            changes.retire.append(doc)
            report.retired.append(doc)
            report.changed[doc] = (active[doc].version if doc in active else None, None)
    for doc in failed_docs:
        if doc in previous:
            sources[doc] = previous[doc]
    _checkpoint("loaded")

    # 2. diff against the served index; chunks of documents whose file failed this time are carried over.
    embedder = CachedPassageEmbedder(inner, [cache_file(settings.corpus_dir, inner.name),
                                             cache_file(settings.index_dir, inner.name)])
    existing = old_store.existing() if served and old_store is not None else {}
    wanted: dict[str, Chunk] = {c.id: c for chunks in desired.values() for c in chunks}
    if failed_docs and served and old_store is not None:
        for c in _lend_vectors(old_store, embedder, {"doc_id": {"$in": sorted(failed_docs)}}):
            wanted.setdefault(c.id, c)
    new_chunks = [c for cid, c in wanted.items() if cid not in existing]
    deleted = [cid for cid in existing if cid not in wanted]
    kept_ids = [cid for cid in wanted if cid in existing]
    changed_meta = any(
        {k: existing[cid].get(k) for k in c.metadata()} != c.metadata()
        for cid, c in wanted.items() if cid in existing
    )
    backfill = False
    if served and settings.dense_sentences and old_store is not None:
        have = SentenceIndex(old_store).chunk_ids()
        backfill = any(cid not in have for cid in kept_ids)
    report.added, report.deleted, report.kept = len(new_chunks), len(deleted), len(kept_ids)

    if served and old_store is not None and not (rebuild or new_chunks or deleted or changed_meta or backfill):
        # Nothing to change: the served generation stays; only its record of sources may need an update.
        if sources != previous:
            if gens.remote and current:
                gens.publish(current, sources)
            else:
                write_json_atomic(_sources_path(old_settings), {"documents": sources})
        report.total_chunks = old_store.count()
        report.generation = current
        registry.apply(changes)
        report.versions = {d: v.version for d, v in registry.active().items()}
        report.seconds = time.perf_counter() - t0
        plan.progress("done", 1, 1)
        log.info("ingest: nothing changed; %s stays", current or "the index")
        return report

    # 3. build the new generation beside the served one.
    new = gens.next_name(above=highest)  # never the name of an unfinished one removed above
    new_settings = pinned(settings, new)
    new_store = ChunkStore(new_settings, embedder, client)
    report.generation = new
    _checkpoint("created")
    try:
        _fill(settings, new_settings, new_store, embedder, old_store if served else None, old_settings,
              list(wanted.values()), rebuild, plan, sources)
        report.total_chunks = new_store.count()
    except BaseException:
        new_store.close()
        gens.remove(new)
        raise
    new_store.close()
    report.embedded, report.embedding_cache_hits = embedder.misses, embedder.hits
    try:
        embedder.save(cache_file(settings.index_dir, embedder.name))
    except OSError as exc:  # a cache is an optimisation: never fail an ingest over it
        log.warning("could not write the embedding cache: %s", exc)
    if export_embedding_cache is not None:
        n = embedder.save(export_embedding_cache, used_only=True)
        log.info("wrote %d passage vectors to %s", n, export_embedding_cache)
    _checkpoint("written")

    # 4. switch: one atomic step; then the generations before the previous one go.
    gens.publish(new, sources)
    _checkpoint("published")
    registry.apply(changes)  # after the switch: a crash before it leaves versions the next run assigns again
    report.versions = {d: v.version for d, v in registry.active().items()}
    removed = gens.prune({new, current} if served else {new})
    if removed:
        log.info("removed old index generations: %s", ", ".join(removed))
    report.seconds = time.perf_counter() - t0
    plan.progress("done", 1, 1)
    log.info("ingest: %s", report)
    return report


def _fill(
    settings: Settings,
    new_settings: Settings,
    store: ChunkStore,
    embedder: CachedPassageEmbedder,
    old_store: ChunkStore | None,
    old_settings: Settings,
    chunks: list[Chunk],
    rebuild: bool,
    plan: _Plan,
    sources: dict[str, str],
) -> None:
    """Write every chunk, its sentence vectors, the BM25 index and the record of sources into ``store``."""
    units = [u for c in chunks for u in sentence_units(c)] if settings.dense_sentences else []
    if old_store is not None and embedder.missing([c.text for c in chunks] + units):
        # The caches lack some unchanged passages (deleted cache file): read their vectors from the served
        # index rather than embedding them again.
        _lend_vectors(old_store, embedder, None)

    batch = settings.embedding_batch_size
    # Everything not cached is embedded first, in a pool over every core, with progress; the writes below
    # then read the cache.
    texts = [c.text for c in chunks] + units
    missing = embedder.missing(texts)
    todo = list(dict.fromkeys(t for t in texts if t in missing))
    done = 0
    plan.progress("embedding", 0, len(todo))

    def tick(n: int) -> None:
        nonlocal done
        done += n
        plan.progress("embedding", done, len(todo))

    embedder.fill(todo, lambda texts: embed_passages(embedder.inner, texts, batch_size=batch, on_batch=tick,
                                                      workers=resolve_workers(settings.ingest_workers)))
    plan.progress("writing", 0, 1)
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for i in range(0, len(chunks), batch):
        vectors[i : i + batch] = embedder.embed_passages([c.text for c in chunks[i : i + batch]])
    store.upsert(chunks, vectors)
    _checkpoint("chunks-written")
    if settings.dense_sentences:
        sentences = SentenceIndex(store)
        sentences.write(sentences.embed(chunks, batch))
    _checkpoint("sentences-written")

    old_bm25 = None
    if old_store is not None and not rebuild and old_settings.bm25_path.exists():
        try:
            old_bm25 = BM25Index.load(old_settings.bm25_path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("old BM25 index unreadable (%s); rebuilding", exc)
    bm25 = BM25Index.from_chunks(chunks, default_tokenizer().tokenize, settings.bm25_k1, settings.bm25_b,
                                 reuse=old_bm25)
    bm25.save(new_settings.bm25_path)
    write_json_atomic(_sources_path(new_settings), {"documents": sources})


def _lend_vectors(old_store: ChunkStore, embedder: CachedPassageEmbedder, where: dict | None) -> list[Chunk]:
    """Put the stored vectors of the served index's chunks (those matching ``where``; all when None) and of
    their sentences into ``embedder``'s cache; returns those chunks."""
    out: list[Chunk] = []
    for batch in old_store.stored_vectors(where):
        if len(batch.texts) and len(batch.vectors):
            embedder.add(batch.texts, batch.vectors)
        out.extend(Chunk.from_store(cid, text, meta)
                   for cid, text, meta in zip(batch.ids, batch.texts, batch.metadatas))
    if old_store.settings.dense_sentences:
        for batch in SentenceIndex(old_store).stored_vectors(where):
            if len(batch.texts) and len(batch.vectors):
                embedder.add(batch.texts, batch.vectors)
    return out


def ensure_index(settings: Settings, progress: bool = False) -> IngestReport | None:
    """Build the index from the corpus folder when it is missing or empty, or add the sentence vectors an
    index built before them lacks; None when the index is already complete."""
    settings = pinned(settings, None)
    gens = Generations(settings)
    if gens.current() is not None or gens.legacy_exists():
        store = ChunkStore(settings)
        try:
            if store.count() > 0:
                if not settings.dense_sentences or SentenceIndex(store).count() > 0:
                    return None
                log.info("index in %s has no sentence vectors: adding them", settings.index_dir)
                return ingest(settings, progress=progress)
        finally:
            store.close()
    log.info("no index yet in %s: ingesting %s", settings.index_dir, settings.corpus_dir)
    return ingest(settings, progress=progress)
