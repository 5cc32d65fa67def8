"""`koubo search "質問"`: ranked passages with title, section path and score."""

from __future__ import annotations

import argparse
import json
import textwrap

from assistant.domain.config import load_settings
from serving.commands.argtypes import int_range


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="索引を検索する (search the index)")
    p.add_argument("query", help="question or keywords in Japanese")
    p.add_argument("-k", "--top-k", type=int_range(1, 100), default=None, help="number of passages (default: KOUBO_TOP_K)")
    p.add_argument("--method", choices=["fused", "bm25", "dense"], default="fused")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Deferred so that `koubo --help` and light commands (calc) do not load chromadb and the embedder
    # (start-up cost, not a cycle; docs/architecture.md).
    from assistant.retrieval.retriever import Retriever
    from corpus.ingest import ensure_index

    settings = load_settings()
    built = ensure_index(settings, progress=True)
    if built is not None:
        print(built.summary_ja())
    retriever = Retriever.from_settings(settings)
    passages, timings = retriever.search_timed(args.query, args.top_k, args.method)
    if args.json:
        print(json.dumps({"query": args.query, "passages": [p.as_result() for p in passages],
                          "timings_ms": timings}, ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("該当する箇所が見つかりませんでした。言い換えて検索してみてください。")
        return 0
    for i, p in enumerate(passages, start=1):
        c = p.chunk
        where = f"{c.title} > {c.section}" if c.section else c.title
        ranks = " ".join(f"{m}#{r}" for m, r in sorted(p.ranks.items()))
        print(f"[{i}] {where}  (score {p.score:.4f}; {ranks}; {c.doc_id})")
        print(textwrap.indent(textwrap.shorten(c.text.replace("\n", " "), 300, placeholder=" …"), "    "))
    total = sum(timings.values())
    print(f"\n({total:.0f} ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()) + ")")
    return 0
