"""Read a source document (txt, md, pdf, html, docx) into its original text.

The text is returned as written (no NFKC); only line endings are unified to ``\\n`` so that chunk offsets
mean the same on every platform. HTML and DOCX become markdown-ish plain text: headings as ``#`` lines,
list items as ``- `` lines, tables as tab-separated rows with the header row first — the shape the
splitter understands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".pdf", ".html", ".htm", ".docx"}
_SUPPORTED_LIST = "、".join(sorted(SUPPORTED))


class LoadError(Exception):
    """A document could not be turned into text.

    ``str(err)`` is English for logs; ``message_ja`` is the polite message for users (what was wrong, what to
    do); ``kind`` is one of unsupported, unreadable, corrupt, encrypted, encoding, empty, no_text_layer.
    """

    def __init__(self, path: Path, kind: str, message: str, message_ja: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.kind = kind
        self.message = message
        self.message_ja = message_ja


def load_text(path: Path) -> str:
    """The document's text, or :class:`LoadError` explaining why there is none."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise LoadError(
            path,
            "unsupported",
            f"unsupported file type {ext or '(none)'!r}",
            f"「{path.name}」の形式（{ext or '拡張子なし'}）には対応していません。"
            f"対応している形式は {_SUPPORTED_LIST} です。PDF やテキストに変換してから取り込んでください。",
        )
    data = _read_bytes(path)
    if ext in {".txt", ".md"}:
        text = decode_bytes(data, path)
    elif ext in {".html", ".htm"}:
        text = _html_to_text(decode_bytes(data, path))
    elif ext == ".pdf":
        text = _pdf_to_text(path)
    else:
        text = _docx_to_text(path)
    text = unify_newlines(text)
    if not text.strip():
        raise LoadError(
            path,
            "empty",
            "document contains no text",
            f"「{path.name}」には本文がありません（空のファイルです）。内容が保存されているファイルか確認してください。",
        )
    return text


def unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError(
            path,
            "unreadable",
            f"file not found: {exc}",
            f"「{path.name}」が見つかりません。ファイルの場所と名前をご確認ください。",
        ) from exc
    except IsADirectoryError as exc:
        raise LoadError(
            path,
            "unreadable",
            f"is a directory: {exc}",
            f"「{path.name}」はフォルダです。文書ファイルを指定してください。",
        ) from exc
    except PermissionError as exc:
        raise LoadError(
            path,
            "unreadable",
            f"permission denied: {exc}",
            f"「{path.name}」を読み込む権限がありません。ファイルの読み取り権限をご確認ください。",
        ) from exc
    except OSError as exc:
        raise LoadError(
            path,
            "unreadable",
            f"cannot read: {exc}",
            f"「{path.name}」を読み込めませんでした。ファイルが開けるかご確認のうえ、再度お試しください。",
        ) from exc


# --- encodings ---------------------------------------------------------------------------------------------

_JAPANESE_CODECS = ["cp932", "shift_jis", "euc_jp", "iso2022_jp"]


def decode_bytes(data: bytes, path: Path | None = None) -> str:
    """Decode text bytes: UTF-8 (BOM aware), UTF-16 with BOM, else Japanese legacy encodings.

    Shift_JIS files from Japanese government sites are really CP932 (Windows extensions such as ①, ㈱,
    NEC special characters), so whenever Shift_JIS is detected CP932 is used if it decodes.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x1b$B" in data or b"\x1b$@" in data:
        # ISO-2022-JP is 7-bit, so it would "succeed" as UTF-8 and leave escape sequences in the text.
        try:
            return data.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = _detect_japanese(data)
    if encoding:
        log.info("%s: decoded as %s", path or "text", encoding)
        return data.decode(encoding)
    name = path.name if path else "ファイル"
    raise LoadError(
        path or Path("?"),
        "encoding",
        "cannot determine the text encoding (tried UTF-8, CP932/Shift_JIS, EUC-JP, ISO-2022-JP)",
        f"「{name}」の文字コードを判別できませんでした。UTF-8 で保存し直してから取り込んでください。",
    )


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _detect_japanese(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    candidates = [c for c in _JAPANESE_CODECS if _decodes(data, c)]
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    best = from_bytes(data, cp_isolation=candidates).best()
    guess = best.encoding if best is not None else candidates[0]
    guess = guess.replace("-", "_").lower()
    if guess in {"shift_jis", "cp932", "sjis"}:
        return "cp932" if "cp932" in candidates else "shift_jis"
    if guess not in candidates:
        log.debug("charset-normalizer guessed %s outside %s", guess, candidates)
        return candidates[0]
    return guess


# --- HTML ----------------------------------------------------------------------------------------------------

_HTML_DROP = {"script", "style", "nav", "noscript", "template", "svg", "iframe", "head", "button", "form"}
_HTML_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "body",
    "html",
    "hr",
    "caption",
    "details",
    "summary",
}
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_BR = "\ue000"  # private-use marker: a <br> is a line break, a newline in the HTML source is not


def _inline(text: str) -> str:
    # A line break inside Japanese source HTML is not a space when rendered.
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text))


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    blocks: list[str] = []
    _walk_html(soup, blocks, [])
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def _walk_html(node: Any, blocks: list[str], line: list[str]) -> None:
    """Append finished blocks to ``blocks``; ``line`` collects inline text of the block being built."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    for child in node.children:
        if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            line.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in _HTML_DROP:
            continue
        if name == "br":
            line.append(_BR)
        elif re.fullmatch(r"h[1-6]", name):
            _flush(blocks, line)
            text = _inline(child.get_text(" ")).strip()
            if text:
                blocks.append("#" * int(name[1]) + " " + text)
        elif name == "table":
            _flush(blocks, line)
            rows = _html_table_rows(child)
            if rows:
                blocks.append("\n".join(rows))
        elif name == "li":
            _flush(blocks, line)
            inner: list[str] = []
            sub: list[str] = []
            for part in child.children:
                if isinstance(part, Tag) and part.name.lower() in {"ul", "ol"}:
                    _walk_html(part, sub, [])
                elif isinstance(part, Tag) and part.name.lower() not in _HTML_DROP:
                    inner.append(part.get_text(" "))
                elif isinstance(part, NavigableString) and not isinstance(
                    part, (Comment, Declaration, Doctype, ProcessingInstruction)
                ):
                    inner.append(str(part))
            head = _inline("".join(inner)).strip()
            items = ([f"- {head}"] if head else []) + sub
            if items:
                blocks.append("\n".join(items))
        elif name == "pre":
            _flush(blocks, line)
            blocks.append(child.get_text().strip("\n"))
        elif name in _HTML_BLOCK:
            _flush(blocks, line)
            _walk_html(child, blocks, line)
            _flush(blocks, line)
        else:
            _walk_html(child, blocks, line)


def _flush(blocks: list[str], line: list[str]) -> None:
    if not line:
        return
    parts = [_inline(p).strip() for p in "".join(line).split(_BR)]
    text = "\n".join(p for p in parts if p)
    if text:
        blocks.append(text)
    line.clear()


def _html_table_rows(table: Any) -> list[str]:
    head_rows: list[Any] = []
    body_rows: list[Any] = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # rows of nested tables
        (head_rows if tr.find_parent("thead") is not None else body_rows).append(tr)
    if not head_rows and len(body_rows) > 1:
        # No <thead>: a later row made only of <th> is still the header.
        for i, tr in enumerate(body_rows):
            cells = tr.find_all(["td", "th"], recursive=False)
            if cells and all(c.name == "th" for c in cells):
                head_rows = [body_rows.pop(i)]
                break
    rows = []
    for tr in head_rows + body_rows:
        cells = [_cell_text(c.get_text(" ")) for c in tr.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _cell_text(text: str) -> str:
    return _inline(text).strip()


# --- PDF -----------------------------------------------------------------------------------------------------


def _pdf_to_text(path: Path) -> str:
    from pypdf import PdfReader

    corrupt = LoadError(
        path,
        "corrupt",
        "not a readable PDF",
        f"「{path.name}」を PDF として読み込めませんでした。ファイルが壊れているか、PDF ではない可能性があります。"
        "元のファイルが開けるかご確認のうえ、保存し直してから再度取り込んでください。",
    )
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(
                path,
                "encrypted",
                "PDF is password protected",
                f"「{path.name}」はパスワードで保護されているため読み込めません。保護を解除した PDF をご用意ください。",
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files; all mean "corrupt" to the user
        log.warning("%s: pypdf failed: %r", path, exc)
        raise corrupt from exc
    if not pages:
        log.warning("%s: PDF has no pages", path)
        raise corrupt
    text = "\n\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise LoadError(
            path,
            "no_text_layer",
            f"PDF has {len(pages)} page(s) but no text layer (scanned image?); OCR needed",
            f"「{path.name}」には文字情報（テキスト層）がありません。スキャンした画像の PDF と思われます。"
            "OCR（文字認識）でテキスト付きの PDF に変換してから取り込んでください。",
        )
    return text


# --- DOCX ----------------------------------------------------------------------------------------------------


def _docx_to_text(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # zipfile/lxml/python-docx errors all mean "not a usable .docx"
        log.warning("%s: python-docx failed: %r", path, exc)
        raise LoadError(
            path,
            "corrupt",
            f"not a readable DOCX: {exc}",
            f"「{path.name}」を Word 文書（.docx）として読み込めませんでした。ファイルが壊れているか、"
            "古い形式（.doc）の可能性があります。Word で開いて .docx 形式で保存し直してから取り込んでください。",
        ) from exc
    return "\n\n".join(blocks) + "\n"


def _docx_blocks(document: Any) -> Iterator[str]:
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = _docx_table_rows(item)
            if rows:
                yield "\n".join(rows)
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        level = _docx_heading_level(style)
        if level:
            yield "#" * level + " " + _SPACES.sub(" ", text)
        elif style.lower().startswith("list"):
            yield "- " + text
        else:
            yield text


def _docx_heading_level(style: str) -> int:
    s = style.strip().lower()
    if s == "title":
        return 1
    m = re.match(r"(?:heading|見出し)\s*(\d)", s)
    return min(int(m.group(1)), 6) if m else 0


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue  # a horizontally merged cell is reported once per grid column
            previous = cell._tc
            cells.append(_SPACES.sub(" ", cell.text).strip())
        if any(cells):
            rows.append("\t".join(cells))
    return rows
