"""Read a source document (txt, md, pdf, html, docx) into its original text.

The text is returned as written (no NFKC); only line endings are unified to ``\\n`` so that chunk offsets
mean the same on every platform. HTML and DOCX become markdown-ish plain text: headings as ``#`` lines,
list items as ``- `` lines, tables as tab-separated rows with the header row first — the shape the
splitter understands.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction
from charset_normalizer import from_bytes
from docx.table import Table
from pypdf import PdfReader

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".pdf", ".html", ".htm", ".docx"}
_SUPPORTED_LIST = "、".join(sorted(SUPPORTED))

#: Defaults of KOUBO_MAX_FILE_MB and KOUBO_MAX_UNPACKED_MB (ingest passes the settings).
MAX_BYTES = 20 * 2**20
MAX_UNPACKED_BYTES = 100 * 2**20
#: A zip member inflating more than this many times is a bomb; Apache POI's ZipSecureFile refuses the same
#: (its default minimum inflate ratio is 0.01), after the same grace size.
MAX_INFLATE_RATIO = 100
_RATIO_GRACE_BYTES = 100 * 2**10
#: Decoded text with more than this share of control/replacement characters is binary or mis-decoded.
MAX_JUNK_SHARE = 0.01
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
# What Japanese documents are written with: ASCII, Latin-1, general punctuation to dingbats (①, →, ※),
# CJK punctuation, kana and enclosed/compatibility forms (㈱, ㎡), CJK ideographs, full/half-width forms.
_TEXTLIKE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u2bff\u3000-\u33ff\u4e00-\u9fff\uff00-\uffef]")
_MIN_TEXTLIKE_UTF16 = 0.9


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


def load_text(path: Path, *, max_bytes: int = MAX_BYTES, max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> str:
    """The document's text, or :class:`LoadError` explaining why there is none.

    Limits are checked before any parsing: files over ``max_bytes`` and .docx archives that would unpack to
    more than ``max_unpacked_bytes`` (or inflate suspiciously) are refused, and so is decoded text that is
    mostly control characters (a binary file, or an encoding that was guessed wrong).
    """
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
    data = _read_bytes(path, max_bytes)
    if ext in {".txt", ".md"}:
        text = decode_bytes(data, path)
    elif ext in {".html", ".htm"}:
        text = _html_to_text(decode_bytes(data, path))
    elif ext == ".pdf":
        text = _pdf_to_text(path, data)
    else:
        _check_archive(path, data, max_unpacked_bytes)
        text = _docx_to_text(path, data)
    text = unify_newlines(text)
    _check_text(path, text)
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


def _too_large(path: Path, size: int | str, limit: int, what: str, setting: str) -> LoadError:
    mb = f"{limit / 2**20:.3g}"
    return LoadError(
        path,
        "too_large",
        f"{what} is {size} bytes, over the limit of {limit} bytes ({setting}={mb})",
        f"「{path.name}」は大きすぎるため取り込みませんでした（上限 {mb} MB）。"
        "文書を分割するか、管理者に上限の設定（" + setting + "）の変更をご相談ください。",
    )


def _read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes; refused before reading when larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes and not path.is_dir():
            raise _too_large(path, size, max_bytes, "file", "KOUBO_MAX_FILE_MB")
        data = path.read_bytes()
        if len(data) > max_bytes:  # it grew after the check
            raise _too_large(path, len(data), max_bytes, "file", "KOUBO_MAX_FILE_MB")
        return data
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


def _check_archive(path: Path, data: bytes, max_unpacked: int) -> None:
    """Refuse a zip (docx) whose members would unpack to too much, from its directory, before inflating."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the docx reader reports it as corrupt
    total = sum(info.file_size for info in members)
    if total > max_unpacked:
        raise _too_large(path, total, max_unpacked, "unpacked archive", "KOUBO_MAX_UNPACKED_MB")
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_GRACE_BYTES and ratio > MAX_INFLATE_RATIO:
            raise LoadError(
                path,
                "too_large",
                f"zip member {info.filename!r} inflates {ratio:.0f}x ({info.compress_size} → {info.file_size} "
                f"bytes; limit {MAX_INFLATE_RATIO}x): refused as a decompression bomb",
                f"「{path.name}」は展開すると極端に大きくなる不審なファイルのため取り込みませんでした。"
                "Word で開いて保存し直したものか、PDF に変換したものをお使いください。",
            )


def _check_text(path: Path, text: str) -> None:
    """Refuse text that is mostly control or replacement characters (binary data, a wrong encoding)."""
    if not text:
        return
    junk = len(_JUNK.findall(text))
    if junk > len(text) * MAX_JUNK_SHARE:
        raise LoadError(
            path,
            "binary",
            f"{junk} of {len(text)} characters are control or replacement characters: binary or undecodable",
            f"「{path.name}」は文字として読み取れない部分が多い（バイナリ、または文字化け）ため取り込みませんでした。"
            "UTF-8 のテキスト、PDF、Word（.docx）などで保存し直してから取り込んでください。",
        )


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
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the checks below decide
    if b"\x00" in data:
        # No legacy Japanese encoding or UTF-8 text has NUL bytes; UTF-16 has one in every ASCII character.
        codec = _detect_utf16(data)
        if codec:
            log.info("%s: decoded as %s (no BOM)", path or "text", codec)
            return data.decode(codec)
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


def _detect_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: the byte order whose strict decoding reads as text (and clearly better than the
    other); None when neither does."""
    if len(data) % 2:
        return None
    scores: dict[str, float] = {}
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scores[codec] = len(_TEXTLIKE.findall(text)) / max(len(text), 1)
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    others = [v for k, v in scores.items() if k != best]
    if scores[best] < _MIN_TEXTLIKE_UTF16 or (others and others[0] >= scores[best]):
        return None
    return best


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _detect_japanese(data: bytes) -> str | None:
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
    soup = BeautifulSoup(html, "html.parser")
    blocks: list[str] = []
    _walk_html(soup, blocks, [])
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def _walk_html(node: Any, blocks: list[str], line: list[str]) -> None:
    """Append finished blocks to ``blocks``; ``line`` collects inline text of the block being built."""
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


def _pdf_to_text(path: Path, data: bytes | None = None) -> str:
    corrupt = LoadError(
        path,
        "corrupt",
        "not a readable PDF",
        f"「{path.name}」を PDF として読み込めませんでした。ファイルが壊れているか、PDF ではない可能性があります。"
        "元のファイルが開けるかご確認のうえ、保存し直してから再度取り込んでください。",
    )
    try:
        reader = PdfReader(io.BytesIO(data) if data is not None else str(path))
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


def _docx_to_text(path: Path, data: bytes | None = None) -> str:
    try:
        document = docx.Document(io.BytesIO(data) if data is not None else str(path))
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
