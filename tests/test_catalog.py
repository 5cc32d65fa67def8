from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from pathlib import Path

import pytest

from assistant.domain.config import PACKAGED_CORPUS
from corpus.catalog import CatalogError, DocumentMeta, load_catalog, meta_for_file


def write_catalog(folder: Path, entries: object) -> None:
    (folder / "documents.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def test_packaged_catalog_keeps_ids_and_fields() -> None:
    catalog = load_catalog(PACKAGED_CORPUS)
    assert list(catalog) == [
        "ai-compute-infra-presurvey",
        "geniac-foundation-model-presurvey",
        "geniac-compute-resources",
    ]
    meta = catalog["geniac-compute-resources"]
    assert meta == DocumentMeta(
        id="geniac-compute-resources",
        title="計算リソースについて",
        file="geniac-compute-resources.txt",
        issuer="経済産業省 商務情報政策局",
        published="2024",
        as_of="2024",
        programme=meta.programme,
        note=meta.note,
    )
    assert meta.programme.startswith("Compute-resource rules")
    for m in catalog.values():
        assert (PACKAGED_CORPUS / m.file).is_file()


def test_missing_catalog_is_empty_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="corpus.catalog"):
        assert load_catalog(tmp_path) == {}
    assert "documents.json" in caplog.text


def test_invalid_json_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "documents.json").write_text('[\n  {"id": "a", "file": "a.txt",}\n]', encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert "line 2" in str(info.value)
    assert "2 行目" in info.value.message_ja


@pytest.mark.parametrize(
    ("entries", "english"),
    [
        ({"id": "a"}, "list"),
        (["not an object"], "entry 1 is not an object"),
        ([{"id": "a", "title": "A"}], "missing or empty 'file'"),
        ([{"id": "", "file": "a.txt"}], "missing or empty 'id'"),
        ([{"id": "a", "file": "a.txt"}, {"id": "a", "file": "b.txt"}], "duplicate id 'a'"),
    ],
)
def test_malformed_entries_are_rejected(tmp_path: Path, entries: object, english: str) -> None:
    write_catalog(tmp_path, entries)
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert english in str(info.value)
    assert info.value.message_ja


def test_documents_key_and_unknown_fields(tmp_path: Path) -> None:
    write_catalog(
        tmp_path, {"documents": [{"id": "X_1", "file": "x.txt", "title": "X", "extra": 1, "note": None}]}
    )
    assert load_catalog(tmp_path) == {"X_1": DocumentMeta(id="X_1", title="X", file="x.txt")}


def test_meta_for_file_uses_catalog_entry() -> None:
    catalog = load_catalog(PACKAGED_CORPUS)
    meta = meta_for_file(PACKAGED_CORPUS / "ai-compute-infra-presurvey.txt", catalog, "whatever")
    assert meta is catalog["ai-compute-infra-presurvey"]


def test_meta_for_file_matches_nfd_file_names(tmp_path: Path) -> None:
    write_catalog(tmp_path, [{"id": "youryou", "file": "公募要領.txt", "title": "公募要領"}])
    catalog = load_catalog(tmp_path)
    nfd = Path(unicodedata.normalize("NFD", "公募要領.txt"))
    assert meta_for_file(nfd, catalog, "").id == "youryou"


def test_catalog_entry_without_title_gets_derived_title(tmp_path: Path) -> None:
    write_catalog(tmp_path, [{"id": "a", "file": "a.md"}])
    meta = meta_for_file(Path("a.md"), load_catalog(tmp_path), "\n\n# 交付規程\n本文")
    assert (meta.id, meta.title) == ("a", "交付規程")


@pytest.mark.parametrize(
    ("name", "expected_id"),
    [
        ("My_Doc v2.txt", "my-doc-v2"),
        ("ＧＥＮＩＡＣ公募要領.pdf", "geniac"),
        ("--FAQ--.md", "faq"),
    ],
)
def test_derived_ids_are_ascii_slugs(name: str, expected_id: str) -> None:
    assert meta_for_file(Path("/x") / name, {}, "t").id == expected_id


def test_derived_id_without_ascii_letters_is_hashed() -> None:
    meta = meta_for_file(Path("公募要領2024.txt"), {}, "本文")
    assert meta.id == "doc-" + hashlib.sha1("公募要領2024".encode()).hexdigest()[:10]
    assert meta.file == "公募要領2024.txt"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("\n  \n## **計算リソースについて**\n本文", "計算リソースについて"),
        ("**(1) 提案者が直接確保【必須】**\n", "(1) 提案者が直接確保【必須】"),
        ("- 箇条書き　の\t行\n", "箇条書き の 行"),
        ("あ" * 120, "あ" * 80),
        ("   \n\n", "stem"),
    ],
)
def test_derived_title(text: str, title: str) -> None:
    assert meta_for_file(Path("stem.txt"), {}, text).title == title
