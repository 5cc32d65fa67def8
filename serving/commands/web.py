"""`koubo web`: the web UI and HTTP API in one server; also --add-staff and --export helpers."""

from __future__ import annotations

import argparse
import sys

from assistant.domain.config import load_settings
from serving.auth import print_hash
from serving.commands.argtypes import int_range
from serving.storage import Storage


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="Web UI と HTTP API を起動する (start the web UI + HTTP API)")
    p.add_argument("--host", help="bind address (default: KOUBO_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int_range(1, 65535), help="port (default: KOUBO_PORT or 7860)")
    p.add_argument("--backend", choices=["auto", "offline", "llm"], default="auto",
                   help="auto: use the LLM when KOUBO_LLM_BASE_URL answers, else offline mode")
    p.add_argument("--add-staff", metavar="NAME",
                   help="ask for a password and print a bcrypt hash / KOUBO_STAFF_USERS value for NAME, then exit")
    p.add_argument("--export", metavar="FILE",
                   help="write stored conversations and feedback as JSONL to FILE ('-' = stdout), then exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.add_staff:
        print_hash(args.add_staff)
        return 0

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = load_settings(**overrides)
    if args.export:
        return export(settings, args.export)
    return serve(settings, backend=args.backend)


def export(settings, target: str) -> int:  # type: ignore[no-untyped-def]
    if not settings.sqlite_path.exists():
        print(f"保存されたデータがありません（{settings.sqlite_path} が見つかりません）。", file=sys.stderr)
        return 1
    storage = Storage(settings.sqlite_path)
    if target == "-":
        n = storage.export_jsonl(sys.stdout)
    else:
        with open(target, "w", encoding="utf-8") as out:
            n = storage.export_jsonl(out)
        print(f"{n} 行を {target} に書き出しました。", file=sys.stderr)
    return 0


def serve(settings, backend: str = "auto") -> int:  # type: ignore[no-untyped-def]
    # Deferred so that `koubo --help` and light commands (calc) do not load Gradio, FastAPI and the index
    # (several seconds of start-up, not a cycle; docs/architecture.md).
    import uvicorn

    from serving.api import create_app

    print("準備しています（初回は資料の索引を作成します）…", file=sys.stderr, flush=True)
    app = create_app(settings, backend=backend)
    mode = app.state.koubo.assistant.status()["backend"]
    url = f"http://{settings.host}:{settings.port}/"
    print(f"koubo web: {url}  (API docs: {url}docs, mode: {mode})", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
