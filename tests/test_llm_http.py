"""The real LangChain OpenAI client over real HTTP against an OpenAI-compatible test server on 127.0.0.1."""

from __future__ import annotations

import json

from assistant.answer.engine import Assistant
from assistant.answer.llm import HealthChecker
from assistant.testing import FakeOpenAIServer


def _assistant(index_settings, retriever, server: FakeOpenAIServer, **overrides) -> Assistant:
    settings = index_settings.model_copy(update={
        "llm_base_url": server.base_url, "llm_model": server.model, "llm_timeout": 10.0,
        "llm_max_retries": 0, **overrides,
    })
    return Assistant(settings, retriever, backend="auto")


def test_streamed_tool_call_over_sse(index_settings, retriever):
    def responder(req):
        if not any(m["role"] == "tool" for m in req["messages"]):
            args = {"programme": "geniac", "org_kind": "company", "tokutei_jigyosha": False}
            return {"tool_calls": [{"name": "subsidy_rate", "arguments": json.dumps(args)}]}
        return {"content": "特定事業者に当たらない企業の助成率は1/2です[1]。"}

    with FakeOpenAIServer(responder) as server:
        assistant = _assistant(index_settings, retriever, server)
        events = list(assistant.stream("GENIACで普通の会社の助成率は？"))
    answer = events[-1].answer
    assert answer.backend == "llm"
    assert answer.tool_calls[0].name == "subsidy_rate" and answer.tool_calls[0].ok
    assert answer.tool_calls[0].result["rate"] == "1/2"
    assert answer.text == "特定事業者に当たらない企業の助成率は1/2です[1]。"
    assert sum(e.type == "token" for e in events) > 3  # really streamed in pieces
    first, second = server.requests[0], server.requests[1]
    assert first["stream"] is True
    tools = {t["function"]["name"]: t["function"] for t in first["tools"]}
    assert tools["subsidy_rate"]["strict"] is True
    # The derived schema went over the wire, not a hand-written one.
    assert "programme" in tools["subsidy_rate"]["parameters"]["properties"]
    tool_msgs = [m for m in second["messages"] if m["role"] == "tool"]
    assert json.loads(tool_msgs[0]["content"])["result"]["rate"] == "1/2"
    assert "参考資料" in first["messages"][0]["content"]


def test_forced_tool_choice_is_sent(index_settings, retriever):
    with FakeOpenAIServer() as server:
        assistant = _assistant(index_settings, retriever, server, llm_tool_choice="programme_schedule")
        answer = assistant.ask("事前調査の期間は？")
    assert server.requests[0]["tool_choice"] == {"type": "function", "function": {"name": "programme_schedule"}}
    assert answer.tool_calls[0].name == "programme_schedule"
    assert answer.backend == "llm"


def test_endpoint_dies_mid_answer(index_settings, retriever):
    calls = {"n": 0}

    def responder(req):
        calls["n"] += 1
        return {"content": "ノード数は100以下とされており、" * 5, "die_after": 8}

    with FakeOpenAIServer(responder) as server:
        assistant = _assistant(index_settings, retriever, server)
        history = [{"role": "user", "content": "GPUノードについて"}, {"role": "assistant", "content": "はい"}]
        answer = assistant.ask("GPUノードは最大何ノードまで？", history)
    assert answer.backend == "offline"
    assert answer.partial is True
    assert answer.text.startswith("ノード数は100以下")  # what had arrived is kept …
    assert "――" in answer.text  # … followed by the offline answer; the notice says why (issue #13: notices once)
    assert "LLMとの接続が切れた" in (answer.notice or "") and "LLMとの接続が切れた" not in answer.text
    assert answer.question == "GPUノードは最大何ノードまで？"
    # The endpoint is now marked down: the next question goes straight to offline mode.
    assert assistant.status()["backend"] == "offline"


def test_http_error_status_falls_back(index_settings, retriever):
    with FakeOpenAIServer(lambda req: {"status": 503, "content": "overloaded"}) as server:
        assistant = _assistant(index_settings, retriever, server)
        answer = assistant.ask("大学の助成率は？")
    assert answer.backend == "offline" and answer.error


def test_health_checker_reports_wrong_model(index_settings):
    with FakeOpenAIServer(model="served-model") as server:
        settings = index_settings.model_copy(update={"llm_base_url": server.base_url, "llm_model": "other"})
        health = HealthChecker(settings).check()
    assert not health.ok and "served-model" in health.detail and "KOUBO_LLM_MODEL" in health.detail
