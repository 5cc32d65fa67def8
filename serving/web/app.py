"""The Gradio Blocks: a header, the applicant chat tab and the staff desk tab. Logic lives in chat.py/staff.py."""

from __future__ import annotations

from importlib.resources import files

import gradio as gr

from serving.web.chat import build_chat_tab
from serving.web.service import WebService
from serving.web.staff import build_staff_tab

CSS = files("serving.web").joinpath("static/style.css").read_text(encoding="utf-8")
HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1">'

# Many users may wait on a slow LLM at once; vLLM batches concurrent requests, so let events run in parallel.
CONCURRENCY = 64


def build_ui(service: WebService) -> gr.Blocks:
    with gr.Blocks(title="生成AI関連公募ヘルプデスク", analytics_enabled=False) as demo:
        gr.HTML(
            '<div class="koubo-header"><h1>生成AI関連公募ヘルプデスク</h1>'
            "<p>経済産業省・NEDO の生成AI関連公募（GENIAC 基盤モデル開発の助成、計算リソースの取扱い、"
            "AI基盤モデルの開発環境整備の補助）について、公表資料に基づき出典つきでお答えします。</p></div>"
        )
        with gr.Tabs():
            with gr.Tab("質問する", id="chat"):
                build_chat_tab(service)
            with gr.Tab("スタッフ用", id="staff"):
                build_staff_tab(service)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=512)
    return demo
