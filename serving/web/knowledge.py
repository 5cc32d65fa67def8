"""The staff desk's knowledge section: upload a document (programme, date), follow its ingest, list documents
with their versions and status, retire and restore versions, and see the programme-rules check.

Every handler re-checks the staff session token (like the drafts desk); the work runs as jobs in
serving.knowledge.Knowledge, and the handlers poll them to show progress.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.domain.text import japanese_date
from serving.knowledge import Job, KnowledgeError, programme_check, programme_labels
from serving.web.service import WebService
from serving.web.staff_session import SessionHandlers

STATUS_JA = {"active": "公開中", "retired": "公開停止"}
DOC_HEADERS = ["文書ID", "タイトル", "状態", "公開中の版", "版数", "資料の日付", "取り込み日時", "チャンク", "事業"]
VERSION_HEADERS = ["版", "状態", "資料の日付", "取り込み日時", "チャンク", "sha256", "ファイル"]
FILE_TYPES = [".pdf", ".docx", ".html", ".htm", ".txt", ".md"]
POLL_S = 0.4


def _table(headers: list[str], rows: list[list[Any]], empty: str, cls: str) -> str:
    if not rows:
        return f'<p class="koubo-drafts-empty">{html.escape(empty)}</p>'
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return (f'<div class="koubo-drafts-scroll"><table class="koubo-drafts-table {cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def documents_table(rows: list[dict[str, Any]], labels: dict[str, str]) -> str:
    return _table(DOC_HEADERS, [[
        r["doc_id"], r["title"], STATUS_JA.get(r["status"], r["status"]), r["active_version"] or "—", r["versions"],
        japanese_date(r["as_of"]) or "不明", r["ingested_at"][:16].replace("T", " "), r["chunks"],
        labels.get(r["programme"], r["programme"])[:40],
    ] for r in rows], "登録された文書はまだありません。", "koubo-kn-docs-table")


def history_table(versions: list[dict[str, Any]]) -> str:
    return _table(VERSION_HEADERS, [[
        v["version"], STATUS_JA.get(v["status"], v["status"]), japanese_date(v["as_of"]) or "不明",
        v["ingested_at"][:16].replace("T", " "), v["chunks"], v["sha256"][:12] + "…", os.path.basename(v["source"]),
    ] for v in versions], "版はありません。", "koubo-kn-history-table")


def progress_html(job: Job) -> str:
    """The job's stage and a progress bar (role=status, so screen readers announce changes)."""
    d = job.as_dict()
    label = f"{d['stage_ja']}"
    if job.total and job.stage in ("loading", "embedding"):
        label += f"（{job.done}/{job.total}）"
    bar = f'<progress max="{max(job.total, 1)}" value="{min(job.done, max(job.total, 1))}"></progress>' \
        if job.status in ("queued", "running") else ""
    msg = f'<p class="koubo-kn-msg">{html.escape(job.message)}</p>' if job.message else ""
    return (f'<div class="koubo-kn-progress" role="status" data-status="{html.escape(job.status)}">'
            f"<p>文書「{html.escape(job.doc_id)}」: {html.escape(label)}</p>{bar}{msg}</div>")


def check_html(corpus_dir: Path, programme: str) -> str:
    if not programme:
        return ""
    result = programme_check(corpus_dir, programme)
    label = programme_labels(corpus_dir).get(programme, programme)
    return (f'<div class="koubo-kn-check"><p><strong>規程チェック（{html.escape(label)}）'
            f"</strong></p><p>{html.escape(result['text'])}</p></div>")


class KnowledgeHandlers(SessionHandlers):
    def _listing(self) -> tuple[str, Any]:
        rows = self.service.knowledge.documents()
        labels = programme_labels(self.service.settings.corpus_dir)
        choices = [(f"{r['doc_id']}（{STATUS_JA[r['status']]}）", r["doc_id"]) for r in rows]
        return documents_table(rows, labels), gr.update(choices=choices)

    def refresh(self, token: str | None) -> tuple[Any, Any]:
        if not self.service.auth.verify(token):
            return gr.update(), gr.update()  # after a failed login: nothing to show yet
        return self._listing()

    def pick(self, token: str | None, doc_id: str | None) -> tuple[Any, Any, Any]:
        self._who(token)
        if not doc_id:
            return gr.update(choices=[], value=None), "", ""
        try:
            versions = self.service.knowledge.history(doc_id)
        except KnowledgeError as exc:
            raise gr.Error(exc.message_ja, title="文書が見つかりません") from None
        choices = [(f"版 {v['version']}（{STATUS_JA[v['status']]}、{japanese_date(v['as_of']) or '日付不明'}）", v["version"])
                   for v in versions]
        programme = versions[-1]["programme"] if versions else ""
        return gr.update(choices=choices, value=None), history_table(versions), check_html(self.service.settings.corpus_dir, programme)

    def _follow(self, job: Job) -> Iterator[tuple[Any, Any, Any]]:
        while not job.finished:
            yield progress_html(job), gr.update(), gr.update()
            time.sleep(POLL_S)
        table, choices = self._listing()
        yield progress_html(job), table, choices

    def upload(self, token: str | None, path: str | None, programme: str | None, as_of: str, doc_id: str
               ) -> Iterator[tuple[Any, ...]]:
        who = self._who(token)
        if not path:
            raise gr.Error("取り込むファイルを選んでください。", title="ファイルがありません")
        limit = int(self.service.settings.max_file_mb * 2**20)
        if os.path.getsize(path) > limit:
            raise gr.Error(f"ファイルが大きすぎます（上限 {self.service.settings.max_file_mb:g} MB）。", title="取り込めません")
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        try:
            job = self.service.knowledge.upload(os.path.basename(path), data, programme=programme or "",
                                                as_of=as_of or "", doc_id=doc_id or "", who=who)
        except KnowledgeError as exc:
            raise gr.Error(exc.message_ja, title="取り込めません") from None
        for out in self._follow(job):  # the file input is emptied once the upload is taken in, for the next one
            yield *out, (None if job.status == "done" else gr.update())

    def retire(self, token: str | None, doc_id: str | None) -> Iterator[tuple[Any, Any, Any]]:
        who = self._who(token)
        if not doc_id:
            raise gr.Error("公開を停止する文書を選んでください。", title="文書が選ばれていません")
        try:
            job = self.service.knowledge.retire(doc_id, who)
        except KnowledgeError as exc:
            raise gr.Error(exc.message_ja, title="公開停止できません") from None
        yield from self._follow(job)

    def restore(self, token: str | None, doc_id: str | None, version: int | None
                ) -> Iterator[tuple[Any, Any, Any]]:
        who = self._who(token)
        if not doc_id or not version:
            raise gr.Error("文書と、再び公開する版を選んでください。", title="版が選ばれていません")
        try:
            job = self.service.knowledge.restore(doc_id, int(version), who)
        except KnowledgeError as exc:
            raise gr.Error(exc.message_ja, title="復元できません") from None
        yield from self._follow(job)


def build_knowledge_section(service: WebService, token: Any) -> tuple[Callable[..., Any], list[Any]]:
    """The section, inside the logged-in desk; returns (refresh handler, its outputs) to run after login."""
    h = KnowledgeHandlers(service)
    with gr.Column(elem_id="koubo-knowledge"):
        gr.Markdown("### 資料管理\n公募要領の改訂版や追加資料を取り込みます。同じ文書IDで取り込むと新しい版になり、"
                    "以前の版は公開を停止して履歴に残ります（過去の回答の出典はそのまま表示できます）。")
        with gr.Row():
            upload_file = gr.File(label="文書ファイル（PDF・Word・HTML・テキスト）", file_types=FILE_TYPES, type="filepath",
                                  elem_id="koubo-kn-file", scale=2, min_width=150)
            with gr.Column(scale=2, min_width=150):
                programme = gr.Dropdown(label="事業", choices=[(name, p) for p, name in programme_labels(service.settings.corpus_dir).items()],
                                        value=None, elem_id="koubo-kn-programme")
                as_of = gr.Textbox(label="資料の日付（例: 2024-03-01）", max_length=10, elem_id="koubo-kn-asof")
                doc_id = gr.Textbox(label="文書ID（新しい版にする場合は既存のID。空欄ならファイル名から）", max_length=100,
                                    elem_id="koubo-kn-docid")
        upload_btn = gr.Button("取り込む", variant="primary", elem_id="koubo-kn-upload")
        progress = gr.HTML(elem_id="koubo-kn-progress", apply_default_css=False, js_on_load=None)
        gr.Markdown("#### 登録済みの文書")
        table = gr.HTML(documents_table([], {}), elem_id="koubo-kn-docs", apply_default_css=False, js_on_load=None)
        with gr.Row():
            pick = gr.Dropdown(label="文書", choices=[], elem_id="koubo-kn-pick", scale=3, min_width=120)
            version = gr.Dropdown(label="版", choices=[], elem_id="koubo-kn-version", scale=2, min_width=120)
        with gr.Row():
            retire_btn = gr.Button("公開を停止", elem_id="koubo-kn-retire", min_width=90)
            restore_btn = gr.Button("この版を公開", elem_id="koubo-kn-restore", min_width=90)
            refresh_btn = gr.Button("一覧を更新", size="sm", elem_id="koubo-kn-refresh", min_width=90)
        history = gr.HTML(elem_id="koubo-kn-history", apply_default_css=False, js_on_load=None)
        check = gr.HTML(elem_id="koubo-kn-check", apply_default_css=False, js_on_load=None)

    follow_outs = [progress, table, pick]
    pick_outs = [version, history, check]
    upload_btn.click(h.upload, [token, upload_file, programme, as_of, doc_id], [*follow_outs, upload_file]).then(
        h.pick, [token, pick], pick_outs)
    retire_btn.click(h.retire, [token, pick], follow_outs).then(h.pick, [token, pick], pick_outs)
    restore_btn.click(h.restore, [token, pick, version], follow_outs).then(h.pick, [token, pick], pick_outs)
    refresh_btn.click(h.refresh, [token], [table, pick])
    pick.change(h.pick, [token, pick], [version, history, check])
    return h.refresh, [table, pick]
