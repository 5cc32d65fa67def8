"""A many-page Japanese PDF made from the packaged corpus text, for the ingest test and `ingest_cores` benchmark.

reportlab's built-in CID font (HeiseiKakuGo-W5, Adobe-Japan1) needs no font file and pypdf reads its text
back, so the PDF goes through the same loader as a ministry PDF would. reportlab is in the ``test`` extra.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from assistant.domain.config import PACKAGED_CORPUS

FONT = "HeiseiKakuGo-W5"


def corpus_lines(corpus: Path = PACKAGED_CORPUS) -> list[str]:
    lines: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def build_pdf(pages: int = 100, corpus: Path = PACKAGED_CORPUS, width: int = 38) -> bytes:
    """``pages`` A4 pages carrying the corpus text in order, wrapped at ``width`` characters (the text is
    spread evenly; every page has a running head, so no two pages are alike)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    wrapped = [part for line in corpus_lines(corpus) for part in textwrap.wrap(line, width) or [""]]
    per_page = max(1, -(-len(wrapped) // pages))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        c.setFont(FONT, 9)
        y = A4[1] - 60
        for line in wrapped[n * per_page:(n + 1) * per_page]:
            c.drawString(50, y, line)
            y -= 14
        c.drawString(50, 30, f"- {n + 1} -")
        c.showPage()
    c.save()
    return buf.getvalue()
