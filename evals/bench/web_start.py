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

from evals.bench.indexes import real_index
from evals.bench.ingest_bench import child_env
from evals.bench.report import Target, children_cpu_s, result, say, summarize, table, targets_table

READY_TARGET_S = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, db_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = child_env()
    for k in [k for k in env if k.startswith("KOUBO_")]:
        del env[k]  # the benchmark decides; a developer's KOUBO_LLM_BASE_URL must not leak in
    # Absolute: the server runs in a scratch folder, where a relative data dir would be an empty one.
    env.update({"KOUBO_DATA_DIR": str(Path(data_dir).resolve()), "KOUBO_DB_PATH": str(Path(db_path).resolve()), "KOUBO_HOST": "127.0.0.1",
                "KOUBO_PORT": str(port), **extra})
    return env


@contextmanager
def koubo_web(data_dir: Path, backend: str = "auto", ready_timeout: float = 60.0,  # type: ignore[no-untyped-def]
              stats: dict[str, float] | None = None, **env_extra: str):
    """Start `koubo web` on 127.0.0.1:<free port>; yields (base_url, seconds until /api/health answered).

    ``stats`` receives the child's CPU seconds once it has exited; ``env_extra`` are KOUBO_* variables."""
    stats = {} if stats is None else stats
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="koubo-bench-web-") as tmp:
        env = server_env(data_dir, Path(tmp) / "koubo.sqlite3", port, **env_extra)
        log = open(Path(tmp) / "server.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed in finally
        cpu0 = children_cpu_s()
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
            stats["cpu_s"] = children_cpu_s() - cpu0
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
    settings = real_index(Path(workdir))
    say("web-start: one unmeasured start to warm the page cache …")
    with koubo_web(settings.data_dir, backend="offline"):
        pass
    times, cpus = [], []
    for i in range(repeat):
        stats: dict[str, float] = {}
        with koubo_web(settings.data_dir, backend="offline", stats=stats) as (_, ready):
            times.append(ready)
        cpus.append(stats["cpu_s"])
        say(f"web-start {i + 1}/{repeat}: {ready:.2f} s wall, {stats['cpu_s']:.2f} s CPU")
    s, c = summarize(times), summarize(cpus)
    rows = [{"starts": repeat, "ready_p50_s": s["p50"], "ready_max_s": s["max"], "ready_min_s": s["min"],
             "cpu_p50_s": c["p50"], "cpu_max_s": c["max"]}]
    targets = [Target("koubo web ready (warm start, worst of runs)", s["max"], READY_TARGET_S, "s"),
               Target("koubo web start CPU (worst of runs)", c["max"], READY_TARGET_S, "s",
                      note="≈ wall time on an idle machine; includes the stop")]
    notes = [("wall: measured from process start to the first 200 from /api/health; index already built; "
              "offline backend (no LLM probe on startup)")]
    return result("web-start", {"repeat": repeat}, rows, targets, notes, samples_s=times)


def render(res: dict[str, Any]) -> str:
    cols = [("starts", "starts"), ("ready_p50_s", "ready p50 s"), ("ready_min_s", "min s"), ("ready_max_s", "max s"),
            ("cpu_p50_s", "CPU p50 s"), ("cpu_max_s", "CPU max s")]
    return "\n".join([table(res["results"], cols, digits=2), *(f"note: {n}" for n in res["notes"]), "",
                      targets_table(res["targets"])])


