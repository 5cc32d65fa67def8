"""A running server follows the index: when an ingest publishes a new generation, the service switches to it.

A daemon thread reads the generation pointer every ``index_reload_s`` seconds (a small file, or one call to
the Chroma server), opens the new generation in the background and then replaces ``service.assistant`` in
one assignment. Each request reads ``service.assistant`` once when it starts, so requests in flight finish
on the generation they began with; the retriever of a replaced generation is closed after a grace period.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from assistant.domain.config import Settings
from assistant.index.generations import Generations, pinned
from assistant.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

#: A replaced retriever is closed this long after the switch (no request runs that long).
CLOSE_AFTER_S = 600.0


class IndexWatcher:
    def __init__(self, service: Any, settings: Settings) -> None:
        self._service = weakref.ref(service)
        self.settings = pinned(settings, None)
        self.interval = settings.index_reload_s
        self._gens = Generations(self.settings)
        self._stop = threading.Event()
        self._opened: set[int] = set()  # ids of retrievers this watcher opened (only those it may close)
        self._thread = threading.Thread(target=self._run, name="koubo-index-watch", daemon=True)

    @classmethod
    def start(cls, service: Any, settings: Settings) -> IndexWatcher | None:
        """Watch for ``service`` when its assistant can change index (tests may pass a look-alike)."""
        assistant = service.assistant
        if settings.index_reload_s <= 0 or not hasattr(assistant, "with_retriever") \
                or not hasattr(getattr(assistant, "retriever", None), "generation"):
            return None
        watcher = cls(service, settings)
        watcher._thread.start()
        return watcher

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            service = self._service()
            if service is None:
                return
            try:
                self.check(service)
            except Exception:  # keep serving the current generation; try again later
                log.exception("could not switch to the new index generation; still serving the old one")
            del service

    def check(self, service: Any) -> bool:
        """Switch ``service`` to the published generation if it is not the one served; True if it switched."""
        current = self._gens.current()
        old = service.assistant
        if current is None or current == old.retriever.generation:
            return False
        retriever = Retriever.from_settings(pinned(self.settings, current))
        self._opened.add(id(retriever))
        service.assistant = old.with_retriever(retriever)
        log.info("now serving index generation %s (%d chunks); was %s", current, len(retriever),
                 old.retriever.generation or "the pre-generation index")
        refresh = getattr(service, "refresh_curated", None)
        if refresh is not None:
            refresh(retriever)  # curated answers whose quotes left the documents stop being served
        if id(old.retriever) in self._opened:
            self._opened.discard(id(old.retriever))
            closer = threading.Timer(CLOSE_AFTER_S, old.retriever.close)
            closer.daemon = True
            closer.start()
        return True
