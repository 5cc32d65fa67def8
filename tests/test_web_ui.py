"""The web UI's server side: display data (render.py), the SSE stream and history endpoints, feedback, staff desk.

The browser tests (tests/browser) drive the same code end to end in Chromium.
"""

from __future__ import annotations

import json

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from assistant.answer.engine import Assistant
from assistant.domain.schema import Answer, Citation, ToolCallRecord
from assistant.testing import scripted_tool_message
from serving.api import SESSION_COOKIE, create_app
from serving.web import render
from serving.web.chat import Feedback
from serving.web.staff import StaffHandlers
from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD, SlowChatModel, make_service

QUESTION = "大企業の補助率はいくらですか？"


@pytest.fixture()
def service(index_settings, offline_assistant, tmp_path):
    return make_service(index_settings, offline_assistant, tmp_path / "koubo.sqlite3")


@pytest.fixture()
def client(service):
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        yield c


def _events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def _stream(client: TestClient, **body) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    with client.stream("POST", "/api/ask/stream", json=body) as resp:
        assert resp.status_code == 200, resp.read()
        assert resp.headers["content-type"].startswith("text/event-stream")
        return _events("".join(resp.iter_text()))


# --- display data ------------------------------------------------------------------------------------------------
def _cite(marker: int, section: str, quote: str, doc: str = "geniac-compute-resources") -> Citation:
    return Citation(marker=marker, chunk_id=f"c{marker}", doc=doc, title="計算リソースについて", section=section,
                    quote=quote)


def test_sources_are_merged_by_document_and_section_keeping_numbers():
    cites = [_cite(1, "3．補助率", "A"), _cite(2, "4．対象", "B"), _cite(3, "3．補助率", "C"), _cite(4, "3．補助率", "A")]
    groups = render.source_groups(cites)
    assert [(g["section"], g["markers"]) for g in groups] == [("3．補助率", [1, 3, 4]), ("4．対象", [2])]
    assert groups[0]["passages"] == [{"markers": [1, 4], "text": "A"}, {"markers": [3], "text": "C"}]


def test_sources_name_document_section_and_provenance(service):
    groups = render.source_groups([_cite(1, "3．補助率", "A")], service.documents)
    g = groups[0]
    assert (g["title"], g["section"], g["file"]) == ("計算リソースについて", "3．補助率", "geniac-compute-resources.txt")
    assert g["issuer"] == "経済産業省 商務情報政策局"
    assert render.source_line(g) == "[1] 計算リソースについて › 3．補助率（経済産業省 商務情報政策局、2024、geniac-compute-resources.txt）"


def test_copy_text_is_the_answer_and_a_plain_numbered_source_list():
    answer = Answer(question="q", text="補助率は1/2です[1]。上限は未定です[2]。\n\n※ オフラインです。",
                    notice="※ オフラインです。", citations=[_cite(1, "3．補助率", "<b>x</b>"), _cite(2, "3．補助率", "y")])
    view = render.answer_view(answer)
    assert view["text"] == "補助率は1/2です[1]。上限は未定です[2]。"  # the notice is shown once, as the footer
    assert view["notice"] == "※ オフラインです。"
    assert view["copy_text"] == "補助率は1/2です[1]。上限は未定です[2]。\n\n出典:\n[1][2] 計算リソースについて › 3．補助率"
    assert "<" not in view["copy_text"]


def test_staff_sources_html_escapes_and_links_only_http():
    quote = '詳細は https://www.meti.go.jp/a?b=1&c=2 を参照。<script>alert(1)</script> javascript:alert(1)'
    out = render.sources_html([_cite(1, "<i>節</i>", quote)])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;i&gt;節&lt;/i&gt;" in out
    assert '<a href="https://www.meti.go.jp/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">' in out
    assert 'href="javascript' not in out


def test_tool_step_reads_as_japanese():
    record = ToolCallRecord(
        name="subsidy_rate", args={"programme": "ai-compute-infra", "org_kind": "company", "employees": 5000},
        result={"explanation": "大企業その他の補助率は1/3以内です。根拠は…。", "caveats": ["上限額は未定です。"],
                "programme_ja": "AI計算基盤の整備補助"},
    )
    v = render.tool_view(record)
    assert v["summary"] == "補助率の確認 → 大企業その他の補助率は1/3以内です。"
    assert v["inputs"] == [{"label": "対象の公募", "value": "AI計算基盤の整備補助"},
                           {"label": "申請者の組織の種類", "value": "企業"},
                           {"label": "常時使用する従業員数（単体、人）", "value": "5,000"}]
    assert v["caveats"] == ["上限額は未定です。"]
    assert json.loads(v["raw"])["args"]["employees"] == 5000
    err = render.tool_view(ToolCallRecord(name="gpu_node_plan", args={}, ok=False, error="ノード数を指定してください。"))
    assert err["summary"] == "GPUノード数の確認 → エラー：ノード数を指定してください。" and err["ok"] is False


# --- the stream and history endpoints ----------------------------------------------------------------------------
def test_stream_sends_start_status_tools_tokens_final_and_stores_under_the_session(client, service):
    events = _stream(client, question=QUESTION)
    kinds = [k for k, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "final" and "status" in kinds and "token" in kinds
    assert "tool_call" in kinds and kinds.index("tool_call") < kinds.index("token")
    start, final = events[0][1], events[-1][1]
    assert final["turn_id"] == start["turn_id"] and final["conversation_id"] == start["conversation_id"]
    tool = next(d for k, d in events if k == "tool_call")
    assert tool["name"] == "subsidy_rate" and tool["view"]["summary"].startswith("補助率の確認 → ")
    # the final event is /api/ask's JSON plus the display data
    plain = client.post("/api/ask", json={"question": QUESTION}).json()
    assert set(plain) - {"turn_id"} <= set(final)
    assert final["citations"] and final["view"]["sources"] and "出典:" in final["view"]["copy_text"]
    sid = client.cookies.get(SESSION_COOKIE)
    turn = service.storage.get_turn(final["turn_id"])
    assert turn["status"] == "done" and turn["session_id"] == sid and turn["channel"] == "web"


def test_history_lists_and_reopens_only_this_browsers_conversations(client, service):
    first = _stream(client, question=QUESTION)[-1][1]
    cid = first["conversation_id"]
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["text"]}]
    _stream(client, question="中小企業の場合は？", history=history, conversation_id=cid)
    _stream(client, question="GPUノード数の上限は？")
    listed = client.get("/api/conversations").json()
    assert [c["title"] for c in listed] == ["GPUノード数の上限は？", QUESTION]
    assert listed[1]["turns"] == 2 and listed[1]["conversation_id"] == cid
    opened = client.get(f"/api/conversations/{cid}").json()
    assert [t["question"] for t in opened["turns"]] == [QUESTION, "中小企業の場合は？"]
    assert opened["turns"][0]["answer"]["view"]["sources"]

    other = TestClient(client.app)
    assert other.get("/api/conversations").json() == []
    resp = other.get(f"/api/conversations/{cid}")
    assert resp.status_code == 404 and "見つかりません" in resp.json()["message"]


def test_stream_validates_like_ask(client, service):
    long_q = "補" * (service.settings.max_question_chars + 1)
    for body, status in [({"question": "  "}, 422), ({"question": long_q}, 413), ({"history": []}, 422)]:
        resp = client.post("/api/ask/stream", json=body)
        assert resp.status_code == status and set(resp.json()) == {"message", "detail"}
    assert service.storage.turns() == []


def test_stream_with_an_llm_sends_tokens_as_they_come(index_settings, retriever, tmp_path):
    script = [
        scripted_tool_message("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company",
                                               "employees": 5000}),
        "大企業の補助率は1/3以内です[1]。上限額は事前調査を踏まえて決まります[1]。",
    ]
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=SlowChatModel(script=script, delay=0))
    service = make_service(index_settings, assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        events = _stream(c, question=QUESTION)
    tokens = [d["text"] for k, d in events if k == "token"]
    assert len(tokens) > 4 and "".join(tokens).startswith("大企業の補助率は1/3以内です[1]")
    final = events[-1][1]
    assert final["backend"] == "llm" and final["view"]["sources"][0]["markers"] == [1]


# --- feedback and staff desk ---------------------------------------------------------------------------------------
def test_feedback_functions_store_rating_and_comment(client, service):
    final = _stream(client, question=QUESTION)[-1][1]
    fb = Feedback(service)
    fid = fb.rate(final["turn_id"], "dislike")
    assert fb.comment(fid, "根拠の記載が欲しい") is True
    assert [(f["turn_id"], f["rating"], f["comment"]) for f in service.storage.feedback()] == [
        (final["turn_id"], "dislike", "根拠の記載が欲しい")]
    assert fb.rate(999999, "like") is None and fb.rate(final["turn_id"], "love") is None


def test_page_is_japanese_and_login_shows_no_setup_help(index_settings, offline_assistant, tmp_path):
    service = make_service(index_settings, offline_assistant, tmp_path / "db.sqlite3", staff_users={})
    service.auth = type(service.auth)({}, "secret")
    with TestClient(create_app(service.settings, service=service)) as c:
        page = c.get("/")
        config = c.get("/config").text
    assert page.status_code == 200 and '<html\n\tlang="ja"' in page.text.replace("\r", "")
    assert "add-staff" not in config and "KOUBO_STAFF_USERS" not in config
    assert "新しい会話" in config and "Enter で送信" in config


def test_staff_handlers_require_login(service):
    s = StaffHandlers(service)
    with pytest.raises(gr.Error):
        s.make_draft(None, "補助率は？")
    out = s.login(STAFF_NAME, "wrong")
    assert out[0] is None and "正しくありません" in out[3]
    token = s.login(STAFF_NAME, STAFF_PASSWORD)[0]
    current, subject, salutation, body, signature, sources, _ = s.make_draft(
        token, "件名: 補助率\n株式会社テストの山田と申します。\n大企業の補助率を教えてください。")
    assert subject == "Re: 補助率" and "koubo-source" in sources
    current, msg, rows, _ = s.save(token, current, "", subject, salutation, body + "\n追記", signature)
    assert "保存しました" in msg and f"<td>{current['id']}</td>" in rows
    current, msg, rows, _ = s.mark_sent(token, current, "", subject, salutation, body + "\n追記", signature)
    assert "送信済み" in msg and service.storage.get_draft(current["id"])["status"] == "sent"
    path = s.download(token, current, "eml", subject, salutation, body, signature)["value"]
    with open(path, "rb") as f:
        raw = f.read()
    assert b"Subject: Re: =?utf-8?b?" in raw and b"charset=\"utf-8\"" in raw
    txt = s.download(token, current, "txt", subject, salutation, body, signature)["value"]
    with open(txt, encoding="utf-8") as f:
        assert f.read().startswith("件名: Re: 補助率")
