"""Chat/staff handlers of the Gradio app, called directly (the browser tests drive the same code end to end)."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.engine import Assistant
from assistant.testing import scripted_tool_message
from serving.web.chat import ChatHandlers, history_of, new_state
from serving.web.staff import StaffHandlers
from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD, SlowChatModel, make_service

QUESTION = "大企業の補助率はいくらですか？"


@pytest.fixture()
def service(index_settings, offline_assistant, tmp_path):
    return make_service(index_settings, offline_assistant, tmp_path / "koubo.sqlite3")


def _run(gen):  # type: ignore[no-untyped-def]
    updates = list(gen)
    return updates, updates[-1]


def test_llm_stream_shows_tool_step_tokens_and_sources(index_settings, retriever, tmp_path):
    script = [
        scripted_tool_message("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company",
                                               "employees": 5000}),
        "大企業の補助率は1/3以内です[1]。",
    ]
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=SlowChatModel(script=script, delay=0))
    service = make_service(index_settings, assistant, tmp_path / "db.sqlite3")
    updates, (messages, state, box) = _run(ChatHandlers(service).respond(QUESTION, new_state()))
    assert box == ""
    assert len(updates) > 4, "tokens must stream as separate updates"
    assert messages[0] == {"role": "user", "content": QUESTION}
    tool = messages[1]
    assert tool["metadata"]["title"].startswith("ツール: 補助率の確認") and tool["metadata"]["status"] == "done"
    assert '"employees": 5000' in tool["content"] and "結果" in tool["content"]
    answer = messages[-1]["content"]
    assert "1/3以内です[1]" in answer and 'class="koubo-source"' in answer
    assert "オフラインモードの回答" not in answer
    turn = service.storage.get_turn(state["turns"][0]["turn_id"])
    assert turn["status"] == "done" and turn["backend"] == "llm" and turn["channel"] == "web"


def test_offline_answer_like_comment_undo_retry(service):
    h = ChatHandlers(service)
    _, (messages, state, _) = _run(h.respond(QUESTION, new_state()))
    assert "オフラインモードの回答" in messages[-1]["content"]
    _, (messages, state, _) = _run(h.respond("中小企業の場合は？", state))
    assert [t["role"] for t in history_of(state)] == ["user", "assistant", "user", "assistant"]

    # like the second answer (its last message), then comment
    second_turn = state["turns"][1]["turn_id"]
    state, group, _, note = h.on_like(state, SimpleNamespace(index=len(messages) - 1, liked=False))
    assert group["visible"] is True and "不十分" in note
    state, group, _ = h.on_comment("根拠の記載が欲しい", state)
    fb = service.storage.feedback()
    assert [(f["turn_id"], f["rating"], f["comment"]) for f in fb] == [(second_turn, "dislike", "根拠の記載が欲しい")]

    # undo the second turn: the question goes back to the textbox
    __, state, box = h.on_undo(state, SimpleNamespace(index=len(messages) - 1))
    assert box == "中小企業の場合は？" and len(state["turns"]) == 1

    # retry the first: a new stored turn replaces it
    _, (_messages3, state, _) = _run(h.on_retry(state, SimpleNamespace(index=0), None))
    assert len(state["turns"]) == 1 and state["turns"][0]["turn_id"] not in (second_turn,)
    assert len(service.storage.turns()) == 3


def test_input_limits_in_the_ui(service):
    h = ChatHandlers(service)
    long_q = "補" * (service.settings.max_question_chars + 1)
    _, (messages, _state, box) = _run(h.respond(long_q, new_state()))
    assert messages == [] and box == long_q and service.storage.turns() == []
    _, (messages, _, _) = _run(h.respond("   ", new_state()))
    assert messages == []


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
    assert "保存しました" in msg and rows[0][0] == current["id"]
    path = s.download(token, current, "eml", subject, salutation, body, signature)["value"]
    with open(path, "rb") as f:
        raw = f.read()
    assert b"Subject: Re: =?utf-8?b?" in raw and b"charset=\"utf-8\"" in raw
    txt = s.download(token, current, "txt", subject, salutation, body, signature)["value"]
    with open(txt, encoding="utf-8") as f:
        assert f.read().startswith("件名: Re: 補助率")
