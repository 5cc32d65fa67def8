"""`koubo bench http`: POST /api/ask on 127.0.0.1 under 1, 8 and 32 concurrent clients.

A real `koubo web` process (uvicorn, the FastAPI app, SQLite storage, the packaged corpus index) talks to a
simulated LLM (fake_llm.py) served from this process. Each level sends a fixed number of requests and is cut
off by a hard timeout; requests still open then count as errors. Only 127.0.0.1 is ever contacted. The
server's per-client rate limit is raised for the run (every client is 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx

from evals.bench.fake_llm import ANSWER, server
from evals.bench.indexes import real_index
from evals.bench.report import Target, result, say, summarize, table, targets_table
from evals.bench.retrieval_bench import faq_questions, repeated
from evals.bench.web_start import koubo_web


async def _level(base: str, questions: list[str], concurrency: int, request_timeout: float,
                 level_timeout: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for q in questions:
        queue.put_nowait(q)

    async def client(http: httpx.AsyncClient) -> None:
        while True:
            try:
                q = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t = time.perf_counter()
            try:
                r = await http.post(base + "/api/ask", json={"question": q})
                key = str(r.status_code)
                if r.status_code == 200:
                    latencies.append((time.perf_counter() - t) * 1000)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            statuses[key] = statuses.get(key, 0) + 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    t0 = time.perf_counter()
    async with httpx.AsyncClient(timeout=request_timeout, limits=limits) as http:
        tasks = [asyncio.create_task(client(http)) for _ in range(concurrency)]
        _, pending = await asyncio.wait(tasks, timeout=level_timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    wall = time.perf_counter() - t0
    ok = statuses.get("200", 0)
    unanswered = len(questions) - sum(statuses.values())
    if unanswered:
        statuses["timeout (hard limit)"] = unanswered
    return {"concurrency": concurrency, "requests": len(questions), "ok": ok, "errors": len(questions) - ok,
            "statuses": statuses, "wall_s": wall, "throughput_rps": ok / wall if wall else 0.0,
            "latency_ms": summarize(latencies)}


def run(workdir: Path, levels: tuple[int, ...] = (1, 8, 32), requests: int = 64, first_token_ms: float = 50.0,
        token_ms: float = 10.0, request_timeout: float = 60.0, level_timeout: float = 180.0) -> dict[str, Any]:
    settings = real_index(Path(workdir))
    qs = repeated(faq_questions(), requests)
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    with server(first_token_ms, token_ms) as llm:
        env = {"KOUBO_LLM_BASE_URL": llm.base_url, "KOUBO_LLM_MODEL": llm.model, "KOUBO_LLM_MAX_RETRIES": "0",
               "KOUBO_RATE_LIMIT_PER_MINUTE": "100000"}
        with koubo_web(settings.data_dir, backend="llm", **env) as (base, ready):
            say(f"http: server ready in {ready:.1f} s at {base}")
            asyncio.run(_level(base, qs[:4], 1, request_timeout, level_timeout))  # warm-up, not counted
            for c in levels:
                say(f"http: {requests} requests, {c} concurrent clients …")
                m = asyncio.run(_level(base, qs, c, request_timeout, level_timeout))
                raw.append(m)
                rows.append({"clients": c, "requests": requests, "ok": m["ok"], "errors": m["errors"],
                             "throughput_rps": m["throughput_rps"], "p50_ms": m["latency_ms"]["p50"],
                             "p95_ms": m["latency_ms"]["p95"], "max_ms": m["latency_ms"]["max"],
                             "wall_s": m["wall_s"],
                             "statuses": ", ".join(f"{k}×{v}" for k, v in sorted(m["statuses"].items()))})
    top = max(rows, key=lambda r: r["clients"])
    targets = [Target(f"errors with {top['clients']} concurrent clients", float(top["errors"]), 0.0, "errors")]
    notes = [(f"simulated LLM: {first_token_ms:g} ms to first token + {token_ms:g} ms per 4-character token "
              f"(~{len(ANSWER) // 4} tokens per answer)"),
             "client and server share the same 2 cores"]
    return result("http", {"levels": list(levels), "requests": requests, "first_token_ms": first_token_ms,
                           "token_ms": token_ms, "request_timeout_s": request_timeout,
                           "level_timeout_s": level_timeout}, rows, targets, notes, raw=raw)


def render(res: dict[str, Any]) -> str:
    cols = [("clients", "clients"), ("requests", "requests"), ("ok", "ok"), ("errors", "errors"),
            ("throughput_rps", "req/s"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"), ("max_ms", "max ms"),
            ("statuses", "statuses")]
    return "\n".join([table(res["results"], cols), *(f"note: {n}" for n in res["notes"]), "",
                      targets_table(res["targets"])])
