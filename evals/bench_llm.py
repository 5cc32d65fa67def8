"""Serving benchmark for the GPU node: TTFT, inter-token latency and throughput at several concurrencies.

Sends the FAQ questions (evals/datasets/faq.jsonl) as the assistant would: system prompt with the top
passages, the question, and the tool schemas, streamed from an OpenAI-compatible endpoint (vLLM).

    python -m evals.bench_llm --base-url http://127.0.0.1:8000/v1 --model koubo-llm \
        --concurrency 1 4 16 64 --out eval-runs/bench-llm.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from langchain_core.utils.function_calling import convert_to_openai_tool

from assistant.answer.search_tool import langchain_tool
from assistant.domain import prompts
from assistant.domain.schema import Chunk, Passage
from assistant.tools import ALL_TOOLS
from evals.metrics import percentile

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "evals" / "datasets" / "faq.jsonl"
FALLBACK_QUESTIONS = [
    "GENIACの計算リソース利用料の助成率はいくらですか？",
    "AI基盤モデルの開発環境整備の補助率を教えてください。",
    "GPUノードを6ヶ月使う場合の上限はありますか？",
    "事前調査の回答期限はいつですか？",
]


def load_questions(path: Path = FAQ, limit: int | None = None) -> list[str]:
    """FAQ questions (in-scope ones first), or a few built-in ones when the dataset is absent."""
    if not path.exists():
        log.warning("%s not found; using %d built-in questions", path, len(FALLBACK_QUESTIONS))
        return FALLBACK_QUESTIONS[:limit] if limit else list(FALLBACK_QUESTIONS)
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items.sort(key=lambda it: bool(it.get("out_of_scope")))
    qs = [str(it["question"]) for it in items if it.get("question")]
    return qs[:limit] if limit else qs


# --- prompt ---------------------------------------------------------------------------------------------
def _bigrams(s: str) -> set[str]:
    s = re.sub(r"\s+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def corpus_chunks(size: int = 400) -> list[tuple[str, str]]:
    """(document title, ~size-char chunk) over the packaged corpus; a stand-in for the real index."""
    out = []
    meta = json.loads((ROOT / "corpus" / "documents" / "documents.json").read_text(encoding="utf-8"))
    docs = meta if isinstance(meta, list) else meta.get("documents", [])
    titles = {str(d.get("id")): str(d.get("title", d.get("id"))) for d in docs if isinstance(d, dict)}
    for path in sorted((ROOT / "corpus" / "documents").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for i in range(0, len(text), size):
            out.append((titles.get(path.stem, path.stem), text[i : i + size]))
    return out


def build_messages(question: str, chunks: list[tuple[str, str]], top_k: int = 5) -> list[dict[str, str]]:
    """System prompt with the top-k passages (by character-bigram overlap) + the question.

    Uses the engine's own system prompt and passage format; only the retrieval is approximated, since the
    prompt size (about top_k x 400 characters of passages) is what matters for serving.
    """
    q = _bigrams(question)
    ranked = sorted(chunks, key=lambda c: -len(q & _bigrams(c[1])))[:top_k]
    passages = [
        Passage(chunk=Chunk(id=f"b{i}", doc_id="bench", title=t, text=txt, start=0, end=len(txt)), score=0.0)
        for i, (t, txt) in enumerate(ranked)
    ]
    system = prompts.text("system", passages=prompts.format_passages(passages))
    return [{"role": "system", "content": system}, {"role": "user", "content": question}]


def tool_schemas(strict: bool = True) -> list[dict[str, Any]]:
    """The tools exactly as the engine binds them (calculators + search_documents), in OpenAI format."""
    return [convert_to_openai_tool(t, strict=strict) for t in [*ALL_TOOLS, langchain_tool()]]


# --- client ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    ok: bool
    ttft: float | None = None
    gaps: list[float] = field(default_factory=list)
    output_tokens: int = 0
    prompt_tokens: int = 0
    latency: float = 0.0
    error: str | None = None


async def one_request(client: Any, url: str, body: dict[str, Any]) -> Result:
    start = time.perf_counter()
    last = None
    res = Result(ok=False)
    try:
        async with client.stream("POST", url, json=body) as resp:
            if resp.status_code != 200:
                res.error = f"HTTP {resp.status_code}: {(await resp.aread())[:200]!r}"
                return res
            async for line in resp.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                data = json.loads(line[6:])
                if data.get("usage"):
                    res.output_tokens = data["usage"].get("completion_tokens", 0)
                    res.prompt_tokens = data["usage"].get("prompt_tokens", 0)
                for choice in data.get("choices", []):
                    delta = choice.get("delta") or {}
                    if delta.get("content") or delta.get("tool_calls"):
                        now = time.perf_counter()
                        if last is None:
                            res.ttft = now - start
                        else:
                            res.gaps.append(now - last)
                        last = now
        res.ok = True
    except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
        res.error = f"{type(exc).__name__}: {exc}"
    res.latency = time.perf_counter() - start
    return res


def _ms(v: float | None) -> float | None:
    return None if v is None else round(v * 1000, 1)


async def run_level(args: argparse.Namespace, bodies: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    url = args.base_url.rstrip("/") + "/chat/completions"
    n = args.requests or max(4 * concurrency, 8)
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {args.api_key}"}
    async with httpx.AsyncClient(timeout=args.timeout, limits=limits, headers=headers) as client:

        async def task(i: int) -> Result:
            async with sem:
                return await one_request(client, url, bodies[i % len(bodies)])

        t0 = time.perf_counter()
        results = await asyncio.gather(*(task(i) for i in range(n)))
        wall = time.perf_counter() - t0
    ok = [r for r in results if r.ok]
    ttfts = [r.ttft for r in ok if r.ttft is not None]
    gaps = [g for r in ok for g in r.gaps]
    out_tokens = sum(r.output_tokens for r in ok)
    errors = [r.error for r in results if not r.ok]
    return {
        "concurrency": concurrency,
        "requests": n,
        "ok": len(ok),
        "errors": errors[:5],
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(ok) / wall, 3),
        "output_tokens_per_s": round(out_tokens / wall, 1),
        "mean_prompt_tokens": round(statistics.mean(r.prompt_tokens for r in ok), 1) if ok else None,
        "mean_output_tokens": round(statistics.mean(r.output_tokens for r in ok), 1) if ok else None,
        # Percentiles by numpy's linear interpolation (evals.metrics.percentile), like every other figure.
        "ttft_ms": {"p50": _ms(percentile(ttfts, 50)), "p95": _ms(percentile(ttfts, 95))},
        "itl_ms": {"p50": _ms(percentile(gaps, 50)), "p95": _ms(percentile(gaps, 95))},
        "latency_ms": {"p50": _ms(percentile([r.latency for r in ok], 50)),
                       "p95": _ms(percentile([r.latency for r in ok], 95))},
    }


def build_bodies(args: argparse.Namespace) -> list[dict[str, Any]]:
    chunks = corpus_chunks()
    tools = None if args.tool_choice == "none" else tool_schemas(strict=not args.no_strict)
    bodies = []
    for q in load_questions(Path(args.dataset), args.limit):
        body: dict[str, Any] = {
            "model": args.model,
            "messages": build_messages(q, chunks, args.top_k),
            "max_tokens": args.max_tokens,
            "temperature": 0.0,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if tools:
            body["tools"] = tools
            body["tool_choice"] = args.tool_choice
        if args.extra_body:
            body.update(json.loads(args.extra_body))
        if args.ignore_eos:
            body["ignore_eos"] = True  # vLLM extension: fixed output length, for comparable throughput
        bodies.append(body)
    return bodies


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    p.add_argument("--model", default="koubo-llm")
    p.add_argument("--api-key", default="EMPTY")
    p.add_argument("--dataset", default=str(FAQ))
    p.add_argument("--limit", type=int, default=None, help="use only the first N questions")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    p.add_argument("--requests", type=int, default=None, help="requests per level (default 4 x concurrency, >= 8)")
    p.add_argument("--max-tokens", type=int, default=256)
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--tool-choice", default="auto", help="auto | none (no tools sent) | required")
    p.add_argument("--no-strict", action="store_true", help="send tools without strict=true")
    p.add_argument("--ignore-eos", action="store_true", help="always generate --max-tokens tokens")
    p.add_argument("--extra-body", help='JSON merged into every request, e.g. \'{"skip_special_tokens": false}\'')
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--out", help="write the JSON report here")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    bodies = build_bodies(args)
    levels = [asyncio.run(run_level(args, bodies, c)) for c in args.concurrency]
    report = {"base_url": args.base_url, "model": args.model, "questions": len(bodies),
              "max_tokens": args.max_tokens, "tool_choice": args.tool_choice, "levels": levels}
    print(f"{'conc':>4} {'ok':>5} {'req/s':>7} {'tok/s':>8} {'TTFT p50':>9} {'p95':>8} {'ITL p50':>8} {'p95':>7}")
    for lv in levels:
        print(f"{lv['concurrency']:>4} {lv['ok']:>2}/{lv['requests']:<2} {lv['requests_per_s']:>7} "
              f"{lv['output_tokens_per_s']:>8} {lv['ttft_ms']['p50']!s:>9} {lv['ttft_ms']['p95']!s:>8} "
              f"{lv['itl_ms']['p50']!s:>8} {lv['itl_ms']['p95']!s:>7}")
        for err in lv["errors"]:
            print(f"     error: {err}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(lv["ok"] for lv in levels) else 1


if __name__ == "__main__":
    raise SystemExit(main())
