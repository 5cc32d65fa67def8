"""Ingest of a ~100-page Japanese PDF made from the corpus text (reportlab, read back by pypdf): split, embedded
in a pool of worker processes (KOUBO_INGEST_WORKERS=2) with progress reported, indexed and searchable."""

from __future__ import annotations

import pytest

from assistant.domain.config import load_settings
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ingest

pytest.importorskip("reportlab", reason="reportlab (test extra) builds the PDF")


def test_a_hundred_page_pdf_is_ingested_with_progress_on_two_workers(tmp_path):
    from pypdf import PdfReader

    from evals.bench.pdf_corpus import build_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = corpus / "koubo-100p.pdf"
    pdf.write_bytes(build_pdf(100))
    assert len(PdfReader(str(pdf)).pages) == 100
    # Sentence vectors off: the chunk vectors are what this test needs, and the machine is shared.
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, ingest_workers=2,
                             dense_sentences=False, _env_file=None)
    events: list[tuple[str, int, int]] = []
    report = ingest(settings, on_progress=lambda stage, done, total: events.append((stage, done, total)))
    assert not report.errors and report.documents == {"koubo-100p": str(pdf)}
    assert report.total_chunks >= 30 and report.embedded == report.total_chunks  # nothing cached: all embedded
    embedding = [(d, t) for s, d, t in events if s == "embedding"]
    assert embedding[0] == (0, report.embedded) and embedding[-1] == (report.embedded, report.embedded)
    assert len(embedding) > 2 and [d for d, _ in embedding] == sorted(d for d, _ in embedding)
    assert events[-1][0] == "done"
    retriever = Retriever.from_settings(settings)
    try:
        hits = retriever.search("GPUノードは何ノードまで確保できますか", 5)
        assert hits and any("ノード" in p.chunk.text for p in hits)
        assert all(p.chunk.doc_version == 1 for p in hits)
    finally:
        retriever.close()
