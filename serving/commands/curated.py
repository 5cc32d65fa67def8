"""`koubo curated list|export`: the curated answers (事務局回答 / 追加Q&A) on the command line."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

STATUS_JA = {"active": "公開中", "stale": "要確認", "retired": "取り下げ"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("curated", help="事務局回答（追加Q&A）の一覧・書き出し (list / export curated answers)")
    actions = p.add_subparsers(dest="curated_action", metavar="{list,export}", required=True)
    ls = actions.add_parser("list", help="all curated answers with their status")
    ls.add_argument("--json", action="store_true", help="one JSON object a line")
    ls.set_defaults(func=run_list)
    ex = actions.add_parser("export", help="the public 追加Q&A (active answers only)")
    ex.add_argument("--format", choices=["md", "html", "jsonl"], default="md")
    ex.add_argument("--out", type=Path, help="file to write (default: standard output)")
    ex.set_defaults(func=run_export)


def _storage():  # type: ignore[no-untyped-def]
    from assistant.domain.config import load_settings
    from serving.storage import Storage

    settings = load_settings()
    return settings, Storage(settings.sqlite_path)


def run_list(args: argparse.Namespace) -> int:

    _, storage = _storage()
    rows = storage.list_curated()
    for r in rows:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            print(f"#{r['id']}\t{STATUS_JA.get(r['status'], r['status'])}\t{r.get('programme') or '-'}\t"
                  f"{r['approved_at'][:10]}\t{r['question']}")
    if not rows and not args.json:
        print("事務局回答はまだありません。")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from corpus.catalog import CatalogError, load_catalog
    from serving.audit import audit
    from serving.curated_export import FORMATS, public_records

    settings, storage = _storage()
    try:
        documents = dict(load_catalog(settings.corpus_dir))
    except CatalogError:
        documents = {}
    records = public_records(storage.list_curated("active"), documents)
    text = FORMATS[args.format](records)
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.out)  # atomic: a reader never sees half a file
        print(f"{len(records)} 件を {args.out} に書き出しました。", file=sys.stderr)
    else:
        sys.stdout.write(text)
    audit(storage, f"cli:{getpass.getuser()}", "curated.export", "curated", "",
          {"format": args.format, "count": len(records), "out": str(args.out or "-")})
    return 0
