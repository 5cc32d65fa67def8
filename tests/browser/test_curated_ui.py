"""Curated answers in a real browser: the public /qa page, and the staff desk's feedback queue → curated answer
(prefilled from a disliked answer, edited, approved) and the stale view. Phone (390×844) and desktop (1366×900);
screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.test_web_ui import _context, _field, _no_overflow, _staff_login, _wait_for
from tests.web_fixtures import STAFF_NAME

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

DOC = "geniac-compute-resources"
QUOTE = "GPU リソースのノード数を、「100 以下」とします。"


def _seed(service) -> None:  # type: ignore[no-untyped-def]
    s = service.storage
    if s.list_curated():
        return
    s.add_curated("GENIACの一括確保でGPUノードは最大何ノードまで確保できますか？",
                  "経済産業省が一括で確保するGPUリソースのノード数は100以下です。<script>alert(1)</script>",
                  [{"doc": DOC, "quote": QUOTE}], programme="geniac", approver="suzuki")
    s.add_curated("インフラ補助で大企業の補助率はいくらですか？", "大企業は3分の1以内です。",
                  [{"doc": "ai-compute-infra-presurvey", "quote": "補助率については"}], programme="ai-compute-infra",
                  approver="suzuki")
    gone = s.add_curated("取り下げた質問です", "古い回答", [{"doc": DOC, "quote": QUOTE}], programme="geniac",
                         approver="suzuki")
    s.set_curated_status(gone, "retired", "suzuki")
    stale = s.add_curated("資料が変わった質問です", "古い記載に基づく回答", [{"doc": DOC, "quote": QUOTE}],
                          programme="geniac", approver="suzuki")
    s.set_curated_status(stale, "stale", "system", stale=[{
        "doc": DOC, "quote": QUOTE, "old_passage": "ノード数を「100 以下」とします。",
        "new_passage": "ノード数を「120 以下」とします。", "diff": "-ノード数を「100 以下」とします。\n+ノード数を「120 以下」とします。"}])


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_public_qa_page(web, browser, artifacts, size):
    url, service = web
    _seed(service)
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/qa")
        assert page.evaluate("document.documentElement.lang") == "ja"
        headings = page.locator("h2").all_inner_texts()
        assert len(headings) == 2 and any("GENIAC" in h for h in headings) and any("電子計算機" in h for h in headings)
        text = page.locator("main").inner_text()
        assert "最大何ノードまで" in text and "<script>alert(1)</script>" in text  # shown as text, not run
        assert "取り下げた質問" not in text and "資料が変わった質問" not in text
        assert "事務局確認日" in text and "計算リソースについて" in text
        assert not dialogs
        _no_overflow(page, "/qa")
        page.screenshot(path=str(artifacts / f"qa-page-{size}.png"), full_page=True)
    finally:
        ctx.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_feedback_to_curated_answer_in_the_staff_desk(web, browser, artifacts, size):
    url, service = web
    _seed(service)
    question = f"GPUノードの上限は何ノード？（{size}）"
    turn_id, _ = service.ask_and_store(question, [], conversation_id=f"c-{size}", channel="web", client="t")
    comment = f"一括確保の場合の上限が知りたいです（{size}）"
    service.storage.add_feedback(turn_id, "dislike", comment)
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        _staff_login(page, url)
        page.locator("#koubo-inquiry textarea").wait_for(state="visible")

        page.locator("#koubo-desk-tabs").get_by_role("tab", name="事務局回答").click()
        page.locator("#koubo-feedback").get_by_text("フィードバック（低評価の回答）").click()
        page.locator("#koubo-feedback-list").get_by_text(comment).wait_for()
        page.locator("#koubo-feedback-pick input").click()
        page.get_by_role("option", name=question[:40]).first.click()
        page.click("#koubo-feedback-draft")
        q = _field(page, "koubo-curated-question")
        _wait_for(lambda: q.input_value() == question, what="prefilled question")
        assert DOC in _field(page, "koubo-curated-citations").input_value() or \
            _field(page, "koubo-curated-citations").input_value()
        # Staff correct it: a verbatim quote and the right answer.
        _field(page, "koubo-curated-answer").fill("一括確保の場合、GPUノード数は100以下です。")
        _field(page, "koubo-curated-citations").fill(f"{DOC} | {QUOTE}")
        page.click("#koubo-curated-save")
        page.locator("#koubo-curated-note").get_by_text("承認して保存しました").wait_for()
        row = _wait_for(lambda: next((r for r in service.storage.list_curated() if r["question"] == question), None),
                        what="stored curated answer")
        assert row["status"] == "active" and row["source_turn_id"] == turn_id and row["approver"] == STAFF_NAME

        # A quote that is not in the document: a Japanese message, nothing stored, the form kept.
        _field(page, "koubo-curated-citations").fill(f"{DOC} | GPUノードは500ノードまで確保できます。")
        page.click("#koubo-curated-save")
        page.get_by_text("本文に見つかりませんでした").first.wait_for()
        assert _field(page, "koubo-curated-answer").input_value() == "一括確保の場合、GPUノード数は100以下です。"

        listing = page.locator("#koubo-curated-list")
        listing.get_by_text("資料が変わった質問です").wait_for()
        stale = page.locator("#koubo-curated-list article[data-status='stale']").first
        assert "120 以下" in stale.inner_text() and "差分" in stale.inner_text()
        _no_overflow(page, "staff desk curated")
        page.screenshot(path=str(artifacts / f"staff-curated-{size}.png"), full_page=True)
    finally:
        ctx.close()


@pytest.mark.parametrize("size", ["phone"])
def test_related_approved_answer_is_offered_under_a_chat_answer(web, browser, artifacts, size):
    """A question close to an approved one but not the same (the other GPU route) is answered from the documents,
    and the approved Q&A is offered under it: it opens in place to the approved answer, and its link leads to the
    public page's entry."""
    url, service = web
    _seed(service)
    approved = next(r for r in service.storage.list_curated("active") if "一括確保" in r["question"])
    ctx = _context(browser, size)
    page = ctx.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_selector(".koubo-chat[data-loaded='1']")
        box = page.get_by_role("textbox", name="質問")
        box.fill("GENIACの直接確保でGPUノードは最大何ノードまで確保できますか？")
        box.press("Enter")
        page.locator(".koubo-bot .koubo-toolbar").first.wait_for()
        answer = page.locator(".koubo-bot").first
        assert "事務局確認済みの回答" not in answer.locator(".koubo-answer-text").inner_text()  # not served
        section = answer.get_by_role("region", name="関連する事務局確認済みのQ&A")
        item = section.locator(f"details[data-curated-id='{approved['id']}']")
        assert item.count() == 1
        summary = item.locator("summary")
        assert approved["question"] in summary.inner_text() and "事務局確認" in summary.inner_text()
        assert summary.bounding_box()["height"] >= 40  # a finger-sized target on a phone
        assert not item.locator(".koubo-related-body").is_visible()
        summary.click()
        body = item.locator(".koubo-related-body")
        assert "100以下" in body.inner_text() and "<script>alert(1)</script>" in body.inner_text()  # text, not run
        _no_overflow(page, "chat with a related approved answer")
        page.screenshot(path=str(artifacts / f"chat-related-{size}.png"), full_page=True)
        href = body.get_by_role("link", name="追加Q&Aページで出典を見る").get_attribute("href")
        assert href == f"/qa#q{approved['id']}"
        page.goto(url + href)
        assert approved["question"] in page.locator(f"article#q{approved['id']}").inner_text()
    finally:
        ctx.close()
