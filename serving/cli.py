"""`koubo` console script: one subcommand per module in serving/commands/ (each exposes ``register``)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import NoReturn

from assistant.domain.config import ConfigError

# Subcommand modules, in the order `koubo --help` lists them. Each module defines
# ``register(subparsers) -> None`` and sets ``func`` on its parser; the heavy stacks (chromadb, LangChain,
# Gradio) are imported inside ``func``, so that `koubo --help` and `koubo calc` start fast.
COMMANDS = ["ingest", "docs", "search", "ask", "chat", "calc", "eval", "web", "serve_llm", "bench", "programmes", "curated", "audit"]


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (exit code 2), for every command: subcommand parsers inherit this class."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: エラー: {message}（使い方: {self.prog} --help）\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="koubo", description="Helpdesk assistant for METI generative-AI calls for proposals."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"serving.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"設定エラー: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
