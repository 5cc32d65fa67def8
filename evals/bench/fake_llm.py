"""The simulated LLM of the answer and http benchmarks: FakeOpenAIServer with a fixed Japanese answer.

The answer is 122 characters citing [1][2], streamed 4 characters per piece ("token"). With ``tool=True`` the
first round calls search_documents, so the engine's tool loop and a second retrieval are measured too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from assistant.testing import FakeOpenAIServer

ANSWER = ("資料によると、助成対象となるのは計算リソースの利用料とデータ整備に必要な費用（外注費に限る）です[1]。"
          "GPU リソースの確保方法は二通りあり、提案者が個別に調整して直接確保する方法は必須とされています[2]。"
          "詳しくは公募要領をご確認ください。")


def responder(tool: bool = False):  # type: ignore[no-untyped-def]
    def respond(request: dict[str, Any]) -> dict[str, Any]:
        messages = request.get("messages", [])
        if tool and request.get("tools") and not any(m.get("role") == "tool" for m in messages):
            question = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
            return {"tool_calls": [{"name": "search_documents",
                                    "arguments": json.dumps({"query": question[:100] or "助成対象"},
                                                            ensure_ascii=False)}]}
        return {"content": ANSWER}

    return respond


def server(first_token_ms: float = 0.0, token_ms: float = 0.0, tool: bool = False) -> FakeOpenAIServer:
    return FakeOpenAIServer(responder(tool), token_delay=token_ms / 1000.0, first_token_delay=first_token_ms / 1000.0)


class LLMClock:
    """Seconds spent inside the chat model's calls (waiting for and parsing the LLM's stream)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # process CPU inside the calls (the langchain/openai client's parsing)
        self.calls = 0


class TimedChatModel:
    """Wraps a LangChain chat model; time inside ``stream``/``invoke`` goes to ``clock``, the rest is ours."""

    def __init__(self, inner: Any, clock: LLMClock) -> None:
        self.inner, self.clock = inner, clock

    def bind_tools(self, tools: Any, **kwargs: Any) -> TimedChatModel:
        return TimedChatModel(self.inner.bind_tools(tools, **kwargs), self.clock)

    def _add(self, t: float, c: float) -> None:
        self.clock.seconds += time.perf_counter() - t
        self.clock.cpu_seconds += time.process_time() - c

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return self.inner.invoke(*args, **kwargs)
        finally:
            self._add(t, c)
            self.clock.calls += 1

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.clock.calls += 1
        t, c = time.perf_counter(), time.process_time()
        it = iter(self.inner.stream(*args, **kwargs))
        self._add(t, c)
        while True:
            t, c = time.perf_counter(), time.process_time()
            try:
                chunk = next(it)
            except StopIteration:
                self._add(t, c)
                return
            self._add(t, c)
            yield chunk
