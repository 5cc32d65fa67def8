"""The HTML the app builds itself (sources panel, draft sources) escapes every document field."""

from __future__ import annotations

from assistant.domain.schema import Citation
from serving.web import render

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_sources_html_escapes_title_doc_section_and_quote():
    c = Citation(marker=1, chunk_id="c1", doc=f"doc{EVIL}", title=f"題{EVIL}", section=f"節{EVIL}", quote=f"本文{EVIL}\n次行")
    page = render.sources_html([c]) + render.draft_sources_markdown([c.model_dump()])
    assert "<script" not in page and "<img" not in page and 'onerror="' not in page
    # per panel: summary (title, section) and the quote; the chat's and the staff desk's panel
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2 * 3
    assert "本文" in page and "次行" in page and "<br>" in page  # our own markup survives
