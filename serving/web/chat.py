"""The applicant chat tab: streamed answers, sources, tool steps, feedback, retry/undo/clear.

Per-browser state (``gr.State``) is ``{"conversation_id", "turns": [{turn_id, question, answer, messages}],
"feedback_id"}``; the chatbot's value is always rebuilt from it, so the two cannot drift apart.
"""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.schema import ToolCallRecord
from serving.web import render
from serving.web.limits import rate_limited_message, too_long_message
from serving.web.service import WebService

log = logging.getLogger(__name__)

EXAMPLES = [
    "大企業の補助率はいくらですか？",
    "GENIACで申請できるGPUノード数の上限は？",
    "AI基盤モデルの開発環境整備の補助対象者は誰ですか？",
    "事前調査の提出期限はいつですか？",
]

INITIAL_STATE: dict[str, Any] = {"conversation_id": None, "turns": [], "feedback_id": None}

Outputs = tuple[list[dict[str, Any]], dict[str, Any], str]


def new_state() -> dict[str, Any]:
    return copy.deepcopy(INITIAL_STATE)


def messages_of(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for t in state["turns"] for m in t["messages"]]


def history_of(state: dict[str, Any]) -> list[dict[str, str]]:
    """The assistant's history: plain question/answer texts (no tool steps, no sources HTML)."""
    out: list[dict[str, str]] = []
    for t in state["turns"]:
        out.append({"role": "user", "content": t["question"]})
        if t.get("answer"):
            out.append({"role": "assistant", "content": t["answer"]})
    return out


def turn_at(state: dict[str, Any], message_index: int) -> int | None:
    """Which turn (position in state["turns"]) the chatbot message at ``message_index`` belongs to."""
    pos = 0
    for i, t in enumerate(state["turns"]):
        pos += len(t["messages"])
        if message_index < pos:
            return i
    return None


def _index(raw: Any) -> int:
    return int(raw[0] if isinstance(raw, (list, tuple)) else raw)


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None) if request is not None else None
    return getattr(client, "host", None) or "unknown"


class ChatHandlers:
    def __init__(self, service: WebService) -> None:
        self.service = service

    def respond(self, message: str, state: dict[str, Any], request: gr.Request | None = None) -> Iterator[Outputs]:
        question = (message or "").strip()
        state = state or new_state()
        if not question:
            yield messages_of(state), state, ""
            return
        limit = self.service.settings.max_question_chars
        if len(question) > limit:
            gr.Warning(too_long_message(len(question), limit))
            yield messages_of(state), state, message
            return
        wait = self.service.limiter.hit(_client(request))
        if wait is not None:
            gr.Warning(rate_limited_message(wait))
            yield messages_of(state), state, message
            return
        if not state.get("conversation_id"):
            state["conversation_id"] = f"web-{uuid.uuid4().hex[:16]}"

        history = history_of(state)
        before = messages_of(state)
        tools: list[ToolCallRecord] = []
        text = ""
        shown = render.status_markdown("質問を受け付けました…")
        yield [*before, *render.turn_messages(question, tools, shown)], state, ""
        for turn_id, event in self.service.stream_and_store(
            question, history, conversation_id=state["conversation_id"], channel="web", client=_client(request)
        ):
            if event.type == "status" and event.text and not text:
                shown = render.status_markdown(event.text)
            elif event.type == "tool_call" and event.tool_call is not None:
                tools.append(event.tool_call)
            elif event.type == "token" and event.text:
                text += event.text
                shown = text
            elif event.type == "final" and event.answer is not None:
                answer = event.answer
                msgs = render.turn_messages(question, answer.tool_calls or tools, render.answer_markdown(answer))
                state["turns"].append(
                    {"turn_id": turn_id, "question": question, "answer": answer.text, "messages": msgs}
                )
                yield messages_of(state), state, ""
                return
            else:
                continue
            yield [*before, *render.turn_messages(question, tools, shown)], state, ""

    def on_example(self, state: dict[str, Any], evt: gr.SelectData, request: gr.Request) -> Iterator[Outputs]:
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value or "")
        yield from self.respond(text, state, request)

    def on_retry(self, state: dict[str, Any], evt: gr.RetryData, request: gr.Request) -> Iterator[Outputs]:
        i = turn_at(state, _index(evt.index))
        if i is None:
            yield messages_of(state), state, ""
            return
        question = state["turns"][i]["question"]
        state["turns"] = state["turns"][:i]
        yield from self.respond(question, state, request)

    def on_undo(self, state: dict[str, Any], evt: gr.UndoData) -> Outputs:
        i = turn_at(state, _index(evt.index))
        if i is None:
            return messages_of(state), state, ""
        question = state["turns"][i]["question"]
        state["turns"] = state["turns"][:i]
        return messages_of(state), state, question

    def on_clear(self) -> tuple[dict[str, Any], Any]:
        return new_state(), gr.update(visible=False)

    def on_like(self, state: dict[str, Any], evt: gr.LikeData) -> tuple[dict[str, Any], Any, str, str]:
        if evt.liked is True or evt.liked == "Like":
            rating = "like"
        elif evt.liked is False or evt.liked == "Dislike":
            rating = "dislike"
        else:  # the user took the rating back
            return state, gr.update(visible=False), "", ""
        i = turn_at(state, _index(evt.index))
        if i is None:
            return state, gr.update(visible=False), "", ""
        turn_id = state["turns"][i]["turn_id"]
        try:
            state["feedback_id"] = self.service.storage.add_feedback(turn_id, rating)
        except Exception:
            log.exception("storing feedback for turn %s failed", turn_id)
            gr.Warning("評価を保存できませんでした。時間をおいてもう一度お試しください。")
            return state, gr.update(visible=False), "", ""
        thanks = "ご評価ありがとうございます。" + (
            "よろしければ、良かった点をお聞かせください（任意）。" if rating == "like"
            else "よろしければ、どこが不十分だったかお聞かせください（任意）。"
        )
        return state, gr.update(visible=True), "", thanks

    def on_comment(self, comment: str, state: dict[str, Any]) -> tuple[dict[str, Any], Any, str]:
        fid = state.get("feedback_id")
        if fid and (comment or "").strip():
            self.service.storage.set_feedback_comment(int(fid), comment)
            gr.Info("コメントを受け付けました。ありがとうございます。")
        state["feedback_id"] = None
        return state, gr.update(visible=False), ""

    def banner(self) -> str:
        status = self.service.assistant.status()
        if status.get("backend") == "offline":
            return ('<div class="koubo-mode koubo-mode-offline"><b>オフラインモード</b>：LLMに接続していないため、'
                    "資料の検索結果と計算ツールだけで回答します。文章はやや機械的になります。</div>")
        return '<div class="koubo-mode koubo-mode-llm"><b>LLM接続中</b>：回答は資料と計算ツールの結果に基づきます。</div>'


def build_chat_tab(service: WebService) -> None:
    """Render the chat components into the current Blocks context."""
    h = ChatHandlers(service)
    state = gr.State(new_state())
    gr.HTML(value=h.banner, elem_id="koubo-banner")  # a callable value is evaluated on every page load
    chatbot = gr.Chatbot(
        value=[],
        elem_id="koubo-chatbot",
        label="回答",
        show_label=False,
        height="60vh",
        min_height=320,
        layout="panel",
        placeholder="### 生成AI関連公募ヘルプデスク\nGENIAC（基盤モデル開発の助成）や AI 計算基盤の整備補助について、"
        "公表資料に基づいてお答えします。下の例をクリックするか、質問を入力してください。",
        examples=[{"text": q} for q in EXAMPLES],
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        sanitize_html=True,
    )
    with gr.Group(visible=False, elem_id="koubo-feedback") as fb_group:
        fb_note = gr.Markdown()
        with gr.Row():
            fb_comment = gr.Textbox(label="コメント（任意）", placeholder="例：上限額の根拠も知りたかった", scale=4,
                                    max_length=2000, elem_id="koubo-feedback-comment")
            fb_send = gr.Button("送信", scale=1, min_width=80, elem_id="koubo-feedback-send")
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            show_label=False, placeholder="質問を入力してください（例：大企業の補助率はいくらですか？）",
            lines=2, max_lines=8, scale=5, elem_id="koubo-question", autofocus=True,
        )
        with gr.Column(scale=1, min_width=90):
            send = gr.Button("送信", variant="primary", elem_id="koubo-send")
            stop = gr.Button("停止", variant="stop", size="sm", elem_id="koubo-stop")
    gr.Markdown(
        "※ 回答は公表資料（2023〜2024年）に基づく参考情報です。正式な判断は経済産業省・NEDOの公式発表をご確認ください。",
        elem_classes=["koubo-footnote"],
    )

    outs = [chatbot, state, box]
    ev_submit = box.submit(h.respond, [box, state], outs, show_progress="hidden")
    ev_send = send.click(h.respond, [box, state], outs, show_progress="hidden")
    ev_example = chatbot.example_select(h.on_example, [state], outs, show_progress="hidden")
    ev_retry = chatbot.retry(h.on_retry, [state], outs, show_progress="hidden")
    stop.click(None, None, None, cancels=[ev_submit, ev_send, ev_example, ev_retry])
    chatbot.undo(h.on_undo, [state], outs)
    chatbot.clear(h.on_clear, None, [state, fb_group])
    chatbot.like(h.on_like, [state], [state, fb_group, fb_comment, fb_note])
    fb_send.click(h.on_comment, [fb_comment, state], [state, fb_group, fb_comment])
    fb_comment.submit(h.on_comment, [fb_comment, state], [state, fb_group, fb_comment])
