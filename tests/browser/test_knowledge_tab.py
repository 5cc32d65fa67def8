"""The staff desk's knowledge section in a real browser (Chromium) at 1366×900 and 390×844: upload a document with
its programme and date, see its progress and the list, upload a new version, restore the old one, retire it.
Its own server and index per test (uploads change the index). Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.browser.test_web_ui import _context, _field, _no_overflow, _staff_login, _wait_for
from tests.web_fixtures import ServerThread, make_service

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

V1 = "1. 説明会\n\n説明会はオンラインで水曜日に開催します。参加の申込みは前日までです。\n"
V2 = "1. 説明会\n\n説明会は本省の会議室で木曜日に開催します。参加の申込みは前日までです。\n"


@pytest.fixture()
def knowledge_web(tmp_path):
    from assistant.answer.engine import Assistant
    from assistant.domain.config import PACKAGED_CORPUS, load_settings
    from corpus.ingest import ensure_index
    from serving.api import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    # The programmes a document can belong to come from the corpus folder's programme files.
    shutil.copytree(PACKAGED_CORPUS / "programmes", corpus / "programmes")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, index_reload_s=600, _env_file=None)
    ensure_index(settings)  # the composition root opens the index; answering never ingests
    service = make_service(settings, Assistant.from_settings(settings, backend="offline"), tmp_path / "db.sqlite3")
    with ServerThread(create_app(service.settings, service=service)) as srv:
        yield srv.url, service
    if service.index_watch is not None:
        service.index_watch.stop()


def _choose(page, elem_id: str, label: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=label).click()


def _upload(page, tmp_path, text: str, as_of: str, choose_file: bool = True) -> None:  # type: ignore[no-untyped-def]
    if choose_file:
        _file(page, tmp_path, text)
    _choose(page, "koubo-kn-programme", "GENIAC（基盤モデル開発の助成）")
    _field(page, "koubo-kn-asof").fill(as_of)
    page.click("#koubo-kn-upload")


def _file(page, tmp_path, text: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    page.locator("#koubo-kn-file input[type=file]").set_input_files(str(path))
    page.locator("#koubo-kn-file").get_by_text("notice.txt").first.wait_for()


def _status(page) -> str:  # type: ignore[no-untyped-def]
    box = page.locator("#koubo-kn-progress .koubo-kn-progress")
    return box.get_attribute("data-status") if box.count() else ""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_knowledge_tab_upload_versions_restore_retire(knowledge_web, browser, artifacts, tmp_path, size):
    url, service = knowledge_web
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        _staff_login(page, url)
        # the desk's tabs: replies first; documents in their own tab
        tabs = page.locator("#koubo-desk-tabs").get_by_role("tab")
        tabs.first.wait_for()
        assert tabs.all_inner_texts() == ["返信下書き", "事務局回答", "資料管理"]
        assert page.locator("#koubo-inquiry textarea").is_visible() and not page.locator("#koubo-kn-upload").is_visible()
        page.locator("#koubo-desk-tabs").get_by_role("tab", name="資料管理").click()
        docs = page.locator("#koubo-kn-docs")
        docs.get_by_text("memo").first.wait_for(timeout=60000)  # the list is there right after login
        assert "公開中" in docs.inner_text()

        # a file with no programme: a Japanese error, nothing queued
        _file(page, tmp_path, V1)
        page.click("#koubo-kn-upload")
        page.get_by_text("事業を選んでください").first.wait_for(timeout=60000)
        assert not service.knowledge.jobs()

        _upload(page, tmp_path, V1, "2024-05-01", choose_file=False)
        _wait_for(lambda: _status(page) == "done", timeout=120, what="first upload")
        assert "版 1 を公開しました" in page.locator("#koubo-kn-progress").inner_text()
        docs.get_by_text("notice").first.wait_for(timeout=60000)
        assert "2024年5月1日" in docs.inner_text()
        page.screenshot(path=str(artifacts / f"knowledge-uploaded-{size}.png"), full_page=True)

        _upload(page, tmp_path, V2, "2024-06-15")
        _wait_for(lambda: _status(page) == "done" and "版 2" in page.locator("#koubo-kn-progress").inner_text(),
                  timeout=120, what="second upload")
        _choose(page, "koubo-kn-pick", "notice（公開中）")
        history = page.locator("#koubo-kn-history")
        history.get_by_text("公開停止").wait_for(timeout=60000)
        rows = history.locator("tbody tr")
        assert rows.count() == 2 and "公開中" in rows.nth(1).inner_text() and "2024年6月15日" in rows.nth(1).inner_text()
        assert "規程チェック" in page.locator("#koubo-kn-check").inner_text()

        _choose(page, "koubo-kn-version", re.compile(r"^版 1（公開停止"))
        page.click("#koubo-kn-restore")
        _wait_for(lambda: "版 1 を公開しました" in page.locator("#koubo-kn-progress").inner_text(), timeout=120,
                  what="restore")
        _wait_for(lambda: "公開中" in page.locator("#koubo-kn-history tbody tr").nth(0).inner_text(), timeout=60, what="history")
        assert any("水曜日" in p.chunk.text for p in service.assistant.retriever.search("説明会 曜日", 3))

        page.click("#koubo-kn-retire")
        _wait_for(lambda: "公開を停止しました" in page.locator("#koubo-kn-progress").inner_text(), timeout=120,
                  what="retire")
        _wait_for(lambda: "notice" in docs.inner_text() and "公開停止" in docs.inner_text(), timeout=60, what="retired in list")
        assert not any("曜日" in p.chunk.text for p in service.assistant.retriever.search("説明会 曜日", 3))
        _no_overflow(page, "knowledge section")
        page.locator("#koubo-knowledge").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"knowledge-{size}.png"), full_page=True)
    finally:
        ctx.close()
