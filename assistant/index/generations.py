"""Index generations: every ingest builds a complete index beside the served one, then one atomic step
switches the pointer to it.

Embedded Chroma: ``<data_dir>/index/gen-000007/`` holds that generation's Chroma folder, BM25 files and
``sources.json``; ``<data_dir>/index/CURRENT`` names the served generation and is replaced with
write-temp + fsync + rename. Chroma server: the generation's collections are ``<collection>--gen-000007``
(and ``…__sent``); the pointer is the metadata of the collection ``<collection>--current``, changed in one
update. An index from before generations (``index/chroma`` + ``index/bm25.json``, or the plain collection
on a server) is served as it is while no pointer exists; the next ingest that changes something migrates it.

Readers resolve the pointer once and then hold a *pinned* Settings (``index_generation`` set), so a
generation they opened never changes under them; only an ingest writes, and only into a generation nobody
serves yet.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from chromadb.errors import NotFoundError

from assistant.domain.config import Settings
from assistant.index.chroma import make_client
from assistant.index.files import atomic_write, fsync_dir

log = logging.getLogger(__name__)

POINTER_FILE = "CURRENT"
_NAME = re.compile(r"^gen-(\d{6})$")


def name_of(number: int) -> str:
    return f"gen-{number:06d}"


def number_of(name: str) -> int:
    m = _NAME.match(name)
    return int(m.group(1)) if m else -1


def pinned(settings: Settings, generation: str | None) -> Settings:
    """``settings`` reading and writing ``generation`` (None: the index from before generations)."""
    if settings.index_generation == generation:
        return settings
    return settings.model_copy(update={"index_generation": generation})


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk (a power cut after the switch keeps the index)."""
    for root, dirs, files in os.walk(folder):
        for name in files:
            try:
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


class Generations:
    """The generations of one index and its pointer, on disk or on a Chroma server."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.settings = pinned(settings, None)
        self._client = client

    @property
    def remote(self) -> bool:
        return bool(self.settings.chroma_host)

    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    @property
    def _pointer_collection(self) -> str:
        return f"{self.settings.collection}--current"

    # --- reading -----------------------------------------------------------------------------------------
    def current(self) -> str | None:
        """The served generation, None when no pointer exists (no index, or one from before generations)."""
        if self.remote:
            try:
                col = self.client().get_collection(self._pointer_collection)
            except (NotFoundError, ValueError):  # no pointer yet (older chromadb raised ValueError)
                return None
            name = str((col.metadata or {}).get("generation", ""))
        else:
            try:
                name = (self.settings.index_dir / POINTER_FILE).read_text(encoding="ascii").strip()
            except FileNotFoundError:
                return None
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("index pointer unreadable (%s); serving no generation", exc)
                return None
        if number_of(name) < 0:
            log.warning("index pointer names %r, not a generation; ignored", name)
            return None
        return name

    def legacy_exists(self) -> bool:
        """An index from before generations is there."""
        if self.remote:
            return self.settings.collection in self._collection_names()
        return (self.settings.index_dir / "chroma").is_dir()

    def existing(self) -> list[str]:
        """Every generation present (published or not), oldest first."""
        if self.remote:
            prefix = f"{self.settings.collection}--"
            names = {n[len(prefix):].removesuffix("__sent") for n in self._collection_names() if n.startswith(prefix)}
        else:
            folder = self.settings.index_dir
            names = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
        return sorted((n for n in names if number_of(n) >= 0), key=number_of)

    def _collection_names(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.client().list_collections()]

    def next_name(self, above: int = 0) -> str:
        """A name newer than every generation present and than ``above`` (names are never reused)."""
        return name_of(max([number_of(n) for n in self.existing()] + [above, 0]) + 1)

    # --- writing (ingest only) ----------------------------------------------------------------------------
    def sources(self) -> dict[str, str] | None:
        """On a Chroma server: doc id → source file of the served generation, kept with the pointer."""
        if not self.remote:
            return None
        try:
            meta = self.client().get_collection(self._pointer_collection).metadata or {}
            return dict(json.loads(str(meta.get("sources") or "{}")))
        except (NotFoundError, ValueError):  # no pointer yet, or unreadable JSON: start from the corpus folder
            return None

    def publish(self, generation: str, sources: dict[str, str] | None = None) -> None:
        """Make ``generation`` the served one in one atomic step (on a server, with its ``sources``)."""
        if number_of(generation) < 0:
            raise ValueError(f"not a generation name: {generation!r}")
        if self.remote:
            col = self.client().get_or_create_collection(self._pointer_collection, embedding_function=None)
            col.modify(metadata={"generation": generation,
                                 "sources": json.dumps(sources or {}, ensure_ascii=False)})
            return
        folder = self.settings.index_dir
        fsync_tree(folder / generation)
        with atomic_write(folder / POINTER_FILE, durable=True) as f:
            f.write((generation + "\n").encode("ascii"))

    def remove(self, generation: str | None) -> None:
        """Delete a generation (None: the index from before generations)."""
        if self.remote:
            base = self.settings.collection if generation is None else f"{self.settings.collection}--{generation}"
            for name in (base, base + "__sent"):
                try:
                    self.client().delete_collection(name)
                except (NotFoundError, ValueError) as exc:  # already gone
                    log.debug("collection %s not deleted: %s", name, exc)
            return
        folder = self.settings.index_dir
        if generation is None:
            shutil.rmtree(folder / "chroma", ignore_errors=True)
            for name in ("bm25.json", "bm25.npz", "sources.json"):
                (folder / name).unlink(missing_ok=True)
        else:
            shutil.rmtree(folder / generation, ignore_errors=True)

    def prune(self, keep: set[str | None]) -> list[str]:
        """Remove every generation not in ``keep`` (None in ``keep`` keeps a pre-generation index)."""
        removed = []
        for name in self.existing():
            if name not in keep:
                self.remove(name)
                removed.append(name)
        if None not in keep and self.legacy_exists():
            self.remove(None)
            removed.append("legacy")
        return removed


def resolve(settings: Settings, client: Any = None) -> Settings:
    """``settings`` pinned to the served generation; unchanged when already pinned or when no pointer exists."""
    if settings.index_generation is not None:
        return settings
    generation = Generations(settings, client).current()
    return pinned(settings, generation) if generation else settings
