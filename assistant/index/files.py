"""Atomic file replacement: how the index code writes every file a reader may open at the same time.

A write goes to a temporary file in the same folder, which then replaces the target in one ``os.replace``:
a reader sees the old file or the new one, never half of one, and a crash leaves at most a ``.tmp-*`` file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_write(path: Path, *, durable: bool = False) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` when the block ends without an error (and is discarded otherwise).

    ``durable``: also flush the file and its folder to disk, so that the replacement survives a power cut.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix or ".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def write_json_atomic(path: Path, data: object) -> None:
    """``data`` as UTF-8 JSON, replacing ``path`` atomically."""
    with atomic_write(path) as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (best effort: not every file system lets a folder be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
