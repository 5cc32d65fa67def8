from __future__ import annotations

import os
import random
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from corpus.loaders import SUPPORTED, LoadError, load_text
from corpus.splitter import split_document

JAPANESE = "補助率は①中小企業：1/2 以内、②大企業：1/3 以内とする。\n㈱サンプル　髙橋ｶﾀｶﾅ №１\n"


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds ``lines`` (ASCII, Helvetica)."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>"
        ),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load_error(path: Path) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_text(path)
    err = info.value
    assert err.path == path
    assert str(err).isascii(), "log message is English"
    assert path.name in err.message_ja and ("ください" in err.message_ja)
    return err


# --- plain text and encodings --------------------------------------------------------------------------------


def test_supported_extensions() -> None:
    assert SUPPORTED == {".txt", ".md", ".pdf", ".html", ".htm", ".docx"}


def test_utf8_markdown_is_returned_as_is(tmp_path: Path) -> None:
    text = "## **見出し**\n\n| 区分 | 率 |\n|---|---|\n| 中小 | １／２ |\n- ・項目\n"
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    assert load_text(path) == text


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "1. 件名\r\n本文。\rです\r\n".encode())
    assert load_text(path) == "1. 件名\n本文。\nです\n"


def test_shift_jis_cp932_file_decodes_exactly(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes(JAPANESE.encode("cp932"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("shift_jis")  # ① and ㈱ are CP932 extensions: plain Shift_JIS fails
    assert load_text(path) == JAPANESE


def test_plain_shift_jis_decodes(tmp_path: Path) -> None:
    text = "経済産業省では、生成AIの開発を加速させる観点から、支援を実施します。\n"
    path = tmp_path / "sjis.txt"
    path.write_bytes(text.encode("shift_jis"))
    assert load_text(path) == text


def test_euc_jp_file_decodes(tmp_path: Path) -> None:
    text = "本事前調査への参加は支援事業の採択条件ではありません。御協力をお願いいたします。\n"
    path = tmp_path / "euc.txt"
    path.write_bytes(text.encode("euc_jp"))
    assert load_text(path) == text


def test_iso2022_jp_and_utf16(tmp_path: Path) -> None:
    jis = tmp_path / "jis.txt"
    jis.write_bytes("公募要領を確認してください。".encode("iso2022_jp"))
    assert load_text(jis) == "公募要領を確認してください。"
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("助成率（1 / 2）".encode("utf-16"))
    assert load_text(u16) == "助成率（1 / 2）"


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x85]) * 10)
    assert load_error(path).kind == "encoding"


# --- failures -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n\xe3\x80\x80\n"])
def test_empty_document(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert load_error(path).kind == "empty"


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04")
    err = load_error(path)
    assert err.kind == "unsupported"
    assert ".xlsx" in err.message_ja and ".pdf" in err.message_ja


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert load_error(tmp_path / "missing.txt").kind == "unreadable"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert load_error(folder).kind == "unreadable"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("秘密", encoding="utf-8")
    path.chmod(0)
    try:
        err = load_error(path)
    finally:
        path.chmod(0o600)
    assert err.kind == "unreadable" and "権限" in err.message_ja


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_corrupt_binary_documents(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(random.Random(7).randbytes(2048))
    assert load_error(path).kind == "corrupt"


def test_docx_that_is_a_zip_without_word_parts(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert load_error(path).kind == "corrupt"


# --- PDF ----------------------------------------------------------------------------------------------------


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "call.pdf"
    path.write_bytes(
        make_pdf(["GENIAC call for proposals", "Subsidy rate: 1/2 (SMEs)", "Max 100 GPU nodes."])
    )
    text = load_text(path)
    assert "GENIAC call for proposals" in text
    assert "Subsidy rate: 1/2 (SMEs)" in text
    assert "Max 100 GPU nodes." in text


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as f:
        writer.write(f)
    err = load_error(path)
    assert err.kind == "no_text_layer"
    assert "OCR" in err.message_ja and "OCR" in str(err)


def test_password_protected_pdf(tmp_path: Path) -> None:
    source = tmp_path / "plain.pdf"
    source.write_bytes(make_pdf(["secret"]))
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="pw", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert load_error(path).kind == "encrypted"


# --- HTML ---------------------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ページ題名</title><style>p {{ color: red }}</style>
<script>var x = "スクリプト";</script></head>
<body>
<nav><a href="/">トップ</a> メニュー</nav>
<h1>公募要領</h1>
<h2>5. 支援方法</h2>
<p>補助率は、中小企業等は
1/2 以内とする。<br>大企業は 1/3 以内。</p>
<!-- 非表示のコメント -->
<ul><li>大規模言語モデル</li><li>マルチモーダル<ul><li>画像</li></ul></li></ul>
<table>
<tbody><tr><td>中小企業</td><td>1/2 以内</td></tr><tr><td>大企業</td><td>1/3 以内</td></tr></tbody>
<thead><tr><th>区分</th><th>補助率</th></tr></thead>
</table>
<script>document.write("後のスクリプト")</script>
<footer><p>お問い合わせ先</p></footer>
</body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"page{suffix}"
    path.write_text(HTML, encoding="utf-8")
    text = load_text(path)
    assert text == (
        "# 公募要領\n\n"
        "## 5. 支援方法\n\n"
        "補助率は、中小企業等は 1/2 以内とする。\n大企業は 1/3 以内。\n\n"
        "- 大規模言語モデル\n\n"
        "- マルチモーダル\n- 画像\n\n"
        "区分\t補助率\n中小企業\t1/2 以内\n大企業\t1/3 以内\n\n"
        "お問い合わせ先\n"
    )


def test_html_in_shift_jis(tmp_path: Path) -> None:
    path = tmp_path / "sjis.html"
    html = '<html><head><meta charset="Shift_JIS"></head><body><p>①㈱の表記</p></body></html>'
    path.write_bytes(html.encode("cp932"))
    assert load_text(path) == "①㈱の表記\n"


def test_html_with_only_scripts_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>x()</script><nav>menu</nav></body></html>", encoding="utf-8")
    assert load_error(path).kind == "empty"


# --- DOCX ---------------------------------------------------------------------------------------------------


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("公募要領", level=1)
    document.add_paragraph("本事業の概要を説明します。")
    document.add_heading("4. 審査基準", level=2)
    document.add_paragraph("以下の観点から審査を行う。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ["項目", "基準", "備考"],
            ["提供価格", "スタートアップ等が使いやすい価格か。", ""],
            ["提供先", "自社以外にも提供されるか。", "重要"],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 1).merge(table.cell(1, 2))  # a merged cell must appear once
    document.add_paragraph("")
    document.add_paragraph("大規模言語モデル", style="List Bullet")
    document.add_paragraph("表の後の段落です。")
    document.save(str(path))


def test_docx_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "youryou.docx"
    make_docx(path)
    assert load_text(path) == (
        "# 公募要領\n\n"
        "本事業の概要を説明します。\n\n"
        "## 4. 審査基準\n\n"
        "以下の観点から審査を行う。\n\n"
        "項目\t基準\t備考\n"
        "提供価格\tスタートアップ等が使いやすい価格か。\n"
        "提供先\t自社以外にも提供されるか。\t重要\n\n"
        "- 大規模言語モデル\n\n"
        "表の後の段落です。\n"
    )


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    assert load_error(path).kind == "empty"


def test_loaded_docx_splits_with_sections_and_table_header(tmp_path: Path) -> None:
    path = tmp_path / "youryou.docx"
    make_docx(path)
    text = load_text(path)
    chunks = split_document("youryou", "公募要領", text)
    rows = [c for c in chunks if c.text.startswith("項目\t基準\t備考\n")]
    assert [c.section for c in rows] == ["4. 審査基準 > 提供価格", "4. 審査基準 > 提供先"]
    assert [text[c.start : c.end] for c in rows] == [
        "提供価格\tスタートアップ等が使いやすい価格か。",
        "提供先\t自社以外にも提供されるか。\t重要",
    ]


def test_permission_error_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs even as root (where chmod 0 does not stop reading): the OS refusal is simulated at Path.read_bytes.
    path = tmp_path / "locked.txt"
    path.write_text("本文", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    err = load_error(path)
    assert err.kind == "unreadable" and "権限" in err.message_ja
