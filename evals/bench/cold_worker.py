"""The cold-ingest worker: a fresh process ingests the packaged corpus into an empty folder and prints, as JSON,
how long its imports, the model load and the ingest took (`python -m evals.bench.cold_worker DIR`, started by
evals.bench.ingest_bench.cold_ingest).

Its imports are inside :func:`main` on purpose: the import time of the indexing stack is one of the figures.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(data_dir: str) -> None:
    t0 = time.perf_counter()
    from assistant.index.embeddings import get_embedder  # measured: part of the cold start
    from evals.bench.indexes import bench_settings, build, index_bytes

    settings = bench_settings(Path(data_dir) / "data")
    t1 = time.perf_counter()
    embedder = get_embedder(settings)
    t2 = time.perf_counter()
    built = build(settings, embedder, label="real corpus (cold)")
    print(json.dumps({"import_s": t1 - t0, "model_load_s": t2 - t1, "ingest_s": built.seconds,
                      "embed_s": built.embed_seconds, "chunks": built.chunks, **index_bytes(settings)}))


if __name__ == "__main__":
    main(sys.argv[1])
