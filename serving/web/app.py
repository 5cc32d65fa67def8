"""The Gradio Blocks: a header, the applicant chat tab and the staff desk tab. Logic lives in chat.py/staff.py."""

from __future__ import annotations

from importlib.resources import files

import gradio as gr

from serving.web.chat import banner_update, build_chat_tab
from serving.web.service import WebService
from serving.web.staff import build_staff_tab

CSS = files("serving.web").joinpath("static/style.css").read_text(encoding="utf-8")
PAGE_CSS = files("serving.web").joinpath("static/page.css").read_text(encoding="utf-8")
# Gradio's front end sets <html lang> to the browser's locale; the page is Japanese whatever the browser says.
HEAD = (
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<script>(function(){var h=document.documentElement;function ja(){if(h.lang!=='ja')h.lang='ja';}ja();"
    "new MutationObserver(ja).observe(h,{attributes:true,attributeFilter:['lang']});})();</script>"
    f"<style>{PAGE_CSS}</style>"
)
TITLE = "生成AI関連公募ヘルプデスク"

# Many users may wait on a slow LLM at once; vLLM batches concurrent requests, so let events run in parallel.
CONCURRENCY = 64


def build_ui(service: WebService) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(
            f'<header class="koubo-header"><h1>{TITLE}</h1>'
            "<p>GENIAC（基盤モデル開発の助成）と AI 計算基盤の整備補助について、公表資料（2023〜24年）に基づき"
            "出典つきでお答えします（正式な判断は公式発表で）。</p></header>",
            apply_default_css=False, js_on_load=None,
        )
        with gr.Tabs():
            with gr.Tab("質問する", id="chat"):
                banner = build_chat_tab(service)
            with gr.Tab("スタッフ用", id="staff"):
                build_staff_tab(service)
        # The banner follows the LLM's state at each page load.
        demo.load(lambda: banner_update(service), None, banner, show_progress="hidden")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=512)
    return demo


class HtmlLangMiddleware:
    """Serve Gradio's page as Japanese: ``<html lang="ja">`` (its template says "en").

    Pure ASGI; only rewrites HTML bodies, which are small, and only the first ``lang="en"``.
    """

    def __init__(self, app: object, lang: str = "ja") -> None:
        self.app = app
        self.attr = f'lang="{lang}"'.encode()

    async def __call__(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)  # type: ignore[operator]
            return
        start: dict | None = None  # type: ignore[type-arg]
        chunks: list[bytes] = []

        async def wrapped(message: dict) -> None:  # type: ignore[type-arg]
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks).replace(b'lang="en"', self.attr, 1)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})  # type: ignore[operator]
                await send({"type": "http.response.body", "body": body})  # type: ignore[operator]
                return
            await send(message)  # type: ignore[operator]

        await self.app(scope, receive, wrapped)  # type: ignore[operator]
