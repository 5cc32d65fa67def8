"""`koubo eval`: run the FAQ eval, compare two runs, or turn web feedback into draft eval items.

Forms:
  koubo eval --dataset FILE --out DIR [...]     shorthand for `koubo eval run ...`
  koubo eval run --dataset FILE --out DIR [--backend auto|offline|llm] [--limit N] [--split NAME]
                 [--mode answer|retrieval] [--method fused|bm25|dense] [--judge]
  koubo eval compare RUN_A RUN_B [--out FILE.md]
  koubo eval from-feedback EXPORT.jsonl --out drafts.jsonl
  koubo eval curated [--split NAME|all] [--judge llm] [--json]   curated-answer matching precision/recall
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from assistant.domain.config import ConfigError, load_settings
from evals.compare import RunDirError, compare_runs, format_comparison
from evals.feedback import convert_file

log = logging.getLogger(__name__)


def _add_run_args(p: argparse.ArgumentParser, suppress: bool = False) -> None:
    # On the `run` sub-form, defaults are suppressed so they do not overwrite options given before `run`.
    d = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    p.add_argument(
        "--dataset",
        type=Path,
        default=d(None),
        help="FAQ dataset JSONL (default: the packaged evals/datasets/faq.jsonl)",
    )
    p.add_argument(
        "--out", type=Path, default=d(None), help="run folder to write (default: eval-runs/<time>)"
    )
    p.add_argument("--backend", choices=["auto", "offline", "llm"], default=d("auto"))
    p.add_argument("--limit", type=int, default=d(None), help="only the first N items")
    p.add_argument(
        "--split",
        default=d(None),
        help="only items whose `split` field has this value (e.g. heldout for evals/datasets/scope_dev.jsonl)",
    )
    p.add_argument(
        "--mode",
        choices=["answer", "retrieval"],
        default=d("answer"),
        help="answer: full assistant; retrieval: retrieval only (per-method tables)",
    )
    p.add_argument(
        "--method",
        choices=["fused", "bm25", "dense"],
        default=d("fused"),
        help="retrieval method in --mode retrieval",
    )
    p.add_argument(
        "--judge",
        action="store_true",
        default=d(False),
        help="add the model-judged pass (faithfulness, correctness); needs KOUBO_LLM_BASE_URL",
    )
    p.add_argument("--no-progress", dest="progress", action="store_false", default=d(True))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="FAQ 評価を実行・比較する (run / compare evals)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_args(p)
    p.set_defaults(func=run_cmd)
    actions = p.add_subparsers(dest="eval_action", metavar="{run,compare,from-feedback,curated}")

    r = actions.add_parser("run", help="run the eval (same as `koubo eval --dataset ...`)")
    _add_run_args(r, suppress=True)
    r.set_defaults(func=run_cmd)

    c = actions.add_parser("compare", help="compare two run folders")
    c.add_argument("run_a", type=Path, help="baseline run folder")
    c.add_argument("run_b", type=Path, help="new run folder")
    c.add_argument(
        "--out", dest="compare_out", type=Path, default=None, help="also write the table to FILE.md"
    )
    c.set_defaults(func=compare_cmd)

    f = actions.add_parser("from-feedback", help="draft eval items from disliked answers (web export)")
    f.add_argument("export", type=Path, help="feedback export JSONL from the web app")
    f.add_argument("--out", dest="drafts_out", type=Path, required=True, help="drafts JSONL to write")
    f.set_defaults(func=feedback_cmd)

    cu = actions.add_parser("curated", help="curated-answer matching on question pairs (precision / recall)")
    cu.add_argument("--dataset", dest="pairs", type=Path, default=None,
                    help="pairs JSONL (default: evals/datasets/curated_pairs.jsonl)")
    cu.add_argument("--split", dest="pair_split", default="heldout",
                    help="tuning, heldout, heldout2, heldout3 (the tuning splits), heldout4, heldout5, heldout6 (blind: "
                         "written by others; docs/evaluation.md) or all (default: heldout)")
    cu.add_argument("--judge", choices=["llm"], default=None,
                    help="also score the served view with the LLM judge (needs KOUBO_LLM_BASE_URL; one short call "
                         "per question)")
    cu.add_argument("--json", dest="as_json", action="store_true", help="print the whole result as JSON")
    cu.set_defaults(func=curated_cmd)


def _pct(v: object) -> str:
    return "–" if v is None else f"{float(v) * 100:.1f}%"  # type: ignore[arg-type]


def _print_summary(summary: dict) -> None:
    r = summary.get("retrieval") or {}
    print(f"評価完了: {summary['n']} 件（エラー {summary['errors']} 件, mode {summary['mode']}）")
    print(
        f"  retrieval  hit@1 {_pct(r.get('hit@1'))}  hit@3 {_pct(r.get('hit@3'))}  "
        f"hit@5 {_pct(r.get('hit@5'))}  MRR {r.get('mrr') if r.get('mrr') is None else round(r['mrr'], 3)}"
    )
    if summary.get("answer"):
        a, t, rf, c = summary["answer"], summary["tools"], summary["refusal"], summary["citations"]
        print(
            f"  answer     must_include {_pct(a.get('must_include_accuracy'))}  "
            f"(calc {_pct(a['calc'].get('must_include_accuracy'))})  tool {_pct(t.get('name_accuracy'))}"
        )
        print(
            f"  refusal    accuracy {_pct(rf.get('accuracy'))}"
            f"  false-refusal {_pct(rf.get('false_refusal_rate'))}"
            f"  citations valid {_pct(c.get('validity'))}"
        )
    cov = summary.get("coverage")
    if cov:
        print(
            f"  coverage   accuracy {_pct(cov.get('accuracy'))}"
            f"  not_in_documents recall {_pct(cov.get('not_in_documents_recall'))}"
            f"  (expected → produced: {cov.get('matrix_text')})"
        )
    if summary.get("judge"):
        j = summary["judge"]
        print(
            f"  model-judged faithfulness {_pct(j.get('faithfulness'))}"
            f"  correctness {_pct(j.get('correctness'))}"
        )
    length = (summary.get("answer") or {}).get("length_chars") or {}
    if length.get("p50") is not None:
        single = length.get("single_fact") or {}
        print(
            f"  length     p50 {length['p50']:.0f}  p95 {length['p95']:.0f} chars"
            + (f"  (single-fact p50 {single['p50']:.0f}  p95 {single['p95']:.0f})" if single.get("p50") is not None else "")
        )
    lat = summary.get("latency_ms") or {}
    if lat.get("p50") is not None:
        print(f"  latency    p50 {lat['p50']:.0f} ms  p95 {lat['p95']:.0f} ms")


def run_cmd(args: argparse.Namespace) -> int:
    # Deferred so that `koubo --help` and light commands (calc) do not load the eval runner, the index
    # and LangChain (start-up cost, not a cycle; docs/architecture.md).
    from evals.runner import PACKAGED_DATASET, DatasetError, run_eval

    if getattr(args, "limit", None) is not None and args.limit < 1:
        print("--limit には 1 以上の整数を指定してください。", file=sys.stderr)
        return 2
    dataset = args.dataset or PACKAGED_DATASET
    out = args.out or Path("eval-runs") / (
        datetime.now().strftime("%Y%m%d-%H%M%S")
        + f"-{args.mode}"
        + (f"-{args.method}" if args.mode == "retrieval" else "")
    )
    settings = load_settings()
    if args.judge and not settings.llm_configured:
        print(
            "--judge には LLM のエンドポイントが必要です。"
            "KOUBO_LLM_BASE_URL を設定するか、--judge を外してください。",
            file=sys.stderr,
        )
        return 2
    try:
        result = run_eval(
            dataset,
            out,
            settings=settings,
            backend=args.backend,
            mode=args.mode,
            method=args.method,
            limit=args.limit,
            judge=args.judge,
            progress=args.progress,
            split=getattr(args, "split", None),
        )
    except DatasetError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        log.error("eval run failed: %s", exc, exc_info=log.isEnabledFor(logging.INFO))
        print(
            f"評価結果を書き込めませんでした（{exc}）。--out のフォルダを確認してください。", file=sys.stderr
        )
        return 1
    except Exception as exc:
        if isinstance(exc, ConfigError):
            raise  # the CLI frame prints configuration errors itself
        log.error("eval run failed: %s", exc, exc_info=log.isEnabledFor(logging.INFO))
        print(
            f"評価を実行できませんでした（{type(exc).__name__}: {exc}）。"
            "-v を付けて再実行し、ログを確認してください。",
            file=sys.stderr,
        )
        return 1
    _print_summary(result.summary)
    print(
        f"結果: {result.paths['results']}\n集計: {result.paths['summary']}\n"
        f"レポート: {result.paths['report_html']}"
    )
    if result.summary["n"] and result.summary["errors"] == result.summary["n"]:
        print(
            "すべての項目でエラーが発生しました。-v を付けて再実行し、ログを確認してください。",
            file=sys.stderr,
        )
        return 1
    return 0


def compare_cmd(args: argparse.Namespace) -> int:
    try:
        text = format_comparison(compare_runs(args.run_a, args.run_b))
    except RunDirError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(text, end="")
    if args.compare_out:
        try:
            args.compare_out.parent.mkdir(parents=True, exist_ok=True)
            args.compare_out.write_text(text, encoding="utf-8")
        except OSError as exc:
            log.error("cannot write %s: %s", args.compare_out, exc)
            print(f"{args.compare_out} に書き込めませんでした（{exc}）。", file=sys.stderr)
            return 1
    return 0


def feedback_cmd(args: argparse.Namespace) -> int:
    try:
        conv = convert_file(args.export, args.drafts_out)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        log.error("cannot write %s: %s", args.drafts_out, exc)
        print(f"{args.drafts_out} に書き込めませんでした（{exc}）。", file=sys.stderr)
        return 1
    print(
        f"下書き {len(conv.drafts)} 件を {args.drafts_out} に書き出しました"
        f"（読み込み {conv.read} 行, 低評価以外 {conv.skipped_not_dislike}, 重複 {conv.duplicates}, "
        f'読めない行 {conv.skipped_bad}）。gold_sources と must_include を埋め、"draft": true を外してから'
        " データセットに加えてください。"
    )
    return 0


def curated_cmd(args: argparse.Namespace) -> int:

    from assistant.domain.config import load_settings
    from assistant.index.embeddings import get_embedder
    from evals.curated_eval import DATASET, load_pairs, run, run_offers

    path = args.pairs or DATASET
    try:
        if not load_pairs(path, args.pair_split):
            print(f"{path} に split「{args.pair_split}」の項目がありません。", file=sys.stderr)
            return 2
    except (OSError, ValueError, KeyError) as exc:
        print(f"{path} を読み込めませんでした（{exc}）。", file=sys.stderr)
        return 2
    settings = load_settings()
    if args.judge and not settings.llm_configured:
        print("--judge llm には LLM の接続先（KOUBO_LLM_BASE_URL）の設定が必要です。", file=sys.stderr)
        return 2
    embedder = get_embedder(settings)
    result = run(embedder.embed_queries, args.pair_split, path=path)
    result["offers"] = run_offers(embedder.embed_queries, args.pair_split, path=path)
    if args.judge:
        from assistant.answer.llm import make_chat_model
        from evals.curated_eval import run_judged

        model = make_chat_model(settings, streaming=False)
        result["judged"] = run_judged(embedder.embed_queries, model, args.pair_split, path=path)["judged"]
    if args.as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    p, s = result["pairs"], result["served"]
    print(f"事務局回答の照合 ({result['split']}, 類似度しきい値 {result['threshold']}, 埋め込み {embedder.name})")
    print(f"  pairs   n {p['n']}  precision {_pct(p['precision'])}  recall {_pct(p['recall'])}"
          f"  (tp {p['tp']} fp {p['fp']} fn {p['fn']} tn {p['tn']})")
    print(f"  served  n {s['n']}  precision {_pct(s['precision'])}  recall {_pct(s['recall'])}"
          f"  (tp {s['tp']} fp {s['fp']} fn {s['fn']} tn {s['tn']})")
    if "judged" in result:
        j = result["judged"]
        print(f"  judged  n {j['n']}  precision {_pct(j['precision'])}  recall {_pct(j['recall'])}"
              f"  (tp {j['tp']} fp {j['fp']} fn {j['fn']} tn {j['tn']}; LLM の回答が使えず照合器で判定 {j['undecided']})")
    o = result["offers"]
    print(f"  offers  paraphrases {o['paraphrases']}  recall {_pct(o['recall'])}  (関連Q&Aとして提示: 上位{o['limit']}件,"
          f" 類似度 {o['min_similarity']} 以上, 候補 {o['pool']} 件; 1問あたり平均 {o['mean_offers']} 件)")
    for e in result["errors"]:
        print(f"  ✗ {e['id']} {e['kind']} sim {e['similarity']} {e['reason']}: {e['question']} ↔ {e['curated']}")
    return 0
