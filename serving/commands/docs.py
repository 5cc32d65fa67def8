"""`koubo docs list|history|retire|restore`: document versions (see corpus/docs.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from serving.commands.ingest import recheck_curated

STATUS_JA = {"active": "公開中", "retired": "公開停止"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("docs", help="文書の版の一覧・履歴・公開停止・復元 (document versions)")
    dsub = p.add_subparsers(dest="docs_command", metavar="ACTION", required=True)
    ls = dsub.add_parser("list", help="文書の一覧（公開中の版、日付、チャンク数）")
    ls.add_argument("--json", action="store_true", help="JSON lines, one document per line")
    ls.set_defaults(func=run_list)
    hi = dsub.add_parser("history", help="一つの文書のすべての版")
    hi.add_argument("id", help="document id")
    hi.add_argument("--json", action="store_true")
    hi.set_defaults(func=run_history)
    rt = dsub.add_parser("retire", help="文書の公開を停止する（版は履歴に残る）")
    rt.add_argument("id", help="document id")
    rt.add_argument("--quiet", action="store_true", help="no progress bar")
    rt.set_defaults(func=run_retire)
    rs = dsub.add_parser("restore", help="以前の版を再び公開する")
    rs.add_argument("id", help="document id")
    rs.add_argument("version", type=int, help="version number (see `koubo docs history ID`)")
    rs.add_argument("--quiet", action="store_true", help="no progress bar")
    rs.set_defaults(func=run_restore)


def _settings():  # type: ignore[no-untyped-def]
    from assistant.domain.config import load_settings

    return load_settings()


def run_list(args: argparse.Namespace) -> int:
    from corpus.docs import list_documents

    rows = list_documents(_settings())
    if args.json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
        return 0
    if not rows:
        print("登録された文書はありません（`koubo ingest` で取り込んでください）。")
        return 0
    for r in rows:
        served = f"版 {r['active_version']}" if r["active_version"] else "—"
        print(f"{r['doc_id']}\t{STATUS_JA[r['status']]}\t{served}（全 {r['versions']} 版）\t日付 {r['as_of'] or '不明'}\t"
              f"チャンク {r['chunks']}\t取り込み {r['ingested_at']}\t{r['title']}\t{r['source']}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    from corpus.docs import DocsError, history

    try:
        versions = history(_settings(), args.id)
    except DocsError as exc:
        print(exc.message_ja, file=sys.stderr)
        return 2
    for v in versions:
        if args.json:
            print(json.dumps(v.as_dict(), ensure_ascii=False))
        else:
            print(f"版 {v.version}\t{STATUS_JA[v.status]}\t日付 {v.as_of or '不明'}\t取り込み {v.ingested_at}\t"
                  f"チャンク {v.chunks}\tsha256 {v.sha256[:16]}…\t{v.source}")
    return 0


def run_retire(args: argparse.Namespace) -> int:
    from corpus.docs import retire

    return _change(lambda settings: retire(settings, args.id, progress=not args.quiet))


def run_restore(args: argparse.Namespace) -> int:
    from corpus.docs import restore

    return _change(lambda settings: restore(settings, args.id, args.version, progress=not args.quiet))


def _change(apply: Callable[[Any], Any]) -> int:
    """Retire or restore: the report, then curated answers re-checked; a refused change is one line, exit 2."""
    from corpus.docs import DocsError

    settings = _settings()
    try:
        report = apply(settings)
    except DocsError as exc:
        print(exc.message_ja, file=sys.stderr)
        return 2
    print(report.summary_ja())
    recheck_curated(settings)
    return 0
