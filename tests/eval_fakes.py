"""Fakes for eval tests: an assistant and a retriever answering from a script, with real schema objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.domain.schema import Answer, Chunk, Citation, Passage, ToolCallRecord


def passage(
    doc: str, text: str, score: float = 1.0, chunk_id: str | None = None, section: str = ""
) -> Passage:
    chunk = Chunk(
        id=chunk_id or f"{doc}-{abs(hash(text)) % 10**8}",
        doc_id=doc,
        title=doc,
        section=section,
        text=text,
        start=0,
        end=len(text),
    )
    return Passage(chunk=chunk, score=score, ranks={"bm25": 1})


class ScriptedAssistant:
    """``ask`` returns the scripted Answer for a question; a scripted exception is raised instead."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.calls: list[tuple[str, list[dict] | None]] = []

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        self.calls.append((question, history))
        spec = self.script[question]
        if isinstance(spec, Exception):
            raise spec
        return spec


class ScriptedRetriever:
    def __init__(self, script: dict[str, list[Passage] | Exception]) -> None:
        self.script = script
        self.calls: list[tuple[str, int, str]] = []

    def search(self, query: str, k: int = 5, method: str = "fused") -> list[Passage]:
        self.calls.append((query, k, method))
        spec = self.script[query]
        if isinstance(spec, Exception):
            raise spec
        return spec[:k]


def answer(
    question: str,
    text: str,
    *,
    retrieved: list[Passage] = (),
    tools: list[str] = (),
    cite: list[tuple[int, str]] = (),
    refused: bool = False,
    timings: dict | None = None,
) -> Answer:
    """An Answer; ``cite`` is (index into retrieved, quote) pairs."""
    retrieved = list(retrieved)
    citations = [
        Citation(marker=i + 1, chunk_id=retrieved[idx].chunk.id, doc=retrieved[idx].doc, quote=quote)
        for i, (idx, quote) in enumerate(cite)
    ]
    return Answer(
        question=question,
        text=text,
        retrieved=retrieved,
        citations=citations,
        tool_calls=[ToolCallRecord(name=t, args={"x": 1}, result={"ok": True}) for t in tools],
        refused=refused,
        backend="offline",
        timings_ms=timings or {"retrieve": 10.0, "compose": 2.0},
    )


def write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


# A tiny dataset with one item per behaviour the runner must score.
DOC = "geniac-compute-resources"
RATE_TEXT = "助成率は大企業が1/2、中小企業等が2/3です。"
NODE_TEXT = "GPUノードの上限は1社あたり 64 ノードです。"

ITEMS = [
    {
        "id": "r1",
        "question": "助成率は？",
        "category": "subsidy_rate",
        "tags": ["calc"],
        "gold_sources": [{"doc": DOC, "contains": "中小企業等が2/3"}],
        "must_include": [["2/3", "3分の2"]],
        "expected_tool": "subsidy_rate",
        "out_of_scope": False,
    },
    {
        "id": "n1",
        "question": "ノードの上限は？",
        "category": "gpu_nodes",
        "gold_sources": [{"doc": DOC, "contains": "64ノード"}],
        "must_include": [["64"]],
        "expected_tool": "gpu_node_plan",
        "out_of_scope": False,
        "future_field": 1,
    },
    {
        "id": "o1",
        "question": "今日の天気は？",
        "category": "out_of_scope",
        "gold_sources": [],
        "must_include": [],
        "expected_tool": None,
        "out_of_scope": True,
    },
    {
        "id": "e1",
        "question": "壊れる質問",
        "category": "gpu_nodes",
        "gold_sources": [{"doc": DOC, "contains": "64"}],
        "must_include": [["64"]],
        "expected_tool": None,
        "out_of_scope": False,
    },
]


def scripted_assistant() -> ScriptedAssistant:
    rate = passage(DOC, RATE_TEXT, 0.9, "c-rate")
    node = passage(DOC, NODE_TEXT, 0.8, "c-node")
    other = passage("ai-compute-infra-presurvey", "関係のない段落です。", 0.7, "c-other")
    return ScriptedAssistant(
        {
            # right answer, right tool, valid citation, gold at rank 1
            "助成率は？": answer(
                "助成率は？",
                "助成率は中小企業等が２／３です[1]。",
                retrieved=[rate, other],
                tools=["subsidy_rate"],
                cite=[(0, "中小企業等が2/3")],
            ),
            # wrong number, no tool, gold at rank 2, one invented citation
            "ノードの上限は？": answer(
                "ノードの上限は？",
                "上限は 32 ノードです[1]。",
                retrieved=[other, node],
                cite=[(1, "32ノード")],
                timings={"retrieve": 30.0, "compose": 4.0},
            ),
            # out of scope and not refused
            "今日の天気は？": answer("今日の天気は？", "晴れです。", retrieved=[other]),
            "壊れる質問": RuntimeError("engine exploded"),
        }
    )
