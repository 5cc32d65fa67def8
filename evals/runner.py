"""Run an FAQ dataset through the assistant (or the retriever alone) and write the run folder.

The assistant, retriever and judge are passed in (dependency injection) so tests can use small fakes; when
none is given, :func:`run_eval` builds the real ones from settings, after making sure the index exists.
A failing item is recorded with its error and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator
from tqdm import tqdm

from assistant.answer.engine import Assistant
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ensure_index
from evals import metrics, report
from evals.judge import Judge

log = logging.getLogger(__name__)

MODES = ("answer", "retrieval")
METHODS = ("fused", "bm25", "dense")
BACKENDS = ("auto", "offline", "llm")
#: Retrieval-mode depth: deep enough for hit@5 whatever top_k is.
MIN_RETRIEVAL_K = 5
PACKAGED_DATASET = Path(__file__).resolve().parent / "datasets" / "faq.jsonl"


class DatasetError(ValueError):
    """The dataset file cannot be used; the message (Japanese) says what to fix."""


class GoldSource(BaseModel):
    model_config = ConfigDict(extra="ignore")
    doc: str
    contains: str = ""


class EvalItem(BaseModel):
    """One dataset line (DESIGN.md "FAQ dataset"); unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str = Field(min_length=1)
    category: str = "unknown"
    gold_sources: list[GoldSource] = Field(default_factory=list)
    must_include: list[list[str]] = Field(default_factory=list)
    expected_tool: str | None = None
    out_of_scope: bool = False
    history: list[dict[str, Any]] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    needs_all_sources: bool = False
    notes: str | None = None
    draft: bool = False
    expected_coverage: Literal["answered", "not_in_documents", "out_of_scope"] | None = Field(
        None, validation_alias=AliasChoices("expected_coverage", "coverage"))
    split: str | None = None

    def coverage(self) -> str:
        """The expected outcome: the explicit field, else out_of_scope for refusals, else answered."""
        if self.expected_coverage:
            return self.expected_coverage
        return "out_of_scope" if self.out_of_scope else "answered"

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_str(cls, v: object) -> object:
        # An integer id is read as its digits; any other non-string (true, 1.5, null, a list) is an error.
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        if not isinstance(v, str) or not v.strip():
            raise ValueError("id must be a non-empty string such as \"q001\"")
        return v

    @field_validator("must_include", mode="before")
    @classmethod
    def _bare_strings_are_groups(cls, v: object) -> object:
        # ["1/3", "上限"] is read as [["1/3"], ["上限"]]: each bare string is its own required group.
        if isinstance(v, list):
            return [[x] if isinstance(x, str) else x for x in v]
        return v

    def expected(self) -> dict[str, Any]:
        return {
            "gold_sources": [g.model_dump() for g in self.gold_sources],
            "must_include": self.must_include,
            "expected_tool": self.expected_tool,
            "out_of_scope": self.out_of_scope,
            "needs_all_sources": self.needs_all_sources,
            "coverage": self.coverage(),
        }


class AssistantLike(Protocol):
    def ask(self, question: str, history: list[dict] | None = None) -> Any: ...


class RetrieverLike(Protocol):
    def search(self, query: str, k: int = 5, method: str = "fused") -> list[Any]: ...


class JudgeLike(Protocol):
    model: str

    def assess(self, item: EvalItem, row: dict[str, Any]) -> dict[str, Any]: ...


# --- dataset ------------------------------------------------------------------------------------------------


def load_dataset(path: Path, include_drafts: bool = False, split: str | None = None) -> tuple[list[EvalItem], int]:
    """Items of a JSONL dataset and how many draft items were skipped; ``split``: only items of that split."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DatasetError(
            f"データセット {path} が見つかりません。--dataset でファイルのパスを指定してください。"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read dataset %s: %s", path, exc)
        raise DatasetError(
            f"データセット {path} を読み込めません（UTF-8 の JSONL ファイルか確認してください）。"
        ) from exc
    items: list[EvalItem] = []
    seen: set[str] = set()
    skipped = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise DatasetError(
                    f"データセット {path} の {lineno} 行目が JSON オブジェクト（{{\"id\": …, \"question\": …}}）ではありません。"
                    "1行に1項目のオブジェクトを書いてください。"
                )
            if "id" not in data:
                raise DatasetError(f"データセット {path} の {lineno} 行目に id がありません。\"q001\" のような id を付けてください。")
            if not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool):
                raise DatasetError(
                    f"データセット {path} の {lineno} 行目: id が文字列ではありません（{type(data['id']).__name__}）。"
                    "\"q001\" のような文字列で指定してください。"
                )
            item = EvalItem.model_validate(data)
        except json.JSONDecodeError as exc:
            raise DatasetError(
                f"データセット {path} の {lineno} 行目が JSON として読めません（{exc.msg}）。"
                "修正してください。"
            ) from exc
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) or "?" for e in exc.errors())
            raise DatasetError(
                f"データセット {path} の {lineno} 行目の項目が不正です（{fields}）。修正してください。"
            ) from exc
        if item.id in seen:
            raise DatasetError(f"データセット {path} の {lineno} 行目: id「{item.id}」が重複しています。")
        seen.add(item.id)
        if item.draft and not include_drafts:
            skipped += 1
            continue
        if split is not None and item.split != split:
            continue
        items.append(item)
    if not items:
        where = f"（split「{split}」）" if split is not None else ""
        raise DatasetError(f"データセット {path} に評価できる項目がありません{where}。")
    return items, skipped


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_state(cwd: Path | None = None) -> dict[str, Any]:
    """Commit and dirty flag of the checkout holding this package; None values outside a git checkout."""
    cwd = cwd or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        return {"commit": commit, "dirty": bool(status.strip())}
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("git state unavailable: %s", exc)
        return {"commit": None, "dirty": None}


# --- one item -----------------------------------------------------------------------------------------------


def _passage_row(p: Any) -> dict[str, Any]:
    row = p.as_result() if hasattr(p, "as_result") else dict(p)
    ranks = getattr(p, "ranks", None)
    if ranks:
        row["ranks"] = dict(ranks)
    return row


def _dump(obj: Any) -> dict[str, Any]:
    return obj.model_dump(mode="json") if hasattr(obj, "model_dump") else dict(obj)


def _base_row(item: EvalItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": item.question,
        "history": item.history,
        "category": item.category,
        "tags": item.tags,
        "expected": item.expected(),
        "answer": None,
        "backend": None,
        "retrieved": [],
        "tool_calls": [],
        "citations": [],
        "refused": False,
        "coverage": None,
        "notice": None,
        "latency_ms": None,
        "timings_ms": {},
        "error": None,
    }


def answer_item(item: EvalItem, assistant: AssistantLike) -> dict[str, Any]:
    row = _base_row(item)
    t0 = time.perf_counter()
    try:
        ans = assistant.ask(item.question, item.history or None)
        row["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        row.update(
            answer=ans.text,
            backend=ans.backend,
            retrieved=[_passage_row(p) for p in ans.retrieved],
            tool_calls=[_dump(t) for t in ans.tool_calls],
            citations=[_dump(c) for c in ans.citations],
            refused=bool(ans.refused),
            coverage=getattr(ans, "coverage", None) or ("out_of_scope" if ans.refused else "answered"),
            notice=getattr(ans, "notice", None),
            timings_ms=dict(getattr(ans, "timings_ms", None) or {}),
            error=getattr(ans, "error", None),
        )
    except Exception as exc:  # one broken item must not end the run
        row["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        row["error"] = f"{type(exc).__name__}: {exc}"
        log.warning("item %s failed: %s", item.id, row["error"], exc_info=log.isEnabledFor(logging.DEBUG))
    return row


def retrieve_item(item: EvalItem, retriever: RetrieverLike, method: str, k: int) -> dict[str, Any]:
    """Retrieval only, on the question as written (follow-ups are not condensed in this mode)."""
    row = _base_row(item)
    row["backend"] = f"retrieval:{method}"
    t0 = time.perf_counter()
    try:
        if hasattr(retriever, "search_timed"):
            passages, timings = retriever.search_timed(item.question, k, method)
        else:
            passages, timings = retriever.search(item.question, k=k, method=method), {}
        row["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        row["retrieved"] = [_passage_row(p) for p in passages]
        row["timings_ms"] = dict(timings)
    except Exception as exc:  # one broken item must not end the run
        row["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        row["error"] = f"{type(exc).__name__}: {exc}"
        log.warning("item %s failed: %s", item.id, row["error"], exc_info=log.isEnabledFor(logging.DEBUG))
    return row


def judge_row(item: EvalItem, row: dict[str, Any], judge: JudgeLike) -> None:
    """Attach the model-judged verdict; a judge failure is recorded, never raised."""
    try:
        verdict = judge.assess(item, row)
    except Exception as exc:
        log.warning("judge failed on %s: %s", item.id, exc)
        verdict = {"faithful": None, "correct": None, "reason": None, "error": f"{type(exc).__name__}: {exc}"}
    row["judge"] = verdict
    row["metrics"]["judge_faithful"] = verdict.get("faithful")
    row["metrics"]["judge_correct"] = verdict.get("correct")


def run_items(
    items: Sequence[EvalItem],
    *,
    mode: str = "answer",
    assistant: AssistantLike | None = None,
    retriever: RetrieverLike | None = None,
    method: str = "fused",
    k: int = MIN_RETRIEVAL_K,
    judge: JudgeLike | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """One result row per item, in dataset order, each with its ``metrics``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if mode == "answer" and assistant is None:
        raise ValueError("answer mode needs an assistant")
    if mode == "retrieval" and retriever is None:
        raise ValueError("retrieval mode needs a retriever")
    rows = []
    bar = tqdm(items, desc=f"eval ({mode})", unit="item", disable=not progress, leave=False)
    for item in bar:
        if mode == "answer":
            row = answer_item(item, assistant)  # type: ignore[arg-type]
        else:
            row = retrieve_item(item, retriever, method, k)  # type: ignore[arg-type]
        row["metrics"] = metrics.item_metrics(row["expected"], row, mode)
        if judge is not None and mode == "answer" and not row["error"]:
            judge_row(item, row, judge)
        rows.append(row)
    return rows


# --- summary and files --------------------------------------------------------------------------------------


def judge_summary(rows: Sequence[dict[str, Any]], model: str) -> dict[str, Any]:
    judged = [r for r in rows if "judge" in r]
    return {
        "model-judged": True,
        "model": model,
        "n": len(judged),
        "errors": sum(1 for r in judged if r["judge"].get("error")),
        "faithfulness": metrics.mean(r["metrics"].get("judge_faithful") for r in judged),
        "correctness": metrics.mean(r["metrics"].get("judge_correct") for r in judged),
    }


def settings_info(settings: Any, **extra: Any) -> dict[str, Any]:
    """The settings that change results, for the summary."""
    info = {
        name: getattr(settings, name, None)
        for name in (
            "embedding_model",
            "fusion",
            "top_k",
            "candidate_k",
            "rrf_k",
            "bm25_weight",
            "dense_weight",
            "reranker_model",
            "chunk_size",
            "chunk_overlap",
        )
    }
    if getattr(settings, "llm_configured", False):
        info["llm_model"] = settings.llm_model
        info["llm_temperature"] = settings.llm_temperature
    info.update(extra)
    return info


def build_summary(
    rows: Sequence[dict[str, Any]],
    *,
    mode: str,
    dataset_path: Path,
    settings: dict[str, Any],
    skipped_drafts: int = 0,
    judge_model: str | None = None,
) -> dict[str, Any]:
    summary = metrics.summarize(rows, mode)
    summary["skipped_drafts"] = skipped_drafts
    backends = sorted({r["backend"] for r in rows if r.get("backend")})
    summary["backends_used"] = backends
    if judge_model is not None:
        summary["judge"] = judge_summary(rows, judge_model)
    summary["dataset"] = {"path": str(dataset_path), "sha256": file_sha256(dataset_path)}
    summary["git"] = git_state()
    summary["settings"] = settings
    summary["timestamp"] = datetime.now(UTC).isoformat(timespec="seconds")
    return summary


def write_run(out_dir: Path, rows: Sequence[dict[str, Any]], summary: dict[str, Any]) -> dict[str, Path]:
    """results.jsonl, summary.json, report.md and report.html in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "results": out_dir / "results.jsonl",
        "summary": out_dir / "summary.json",
        "report_md": out_dir / "report.md",
        "report_html": out_dir / "report.html",
    }
    with paths["results"].open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    paths["summary"].write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8"
    )
    paths["report_md"].write_text(report.render_markdown(summary, rows), encoding="utf-8")
    paths["report_html"].write_text(report.render_html(summary, rows), encoding="utf-8")
    return paths


@dataclass
class EvalRun:
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    paths: dict[str, Path] = field(default_factory=dict)


def run_eval(
    dataset_path: Path,
    out_dir: Path,
    *,
    settings: Any,
    backend: str = "auto",
    mode: str = "answer",
    method: str = "fused",
    limit: int | None = None,
    judge: bool | JudgeLike = False,
    assistant: AssistantLike | None = None,
    retriever: RetrieverLike | None = None,
    progress: bool = True,
    split: str | None = None,
) -> EvalRun:
    """Evaluate a dataset end to end and write the run folder.

    ``judge``: False, True (build the model judge from settings) or a judge object. The real assistant /
    retriever are built only when none is injected, after :func:`corpus.ingest.ensure_index`.
    """
    if mode not in MODES or method not in METHODS or backend not in BACKENDS:
        raise ValueError(f"bad mode/method/backend: {mode}/{method}/{backend}")
    items, skipped = load_dataset(Path(dataset_path), split=split)
    if limit is not None:
        items = items[: max(limit, 0)]
    judge_obj: JudgeLike | None = None
    if judge is True:
        judge_obj = Judge.from_settings(settings)
    elif judge:
        judge_obj = judge  # type: ignore[assignment]
    if mode == "retrieval" and judge_obj is not None:
        log.info("--judge ignored in retrieval mode: there is no answer to judge")
        judge_obj = None

    needs_real = (mode == "answer" and assistant is None) or (mode == "retrieval" and retriever is None)
    if needs_real:
        ensure_index(settings, progress=progress)
    if mode == "answer" and assistant is None:
        assistant = Assistant.from_settings(settings, backend=backend)
    if mode == "retrieval" and retriever is None:
        retriever = Retriever.from_settings(settings)

    k = max(MIN_RETRIEVAL_K, int(getattr(settings, "top_k", MIN_RETRIEVAL_K)))
    rows = run_items(
        items,
        mode=mode,
        assistant=assistant,
        retriever=retriever,
        method=method,
        k=k,
        judge=judge_obj,
        progress=progress,
    )
    info = settings_info(
        settings, backend=backend, mode=mode, method=method if mode == "retrieval" else "fused"
    )
    if split is not None:
        info["split"] = split
    if mode == "retrieval":
        info["retrieval_k"] = k
    summary = build_summary(
        rows,
        mode=mode,
        dataset_path=Path(dataset_path),
        settings=info,
        skipped_drafts=skipped,
        judge_model=judge_obj.model if judge_obj is not None else None,
    )
    return EvalRun(rows=rows, summary=summary, paths=write_run(Path(out_dir), rows, summary))
