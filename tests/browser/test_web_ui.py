"""The web UI in a real browser: ask, stream, expand a source, like + comment (stored), staff login and a draft."""

from __future__ import annotations

import re
import time

import pytest

from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

QUESTION = "大企業の補助率はいくらですか？"


def _wait_for(predicate, timeout: float = 10.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _field(page, elem_id: str):  # type: ignore[no-untyped-def]
    """The text control of a gr.Textbox (an <input> or a <textarea> depending on type and lines)."""
    return page.locator(f"#{elem_id} input, #{elem_id} textarea").first


def _ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#koubo-question textarea", question)
    page.click("#koubo-send")


def test_chat_answer_sources_feedback(web, page, artifacts):
    url, service = web
    page.goto(url + "/")
    page.wait_for_selector("#koubo-question textarea")
    banner = page.locator("#koubo-banner")
    banner.get_by_text("オフラインモード").wait_for()
    page.screenshot(path=str(artifacts / "chat-empty-desktop.png"))

    _ask(page, QUESTION)
    bot = page.locator("#koubo-chatbot .bot-row").last
    source = page.locator("#koubo-chatbot details.koubo-source").first
    source.wait_for()
    chat_text = page.locator("#koubo-chatbot").inner_text()
    assert "1/3" in chat_text and "オフラインモードの回答" in chat_text
    # the tool step is a collapsible message titled with the tool
    assert page.locator("#koubo-chatbot").get_by_text(re.compile(r"ツール: .*subsidy_rate")).count() >= 1
    assert bot.is_visible()

    summary = source.locator("summary")
    assert re.match(r"\[\d+\] .+", summary.inner_text())
    summary.click()
    passage = source.locator("blockquote")
    passage.wait_for(state="visible")
    assert "補助率" in passage.inner_text()
    page.screenshot(path=str(artifacts / "chat-answer-desktop.png"), full_page=True)
    page.locator("#koubo-chatbot [role=log]").evaluate("e => { e.scrollTop = 0; }")
    page.screenshot(path=str(artifacts / "chat-tool-step-desktop.png"))

    # the turn is stored, question and answer
    turns = _wait_for(lambda: [t for t in service.storage.turns() if t["question"] == QUESTION and t["status"] == "done"],
                      what="stored turn")
    turn_id = turns[-1]["id"]

    page.locator("#koubo-chatbot button[aria-label='Like'], #koubo-chatbot button[aria-label='いいね']").last.click()
    page.locator("#koubo-feedback-comment textarea").wait_for(state="visible")
    page.fill("#koubo-feedback-comment textarea", "分かりやすかったです")
    page.click("#koubo-feedback-send")
    fb = _wait_for(lambda: [f for f in service.storage.feedback() if f["turn_id"] == turn_id and f["comment"]],
                   what="stored feedback comment")
    assert fb[0]["rating"] == "like" and fb[0]["comment"] == "分かりやすかったです"


def test_phone_width(web, browser, artifacts):
    url, _ = web
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    ctx.set_default_timeout(20000)
    page = ctx.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_selector("#koubo-question textarea")
        _ask(page, "GENIACで申請できるGPUノード数の上限は？")
        page.locator("#koubo-chatbot details.koubo-source").first.wait_for()
        page.locator("#koubo-chatbot details.koubo-source summary").first.click()
        # nothing wider than the screen: no horizontal scrolling at 390px
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"page is {width}px wide at a 390px viewport"
        page.screenshot(path=str(artifacts / "chat-answer-phone.png"))
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("#koubo-chatbot [role=log]").evaluate("e => { e.scrollTop = 0; }")
        page.screenshot(path=str(artifacts / "chat-top-phone.png"))
    finally:
        ctx.close()


def test_staff_login_and_saved_draft(web, page, artifacts):
    url, service = web
    page.goto(url + "/")
    page.get_by_role("tab", name="スタッフ用").click()
    _field(page, "koubo-staff-user").fill(STAFF_NAME)
    _field(page, "koubo-staff-password").fill("wrong-password")
    page.click("#koubo-login-btn")
    page.locator("#koubo-login-msg").get_by_text("正しくありません").wait_for()
    assert not page.locator("#koubo-inquiry").is_visible()

    _field(page, "koubo-staff-password").fill(STAFF_PASSWORD)
    page.click("#koubo-login-btn")
    page.locator("#koubo-inquiry textarea").wait_for(state="visible")
    page.fill("#koubo-inquiry textarea",
              "件名: 補助率について\n\n株式会社テスト商事の山田と申します。\n大企業の場合の補助率を教えてください。")
    page.click("#koubo-make-draft")
    subject = _field(page, "koubo-draft-subject")
    _wait_for(lambda: subject.input_value() == "Re: 補助率について", timeout=30, what="draft subject")
    body = _field(page, "koubo-draft-body")
    assert "お世話になっております" in body.input_value()
    assert "山田" in _field(page, "koubo-draft-salutation").input_value()
    assert page.locator("#koubo-draft-sources details.koubo-source").count() >= 1
    body.fill(body.input_value() + "\n（担当者追記）")
    page.click("#koubo-save-draft")
    page.locator("#koubo-save-msg").get_by_text("を保存しました").wait_for()
    drafts = _wait_for(service.storage.list_drafts, what="stored draft")
    assert drafts[0]["author"] == STAFF_NAME and drafts[0]["body"].endswith("（担当者追記）")
    assert drafts[0]["status"] == "draft"
    page.click("#koubo-mark-sent")
    page.locator("#koubo-save-msg").get_by_text("送信済みにしました").wait_for()
    assert service.storage.get_draft(drafts[0]["id"])["status"] == "sent"
    _wait_for(lambda: "送信済み" in page.locator("#koubo-drafts").inner_text(), what="draft list shows 送信済み")
    page.screenshot(path=str(artifacts / "staff-draft-desktop.png"), full_page=True)
