"""Fakes at the LLM boundary, shipped with the project for tests and benchmarks (never used in production).

- ``ScriptedChatModel``: a LangChain chat model that replays scripted AI messages (text and/or tool calls) or
  raises scripted errors, streaming text in small pieces, and records what it was sent.
- ``FakeOpenAIServer``: an OpenAI-compatible HTTP server on 127.0.0.1 (``/v1/models``,
  ``/v1/chat/completions`` with SSE streaming and tool_calls) driven by a responder function, for exercising
  the real ``langchain_openai`` client over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


def tool_call(name: str, args: dict[str, Any] | str, call_id: str | None = None) -> dict[str, Any]:
    """A scripted tool call; ``args`` as a string is sent raw (to script malformed JSON)."""
    return {"name": name, "args": args, "id": call_id or f"call_{uuid.uuid4().hex[:8]}"}


class ScriptedChatModel(BaseChatModel):
    """Replays ``script`` in order: each item an AIMessage, a str (plain answer), or an Exception to raise."""

    script: list[Any] = Field(default_factory=list)
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[dict[str, Any]] = Field(default_factory=list)
    piece: int = 4  # characters per streamed chunk

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        self.bound.append({"tools": [getattr(t, "name", str(t)) for t in tools], **kwargs})
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.seen.append(list(messages))
        if not self.script:
            raise AssertionError("ScriptedChatModel: script exhausted")
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str):
            return AIMessage(content=item)
        return item

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        msg = self._next(messages)
        text = msg.content if isinstance(msg.content, str) else ""
        for i in range(0, len(text), self.piece):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + self.piece]))
        chunks = []
        for idx, tc in enumerate(msg.tool_calls or []):
            chunks.append({"name": tc["name"], "args": json.dumps(tc["args"], ensure_ascii=False),
                           "id": tc.get("id"), "index": idx})
        for idx, bad in enumerate(msg.invalid_tool_calls or [], start=len(chunks)):
            chunks.append({"name": bad.get("name"), "args": bad.get("args"), "id": bad.get("id"), "index": idx})
        if chunks:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
        # Like a real endpoint, a completed response says why it stopped.
        finish = "tool_calls" if chunks else "stop"
        yield ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata={"finish_reason": finish}))


def scripted_tool_message(name: str, args: dict[str, Any] | str, text: str = "") -> AIMessage:
    """An AIMessage that calls one tool (malformed when ``args`` is a string that is not JSON)."""
    call = tool_call(name, args)
    if isinstance(args, str):
        return AIMessage(content=text, invalid_tool_calls=[{"name": name, "args": args, "id": call["id"],
                                                             "error": "malformed JSON", "type": "invalid_tool_call"}])
    return AIMessage(content=text, tool_calls=[call])


# --- an OpenAI-compatible server over real HTTP ----------------------------------------------------------------

Responder = Callable[[dict[str, Any]], dict[str, Any]]


def default_responder(request: dict[str, Any]) -> dict[str, Any]:
    """Forced tool choice → call that tool with {} args... unless a tool result is already in the messages;
    otherwise answer citing passage [1]."""
    choice = request.get("tool_choice")
    has_tool_result = any(m.get("role") == "tool" for m in request.get("messages", []))
    if isinstance(choice, dict) and not has_tool_result:
        return {"tool_calls": [{"name": choice["function"]["name"], "arguments": "{}"}]}
    return {"content": "資料によると、次のとおりです。[1]"}


class FakeOpenAIServer:
    """``with FakeOpenAIServer(responder) as srv: srv.base_url`` — served from a background thread.

    The responder gets the decoded request body and returns {"content": str} and/or {"tool_calls": [{"name",
    "arguments" (a JSON string)}]}; {"hang_up": True} closes the connection without an answer (a dying
    endpoint). ``token_delay`` seconds between streamed pieces simulate a slow model.
    """

    def __init__(self, responder: Responder | None = None, model: str = "fake-llm",
                 token_delay: float = 0.0, first_token_delay: float = 0.0) -> None:
        self.responder = responder or default_responder
        self.model = model
        self.token_delay = token_delay
        self.first_token_delay = first_token_delay
        self.requests: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _json(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": outer.model, "object": "model"}]})
                elif self.path.rstrip("/").endswith("/health"):
                    self._json(200, {})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                req = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append(req)
                spec = outer.responder(req)
                if spec.get("hang_up"):
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if spec.get("status"):
                    self._json(int(spec["status"]), {"error": {"message": spec.get("content", "error")}})
                    return
                if req.get("stream"):
                    self._stream(req, spec)
                else:
                    self._json(200, outer._completion(spec))

            def _stream(self, req: dict[str, Any], spec: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"

                def send(delta: dict[str, Any], finish: str | None = None) -> None:
                    chunk = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": outer.model,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()

                if outer.first_token_delay:
                    time.sleep(outer.first_token_delay)
                send({"role": "assistant", "content": ""})
                text = spec.get("content") or ""
                for i in range(0, len(text), 4):
                    if outer.token_delay:
                        time.sleep(outer.token_delay)
                    send({"content": text[i : i + 4]})
                    if spec.get("die_after") is not None and i >= int(spec["die_after"]):
                        return  # connection closes mid-stream
                for idx, tc in enumerate(spec.get("tool_calls") or []):
                    send({"tool_calls": [{"index": idx, "id": f"call_{uuid.uuid4().hex[:8]}", "type": "function",
                                          "function": {"name": tc["name"], "arguments": ""}}]})
                    args = tc.get("arguments", "{}")
                    for j in range(0, len(args), 8):
                        send({"tool_calls": [{"index": idx, "function": {"arguments": args[j : j + 8]}}]})
                send({}, "tool_calls" if spec.get("tool_calls") else "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _completion(self, spec: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": spec.get("content") or ""}
        if spec.get("tool_calls"):
            message["tool_calls"] = [
                {"id": f"call_{uuid.uuid4().hex[:8]}", "type": "function",
                 "function": {"name": tc["name"], "arguments": tc.get("arguments", "{}")}}
                for tc in spec["tool_calls"]
            ]
        return {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": int(time.time()),
                "model": self.model,
                "choices": [{"index": 0, "message": message,
                             "finish_reason": "tool_calls" if spec.get("tool_calls") else "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
