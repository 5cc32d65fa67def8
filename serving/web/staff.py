"""The staff desk tab: login, inquiry → reply draft, edit, save / mark sent, past drafts, copy and download.

Login design: the tab has its own form; a successful login puts a signed session token (serving.auth) in
``gr.State``, which lives on the server and cannot be forged by the browser. Every handler re-checks it.
"""

from __future__ import annotations

import html
import logging
import re
import tempfile
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer.curated import approved_day_ja
from assistant.domain.schema import Citation, Draft
from assistant.domain.validation import check_inquiry
from serving.audit import audit
from serving.login_throttle import LoginThrottled, throttled_message
from serving.web import render
from serving.web.knowledge import build_knowledge_section
from serving.web.service import WebService
from serving.web.staff_curated import build_curated_section
from serving.web.staff_session import SessionHandlers

log = logging.getLogger(__name__)


def client_of(request: gr.Request | None) -> str:
    """The client address Gradio saw (behind the sample nginx: X-Forwarded-For, trusted via uvicorn)."""
    client = getattr(request, "client", None) if request is not None else None
    return getattr(client, "host", None) or "unknown"

STATUS_JA = {"draft": "下書き", "sent": "送信済み"}
DRAFT_HEADERS = ["ID", "件名", "状態", "作成者", "更新日時"]



def email_text(subject: str, salutation: str, body: str, signature: str) -> str:
    return Draft(inquiry="", subject=subject, salutation=salutation, body=body, signature=signature).as_email()


def eml_bytes(subject: str, salutation: str, body: str, signature: str) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["To"] = ""
    msg["X-Koubo-Draft"] = "yes"
    msg.set_content(f"{salutation}\n\n{body}\n\n{signature}\n", charset="utf-8")
    return msg.as_bytes()


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w\-]+", "_", text)[:40].strip("_") or "draft"


class StaffHandlers(SessionHandlers):
    def __init__(self, service: WebService) -> None:
        super().__init__(service)
        self._downloads = Path(tempfile.mkdtemp(prefix="koubo-drafts-"))

    # --- auth --------------------------------------------------------------------------------------------------

    def login(self, name: str, password: str, request: gr.Request | None = None) -> tuple[Any, ...]:
        if not self.service.auth.enabled:
            return (None, gr.update(), gr.update(), "スタッフユーザーが設定されていません。管理者にお問い合わせください。",
                    "", gr.update(), gr.update(), "")
        try:
            who = self.service.staff_login(name, password, client_of(request))
        except LoginThrottled as exc:
            return (None, gr.update(visible=True), gr.update(visible=False), throttled_message(exc.retry_after),
                    "", gr.update(), gr.update(), "")
        if not who:
            return (None, gr.update(visible=True), gr.update(visible=False),
                    "ユーザー名またはパスワードが正しくありません。", "", gr.update(), gr.update(), "")
        name = who
        token = self.service.auth.issue(name)
        rows, choices = self._drafts_view()
        return (token, gr.update(visible=False), gr.update(visible=True), "",
                f"**{name}** さんとしてログインしています。", rows, gr.update(choices=choices, value=None), "")

    def logout(self) -> tuple[Any, ...]:
        return None, gr.update(visible=True), gr.update(visible=False), "ログアウトしました。", ""

    # --- drafting ----------------------------------------------------------------------------------------------
    def make_draft(self, token: str | None, inquiry: str) -> tuple[Any, ...]:
        who = self._who(token)
        inquiry, problem = check_inquiry(inquiry)
        if problem is not None:
            raise gr.Error(problem.message, title="入力を確認してください")
        draft = self.service.assistant.draft_reply(inquiry)
        audit(self.service.storage, who, "draft.create", "draft", "", {"backend": draft.backend})
        current = {"id": None, "inquiry": draft.inquiry, "backend": draft.backend,
                   "citations": [c.model_dump() for c in draft.citations]}
        note = draft_note(draft)
        return (current, draft.subject, draft.salutation, draft.body, draft.signature,
                render.draft_sources_markdown(draft.citations, self.service.documents), note)

    def _draft_from_fields(self, current: dict[str, Any], inquiry: str, subject: str, salutation: str, body: str,
                           signature: str) -> Draft:
        return Draft(
            inquiry=(inquiry or current.get("inquiry") or "").strip(), subject=subject or "", salutation=salutation or "",
            body=body or "", signature=signature or "", backend=current.get("backend") or "offline",
            citations=[Citation.model_validate(c) for c in current.get("citations") or []],
        )

    def save(self, token: str | None, current: dict[str, Any] | None, inquiry: str, subject: str, salutation: str,
             body: str, signature: str) -> tuple[Any, ...]:
        who = self._who(token)
        current = dict(current or {})
        if not (body or "").strip():
            raise gr.Error("本文が空です。「下書きを作成」するか、本文を入力してから保存してください。", title="保存できません")
        draft = self._draft_from_fields(current, inquiry, subject, salutation, body, signature)
        current["id"] = self.service.storage.save_draft(draft, who, current.get("id"))
        audit(self.service.storage, who, "draft.save", "draft", current["id"])
        rows, choices = self._drafts_view()
        return current, f"下書き #{current['id']} を保存しました。", rows, gr.update(choices=choices)

    def mark_sent(self, token: str | None, current: dict[str, Any] | None, inquiry: str, subject: str,
                  salutation: str, body: str, signature: str) -> tuple[Any, ...]:
        current, _, _, _ = self.save(token, current, inquiry, subject, salutation, body, signature)
        self.service.storage.mark_sent(int(current["id"]))
        audit(self.service.storage, self._who(token), "draft.sent", "draft", current["id"])
        rows, choices = self._drafts_view()
        return current, f"下書き #{current['id']} を送信済みにしました。", rows, gr.update(choices=choices)

    def open_draft(self, token: str | None, choice: str | None) -> tuple[Any, ...]:
        self._who(token)
        m = re.match(r"#(\d+)", choice or "")
        row = self.service.storage.get_draft(int(m.group(1))) if m else None
        if row is None:
            raise gr.Error("下書きが見つかりませんでした。一覧から選び直してください。", title="読み込めません")
        current = {"id": row["id"], "inquiry": row["inquiry"], "backend": row["backend"], "citations": row["citations"]}
        note = f"下書き #{row['id']}（{STATUS_JA.get(row['status'], row['status'])}）を開きました。"
        return (current, row["inquiry"], row["subject"], row["salutation"], row["body"], row["signature"],
                render.draft_sources_markdown(row["citations"], self.service.documents), note)

    def new_draft(self) -> tuple[Any, ...]:
        return {"id": None, "citations": []}, "", "", "", "", "", "", ""

    def refresh(self, token: str | None) -> tuple[Any, Any]:
        self._who(token)
        rows, choices = self._drafts_view()
        return rows, gr.update(choices=choices)

    def _drafts_view(self) -> tuple[str, list[str]]:
        rows = self.service.storage.list_drafts()
        table = drafts_table([[r["id"], r["subject"], STATUS_JA.get(r["status"], r["status"]), r["author"] or "",
                               _local_time(r["updated_at"])] for r in rows])
        choices = [f"#{r['id']} {r['subject'] or '（件名なし）'}（{STATUS_JA.get(r['status'], r['status'])}）" for r in rows]
        return table, choices

    # --- copy / download -------------------------------------------------------------------------------------
    def preview(self, subject: str, salutation: str, body: str, signature: str) -> str:
        return email_text(subject or "", salutation or "", body or "", signature or "")

    def download(self, token: str | None, current: dict[str, Any] | None, kind: str, subject: str, salutation: str,
                 body: str, signature: str) -> Any:
        self._who(token)
        if not (body or "").strip():
            raise gr.Error("本文が空のため、ダウンロードできません。", title="ダウンロードできません")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        draft_id = (current or {}).get("id")
        path = self._downloads / f"reply-{draft_id or 'new'}-{_safe_name(subject or '')}-{stamp}.{kind}"
        if kind == "eml":
            path.write_bytes(eml_bytes(subject or "", salutation or "", body or "", signature or ""))
        else:
            path.write_text(email_text(subject or "", salutation or "", body or "", signature or ""), encoding="utf-8")
        return gr.update(value=str(path), visible=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _plain(text: str) -> str:
    """``text`` shown as it is inside gr.Markdown: one line, Markdown and HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def draft_note(draft: Draft) -> str:
    """The note above a new draft (Markdown): what to do, the approved answer it rests on, the approved answers close
    to the inquiry (so replies stay consistent), the backend's notice."""
    note = "下書きを作成しました。内容を確認・編集してから保存してください。"
    if draft.curated_id is not None:
        note += f"\n\n事務局回答 #{draft.curated_id} に基づく下書きです。"
    if draft.related_curated:
        note += "\n\n関連する事務局回答（回答をそろえるため、内容をご確認ください）：\n" + "\n".join(
            f"- #{r.id}（{approved_day_ja(r.approved_at)}承認）{_plain(r.question)}"
            for r in draft.related_curated)
    if draft.notice:
        note += f"\n\n{draft.notice}"
    return note


def drafts_table(rows: list[list[Any]]) -> str:
    """The past drafts as an escaped HTML table that scrolls inside its box (gr.Dataframe widened phone pages)."""
    if not rows:
        return '<p class="koubo-drafts-empty">保存した下書きはまだありません。</p>'
    head = "".join(f"<th scope=\"col\">{html.escape(h)}</th>" for h in DRAFT_HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return (f'<div class="koubo-drafts-scroll"><table class="koubo-drafts-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _local_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def build_staff_tab(service: WebService) -> None:
    h = StaffHandlers(service)
    if not service.auth.enabled:
        # Set-up help goes to the operator's log (and the README), never to the public login page.
        log.warning("no staff users configured: the staff desk refuses every login. Create one with "
                    "`koubo web --add-staff NAME` and set KOUBO_STAFF_USERS to the JSON it prints.")
    token = gr.State(None)
    current = gr.State({"id": None, "citations": []})

    with gr.Column(visible=True, elem_id="koubo-login") as login_col:
        gr.Markdown("### スタッフ用ログイン\n問い合わせメールへの返信下書きを作成する、ヘルプデスク担当者向けの画面です。")
        user = gr.Textbox(label="ユーザー名", elem_id="koubo-staff-user", max_length=100)
        password = gr.Textbox(label="パスワード", type="password", elem_id="koubo-staff-password", max_length=200)
        login_btn = gr.Button("ログイン", variant="primary", elem_id="koubo-login-btn")
        login_msg = gr.Markdown(elem_id="koubo-login-msg")

    with gr.Column(visible=False, elem_id="koubo-desk") as desk_col:
        with gr.Row():
            who = gr.Markdown(elem_id="koubo-staff-who")
            logout_btn = gr.Button("ログアウト", size="sm", scale=0, min_width=100)
        # Three tabs: replies (the daily work), approved answers and feedback, the documents themselves.
        with gr.Tabs(elem_id="koubo-desk-tabs"):
            with gr.Tab("返信下書き", elem_id="koubo-tab-drafts"):
                inquiry = gr.Textbox(label="問い合わせメール（件名・本文を貼り付け）", lines=8, max_lines=30,
                                     elem_id="koubo-inquiry",
                                     placeholder="件名: 補助率について\n\n株式会社〇〇の△△と申します。\n大企業の場合の補助率を教えてください。")
                with gr.Row():
                    make_btn = gr.Button("下書きを作成", variant="primary", elem_id="koubo-make-draft")
                    new_btn = gr.Button("新しい問い合わせ", size="sm")
                note = gr.Markdown(elem_id="koubo-draft-note")
                subject = gr.Textbox(label="件名", elem_id="koubo-draft-subject")
                salutation = gr.Textbox(label="宛名", lines=2, elem_id="koubo-draft-salutation")
                body = gr.Textbox(label="本文", lines=14, max_lines=60, elem_id="koubo-draft-body")
                signature = gr.Textbox(label="署名", lines=4, elem_id="koubo-draft-signature")
                sources = gr.HTML(elem_id="koubo-draft-sources")
                with gr.Row():
                    save_btn = gr.Button("下書き保存", variant="primary", elem_id="koubo-save-draft")
                    sent_btn = gr.Button("送信済みにする", elem_id="koubo-mark-sent")
                    copy_btn = gr.Button("コピー", size="sm", elem_id="koubo-copy-draft")
                    txt_btn = gr.Button("テキスト (.txt)", size="sm", elem_id="koubo-dl-txt")
                    eml_btn = gr.Button("メール (.eml)", size="sm", elem_id="koubo-dl-eml")
                save_msg = gr.Markdown(elem_id="koubo-save-msg")
                file_out = gr.File(label="ダウンロード", visible=False, interactive=False)
                with gr.Accordion("返信メール全文（コピー用）", open=False):
                    preview = gr.Textbox(label="返信メール全文", show_label=False, lines=12, interactive=False,
                                         elem_id="koubo-draft-preview")
                gr.Markdown("### 過去の下書き")
                with gr.Row():
                    pick = gr.Dropdown(label="下書きを開く", choices=[], scale=4, elem_id="koubo-draft-pick")
                    open_btn = gr.Button("開く", scale=1, min_width=80)
                    refresh_btn = gr.Button("一覧を更新", scale=1, min_width=100)
                table = gr.HTML(drafts_table([]), elem_id="koubo-drafts", apply_default_css=False, js_on_load=None)
            with gr.Tab("事務局回答", elem_id="koubo-tab-curated"):
                curated_views, curated_outs = build_curated_section(service, token, current, inquiry, body)
            with gr.Tab("資料管理", elem_id="koubo-tab-knowledge"):
                knowledge_refresh, knowledge_outs = build_knowledge_section(service, token)

    fields = [subject, salutation, body, signature]
    login_outs = [token, login_col, desk_col, login_msg, who, table, pick, password]

    def fill_sections(tok: str | None) -> tuple[Any, ...]:
        return curated_views(tok) if service.auth.verify(tok) else tuple(gr.update() for _ in curated_outs)

    for trigger in (login_btn.click, password.submit):
        trigger(h.login, [user, password], login_outs).then(fill_sections, [token], curated_outs).then(
            knowledge_refresh, [token], knowledge_outs)
    logout_btn.click(h.logout, None, [token, login_col, desk_col, login_msg, who])
    make_btn.click(h.make_draft, [token, inquiry], [current, *fields, sources, note])
    new_btn.click(h.new_draft, None, [current, inquiry, *fields, sources, note])
    save_btn.click(h.save, [token, current, inquiry, *fields], [current, save_msg, table, pick])
    sent_btn.click(h.mark_sent, [token, current, inquiry, *fields], [current, save_msg, table, pick])
    open_btn.click(h.open_draft, [token, pick], [current, inquiry, *fields, sources, note])
    refresh_btn.click(h.refresh, [token], [table, pick])
    txt_btn.click(lambda t, c, *f: h.download(t, c, "txt", *f), [token, current, *fields], file_out)
    eml_btn.click(lambda t, c, *f: h.download(t, c, "eml", *f), [token, current, *fields], file_out)
    for f in fields:
        f.change(h.preview, fields, preview, show_progress="hidden")
    # The whole reply as plain text (件名, 宛名, 本文, 署名), copied in the browser: no server round trip.
    copy_btn.click(h.preview, fields, preview, show_progress="hidden").then(
        None, [preview, save_msg], [save_msg],
        js="(text, msg) => { navigator.clipboard.writeText(text); return 'メール全文をコピーしました。'; }",
    )
