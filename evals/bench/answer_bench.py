"""`koubo bench answer`: the engine's own overhead per question, around a fake OpenAI-compatible LLM.

overhead = total time of Assistant.ask − time inside the LLM calls (measured around the chat model's
stream/invoke, so HTTP and LangChain parsing of the LLM's stream count as LLM time). Scenarios: an LLM that
answers instantly; the same with one search_documents tool round; a simulated delay (first token, per token).
Retrieval runs for real on the packaged corpus index.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.answer.engine import Assistant
from assistant.answer.llm import make_chat_model
from assistant.retrieval.retriever import Retriever
from evals.bench.fake_llm import LLMClock, TimedChatModel, server
from evals.bench.indexes import real_index
from evals.bench.report import Target, result, say, summarize, table, targets_table
from evals.bench.retrieval_bench import faq_questions, repeated

OVERHEAD_P95_MS = 100.0


def _scenario(settings: Any, retriever: Any, questions: list[str], first_token_ms: float, token_ms: float,
              tool: bool, warmup: int = 3) -> dict[str, Any]:
    with server(first_token_ms, token_ms, tool) as srv:
        s = settings.model_copy(update={"llm_base_url": srv.base_url, "llm_model": srv.model,
                                        "llm_max_retries": 0})
        clock = LLMClock()
        assistant = Assistant(s, retriever, backend="llm", chat_model=TimedChatModel(make_chat_model(s), clock))
        for q in questions[:warmup]:
            assistant.ask(q)
        totals, llm, overhead, retrieve, rest, cpu, refused, errors = [], [], [], [], [], [], 0, 0
        for q in questions[warmup:]:
            before, before_cpu = clock.seconds, clock.cpu_seconds
            c = time.process_time()
            t = time.perf_counter()
            answer = assistant.ask(q)
            total = (time.perf_counter() - t) * 1000
            cpu.append((time.process_time() - c - (clock.cpu_seconds - before_cpu)) * 1000)
            inside = (clock.seconds - before) * 1000
            totals.append(total)
            llm.append(inside)
            overhead.append(total - inside)
            retrieve.append(answer.timings_ms.get("retrieve", 0.0))
            rest.append(total - inside - retrieve[-1])
            refused += int(answer.refused)
            errors += int(bool(answer.error))
    return {"total": summarize(totals), "llm": summarize(llm), "overhead": summarize(overhead),
            "retrieve": summarize(retrieve), "rest": summarize(rest), "cpu": summarize(cpu), "questions": len(totals), "refused": refused, "errors": errors,
            "llm_calls": clock.calls}


def run(workdir: Path, questions: int = 40, first_token_ms: float = 50.0, token_ms: float = 10.0) -> dict[str, Any]:
    settings = real_index(Path(workdir))
    retriever = Retriever.from_settings(settings)
    qs = repeated(faq_questions(), questions + 3)
    scenarios = [("instant", 0.0, 0.0, False), ("instant + search tool round", 0.0, 0.0, True),
                 (f"delay {first_token_ms:g} ms + {token_ms:g} ms/token", first_token_ms, token_ms, False)]
    rows: list[dict[str, Any]] = []
    for label, ftm, tm, tool in scenarios:
        say(f"answer: {label} ({questions} questions) …")
        m = _scenario(settings, retriever, qs, ftm, tm, tool)
        rows.append({"scenario": label, "questions": m["questions"], "total_p50": m["total"]["p50"],
                     "total_p95": m["total"]["p95"], "llm_p50": m["llm"]["p50"],
                     "overhead_p50": m["overhead"]["p50"], "overhead_p95": m["overhead"]["p95"],
                     "retrieve_p50": m["retrieve"]["p50"], "retrieve_p95": m["retrieve"]["p95"],
                     "rest_p50": m["rest"]["p50"], "rest_p95": m["rest"]["p95"],
                     "cpu_p50": m["cpu"]["p50"], "cpu_p95": m["cpu"]["p95"], "refused": m["refused"], "errors": m["errors"],
                     "llm_calls": m["llm_calls"]})
    targets = [Target("engine overhead p95, instant LLM", rows[0]["overhead_p95"], OVERHEAD_P95_MS, "ms"),
               Target("engine overhead p95, simulated delay", rows[2]["overhead_p95"], OVERHEAD_P95_MS, "ms"),
               Target("engine overhead CPU p95, instant LLM", rows[0]["cpu_p95"], OVERHEAD_P95_MS, "ms",
                      note="≈ wall time on an idle machine")]
    notes = [("overhead = total − time inside the chat model's stream/invoke; includes retrieval, the scope "
              "guard, prompt building, tool execution and citation mapping"),
             "non-retrieval = overhead − the first retrieval (the tool round's search counts as non-retrieval)",
             ("overhead CPU = process CPU during ask − process CPU inside the chat model calls (the fake "
              "server's CPU falls inside the calls)"),
             "refused questions (out of scope) make no LLM call; their total is all overhead"]
    return result("answer", {"questions": questions, "first_token_ms": first_token_ms, "token_ms": token_ms},
                  rows, targets, notes)


def render(res: dict[str, Any]) -> str:
    cols = [("scenario", "scenario"), ("questions", "n"), ("total_p50", "total p50"), ("total_p95", "total p95"),
            ("llm_p50", "in LLM p50"), ("overhead_p50", "overhead p50"), ("overhead_p95", "overhead p95"),
            ("retrieve_p50", "retrieve p50"), ("retrieve_p95", "p95"), ("rest_p50", "non-retrieval p50"),
            ("rest_p95", "p95"), ("cpu_p95", "overhead CPU p95"), ("refused", "refused"), ("errors", "errors")]
    parts = ["latency in ms", table(res["results"], cols)]
    parts += [f"note: {n}" for n in res["notes"]]
    parts += ["", targets_table(res["targets"])]
    return "\n".join(parts)
