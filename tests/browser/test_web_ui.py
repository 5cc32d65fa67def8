"""The web UI in a real browser (Chromium), at a phone (390×844) and a desktop (1366×900) size.

Offline mode for the chat flow; a gated scripted LLM for streaming. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.web_fixtures import STAFF_NAME, STAFF_PASSWORD, GatedChatModel, ServerThread, make_service

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

QUESTION = "大企業の補助率はいくらですか？"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
ENGLISH_NAMES = re.compile(r"^(Copy|Like|Dislike|Retry|Undo|Clear|Submit|Stop|Textbox|Select example|Warning|Info)",
                           re.IGNORECASE)


def _wait_for(predicate, timeout: float = 15.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _context(browser, size: str):  # type: ignore[no-untyped-def]
    w, h = VIEWPORTS[size]
    phone = size == "phone"
    ctx = browser.new_context(viewport={"width": w, "height": h}, locale="en-US", device_scale_factor=2 if phone else 1,
                              is_mobile=phone, has_touch=phone)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    ctx.set_default_timeout(20000)
    return ctx


def _no_overflow(page, where: str) -> None:  # type: ignore[no-untyped-def]
    # A phone browser widens its layout viewport to fit wide content, so innerWidth is checked too.
    width = page.viewport_size["width"]
    sw, iw = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sw <= iw == width, f"{where}: page is {sw}px wide, window {iw}px, screen {width}px"


def _open_chat(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/")
    page.wait_for_selector(".koubo-chat[data-loaded='1']")


def _field(page, elem_id: str):  # type: ignore[no-untyped-def]
    """The text control of a gr.Textbox (an <input> or a <textarea> depending on type and lines)."""
    return page.locator(f"#{elem_id} input, #{elem_id} textarea").first


def _staff_login(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open the app, go to the staff tab and log in as the test staff user."""
    page.goto(url + "/")
    page.get_by_role("tab", name="スタッフ用").click()
    _field(page, "koubo-staff-user").fill(STAFF_NAME)
    _field(page, "koubo-staff-password").fill(STAFF_PASSWORD)
    page.click("#koubo-login-btn")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_chat_keyboard_sources_copy_history_layout(web, browser, artifacts, size):
    url, service = web
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        _open_chat(page, url)
        # Japanese page, Japanese names for the input and every button, even in an English browser
        assert page.evaluate("document.documentElement.lang") == "ja"
        box = page.get_by_role("textbox", name="質問")
        assert box.is_visible()
        assert page.get_by_text("Enter で送信、Shift+Enter で改行").is_visible()
        assert page.get_by_role("button", name="送信").is_visible()
        assert page.get_by_role("button", name="新しい会話").is_visible()
        assert not page.get_by_role("button", name="停止").is_visible(), "stop shows only while answering"
        chips = page.locator(".koubo-chip")
        assert chips.count() == 4 and page.get_by_role("button", name=re.compile("大企業の補助率")).is_visible()
        assert page.locator("h1").count() == 1
        page.screenshot(path=str(artifacts / f"chat-landing-{size}.png"))

        # Shift+Enter adds a line; Enter during IME composition does not send; Enter sends
        box.click()
        box.type("補助率")
        box.press("Shift+Enter")
        assert box.input_value() == "補助率\n"
        box.fill(QUESTION)
        for init in ("{key: 'Enter', code: 'Enter', isComposing: true, bubbles: true, cancelable: true}",
                     "{key: 'Enter', code: 'Enter', keyCode: 229, bubbles: true, cancelable: true}"):
            page.evaluate(f"document.querySelector('.koubo-input').dispatchEvent(new KeyboardEvent('keydown', {init}))")
        page.wait_for_timeout(300)
        assert page.locator(".koubo-turn").count() == 0 and box.input_value() == QUESTION
        box.press("Enter")
        page.locator(".koubo-bot .koubo-toolbar").first.wait_for()
        assert box.input_value() == ""
        assert not page.get_by_role("button", name="停止").is_visible()

        # what a phone shows first: the input and the start of the answer
        answer = page.locator(".koubo-bot").first
        vh = VIEWPORTS[size][1]
        assert box.bounding_box()["y"] + box.bounding_box()["height"] <= vh
        assert answer.bounding_box()["y"] < vh - 60
        page.screenshot(path=str(artifacts / f"chat-answer-{size}.png"))

        # the toolbar belongs to the answer, its targets are finger-sized on a phone
        assert page.locator(".koubo-tool .koubo-toolbar").count() == 0
        if size == "phone":
            heights = page.locator(".koubo-toolbar button").evaluate_all(
                "bs => bs.map(b => Math.min(b.getBoundingClientRect().height, b.getBoundingClientRect().width))")
            assert min(heights) >= 40, heights
        # keyboard only: Tab from the input reaches 送信; focus is visible (an outline)
        box.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "送信"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        # every message and button has a Japanese name
        assert page.get_by_role("article", name="回答").count() == 1
        assert page.get_by_role("article", name="あなたの質問").count() == 1
        names = page.locator(".koubo-chat button").evaluate_all(
            "bs => bs.map(b => (b.getAttribute('aria-label') || b.textContent).trim())")
        assert all(n and not ENGLISH_NAMES.match(n) for n in names), names

        # the tool step: a Japanese summary, the raw JSON behind 詳細
        step = page.locator(".koubo-step").first
        assert step.locator(".koubo-step-summary").inner_text().startswith("✓ 補助率の確認 → ")
        step.locator(".koubo-step-summary").click()
        assert step.get_by_text("留意点").first.is_visible()
        assert not step.locator("pre").is_visible()
        step.get_by_text("詳細").click()
        assert '"subsidy_rate"' in step.locator("pre").inner_text()

        # [1] opens source 1
        ref = answer.locator(".koubo-ref[data-ref='1']").first
        assert ref.get_attribute("aria-label") == "出典1を開く"
        ref.click()
        src = answer.locator(".koubo-source[open]")
        src.first.wait_for()
        assert " 1 " in src.first.get_attribute("data-markers")
        assert src.first.locator(".koubo-quote.koubo-hit").is_visible()
        assert "補助率" in src.first.locator(".koubo-quote").first.inner_text()

        # every source open: still no horizontal scrolling
        page.locator(".koubo-source").evaluate_all("ds => ds.forEach(d => d.open = true)")
        _no_overflow(page, "all sources and tool details open")
        page.screenshot(path=str(artifacts / f"chat-expanded-{size}.png"), full_page=True)
        page.locator(".koubo-log").evaluate("e => { e.scrollTop = 0; }")
        page.screenshot(path=str(artifacts / f"chat-tool-step-{size}.png"))

        # copy: the answer and a plain numbered source list, no markup
        page.get_by_role("button", name="回答をコピー").click()
        copied = _wait_for(lambda: page.evaluate("navigator.clipboard.readText()"), what="clipboard")
        assert "<" not in copied and ">" not in copied.replace("›", "")
        assert re.search(r"\n出典:\n\[1\]", copied) and "1/3" in copied

        # feedback: 👍 then a comment, stored
        turn_id = service.storage.turns()[-1]["id"]
        page.get_by_role("button", name="役に立った").click()
        page.get_by_label(re.compile("ご評価ありがとうございます")).fill("分かりやすかったです")
        page.get_by_role("button", name="コメントを送信").click()
        page.get_by_text("コメントを受け付けました").wait_for()
        assert any(f["turn_id"] == turn_id and f["comment"] == "分かりやすかったです" for f in service.storage.feedback())

        # a follow-up, then a reload: the conversation is still there and listed
        box.fill("中小企業の場合は？")
        page.get_by_role("button", name="送信").click()
        _wait_for(lambda: page.locator(".koubo-bot .koubo-toolbar").count() == 2, what="second answer")
        _no_overflow(page, "two answers")
        page.reload()
        page.wait_for_selector(".koubo-chat[data-loaded='1']")
        assert page.locator(".koubo-turn").count() == 2
        assert page.locator(".koubo-user").first.inner_text() == QUESTION
        page.get_by_text("過去の会話").click()
        item = page.locator(".koubo-history-item").first
        assert QUESTION in item.inner_text() and item.get_attribute("aria-current") == "true"
        page.screenshot(path=str(artifacts / f"chat-history-{size}.png"))
        _no_overflow(page, "history list open")

        # 新しい会話: an empty chat with the examples; the old one can be reopened from the list
        page.get_by_text("過去の会話").click()
        page.get_by_role("button", name="新しい会話").click()
        assert page.locator(".koubo-turn").count() == 0 and chips.first.is_visible()
        chips.nth(1).click()
        _wait_for(lambda: page.locator(".koubo-bot .koubo-toolbar").count() == 1, what="example answered")
        page.get_by_text("過去の会話").click()
        page.locator(".koubo-history-item").filter(has_text=QUESTION).click()
        _wait_for(lambda: page.locator(".koubo-turn").count() == 2, what="reopened conversation")
        assert page.locator(".koubo-user").first.inner_text() == QUESTION
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def web_llm(index_settings, retriever, tmp_path_factory):
    """The app with a scripted LLM that holds back its last token until the test releases it."""
    from assistant.answer.engine import Assistant
    from assistant.testing import scripted_tool_message
    from serving.api import create_app

    model = GatedChatModel(script=[
        scripted_tool_message("subsidy_rate", {"programme": "ai-compute-infra", "org_kind": "company",
                                               "employees": 5000}),
        "大企業の補助率は1/3以内です[1]。上限額は事前調査を踏まえて決まるとされています[1]。以上です。",
    ])
    assistant = Assistant(index_settings, retriever, backend="llm", chat_model=model)
    service = make_service(index_settings, assistant, tmp_path_factory.mktemp("web-llm") / "koubo.sqlite3")
    with ServerThread(create_app(service.settings, service=service)) as srv:
        yield srv.url, model


def test_llm_answer_streams_into_the_page(web_llm, browser, artifacts):
    url, model = web_llm
    ctx = _context(browser, "desktop")
    page = ctx.new_page()
    try:
        _open_chat(page, url)
        page.get_by_role("textbox", name="質問").fill(QUESTION)
        page.get_by_role("textbox", name="質問").press("Enter")
        body = page.locator(".koubo-bot .koubo-answer-text").first
        # the first characters are on screen while the model still holds its last token
        _wait_for(lambda: body.inner_text().startswith("大企業の補助率は1/3"), what="first tokens")
        assert not model.release.is_set()
        assert "以上です。" not in body.inner_text()
        assert page.get_by_role("button", name="停止").is_visible()
        assert page.locator(".koubo-step").count() == 1
        page.screenshot(path=str(artifacts / "chat-streaming-desktop.png"))
        model.release.set()
        page.locator(".koubo-bot .koubo-toolbar").wait_for()
        assert body.inner_text().endswith("以上です。")
        assert not page.get_by_role("button", name="停止").is_visible()
    finally:
        model.release.set()
        ctx.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_staff_login_edit_copy_and_mark_sent(web, browser, artifacts, size):
    url, service = web
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        page.goto(url + "/")
        page.get_by_role("tab", name="スタッフ用").click()
        assert "KOUBO_STAFF_USERS" not in page.locator("#koubo-login").inner_text()
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
        assert page.locator("#koubo-draft-sources details.koubo-source").count() >= 1
        body.fill(body.input_value() + "\n（担当者追記）")
        page.click("#koubo-copy-draft")
        page.locator("#koubo-save-msg").get_by_text("コピーしました").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("件名: Re: 補助率について") and copied.rstrip().endswith(
            _field(page, "koubo-draft-signature").input_value().rstrip())
        assert "（担当者追記）" in copied
        page.click("#koubo-save-draft")
        page.locator("#koubo-save-msg").get_by_text("を保存しました").wait_for()
        drafts = _wait_for(service.storage.list_drafts, what="stored draft")
        assert drafts[0]["author"] == STAFF_NAME and drafts[0]["body"].endswith("（担当者追記）")
        page.click("#koubo-mark-sent")
        page.locator("#koubo-save-msg").get_by_text("送信済みにしました").wait_for()
        assert service.storage.get_draft(drafts[0]["id"])["status"] == "sent"
        _no_overflow(page, "staff desk")
        page.screenshot(path=str(artifacts / f"staff-draft-{size}.png"), full_page=True)
    finally:
        ctx.close()
