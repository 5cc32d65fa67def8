"""Ingest throughput on 1 and N cores: a ~100-page PDF of the corpus text, ingested cold (no embedding cache)
with KOUBO_INGEST_WORKERS=1, 2, …; prints chunks/s, embedded passages/s and the load average.

    python -m evals.bench.ingest_cores --pages 100 --workers 1,2 [--repeat 2]

Needs reportlab (the ``test`` extra). Results in docs/performance.md ("Ingest on every core").
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path


def one_run(pdf: bytes, workers: int) -> dict[str, float]:
    from assistant.domain.config import load_settings
    from corpus.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="koubo-bench-cores-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "koubo-100p.pdf").write_bytes(pdf)
        settings = load_settings(data_dir=Path(tmp) / "data", corpus_dir=corpus, ingest_workers=workers,
                                 _env_file=None)
        load_before = os.getloadavg()[0]
        t = time.perf_counter()
        report = ingest(settings)
        wall = time.perf_counter() - t
        assert not report.errors, report.errors
        return {"workers": workers, "wall_s": round(wall, 2), "chunks": report.total_chunks,
                "embedded": report.embedded, "chunks_per_s": round(report.total_chunks / wall, 2),
                "passages_per_s": round(report.embedded / wall, 2), "load_before": round(load_before, 2),
                "load_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from evals.bench.pdf_corpus import build_pdf

    pdf = build_pdf(args.pages)
    print(f"machine: {os.cpu_count()} CPUs; PDF {args.pages} pages, {len(pdf)} bytes")
    rows = []
    for _ in range(args.repeat):
        for w in [int(x) for x in args.workers.split(",")]:
            rows.append(one_run(pdf, w))
            print(json.dumps(rows[-1]), flush=True)
    base = [r["wall_s"] for r in rows if r["workers"] == 1]
    for r in rows:
        if base and r["workers"] != 1:
            print(f"workers {r['workers']}: speed-up {min(base) / r['wall_s']:.2f}x over the best 1-worker run")


if __name__ == "__main__":
    main()
