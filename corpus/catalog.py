"""The document catalog (documents.json): ids, titles and provenance of the source documents."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CATALOG_FILE = "documents.json"
TITLE_MAX = 80

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
# Markdown decoration that must not end up in a derived title.
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s*|>\s*|[-*+]\s+)+")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)")
_WS = re.compile(r"\s+")


class CatalogError(ValueError):
    """documents.json exists but cannot be used; ``message_ja`` tells a user what to fix."""

    def __init__(self, path: Path, message: str, message_ja: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message_ja = message_ja


@dataclass(frozen=True)
class DocumentMeta:
    id: str
    title: str
    file: str
    issuer: str = ""
    published: str = ""
    programme: str = ""
    note: str = ""
    url: str = ""  # the official page the file was published on, when known
    as_of: str = ""  # the document's own date: YYYY, YYYY-MM or YYYY-MM-DD (shown with every citation)


_FIELDS = [f.name for f in fields(DocumentMeta)]


def load_catalog(folder: Path) -> dict[str, DocumentMeta]:
    """Read ``folder/documents.json`` into {id: meta}, in file order; ids are kept exactly as written.

    A missing catalog is not an error (documents then get derived metadata); an unreadable or malformed one
    raises :class:`CatalogError`, because silently ignoring it would re-key every document.
    """
    path = Path(folder) / CATALOG_FILE
    if not path.is_file():
        log.warning(
            "no %s in %s; document ids and titles will be derived from file names", CATALOG_FILE, folder
        )
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise CatalogError(
            path,
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            f"{CATALOG_FILE} の {exc.lineno} 行目 {exc.colno} 文字目付近が JSON として正しくありません。"
            "カンマや引用符の抜けがないかご確認のうえ、修正してから再度取り込んでください。",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(
            path,
            f"cannot read: {exc}",
            f"{CATALOG_FILE} を読み込めませんでした。ファイルの権限と文字コード（UTF-8）をご確認ください。",
        ) from exc

    entries = raw.get("documents") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise CatalogError(
            path,
            "expected a JSON list of document objects",
            f"{CATALOG_FILE} は文書ごとのオブジェクトを並べた JSON 配列にしてください。",
        )

    catalog: dict[str, DocumentMeta] = {}
    for i, entry in enumerate(entries, start=1):
        meta = _entry_to_meta(path, i, entry)
        if meta.id in catalog:
            raise CatalogError(
                path,
                f"entry {i}: duplicate id {meta.id!r}",
                f"{CATALOG_FILE} の {i} 件目の id「{meta.id}」が重複しています。文書ごとに異なる id を付けてください。",
            )
        catalog[meta.id] = meta
    return catalog


def _entry_to_meta(path: Path, i: int, entry: Any) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise CatalogError(
            path,
            f"entry {i} is not an object",
            f"{CATALOG_FILE} の {i} 件目がオブジェクト（{{...}}）ではありません。",
        )
    for key in ("id", "file"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CatalogError(
                path,
                f"entry {i}: missing or empty {key!r}",
                f"{CATALOG_FILE} の {i} 件目に「{key}」がありません。文字列で指定してください。",
            )
    unknown = set(entry) - set(_FIELDS)
    if unknown:
        log.debug("%s entry %d: ignoring unknown fields %s", path, i, sorted(unknown))
    values = {k: "" if entry.get(k) is None else str(entry[k]) for k in _FIELDS if k in entry}
    values.setdefault("title", "")
    if values.get("as_of") and not valid_as_of(values["as_of"]):
        raise CatalogError(
            path,
            f"entry {i}: as_of {values['as_of']!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
            f"{CATALOG_FILE} の {i} 件目の as_of「{values['as_of'][:20]}」は日付として読めません。"
            "2024-03-01 のように YYYY-MM-DD（または YYYY-MM、YYYY）で指定してください。",
        )
    return DocumentMeta(**values)


_AS_OF = re.compile(r"\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")


def valid_as_of(value: str) -> bool:
    """A document date as the catalog and ``--as-of`` take it: YYYY, YYYY-MM or YYYY-MM-DD (a real day)."""
    if not _AS_OF.fullmatch(value or ""):
        return False
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def meta_for_file(path: Path, catalog: dict[str, DocumentMeta], text: str) -> DocumentMeta:
    """The catalog entry for ``path`` (matched on file name), else metadata derived from the name and text.

    An entry without a title gets the derived title, so every document has one to show.
    """
    name = _nfc(Path(path).name)
    for meta in catalog.values():
        if _nfc(meta.file) == name:
            if not meta.title.strip():
                return replace(meta, title=derive_title(text, Path(path).stem))
            return meta
    stem = Path(path).stem
    return DocumentMeta(id=slug_id(stem), title=derive_title(text, stem), file=Path(path).name)


def _nfc(name: str) -> str:
    # macOS file systems hand back Japanese names in NFD; documents.json is typed in NFC.
    return unicodedata.normalize("NFC", name)


def slug_id(stem: str) -> str:
    """ASCII id from a file stem: lowercase, ``[a-z0-9-]``; ``doc-<sha1>`` when it has no ASCII letters."""
    folded = unicodedata.normalize("NFKC", stem).lower()
    if not re.search(r"[a-z]", folded):
        return "doc-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]
    return _SLUG_DROP.sub("-", folded).strip("-")


def derive_title(text: str, fallback: str) -> str:
    """First non-empty line of the text without markdown decoration, at most 80 characters."""
    for line in text.splitlines():
        title = _MD_EMPH.sub("", _MD_PREFIX.sub("", line.strip()))
        title = _WS.sub(" ", title).strip()
        if title:
            return title[:TITLE_MAX].rstrip()
    return fallback[:TITLE_MAX]
