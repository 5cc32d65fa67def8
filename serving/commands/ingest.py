"""`koubo ingest [PATH ...]`: add or refresh documents in the index."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.domain.config import Settings, load_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="文書を索引に取り込む (index documents: .txt .md .pdf .html .docx)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders to add (default: the corpus folder)")
    p.add_argument("--rebuild", action="store_true", help="build the index again from scratch (beside the served one, switched in when "
                        "complete; recorded sources are re-read)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--as-of", type=as_of_date, metavar="DATE",
                   help="the date of the documents given (YYYY-MM-DD, YYYY-MM or YYYY) when documents.json has none")
    p.add_argument("--export-embedding-cache", type=Path, metavar="FILE",
                   help="also write the passage vectors this run used to FILE (to ship beside a corpus as "
                        "embeddings.<model>.npz; use with --rebuild)")
    p.set_defaults(func=run)


def as_of_date(value: str) -> str:
    from corpus.catalog import valid_as_of

    if not valid_as_of(value):
        raise argparse.ArgumentTypeError(f"日付「{value}」は YYYY-MM-DD（または YYYY-MM、YYYY）で指定してください")
    return value


def run(args: argparse.Namespace) -> int:
    # Deferred so that `koubo --help` and light commands (calc) do not load chromadb and the embedder
    # (start-up cost, not a cycle; docs/architecture.md).
    from corpus.ingest import ingest

    settings = load_settings()
    report = ingest(settings, args.paths, rebuild=args.rebuild, progress=not args.quiet,
                    export_embedding_cache=args.export_embedding_cache, as_of=args.as_of)
    print(report.summary_ja())
    if report.generation:
        recheck_curated(settings)
    return 1 if report.errors and not report.documents else 0


def recheck_curated(settings: Settings) -> None:
    """After the served documents changed: curated answers whose quotes are gone become 要確認 (printed)."""
    from serving.curated import refresh_after_ingest

    stale = refresh_after_ingest(settings)
    if stale:
        print(f"  ⚠ 資料の変更により、事務局回答 {len(stale)} 件（ID: {', '.join(map(str, stale))}）が"
              "「要確認」になりました。スタッフ用画面で再承認するか、取り下げてください。")
