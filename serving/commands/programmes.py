"""`koubo programmes list [--json]` and `koubo programmes check`: the programme files of the corpus folder."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.domain import programmes
from assistant.domain.config import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("programmes", help="list or check the programme files (<corpus>/programmes/*.yaml)")
    sub = parser.add_subparsers(dest="programmes_command", metavar="ACTION")
    p = sub.add_parser("list", help="each programme with its documents and rule counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_list)
    p = sub.add_parser("check", help="schema, rate conditions, documents and quotes; exit 2 on errors")
    p.set_defaults(func=_check)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _list(a: argparse.Namespace) -> int:
    settings = load_settings()
    progs, problems = programmes.load_all(settings.corpus_dir)
    served = set(programmes.served(settings.corpus_dir, settings.index_dir).ids)
    rows = [
        {
            "id": p.id,
            "name": p.names.official,
            "file": str(programmes.programmes_dir(settings.corpus_dir) / f"{p.id}.yaml"),
            "served": p.id in served,
            "documents": p.documents,
            "rules": programmes.rule_counts(p),
        }
        for p in progs
    ]
    if a.json:
        print(json.dumps({"programmes": rows, "errors": [str(x) for x in problems]}, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            counts = ", ".join(f"{k} {v}" for k, v in r["rules"].items())
            print(f"{r['id']}: {r['name']}{'' if r['served'] else '（無効: koubo programmes check で確認）'}")
            print(f"  documents: {', '.join(r['documents'])}")
            print(f"  rules: {counts}")
        for x in problems:
            print(f"⚠ {x}")
    return 2 if problems else 0


def _check(a: argparse.Namespace) -> int:
    from corpus.programme_check import corpus_texts, run_check

    settings = load_settings()
    status = run_check(settings.corpus_dir, corpus_texts(settings.corpus_dir))
    errors = status["file_errors"] + [x for probs in status["inactive"].values() for x in probs]
    for line in errors:
        print(f"error: {line}")
    checked = len(status["active"]) + len(status["inactive"])
    print(f"{checked} programme file(s) checked in {programmes.programmes_dir(settings.corpus_dir)}: "
          f"{len(status['active'])} ok, {len(errors)} error(s)")
    return 2 if errors else 0
