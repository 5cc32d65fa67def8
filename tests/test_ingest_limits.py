"""Ingest reads only what it was given: no symlinks out of the folder, size and unpacked-size limits, binary and
undecodable text refused, UTF-16 without BOM decoded; one bad file never costs the other documents."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from assistant.domain.config import load_settings
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ingest
from corpus.loaders import LoadError, load_text

JAPANESE = ("1. 公募の概要\n\n本事業は、生成AIの基盤モデル開発に必要な計算資源を支援するものです。\n"
            "申請書は様式①を用い、電子メールで提出してください。締切は令和6年2月1日（木）正午です。\n")


def _settings(tmp_path: Path, **overrides):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    return load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None, **overrides)


def _kinds(report) -> dict[str, str]:
    return {Path(e.path).name: e.kind for e in report.errors}


def test_symlinks_out_of_the_folder_are_skipped_and_reported(tmp_path):
    secret = tmp_path / "elsewhere" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (tmp_path / "elsewhere" / "more.txt").write_text("外部のフォルダの秘密の文書です。\n", encoding="utf-8")
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "guide.txt").write_text(JAPANESE, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "linked-dir").symlink_to(secret.parent, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "guide.txt")  # inside the folder: harmless, read once
    settings = _settings(tmp_path)
    report = ingest(settings, [folder])
    assert set(report.documents) == {"memo", "guide"}
    assert _kinds(report) == {"passwd.txt": "symlink", "linked-dir": "symlink"}
    assert all("シンボリックリンク" in e.message_ja for e in report.errors)
    retriever = Retriever.from_settings(settings)
    assert not any("root:x" in p.chunk.text or "秘密" in p.chunk.text for p in retriever.search("root bash 秘密", 10))
    retriever.close()


def test_a_recorded_file_replaced_by_a_symlink_is_not_followed_and_its_chunks_go(tmp_path):
    doc = tmp_path / "downloads" / "notice.txt"
    doc.parent.mkdir()
    doc.write_text("1. お知らせ\n\n説明会はオンラインで水曜日に開催します。\n", encoding="utf-8")
    settings = _settings(tmp_path)
    assert "notice" in ingest(settings, [doc]).documents
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密の鍵は 1234 です。\n", encoding="utf-8")
    doc.unlink()
    doc.symlink_to(secret)
    report = ingest(settings)
    assert _kinds(report) == {"notice.txt": "symlink"} and set(report.documents) == {"memo"}
    retriever = Retriever.from_settings(settings)
    assert not any("秘密" in p.chunk.text or "水曜日" in p.chunk.text for p in retriever.search("秘密の鍵 説明会", 10))
    retriever.close()


def test_nul_files_binary_and_oversized_files_are_refused_and_the_rest_is_indexed(tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "guide.txt").write_text(JAPANESE, encoding="utf-8")
    (folder / "zeros.txt").write_bytes(b"\x00" * 10_000)
    (folder / "random.md").write_bytes(bytes(range(256)) * 40)
    (folder / "big.txt").write_text("大きな文書です。\n" * 2000, encoding="utf-8")  # ~50 KB
    settings = _settings(tmp_path, max_file_mb=0.02)
    before = ingest(settings)
    report = ingest(settings, [folder])
    kinds = _kinds(report)
    assert kinds.pop("random.md") in {"binary", "encoding"}  # refused either as binary or as no known encoding
    assert kinds == {"zeros.txt": "binary", "big.txt": "too_large"}
    assert "KOUBO_MAX_FILE_MB" in next(e.cause for e in report.errors if e.kind == "too_large")
    assert all(e.message_ja for e in report.errors)
    assert set(report.documents) == {"memo", "guide"}
    assert report.total_chunks > before.total_chunks and report.deleted == 0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, codec):
    path = tmp_path / "utf16.txt"
    path.write_bytes(JAPANESE.encode(codec))
    assert load_text(path) == JAPANESE


def test_undecodable_text_is_refused_not_indexed_as_junk(tmp_path):
    # Odd length with NULs: not UTF-16; not UTF-8 or a Japanese legacy encoding either.
    data = JAPANESE.encode("utf-16-le") + b"\xff"
    with pytest.raises(LoadError) as info:
        load_text(_write(tmp_path / "x.txt", data))
    assert info.value.kind in {"binary", "encoding"} and info.value.message_ja


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<w:t>" + b"A" * (1 << 20)
            for _ in range(200):  # 200 MB unpacked, ~200 KB packed
                member.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    t = time.perf_counter()
    with pytest.raises(LoadError) as info:
        load_text(bomb, max_unpacked_bytes=1000 * 2**20)  # under the size limit: caught by its inflate ratio
    assert info.value.kind == "too_large" and "bomb" in str(info.value)
    assert time.perf_counter() - t < 30  # hang guard only: it must not have been inflated
    with pytest.raises(LoadError, match="KOUBO_MAX_UNPACKED_MB"):
        load_text(bomb, max_unpacked_bytes=10 * 2**20)


def test_docx_over_the_unpacked_limit_is_refused_and_an_ordinary_one_is_read(tmp_path):
    path = _write(tmp_path / "guide.docx", _docx_bytes("計算資源の確保について補足する説明資料です。"))
    assert "計算資源" in load_text(path)
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "guide.docx").write_bytes(path.read_bytes())
    settings = _settings(tmp_path, max_unpacked_mb=0.001)
    report = ingest(settings, [folder])
    assert _kinds(report) == {"guide.docx": "too_large"} and set(report.documents) == {"memo"}


def test_a_file_that_breaks_keeps_its_indexed_chunks_even_through_a_rebuild(tmp_path):
    (tmp_path / "downloads").mkdir()
    doc = _write(tmp_path / "downloads" / "faq.docx", _docx_bytes("説明会はオンラインで水曜日に開催します。参加登録は前日までにお願いします。"))
    settings = _settings(tmp_path)
    first = ingest(settings, [doc])
    assert "faq" in first.documents
    doc.write_bytes(b"PK\x03\x04 truncated while being copied")
    for rebuild in (False, True):
        report = ingest(settings, rebuild=rebuild)
        assert _kinds(report) == {"faq.docx": "corrupt"}
        assert report.total_chunks == first.total_chunks and report.deleted == 0
        retriever = Retriever.from_settings(settings)
        assert any("水曜日" in p.chunk.text for p in retriever.search("説明会の開催日", 3))
        dense = retriever.search("説明会の開催日", 3, method="dense")  # its vectors came along too
        assert dense[0].chunk.doc_id == "faq" and retriever.generation == report.generation
        retriever.close()
