"""The documents API (issue #15), over real HTTP on 127.0.0.1: staff upload a document (multipart) and get a job,
the job reports progress and the running server switches to the new generation; documents and versions are
listed; retire and restore; bad input (corrupt file, unknown programme, wrong type, a concurrent upload of the
same document, too large, no login) gets a Japanese message and changes nothing."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time

import httpx
import pytest

from assistant.answer.engine import Assistant
from assistant.domain.config import PACKAGED_CORPUS, load_settings
from corpus.ingest import ensure_index
from serving.api import create_app
from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD, ServerThread, make_service

AUTH = (STAFF_NAME, STAFF_PASSWORD)
NOTICE_V1 = "1. 説明会\n\n説明会はオンラインで水曜日に開催します。参加の申込みは前日までです。\n".encode()
NOTICE_V2 = "1. 説明会\n\n説明会は本省の会議室で木曜日に開催します。参加の申込みは前日までです。\n".encode()
QUESTION = "説明会は何曜日に開催しますか？"


@pytest.fixture()
def server(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    shutil.copytree(PACKAGED_CORPUS / "programmes", corpus / "programmes")  # the programmes uploads belong to
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, index_reload_s=600,
                             max_file_mb=0.5, max_body_bytes=4096, _env_file=None)
    ensure_index(settings)  # the composition root opens the index; answering never ingests
    assistant = Assistant.from_settings(settings, backend="offline")
    service = make_service(settings, assistant, tmp_path / "koubo.sqlite3")
    with ServerThread(create_app(service.settings, service=service, mount_ui=False)) as srv:
        yield srv.url, service
    if service.index_watch is not None:
        service.index_watch.stop()


def _upload(url: str, name: str, data: bytes, auth=AUTH, **form: str) -> httpx.Response:
    fields = {"programme": "geniac", **form}
    return httpx.post(f"{url}/api/documents", files={"file": (name, data)}, data=fields, auth=auth, timeout=60)


def _wait(url: str, job_id: str) -> dict:
    deadline = time.monotonic() + 300  # hang guard only
    seen = []
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/api/jobs/{job_id}", auth=AUTH, timeout=30).json()
        seen.append(job["stage"])
        if job["status"] in ("done", "failed"):
            job["seen"] = seen
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def _ask(url: str) -> dict:
    return httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60).json()


def test_upload_new_version_retire_restore_over_http(server):
    url, _ = server
    r = _upload(url, "notice.txt", NOTICE_V1, as_of="2024-05-01")
    assert r.status_code == 202, r.text
    job = _wait(url, r.json()["job_id"])
    assert job["status"] == "done" and job["version"] == 1 and job["progress"] == 1.0, job
    assert "版 1 を公開しました" in job["message"]
    # the running server answers from the new generation at once
    answer = _ask(url)
    cited = [c for c in answer["citations"] if c["doc"] == "notice"]
    assert cited and cited[0]["doc_version"] == 1 and cited[0]["doc_as_of"] == "2024-05-01", answer
    assert "2024年5月1日時点の資料" in answer["notice"]

    r = _upload(url, "notice.txt", NOTICE_V2, as_of="2024-06-15")
    job = _wait(url, r.json()["job_id"])
    assert job["status"] == "done" and job["version"] == 2 and "版 1 は履歴に残しています" in job["message"]
    assert "embedding" in job["seen"] or "writing" in job["seen"] or job["seen"][-1] == "done"
    docs = {d["doc_id"]: d for d in httpx.get(f"{url}/api/documents", auth=AUTH).json()}
    assert docs["notice"]["active_version"] == 2 and docs["notice"]["versions"] == 2
    assert docs["notice"]["programme"] == "geniac" and docs["notice"]["as_of"] == "2024-06-15"
    versions = httpx.get(f"{url}/api/documents/notice", auth=AUTH).json()["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "retired"), (2, "active")]
    assert any("木曜日" in c["quote"] for c in _ask(url)["citations"])
    # the passage the first answer cited is still there, by chunk id and version (public, for stored answers)
    old = httpx.get(f"{url}/api/passages/{cited[0]['chunk_id']}", params={"version": 1, "doc": "notice"}).json()
    assert old["text"] == cited[0]["quote"] and old["status"] == "retired"

    r = httpx.post(f"{url}/api/documents/notice/restore", json={"version": 1}, auth=AUTH)
    assert r.status_code == 202 and _wait(url, r.json()["job_id"])["status"] == "done"
    assert any("水曜日" in c["quote"] for c in _ask(url)["citations"])

    r = httpx.post(f"{url}/api/documents/notice/retire", auth=AUTH)
    assert r.status_code == 202 and _wait(url, r.json()["job_id"])["status"] == "done"
    assert not any(c["doc"] == "notice" for c in _ask(url)["citations"])
    r = httpx.post(f"{url}/api/documents/notice/retire", auth=AUTH)
    assert r.status_code == 409 and "すでに公開を停止" in r.json()["message"]


def test_bad_uploads_get_japanese_messages_and_change_nothing(server):
    url, service = server
    before = httpx.get(f"{url}/api/documents", auth=AUTH).json()
    generation = service.assistant.retriever.generation

    r = _upload(url, "notice.txt", NOTICE_V1, auth=None)
    assert r.status_code == 401 and "ログイン" in r.json()["message"]
    r = _upload(url, "notice.txt", NOTICE_V1, programme="no-such-programme")
    assert r.status_code == 422 and "登録されていません" in r.json()["message"]
    r = _upload(url, "tool.exe", b"MZ\x90\x00")
    assert r.status_code == 415 and "取り込めない形式" in r.json()["message"]
    r = _upload(url, "notice.txt", NOTICE_V1, as_of="2024-02-30")
    assert r.status_code == 422 and "日付" in r.json()["message"]
    r = _upload(url, "notice.txt", NOTICE_V1, doc_id="../../etc")
    assert r.status_code == 422 and "文書ID" in r.json()["message"]
    # larger than KOUBO_MAX_BODY_BYTES (4 KB here) is fine on this endpoint, up to KOUBO_MAX_FILE_MB (0.5 MB)
    big = ("1. 資料\n\n" + "計算資源の確保について。\n" * 2000).encode()
    assert 4096 < len(big) < 0.5 * 2**20
    r = httpx.post(f"{url}/api/ask", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"})
    assert r.status_code == 413  # other endpoints keep their limit
    r = _upload(url, "huge.txt", b"a" * (2**20))
    assert r.status_code == 413 and "大きすぎ" in r.json()["message"]
    # a corrupt PDF: the job fails with the loader's Japanese message; nothing served changes
    r = _upload(url, "broken.pdf", b"%PDF-1.7\n" + os.urandom(2000))
    assert r.status_code == 202
    job = _wait(url, r.json()["job_id"])
    assert job["status"] == "failed" and "公開中の資料は変わっていません" in job["message"], job
    assert job["error"]  # the cause, in English, for developers
    assert httpx.get(f"{url}/api/documents", auth=AUTH).json() == before
    assert service.assistant.retriever.generation == generation
    assert not (service.settings.data_dir / "uploads" / "broken").exists() or not any(
        (service.settings.data_dir / "uploads" / "broken").iterdir())
    # an empty "new version" of a served document: refused, the served version stays
    r = _upload(url, "memo.txt", b"\n \n", doc_id="memo")
    job = _wait(url, r.json()["job_id"])
    assert job["status"] == "failed" and "公開中の資料は変わっていません" in job["message"]
    assert httpx.get(f"{url}/api/documents", auth=AUTH).json() == before
    assert any("計算資源" in c["text"] for c in httpx.post(f"{url}/api/ask", json={"question": "計算資源の確保"},
                                                          timeout=60).json()["retrieved"])
    assert httpx.get(f"{url}/api/jobs/nope", auth=AUTH).status_code == 404
    assert httpx.get(f"{url}/api/documents/nope", auth=AUTH).status_code == 404
    assert httpx.post(f"{url}/api/documents/nope/retire", auth=AUTH).status_code == 404
    r = httpx.get(f"{url}/api/passages/0123456789", params={"version": 2**40})
    assert r.status_code == 422


def test_a_concurrent_upload_of_the_same_document_is_refused_and_loses_nothing(server):
    url, service = server
    # Hold the ingest lock (as another ingest would): the first upload's job waits for it.
    lock = os.open(service.settings.index_dir / ".ingest.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        first = _upload(url, "notice.txt", NOTICE_V1)
        assert first.status_code == 202
        second = _upload(url, "notice.txt", NOTICE_V2)
        assert second.status_code == 409
        assert "取り込み中" in second.json()["message"] and first.json()["job_id"][:8] in second.json()["message"]
        other = _upload(url, "other.txt", "1. 別紙\n\n提出書類の様式は別紙のとおりです。\n".encode())
        assert other.status_code == 202  # another document queues behind it
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    assert _wait(url, first.json()["job_id"])["status"] == "done"
    assert _wait(url, other.json()["job_id"])["status"] == "done"
    docs = {d["doc_id"]: d for d in httpx.get(f"{url}/api/documents", auth=AUTH).json()}
    assert docs["notice"]["versions"] == 1 and docs["other"]["active_version"] == 1
    body = json.dumps({"question": QUESTION})
    assert any("水曜日" in c["quote"] for c in httpx.post(f"{url}/api/ask", content=body,
                                                        headers={"content-type": "application/json"}).json()["citations"])
