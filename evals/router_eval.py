"""Offline-router evaluation: tool-name and key-argument accuracy of ``assistant.tools.router.route``.

    python -m evals.router_eval --split heldout          # the figure to report
    python -m evals.router_eval --split tuning           # the half rules may be tuned on
    python -m evals.router_eval --dataset evals/datasets/faq.jsonl   # route(question) on the FAQ set

Tool-name accuracy here is strict: the set of tool names the router calls must equal the expected tool
(``{expected}``, or nothing when ``expected_tool`` is null), so a spurious extra call counts as a miss. The
FAQ eval (``koubo eval``) is more lenient: it only checks that the expected tool was called, and only on
items that expect one. FAQ follow-ups (``history``) are routed here from their last message alone; the
engine also routes the condensed question.

The split of ``router_dev.jsonl`` into a tuning half and a held-out half is recorded in the file
(``split``); :func:`assign_splits` reproduces it (stratified by expected tool, ``random.Random(SEED)``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.tools.router import RoutedCall, route

DATASET = Path(__file__).resolve().parent / "datasets" / "router_dev.jsonl"
SEED = 13
SPLITS = ("tuning", "heldout")
NONE = "none"


def load(path: Path = DATASET) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def assign_splits(items: Sequence[dict[str, Any]], seed: int = SEED) -> dict[str, str]:
    """id → split: within each expected tool, a seeded shuffle, then alternate tuning/held-out."""
    by_tool: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_tool[item.get("expected_tool") or NONE].append(item["id"])
    rng = random.Random(seed)
    out: dict[str, str] = {}
    for tool in sorted(by_tool):
        ids = sorted(by_tool[tool])
        rng.shuffle(ids)
        for k, item_id in enumerate(ids):
            out[item_id] = SPLITS[k % 2]
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9)
        except (TypeError, ValueError):
            return False
    return bool(a == b)


def _same_list(got: Sequence[Any], want: Sequence[Any]) -> bool:
    return len(got) == len(want) and all(_same(x, y) for x, y in zip(got, want))


def args_ok(expected: dict[str, Any], calls: Sequence[RoutedCall], tool: str) -> bool:
    """Every expected key argument is matched by the calls of ``tool``.

    ``programme`` may be a list: the set of programmes over the calls. ``amounts``: the amounts of the items,
    in order, in every call or over all calls together. Any other key: some call carries that value.
    """
    mine = [c.args for c in calls if c.name == tool]
    if not mine:
        return not expected
    for key, want in expected.items():
        if key == "programme":
            got = {a.get("programme") for a in mine}
            if got != (set(want) if isinstance(want, list) else {want}):
                return False
        elif key == "amounts":
            # One call per programme with the same amounts (programme undecided), or the amounts split
            # between the programmes' calls.
            per_call = [[float(i.get("amount", 0)) for i in a.get("items", [])] for a in mine]
            joined = [x for amounts in per_call for x in amounts]
            if not (all(_same_list(c, want) for c in per_call) or _same_list(joined, want)):
                return False
        elif not any(key in a and _same(a[key], want) for a in mine):
            return False
    return True


def evaluate(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall and per expected tool, argument accuracy, and the list of misses."""
    per_tool: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    n_ok = 0
    n_args = n_args_ok = 0
    misses: list[dict[str, Any]] = []
    arg_misses: list[dict[str, Any]] = []
    for item in items:
        expected = item.get("expected_tool")
        calls = route(item["question"])
        names = sorted({c.name for c in calls})
        ok = names == ([expected] if expected else [])
        label = expected or NONE
        per_tool[label][1] += 1
        if ok:
            per_tool[label][0] += 1
            n_ok += 1
        else:
            misses.append({"id": item["id"], "question": item["question"], "expected": label,
                           "got": names or [NONE]})
        want = item.get("expected_args") or {}
        if ok and expected and want:
            n_args += 1
            if args_ok(want, calls, expected):
                n_args_ok += 1
            else:
                arg_misses.append({"id": item["id"], "question": item["question"], "expected": want,
                                   "got": [c.args for c in calls]})
    return {
        "n": len(items),
        "tool_name_accuracy": n_ok / len(items) if items else None,
        "per_tool": {t: {"n": n, "correct": c, "accuracy": c / n} for t, (c, n) in sorted(per_tool.items())},
        "args": {"n": n_args, "accuracy": n_args_ok / n_args if n_args else None},
        "misses": misses,
        "arg_misses": arg_misses,
    }


def select(items: Sequence[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    return [i for i in items if split == "all" or i.get("split") == split]


def _print(report: dict[str, Any], title: str) -> None:
    print(f"{title}: n={report['n']}  tool-name accuracy {report['tool_name_accuracy']:.3f}")
    for tool, row in report["per_tool"].items():
        print(f"  {tool:<20} {row['correct']:>3}/{row['n']:<3} {row['accuracy']:.3f}")
    args = report["args"]
    if args["n"]:
        print(f"  key arguments (items with the right tool): {args['accuracy']:.3f} of {args['n']}")
    if report["misses"]:
        print("tool confusions (expected → got):")
        for m in report["misses"]:
            print(f"  {m['id']}  {m['expected']} → {','.join(m['got'])}  {m['question']}")
    if report["arg_misses"]:
        print("argument misses:")
        for m in report["arg_misses"]:
            print(f"  {m['id']}  want {json.dumps(m['expected'], ensure_ascii=False)}  "
                  f"got {json.dumps(m['got'], ensure_ascii=False)}  {m['question']}")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.router_eval", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", type=Path, default=DATASET)
    p.add_argument("--split", choices=(*SPLITS, "all"), default="heldout",
                   help="which half of router_dev.jsonl (ignored for files without a split field)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--check-split", action="store_true",
                   help="verify that the recorded split is the seeded one and exit")
    ns = p.parse_args(argv)
    items = load(ns.dataset)
    if ns.check_split:
        want = assign_splits(items)
        wrong = [i["id"] for i in items if i.get("split") != want[i["id"]]]
        print("split matches seed" if not wrong else f"split differs from seed {SEED}: {wrong}")
        return 1 if wrong else 0
    has_split = any("split" in i for i in items)
    chosen = select(items, ns.split) if has_split else list(items)
    report = evaluate(chosen)
    if ns.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report, f"{ns.dataset.name} [{ns.split if has_split else 'all'}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
