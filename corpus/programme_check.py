"""Checking the programme files against the documents, and activating the programmes that pass.

``koubo programmes check`` and every ``koubo ingest`` run the same check (assistant.domain.programmes.check):
schema, rate conditions (no gaps, no overlaps), documents present, every quote verbatim in the loaded text.
Ingest writes the outcome to ``<data_dir>/index/programmes.json``; a programme listed there as inactive is not
served (assistant.domain.programmes.served skips it) while its documents stay indexed and searchable.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from assistant.domain import programmes
from assistant.domain.config import Settings
from assistant.index.files import write_json_atomic
from corpus.catalog import CatalogError, load_catalog, meta_for_file
from corpus.loaders import SUPPORTED, LoadError, load_text

log = logging.getLogger(__name__)


def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """doc id → loaded text of every supported file in the corpus folder (as ingest reads them)."""
    texts: dict[str, str] = {}
    catalogs: dict[Path, Any] = {}
    for path in sorted(Path(corpus_dir).rglob("*")):
        if path.suffix.lower() not in SUPPORTED or not path.is_file():
            continue
        try:
            text = load_text(path)
            folder = path.parent.resolve()
            catalogs.setdefault(folder, load_catalog(folder))
            texts.setdefault(meta_for_file(path, catalogs[folder], text).id, text)
        except (LoadError, CatalogError) as exc:
            log.warning("programme check: skipping %s: %s", path, exc)
    return texts


def run_check(corpus_dir: Path, texts: dict[str, str]) -> dict[str, Any]:
    """The check's outcome: active ids, inactive ids with their problems, files that do not load."""
    progs, per, file_problems = programmes.check(corpus_dir, texts)
    return {
        "corpus_dir": str(Path(corpus_dir).resolve()),
        "active": [p.id for p in progs if not per[p.id]],
        "inactive": {pid: [str(x) for x in probs] for pid, probs in per.items() if probs},
        "file_errors": [str(x) for x in file_problems],
    }


def activate(settings: Settings, texts: dict[str, str]) -> list[str]:
    """Check the programmes against the ingested ``texts``, record which are served; Japanese report lines."""
    status = run_check(settings.corpus_dir, texts)
    write_json_atomic(settings.index_dir / programmes.STATUS_FILE, status)
    lines = []
    if status["active"]:
        lines.append(f"  制度ファイル: 有効 {', '.join(status['active'])}")
    for pid, problems in status["inactive"].items():
        log.error("programme %s not activated: %s", pid, "; ".join(problems))
        lines.append(f"  ⚠ 制度「{pid}」は有効にしませんでした（文書は索引に入っています）。`koubo programmes check` で確認してください:")
        lines.extend(f"      {p}" for p in problems[:5])
    for problem in status["file_errors"]:
        log.error("programme file not loaded: %s", problem)
        lines.append(f"  ⚠ 制度ファイルを読み込めません: {problem}")
    return lines
