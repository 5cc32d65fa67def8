"""Browser tests: the real app (offline mode, temp SQLite) on 127.0.0.1 and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web_fixtures import ServerThread, make_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = "/usr/bin/chromium is missing: run scripts/install-browser.sh (apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "the playwright pip package is missing: pip install -e '.[test]'"
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def web(index_settings, offline_assistant, tmp_path_factory):
    """(base URL, WebService) of the full app — API + Gradio — served by uvicorn in a thread."""
    from serving.api import create_app

    service = make_service(index_settings, offline_assistant, tmp_path_factory.mktemp("web") / "koubo.sqlite3")
    with ServerThread(create_app(service.settings, service=service)) as srv:
        yield srv.url, service


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30000)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="ja-JP")
    ctx.set_default_timeout(20000)
    pg = ctx.new_page()
    yield pg
    ctx.close()
