"""Gradio's built-in strings are Japanese in a real browser (Chromium) whatever its language: the knowledge tab's
upload widget ("Drop File Here - or - Click to Upload" in an English browser) and its clear button."""

from __future__ import annotations

import re

import pytest

from serving.web.locale import builtin_strings
from tests.browser.test_web_ui import _staff_login

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
KEYS = ("upload_text.drop_file", "upload_text.click_to_upload", "common.clear")
# Gradio's English strings live in its core chunk, not in a locale file of their own.
ENGLISH = {"upload_text.drop_file": "Drop File Here", "upload_text.click_to_upload": "Click to Upload",
           "common.clear": "Clear"}


@pytest.fixture(scope="module")
def ja() -> dict[str, str]:
    """Gradio's own ja strings, as the installed package ships them."""
    strings = builtin_strings("ja")
    for key in (*KEYS, "common.or"):
        assert JAPANESE.search(strings[key]), (key, strings[key])
    return strings


# en-US: Gradio's English; fr-FR: a locale Gradio has its own strings for; ja-JP: Gradio's ja already.
@pytest.mark.parametrize("locale", ["en-US", "fr-FR", "ja-JP"])
def test_builtin_strings_are_japanese(web, browser, ja, locale, tmp_path):
    url, _ = web
    own = ENGLISH if locale == "en-US" else {k: builtin_strings(locale[:2])[k] for k in KEYS}  # what it shows alone
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
    ctx.set_default_timeout(20000)
    page = ctx.new_page()
    try:
        assert page.evaluate("navigator.language") == locale
        _staff_login(page, url)
        page.locator("#koubo-desk-tabs").get_by_role("tab", name="資料管理").click()
        widget = page.locator("#koubo-kn-file")
        widget.locator("input[type=file]").wait_for(state="attached")
        text = widget.inner_text()
        assert ja["upload_text.drop_file"] in text and ja["common.or"] in text, text
        if locale != "ja-JP":
            assert own["upload_text.drop_file"] not in text and own["upload_text.click_to_upload"] not in text, text

        # with a file chosen, the widget's clear button is named by Gradio too
        path = tmp_path / "notice.txt"
        path.write_text("1. 説明会\n\n説明会はオンラインで開催します。\n", encoding="utf-8")
        widget.locator("input[type=file]").set_input_files(str(path))
        widget.get_by_text("notice.txt").first.wait_for()
        names = widget.locator("button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert ja["common.clear"] in names, names
        if locale != "ja-JP":
            assert own["common.clear"] not in names, names
    finally:
        ctx.close()
