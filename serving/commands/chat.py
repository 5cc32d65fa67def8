"""`koubo chat`: a multi-turn terminal chat (streams tokens when an LLM is connected)."""

from __future__ import annotations

import argparse
import sys

from serving.commands.ask import add_curated_option, make_assistant, print_answer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="対話モード (multi-turn terminal chat)")
    p.add_argument("--backend", choices=["auto", "offline", "llm"], default="auto")
    add_curated_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    assistant = make_assistant(args.backend, args.curated)
    history: list[dict[str, str]] = []
    print("生成AI公募ヘルプデスクです。ご質問をどうぞ（終了: Ctrl-D または「終了」）。")
    while True:
        try:
            question = input("\nあなた> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("終了", "exit", "quit"):
            return 0
        if not question:
            continue
        printed = False
        answer = None
        for event in assistant.stream(question, history):
            if event.type == "token" and event.text:
                if not printed:
                    print("\nアシスタント> ", end="")
                print(event.text, end="", flush=True)
                printed = True
            elif event.type == "status" and event.text:
                print(f"  … {event.text}", file=sys.stderr)
            elif event.type == "final":
                answer = event.answer
        print()
        if answer is not None:
            print_answer(answer, stream_printed=printed and not answer.partial)
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
