"""Shared output of the benchmarks: percentiles, targets with PASS/MISS, tables, machine facts, JSON files."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evals.metrics import percentile


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value


def summarize(values: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / max / mean of a list of measurements (same unit as the input)."""
    n = len(values)
    return {
        "n": n,
        "p50": _or_nan(percentile(values, 50)),
        "p95": _or_nan(percentile(values, 95)),
        "min": min(values) if n else float("nan"),
        "max": max(values) if n else float("nan"),
        "mean": sum(values) / n if n else float("nan"),
    }


@dataclass
class Target:
    """A figure the issue asks for, with its limit: PASS when ``value <= limit`` (or ``>=`` for at_least)."""

    name: str
    value: float | None
    limit: float
    unit: str
    at_least: bool = False
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None or math.isnan(self.value):  # not measured
            return None
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "N/A"}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pass": self.passed, "verdict": self.verdict}


def rss_mb() -> dict[str, float]:
    """Resident memory now and at peak (MiB), from /proc/self/status; ru_maxrss where /proc is missing."""
    out: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                    out[key] = int(line.split()[1]) / 1024.0
    except OSError:
        pass
    if "peak_rss_mb" not in out:
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def children_cpu_s() -> float:
    """CPU seconds (user + system) used so far by this process's waited-for children.

    On a shared machine wall time depends on the neighbours; CPU time estimates the wall time on an idle one.
    """
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def machine_info() -> dict[str, Any]:
    """What the figures depend on: cores, CPU model, RAM, Python, load at start."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    ram_gib = None
    try:
        ram_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": load,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def dir_bytes(path: Path) -> int:
    """Bytes on disk of every file under ``path`` (apparent size)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], digits: int = 1) -> str:
    """A plain-text table; ``columns`` are (key, header) pairs, numbers right-aligned."""
    cells = [[fmt(r.get(k), digits) for k, _ in columns] for r in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, (_, h) in enumerate(columns)]
    numeric = [all(isinstance(r.get(k), (int, float)) or r.get(k) is None for r in rows) for k, _ in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line([h for _, h in columns]), line(["-" * w for w in widths])]
    out.extend(line(c) for c in cells)
    return "\n".join(out)


def targets_table(targets: Sequence[Target] | Sequence[dict[str, Any]]) -> str:
    targets = [t if isinstance(t, Target) else
               Target(**{k: t[k] for k in ("name", "value", "limit", "unit", "at_least", "note")}) for t in targets]
    rows = [{"target": t.name, "value": t.value, "limit": f"{'≥' if t.at_least else '≤'} {fmt(t.limit)} {t.unit}",
             "verdict": t.verdict, "note": t.note} for t in targets]
    return table(rows, [("target", "target"), ("value", "value"), ("limit", "limit"), ("verdict", "verdict"),
                        ("note", "note")])


def result(bench: str, params: dict[str, Any], rows: list[dict[str, Any]], targets: Sequence[Target] = (),
           notes: Sequence[str] = (), **extra: Any) -> dict[str, Any]:
    """The JSON shape every benchmark writes."""
    return {"bench": bench, "machine": machine_info(), "params": params, "results": rows,
            "targets": [t.as_dict() for t in targets], "notes": list(notes), **extra}


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is None:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


def say(*lines: str) -> None:
    """Progress lines go to stderr so stdout stays the tables."""
    for ln in lines:
        print(ln, file=sys.stderr, flush=True)
