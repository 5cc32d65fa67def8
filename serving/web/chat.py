"""The applicant chat tab: one gr.HTML holding the chat, run by static/chat.js.

The page streams answers from ``POST /api/ask/stream`` (the API's own Server-Sent Events, so the UI and API
clients share one path with the same validation, limits and storage) and reopens history from
``/api/conversations``. Python keeps what needs the server: rendering data (render.py, sent with the events)
and feedback (``server_functions`` below). A hand-built chat instead of gr.Chatbot, because the issue needs
what Chatbot does not let us set: Japanese accessible names, copy without markup, an IME-safe Enter, the
toolbar on the answer bubble and citation links.
"""

from __future__ import annotations

import html
import logging
from importlib.resources import files
from typing import Any

import gradio as gr

from serving.web.service import WebService

log = logging.getLogger(__name__)

EXAMPLES = [
    "大企業の補助率はいくらですか？",
    "GENIACで申請できるGPUノード数の上限は？",
    "AI基盤モデルの開発環境整備の補助対象者は誰ですか？",
    "事前調査の提出期限はいつですか？",
]

CHAT_JS = files("serving.web").joinpath("static/chat.js").read_text(encoding="utf-8")


def chat_shell(max_chars: int) -> str:
    """The chat's static HTML: toolbar (new conversation, history), message log with example chips, composer."""
    chips = "".join(
        f'<button type="button" class="koubo-chip" data-q="{html.escape(q, quote=True)}">{html.escape(q)}</button>'
        for q in EXAMPLES
    )
    return f"""<div class="koubo-chat">
  <div class="koubo-chat-bar">
    <button type="button" class="koubo-new">＋ 新しい会話</button>
    <details class="koubo-history">
      <summary>過去の会話</summary>
      <ul class="koubo-history-list" aria-label="過去の会話"></ul>
    </details>
  </div>
  <div class="koubo-log" role="log" aria-label="会話" aria-live="polite" tabindex="0">
    <div class="koubo-landing">
      <p class="koubo-landing-lead">質問を入力するか、例を選んでください。</p>
      <div class="koubo-chips" role="group" aria-label="質問の例">{chips}</div>
    </div>
  </div>
  <form class="koubo-composer" aria-label="質問の入力">
    <label class="koubo-sr" for="koubo-input">質問</label>
    <textarea id="koubo-input" class="koubo-input" rows="2" maxlength="{max_chars}" aria-describedby="koubo-hint"
      placeholder="例：大企業の補助率はいくらですか？" enterkeyhint="send"></textarea>
    <div class="koubo-actions">
      <button type="submit" class="koubo-send">送信</button>
      <button type="button" class="koubo-stop" hidden>停止</button>
    </div>
    <p id="koubo-hint" class="koubo-hint">Enter で送信、Shift+Enter で改行</p>
  </form>
</div>"""


class Feedback:
    """👍/👎 and the optional comment, called from the page through gr.HTML's ``server`` object."""

    def __init__(self, service: WebService) -> None:
        self.service = service

    def rate(self, turn_id: int, rating: str) -> int | None:
        if rating not in ("like", "dislike"):
            return None
        try:
            return self.service.storage.add_feedback(int(turn_id), rating)
        except (KeyError, ValueError, TypeError):
            log.info("feedback for unknown turn %r", turn_id)
            return None
        except Exception:
            log.exception("storing feedback for turn %r failed", turn_id)
            return None

    def comment(self, feedback_id: int, text: str) -> bool:
        text = (text or "").strip()
        if not text:
            return False
        try:
            return self.service.storage.set_feedback_comment(int(feedback_id), text[:2000])
        except (ValueError, TypeError):
            return False


def banner_html(service: WebService) -> str:
    if service.assistant.status().get("backend") == "offline":
        return ('<div class="koubo-mode koubo-mode-offline" role="note"><b>オフラインモード</b>：'
                "LLMに接続していないため、資料の検索と計算ツールだけで回答します。</div>")
    return ""


def banner_update(service: WebService) -> Any:
    """On each page load: the offline banner, or nothing (no empty block) when the LLM answers."""
    text = banner_html(service)
    return gr.update(value=text, visible=bool(text))


def build_chat_tab(service: WebService) -> gr.HTML:
    """Render the chat into the current Blocks context; returns the banner for the page's load event."""
    fb = Feedback(service)

    # Plain functions (gradio marks them; bound methods cannot carry the mark). The page calls
    # server.rate(turnId, rating); gradio hands the arguments over as one list.
    def rate(args: list[Any]) -> int | None:
        return fb.rate(*args[:2]) if isinstance(args, list) and len(args) == 2 else None

    def comment(args: list[Any]) -> bool:
        return fb.comment(*args[:2]) if isinstance(args, list) and len(args) == 2 else False

    text = banner_html(service)
    banner = gr.HTML(value=text, visible=bool(text), elem_id="koubo-banner", apply_default_css=False,
                     js_on_load=None)
    gr.HTML(
        value=chat_shell(service.settings.max_question_chars),
        elem_id="koubo-chat",
        js_on_load=CHAT_JS,
        apply_default_css=False,
        server_functions=[rate, comment],
    )
    return banner
