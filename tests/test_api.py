"""HTTP API: ask, health, limits, staff auth, drafts, export, feedback, and a slow answer not blocking others."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.answer.engine import Assistant
from serving.api import create_app
from tests.web_fixtures import (
    STAFF_NAME,
    STAFF_PASSWORD,
    DyingChatModel,
    ServerThread,
    SlowChatModel,
    make_service,
)

QUESTION = "大企業の補助率はいくらですか？"
INQUIRY = "件名: 補助率について\n\n株式会社テスト商事の山田と申します。\n大企業の場合の補助率を教えてください。"


@pytest.fixture()
def service(index_settings, offline_assistant, tmp_path):
    return make_service(index_settings, offline_assistant, tmp_path / "koubo.sqlite3")


@pytest.fixture()
def client(service):
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        yield c


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _assert_error(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"message", "detail"}
    assert _japanese(body["message"]), body
    assert body["detail"] and body["detail"].isascii(), body
    return body


def test_ask_returns_answer_json_and_stores_the_turn(client, service):
    resp = client.post("/api/ask", json={"question": QUESTION})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["backend"] == "offline"
    assert body["refused"] is False and body["partial"] is False
    assert body["citations"], "an offline answer about subsidy rates must cite the documents"
    for c in body["citations"]:
        assert f"[{c['marker']}]" in body["text"]
        assert c["doc"] in {"geniac-foundation-model-presurvey", "geniac-compute-resources", "ai-compute-infra-presurvey"}
    assert any(t["name"] == "subsidy_rate" for t in body["tool_calls"])
    assert "1/3" in body["text"]
    turn = service.storage.get_turn(body["turn_id"])
    assert turn["status"] == "done" and turn["channel"] == "api" and turn["question"] == QUESTION
    assert turn["answer_text"] == body["text"] and turn["backend"] == "offline"
    assert turn["citations"] == body["citations"]


def test_ask_with_history_condenses_follow_up(client):
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "1/3以内です。"}]
    resp = client.post("/api/ask", json={"question": "中小企業の場合は？", "history": history})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert QUESTION.rstrip("？") in (body["standalone_query"] or "")
    assert "1/2" in body["text"]


def test_health_reports_llm_index_and_version(client):
    resp = client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["version"]
    assert body["backend"] == "offline"
    assert body["llm"]["configured"] is False and body["llm"]["ok"] is False
    assert body["index"]["chunks"] > 10


def test_openapi_documents_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/draft-reply", "/api/health", "/api/export"} <= set(paths)


def test_too_long_question_is_413_with_japanese_message(client, service):
    limit = service.settings.max_question_chars
    body = _assert_error(client.post("/api/ask", json={"question": "補" * (limit + 1)}), 413)
    assert str(limit) in body["message"]
    assert service.storage.turns() == []


@pytest.mark.parametrize("payload", [{"question": "   "}, {}, {"question": QUESTION, "history": [{"role": "x"}]}])
def test_bad_input_is_422_with_japanese_message(client, payload):
    _assert_error(client.post("/api/ask", json=payload), 422)


def test_invalid_json_is_422(client):
    _assert_error(client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"}), 422)


def test_rate_limit_per_client_is_429(index_settings, offline_assistant, tmp_path):
    service = make_service(index_settings, offline_assistant, tmp_path / "db.sqlite3", rate_limit_per_minute=2)
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        resp = c.post("/api/ask", json={"question": QUESTION})
        _assert_error(resp, 429)
        assert int(resp.headers["retry-after"]) >= 1
        assert c.get("/api/health").status_code == 200  # health is not rate limited
    # another client has its own window
    assert service.limiter.hit("10.0.0.2") is None


def test_draft_reply_requires_staff(client):
    resp = client.post("/api/draft-reply", json={"inquiry": INQUIRY})
    _assert_error(resp, 401)
    assert resp.headers["www-authenticate"].startswith("Basic")
    _assert_error(client.post("/api/draft-reply", json={"inquiry": INQUIRY}, auth=(STAFF_NAME, "wrong")), 401)
    _assert_error(client.post("/api/draft-reply", json={"inquiry": INQUIRY},
                              headers={"Authorization": "Bearer forged.123.sig"}), 401)
    _assert_error(client.get("/api/export"), 401)
    _assert_error(client.get("/api/drafts"), 401)


def test_draft_reply_with_basic_auth(client, service):
    resp = client.post("/api/draft-reply", json={"inquiry": INQUIRY, "save": True}, auth=(STAFF_NAME, STAFF_PASSWORD))
    assert resp.status_code == 200, resp.text
    d = resp.json()
    assert d["subject"] == "Re: 補助率について"
    assert "山田" in d["salutation"] and d["salutation"].endswith("様")
    assert "お世話になっております" in d["body"] and d["signature"]
    assert d["email"].startswith(f"件名: {d['subject']}")
    # Sources in letter form and a numbered reference list, not [n] markers (issue #14).
    assert d["citations"] and "[1]" not in d["body"] and "（出典：" in d["body"]
    refs = d["body"].split("【参考資料】")[1].strip().splitlines()
    assert [f"{c['marker']}." for c in d["citations"]] == [r.split()[0] for r in refs]
    stored = service.storage.get_draft(d["draft_id"])
    assert stored["author"] == STAFF_NAME and stored["status"] == "draft" and stored["body"] == d["body"]
    listed = client.get("/api/drafts", auth=(STAFF_NAME, STAFF_PASSWORD)).json()
    assert [x["id"] for x in listed] == [d["draft_id"]]


def test_login_cookie_and_bearer_token(client):
    _assert_error(client.post("/api/login", json={"name": STAFF_NAME, "password": "nope"}), 401)
    resp = client.post("/api/login", json={"name": STAFF_NAME, "password": STAFF_PASSWORD})
    assert resp.status_code == 200
    token = resp.json()["token"]
    assert client.cookies.get("koubo_staff") == token
    assert client.post("/api/draft-reply", json={"inquiry": INQUIRY}).status_code == 200  # via cookie
    client.post("/api/logout")
    client.cookies.clear()
    assert client.post("/api/draft-reply", json={"inquiry": INQUIRY}).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/draft-reply", json={"inquiry": INQUIRY}, headers=headers).status_code == 200


def test_empty_and_huge_inquiry(client):
    auth = (STAFF_NAME, STAFF_PASSWORD)
    _assert_error(client.post("/api/draft-reply", json={"inquiry": "  "}, auth=auth), 422)
    _assert_error(client.post("/api/draft-reply", json={"inquiry": "あ" * 9000}, auth=auth), 413)


def test_feedback_and_export(client, service):
    turn_id = client.post("/api/ask", json={"question": QUESTION}).json()["turn_id"]
    _assert_error(client.post("/api/feedback", json={"turn_id": 999999, "rating": "like"}), 404)
    _assert_error(client.post("/api/feedback", json={"turn_id": turn_id, "rating": "meh"}), 422)
    assert client.post("/api/feedback", json={"turn_id": turn_id, "rating": "dislike",
                                              "comment": "上限額も知りたい"}).status_code == 200
    resp = client.get("/api/export", auth=(STAFF_NAME, STAFF_PASSWORD))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in resp.text.splitlines()]
    turns = [x for x in lines if x["type"] == "turn"]
    feedback = [x for x in lines if x["type"] == "feedback"]
    assert [t["id"] for t in turns] == [turn_id]
    assert len(feedback) == 1
    fb = feedback[0]
    assert set(fb) == {"type", "rating", "comment", "question", "answer", "history", "citations", "created_at"}
    assert fb["rating"] == "dislike" and fb["comment"] == "上限額も知りたい" and fb["question"] == QUESTION
    assert fb["answer"] == turns[0]["answer"] and fb["citations"] == turns[0]["citations"] and fb["history"] == []


def test_llm_answer_through_the_api(index_settings, retriever, tmp_path):
    model = SlowChatModel(script=["大企業の補助率は1/3以内です[1]。"], delay=0.0)
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=model)
    service = make_service(index_settings, assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        body = c.post("/api/ask", json={"question": QUESTION}).json()
    assert body["backend"] == "llm"
    assert body["text"] == "大企業の補助率は1/3以内です[1]。"
    assert [c["marker"] for c in body["citations"]] == [1]


def test_llm_dying_mid_answer_keeps_partial_turn(index_settings, retriever, tmp_path):
    model = DyingChatModel(partial="大企業の補助率は")
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=model)
    service = make_service(index_settings, assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service, mount_ui=False)) as c:
        body = c.post("/api/ask", json={"question": QUESTION}).json()
    assert body["partial"] is True and body["backend"] == "offline"
    assert body["text"].startswith("大企業の補助率は")
    turn = service.storage.get_turn(body["turn_id"])
    assert turn["status"] == "partial" and turn["partial"] is True
    assert turn["answer_text"].startswith("大企業の補助率は")


def test_slow_answer_does_not_block_other_requests(index_settings, retriever, tmp_path):
    """A real server: while one /api/ask waits on a slow LLM, health and another client's request get through."""
    answer = "大企業の補助率は1/3以内です[1]。" * 2
    model = SlowChatModel(script=[answer], delay=0.25)  # ~8 pieces → ~2 s
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=model)
    service = make_service(index_settings, assistant, tmp_path / "db.sqlite3")
    app = create_app(service.settings, service=service, mount_ui=False)
    with ServerThread(app) as srv:
        result: dict = {}

        def slow() -> None:
            t = time.monotonic()
            result["resp"] = httpx.post(f"{srv.url}/api/ask", json={"question": QUESTION}, timeout=30)
            result["elapsed"] = time.monotonic() - t

        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.6)  # the slow answer is now streaming from the model
        health = httpx.get(f"{srv.url}/api/health", timeout=10)
        # Ordering, not a stopwatch: health answered while the slow answer was still in flight.
        slow_still_running = th.is_alive()
        th.join(timeout=30)
    assert health.status_code == 200
    assert result["resp"].status_code == 200 and result["resp"].json()["backend"] == "llm"
    assert result["elapsed"] > 1.5
    assert slow_still_running, "health only answered after the slow answer had finished"
