"""`koubo ask "質問" [--json]`: one answer with citations, tool calls and timings."""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
import textwrap

from assistant.domain.config import load_settings
from assistant.domain.schema import Answer

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="質問に回答する (answer one question)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON (the /api/ask shape)")
    p.add_argument("--backend", choices=["auto", "offline", "llm"], default="auto")
    add_curated_option(p)
    p.set_defaults(func=run)


def add_curated_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-curated", dest="curated", action="store_false",
                   help="事務局回答を使わず資料だけから回答する (answer from the documents only; by default the "
                        "approved answers in the SQLite file are served first, as in the web app)")


def make_assistant(backend: str, curated: bool = True):  # type: ignore[no-untyped-def]
    """The CLI's composition root for answering: build the index if it is missing, then open the Assistant; with
    ``curated``, approved answers (事務局回答) in the app's SQLite file come first, as in the web app (an absent file
    means none: the CLI does not create one; opening an existing file brings its schema up to date, as the web app
    does; a file that cannot be read is reported and the documents answer alone)."""
    # Deferred so that `koubo --help` and light commands (calc) do not load chromadb, LangChain and the models
    # (start-up cost, not a cycle; docs/architecture.md).
    from assistant.answer.engine import Assistant
    from corpus.ingest import ensure_index

    settings = load_settings()
    built = ensure_index(settings, progress=True)
    if built is not None:
        print(built.summary_ja(), file=sys.stderr)
    assistant = Assistant.from_settings(settings, backend=backend)  # type: ignore[arg-type]
    if curated and settings.sqlite_path.is_file():
        from serving.curated import StorageCuratedIndex
        from serving.storage import Storage, StorageError

        try:
            storage = Storage(settings.sqlite_path)
        except (sqlite3.Error, StorageError, OSError) as exc:  # the cause for developers, no traceback in a CLI
            log.warning("cannot open %s (%s: %s); answering without curated answers", settings.sqlite_path,
                        type(exc).__name__, exc)
            print(f"注意: 事務局回答のデータベース（{settings.sqlite_path}）を読み込めなかったため、資料だけから回答します。"
                  "ファイルを確認するか、--no-curated を付けて実行してください。", file=sys.stderr)
        else:
            assistant = assistant.with_curated(StorageCuratedIndex(storage))
    return assistant


def print_answer(answer: Answer, stream_printed: bool = False) -> None:
    if not stream_printed:
        print(answer.text)
    if answer.citations:
        print("\n出典:")
        for c in answer.citations:
            where = f"{c.title} > {c.section}" if c.section else c.title
            quote = textwrap.shorten(c.quote.replace("\n", " "), 120, placeholder=" …")
            print(f"  [{c.marker}] {where} ({c.doc})\n      {quote}")
    if answer.tool_calls:
        print("\nツール呼び出し:")
        for t in answer.tool_calls:
            status = "ok" if t.ok else f"エラー: {t.error}"
            print(f"  - {t.name}({json.dumps(t.args, ensure_ascii=False)}) → {status}")
    if answer.related_curated:
        print("\n関連する事務局回答:")
        for r in answer.related_curated:
            print(f"  - 「{r.question}」 (ID {r.id}, {r.approved_at[:10]})")
    if answer.uncited:
        print("\n⚠ この回答には有効な出典がありません。内容を資料で確認してください。")
    if answer.notice:
        print(f"\n{answer.notice}")
    timings = ", ".join(f"{k} {v:.0f}ms" for k, v in answer.timings_ms.items() if "." not in k)
    print(f"\n[{answer.backend}] {timings}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    assistant = make_assistant(args.backend, args.curated)
    answer = assistant.ask(args.question)
    if args.json:
        print(json.dumps(answer.to_api(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0
