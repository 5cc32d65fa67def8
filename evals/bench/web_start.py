"""`koubo bench web-start`: seconds from starting `koubo web` to the first 200 from /api/health.

"Warm start": the index already exists and the files are in the page cache (one unmeasured start first).
The server runs on 127.0.0.1 on a free port with its own SQLite file, and is stopped after each start.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from evals.bench.report import Target, result, say, summarize, table, targets_table

READY_TARGET_S = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, db_path: Path, port: int, **extra: str) -> dict[str, str]:
    from evals.bench.ingest_bench import _child_env

    env = _child_env()
    for k in [k for k in env if k.startswith("KOUBO_")]:
        del env[k]  # the benchmark decides; a developer's KOUBO_LLM_BASE_URL must not leak in
    env.update({"KOUBO_DATA_DIR": str(data_dir), "KOUBO_DB_PATH": str(db_path), "KOUBO_HOST": "127.0.0.1",
                "KOUBO_PORT": str(port), **extra})
    return env


@contextmanager
def koubo_web(data_dir: Path, backend: str = "auto", ready_timeout: float = 60.0, **env_extra: str):  # type: ignore[no-untyped-def]
    """Start `koubo web` on 127.0.0.1:<free port>; yields (base_url, seconds until /api/health answered)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="koubo-bench-web-") as tmp:
        env = server_env(data_dir, Path(tmp) / "koubo.sqlite3", port, **env_extra)
        log = open(Path(tmp) / "server.log", "w+", encoding="utf-8")
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "serving.cli", "web", "--host", "127.0.0.1", "--port",
                                 str(port), "--backend", backend], env=env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            ready = _wait_ready(base, proc, t0, ready_timeout)
            if ready is None:
                log.seek(0)
                raise RuntimeError(f"koubo web did not answer /api/health within {ready_timeout:.0f} s: "
                                   f"{log.read()[-2000:]}")
            yield base, ready
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()


def _wait_ready(base: str, proc: subprocess.Popen, t0: float, timeout: float) -> float | None:
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            return None
        try:
            if httpx.get(base + "/api/health", timeout=2.0).status_code == 200:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return None


def run(workdir: Path, repeat: int = 3) -> dict[str, Any]:
    from evals.bench.indexes import real_index

    settings = real_index(Path(workdir))
    say("web-start: one unmeasured start to warm the page cache …")
    with koubo_web(settings.data_dir, backend="offline"):
        pass
    times = []
    for i in range(repeat):
        with koubo_web(settings.data_dir, backend="offline") as (_, ready):
            times.append(ready)
        say(f"web-start {i + 1}/{repeat}: {ready:.2f} s")
    s = summarize(times)
    rows = [{"starts": repeat, "ready_p50_s": s["p50"], "ready_max_s": s["max"], "ready_min_s": s["min"]}]
    targets = [Target("koubo web ready (warm start, worst of runs)", s["max"], READY_TARGET_S, "s")]
    notes = ["measured from process start to the first 200 from /api/health; index already built; "
             "offline backend (no LLM probe on startup)"]
    return result("web-start", {"repeat": repeat}, rows, targets, notes, samples_s=times)


def render(res: dict[str, Any]) -> str:
    cols = [("starts", "starts"), ("ready_p50_s", "ready p50 s"), ("ready_min_s", "min s"), ("ready_max_s", "max s")]
    return "\n".join([table(res["results"], cols, digits=2), *(f"note: {n}" for n in res["notes"]), "",
                      targets_table(res["targets"])])


