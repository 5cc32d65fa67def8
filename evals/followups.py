"""Accuracy of the follow-up detector (assistant.answer.followup) on the labelled pairs, split tuning / held-out.

python -m evals.followups [--dataset evals/datasets/followups.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from assistant.answer.followup import depends_on_history

DATASET = Path(__file__).parent / "datasets" / "followups.jsonl"
SEED = 20261129


def load(path: Path = DATASET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(items: list[dict[str, Any]], seed: int = SEED) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tuning half and held-out half, stratified by label, fixed by ``seed``."""
    rng = random.Random(seed)
    tune: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    for label in (True, False):
        group = [x for x in items if bool(x["depends"]) is label]
        rng.shuffle(group)
        half = len(group) // 2
        tune += group[:half]
        held += group[half:]
    return tune, held


def evaluate(items: list[dict[str, Any]]) -> dict[str, Any]:
    wrong = [x for x in items if depends_on_history(x["question"]) != bool(x["depends"])]
    return {"n": len(items), "accuracy": 1 - len(wrong) / len(items) if items else None, "wrong": wrong}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", type=Path, default=DATASET)
    args = ap.parse_args()
    tune, held = split(load(args.dataset))
    for name, part in (("tuning", tune), ("held-out", held)):
        r = evaluate(part)
        print(f"{name}: n={r['n']} accuracy={r['accuracy']:.3f}")
        for x in r["wrong"]:
            print(f"   wrong: depends={x['depends']} {x['question']}")


if __name__ == "__main__":
    main()
