"""The staff desk's curated-answer (事務局回答) and feedback sections.

- 事務局回答: the list with status (公開中 / 要確認 / 取り下げ); a stale one shows the passage it was approved on,
  the closest passage of the document now and a diff; one form to create, edit (re-approve) or retire.
- フィードバック: disliked chat answers (question, answer, the user's comment); one click fills the form with a
  draft of a corrected curated answer (question, answer text, citations) that staff edit and save.
Every change goes through serving.curated.validate and the storage (audit-logged there).
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import gradio as gr

from assistant.answer.curated import approved_date
from assistant.domain.text import split_sentences
from assistant.retrieval.lexicon import programme_documents
from serving.curated import MAX_QUOTE_CHARS, CuratedInputError, validate
from serving.storage import CuratedConflict
from serving.web.service import WebService
from serving.web.staff_session import SessionHandlers

log = logging.getLogger(__name__)

STATUS_JA = {"active": "公開中", "stale": "要確認（資料が変更されました）", "retired": "取り下げ"}
NO_PROGRAMME = "（出典から判定）"
PREFILL_QUOTE_CHARS = 300
_MARKERS = re.compile(r"\[\d+\]")
CONFLICT_NOTE = ("⚠ 保存できません: この事務局回答は、開いた後に別の担当者が更新しました。入力内容はこの画面に"
                 "残っています。必要ならコピーしてから開き直し、もう一度編集してください。")


def citations_text(citations: list[dict[str, Any]]) -> str:
    """The form's citation box: one `資料ID | 引用` a line."""
    return "\n".join(f"{c.get('doc', '')} | {c.get('quote', '')}" for c in citations)


def parse_citations(text: str) -> list[dict[str, str]]:
    out = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        doc, sep, quote = line.partition("|")
        if not sep:
            raise CuratedInputError(f"出典の{i}行目に「|」がありません。「資料ID | 引用文」の形で1行に1件書いてください。",
                                    f"citation line {i} has no separator")
        out.append({"doc": doc.strip(), "quote": quote.strip()})
    return out


def prefill_quote(passage: str) -> str:
    """The first sentences of a cited passage (up to ~300 characters): a quote staff can trim, still verbatim."""
    taken: list[str] = []
    for s in split_sentences(passage):
        if taken and sum(map(len, taken)) + len(s) > PREFILL_QUOTE_CHARS:
            break
        taken.append(s)
    return "".join(taken)[:MAX_QUOTE_CHARS]


def answer_body(text: str) -> str:
    """A chat answer as a curated-answer draft: markers and the offline footer lines (※ …) taken out."""
    lines = [ln for ln in (text or "").splitlines() if not ln.startswith("※")]
    return _MARKERS.sub("", "\n".join(lines)).strip()


def _day(iso: str | None) -> str:
    return approved_date(iso).isoformat() if iso else ""


def curated_list_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="koubo-curated-empty">事務局回答はまだありません。</p>'
    e = html.escape
    items = []
    for r in reversed(rows):
        stale = ""
        for s in r.get("stale") or []:
            new = s.get("new_passage")
            stale += (
                '<div class="koubo-stale"><p><strong>資料が変更され、引用が見つからなくなりました</strong>'
                f"（{e(s.get('doc', ''))}）</p>"
                f"<p>承認時の記載:</p><blockquote>{e(s.get('old_passage') or '')}</blockquote>"
                + (f"<p>現在の資料で最も近い記載:</p><blockquote>{e(new)}</blockquote>" if new else
                   "<p>この資料は現在公開されていません。</p>")
                + (f"<p>差分:</p><pre class=\"koubo-diff\">{e(s.get('diff') or '')}</pre>" if s.get("diff") else "")
                + "<p>内容を確認し、引用と回答を直して保存する（再承認）か、取り下げてください。</p></div>"
            )
        sources = "".join(f"<li>{e(c['doc'])}「{e(c['quote'])}」</li>" for c in r.get("citations") or [])
        items.append(
            f'<article class="koubo-curated-item" data-status="{e(r["status"])}" id="koubo-curated-{r["id"]}">'
            f'<h4>#{r["id"]} <span class="koubo-curated-status">{e(STATUS_JA.get(r["status"], r["status"]))}</span> '
            f'{e(r["question"])}</h4><p class="koubo-curated-answer">{e(r["answer"])}</p><ul>{sources}</ul>'
            f'<p class="koubo-curated-meta">承認: {e(r.get("approver") or "")}　{e(_day(r.get("approved_at")))}'
            f'　制度: {e(r.get("programme") or "-")}</p>{stale}</article>'
        )
    return f'<div class="koubo-curated-list">{"".join(items)}</div>'


def feedback_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="koubo-feedback-empty">低評価の回答はありません。</p>'
    e = html.escape
    items = []
    for r in rows:
        done = (f'<p class="koubo-feedback-done">事務局回答 #{r["curated_id"]} を作成済み</p>'
                if r.get("curated_id") else "")
        items.append(
            f'<article class="koubo-feedback-item" id="koubo-feedback-{r["feedback_id"]}">'
            f'<h4>回答 #{r["turn_id"]}（{e((r.get("created_at") or "")[:16].replace("T", " "))}）</h4>'
            f'<p><strong>質問:</strong> {e(r["question"])}</p>'
            f'<p><strong>回答:</strong></p><blockquote>{e(r["answer"] or "")}</blockquote>'
            f'<p><strong>利用者のコメント:</strong> {e(r.get("comment") or "（なし）")}</p>{done}</article>'
        )
    return f'<div class="koubo-feedback-list">{"".join(items)}</div>'


class CuratedHandlers(SessionHandlers):
    def _programmes(self) -> list[str]:

        return [NO_PROGRAMME, *programme_documents()]

    def views(self, token: str | None) -> tuple[Any, ...]:
        self._who(token)
        rows = self.service.storage.list_curated()
        fb = self.service.storage.disliked()
        curated_choices = [f"#{r['id']} {STATUS_JA.get(r['status'], r['status'])[:3]} {r['question'][:40]}" for r in rows]
        fb_choices = [f"#{r['feedback_id']} {r['question'][:40]}" for r in fb]
        return (curated_list_html(rows), gr.update(choices=list(reversed(curated_choices)), value=None),
                feedback_html(fb), gr.update(choices=fb_choices, value=None))

    # --- the form --------------------------------------------------------------------------------------------
    def new(self) -> tuple[Any, ...]:
        return {"id": None, "revision": None, "source_turn_id": None}, "", "", "", NO_PROGRAMME, ""

    def open(self, token: str | None, choice: str | None) -> tuple[Any, ...]:
        self._who(token)
        m = re.match(r"#(\d+)", choice or "")
        row = self.service.storage.get_curated(int(m.group(1))) if m else None
        if row is None:
            raise gr.Error("事務局回答が見つかりませんでした。一覧から選び直してください。", title="読み込めません")
        state = {"id": row["id"], "revision": row["revision"], "source_turn_id": row.get("source_turn_id")}
        note = f"事務局回答 #{row['id']}（{STATUS_JA.get(row['status'], row['status'])}）を開きました。"
        return (state, row["question"], row["answer"], citations_text(row["citations"]),
                row.get("programme") or NO_PROGRAMME, note)

    def from_feedback(self, token: str | None, choice: str | None) -> tuple[Any, ...]:
        self._who(token)
        m = re.match(r"#(\d+)", choice or "")
        row = next((r for r in self.service.storage.disliked(1000) if m and r["feedback_id"] == int(m.group(1))), None)
        if row is None:
            raise gr.Error("フィードバックが見つかりませんでした。一覧を更新してから選び直してください。", title="読み込めません")
        cites = [{"doc": c.get("doc", ""), "quote": prefill_quote(str(c.get("quote", "")))}
                 for c in row.get("citations") or []]
        state = {"id": None, "revision": None, "source_turn_id": row["turn_id"]}
        note = (f"低評価の回答 #{row['turn_id']} から事務局回答の下書きを作りました。利用者のコメント: "
                f"{row.get('comment') or '（なし）'}。回答と出典を正しい内容に直してから「承認して保存」を押してください。")
        return state, row["question"], answer_body(row["answer"]), citations_text(cites), NO_PROGRAMME, note

    def from_draft(self, token: str | None, draft: dict[str, Any] | None, inquiry: str, body: str) -> tuple[Any, ...]:
        self._who(token)
        if not (body or "").strip():
            raise gr.Error("返信下書きの本文が空です。先に下書きを作成してください。", title="下書きがありません")
        cites = [{"doc": c.get("doc", ""), "quote": prefill_quote(str(c.get("quote", "")))}
                 for c in (draft or {}).get("citations") or []]
        state = {"id": None, "revision": None, "source_turn_id": None, "source_draft_id": (draft or {}).get("id")}
        note = "返信下書きから事務局回答の下書きを作りました。質問を一般的な形に直し、回答と出典を確認してから保存してください。"
        return state, (inquiry or "").strip(), _MARKERS.sub("", body).strip(), citations_text(cites), NO_PROGRAMME, note

    def save(self, token: str | None, state: dict[str, Any] | None, question: str, answer: str, cites: str,
             programme: str | None) -> tuple[Any, ...]:
        """Create or re-approve; a refusal is shown in the note and the form keeps what was typed."""
        who = self._who(token)
        state = dict(state or {})
        keep = (gr.update(),) * 4
        try:
            sub = validate(question, answer, parse_citations(cites), None if programme in (None, "", NO_PROGRAMME)
                           else programme, self.service.assistant.retriever, self.service.documents)
        except CuratedInputError as exc:
            log.info("curated answer refused: %s", exc.detail)
            return (state, f"⚠ 保存できません: {exc.message_ja}", *keep)
        storage = self.service.storage
        if state.get("id"):
            try:
                row = storage.update_curated(int(state["id"]), int(state.get("revision") or 0), who,
                                             question=sub.question, answer=sub.answer, citations=sub.citations,
                                             programme=sub.programme)
            except CuratedConflict:
                return (state, CONFLICT_NOTE, *keep)
            except KeyError:
                return (state, "⚠ 保存できません: 事務局回答が見つかりませんでした。", *keep)
            state["revision"] = row["revision"]
            note = f"事務局回答 #{state['id']} を更新し、承認しました（公開中）。"
        else:
            state["id"] = storage.add_curated(sub.question, sub.answer, sub.citations, programme=sub.programme,
                                              approver=who, source_turn_id=state.get("source_turn_id"),
                                              source_draft_id=state.get("source_draft_id"))
            state["revision"] = 1
            note = f"事務局回答 #{state['id']} を承認して保存しました（公開中）。"
        self._warm()
        return (state, note, *self.views(token))

    def retire(self, token: str | None, state: dict[str, Any] | None) -> tuple[Any, ...]:
        who = self._who(token)
        state = dict(state or {})
        if not state.get("id"):
            raise gr.Error("取り下げる事務局回答を一覧から開いてください。", title="取り下げできません")
        try:
            self.service.storage.set_curated_status(int(state["id"]), "retired", who, revision=state.get("revision"))
        except CuratedConflict:
            return (state, "⚠ 取り下げできません: この事務局回答は、開いた後に別の担当者が更新しました。開き直してください。",
                    *(gr.update(),) * 4)
        row = self.service.storage.get_curated(int(state["id"])) or {}
        state["revision"] = row.get("revision")
        return (state, f"事務局回答 #{state['id']} を取り下げました（公開・回答に使われません）。", *self.views(token))

    def _warm(self) -> None:
        if self.service.curated is not None:
            try:
                self.service.curated.warm(self.service.assistant.retriever.store.embedder.embed_queries)
            except Exception:
                log.exception("could not embed the curated questions ahead of time")


def build_curated_section(service: WebService, token: Any, draft_state: Any, inquiry: Any, body: Any) -> tuple[Any, list[Any]]:
    """The two sections; returns (views handler, its outputs) so the login can fill them."""
    h = CuratedHandlers(service)
    state = gr.State({"id": None, "revision": None, "source_turn_id": None})
    with gr.Accordion("事務局回答（追加Q&A）", open=False, elem_id="koubo-curated") as curated_box:
        gr.Markdown("承認した回答は、同じ内容の質問に最初に表示され、公開ページ（/qa）に掲載されます。"
                    "資料が改訂されて引用が見つからなくなると「要確認」になり、表示されなくなります。")
        with gr.Row():
            pick = gr.Dropdown(label="事務局回答を開く", choices=[], scale=4, elem_id="koubo-curated-pick")
            open_btn = gr.Button("開く", scale=1, min_width=80, elem_id="koubo-curated-open")
            new_btn = gr.Button("新規作成", scale=1, min_width=100)
            from_draft_btn = gr.Button("返信下書きから作成", scale=1, min_width=140, elem_id="koubo-curated-from-draft")
        question = gr.Textbox(label="質問", lines=2, elem_id="koubo-curated-question", max_length=2000)
        answer = gr.Textbox(label="回答", lines=6, max_lines=30, elem_id="koubo-curated-answer", max_length=10000)
        cites = gr.Textbox(label="出典（1行に1件:「資料ID | 資料の文をそのまま」）", lines=3, max_lines=12,
                           elem_id="koubo-curated-citations")
        programme = gr.Dropdown(label="制度", choices=h._programmes(), value=NO_PROGRAMME, elem_id="koubo-curated-programme")
        with gr.Row():
            save_btn = gr.Button("承認して保存", variant="primary", elem_id="koubo-curated-save")
            retire_btn = gr.Button("取り下げ", variant="stop", elem_id="koubo-curated-retire")
            refresh_btn = gr.Button("一覧を更新", size="sm")
        note = gr.Markdown(elem_id="koubo-curated-note")
        listing = gr.HTML(curated_list_html([]), elem_id="koubo-curated-list")
    with gr.Accordion("フィードバック（低評価の回答）", open=False, elem_id="koubo-feedback"):
        with gr.Row():
            fb_pick = gr.Dropdown(label="低評価の回答を選ぶ", choices=[], scale=4, elem_id="koubo-feedback-pick")
            fb_btn = gr.Button("事務局回答の下書きにする", variant="primary", scale=2, elem_id="koubo-feedback-draft")
        fb_list = gr.HTML(feedback_html([]), elem_id="koubo-feedback-list")

    view_outs = [listing, pick, fb_list, fb_pick]
    form = [state, question, answer, cites, programme, note]
    open_btn.click(h.open, [token, pick], form)
    new_btn.click(h.new, None, form)
    # The form lives in the curated section: open it where the draft lands.
    from_draft_btn.click(h.from_draft, [token, draft_state, inquiry, body], form)
    fb_btn.click(h.from_feedback, [token, fb_pick], form).success(lambda: gr.update(open=True), None, curated_box)
    save_btn.click(h.save, [token, state, question, answer, cites, programme], [state, note, *view_outs])
    retire_btn.click(h.retire, [token, state], [state, note, *view_outs])
    refresh_btn.click(h.views, [token], view_outs)
    return h.views, view_outs
