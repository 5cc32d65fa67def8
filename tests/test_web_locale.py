"""Gradio's built-in strings in Japanese for every browser locale (serving/web/locale.py); in a browser:
tests/browser/test_ui_locale.py."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

import serving.api
from serving.api import create_app
from serving.web import locale
from tests.web_fixtures import make_service

CORE = ('var dt=Object.assign({"./lang/en.json":()=>v(()=>import(`./en-AAAA1111.js`),[],import.meta.url),'
        '"./lang/ja.json":()=>v(()=>import(`./ja-BBBB2222.js`),[],import.meta.url),'
        '"./lang/pt-BR.json":()=>v(()=>import(`./pt-BR-CCCC3333.js`),[],import.meta.url)});')
JA = ('var e=`日本語`,t={drop_file:`ファイルを\\`ここ\\`に\\nドロップ`,or:"また\\u306f"},n={clear:`クリア`},'
      'r={_name:e,"3D_model":{"3d_model":`3Dモデル`},upload_text:t,common:n,chatbot:n};'
      'export{e as _name,n as common,r as default,t as upload_text};')


def _assets(tmp_path, ja: str = JA):
    (tmp_path / "core-XYZ.js").write_text(CORE, encoding="utf-8")
    (tmp_path / "ja-BBBB2222.js").write_text(ja, encoding="utf-8")
    return tmp_path


def test_reads_the_compiled_locale_into_flat_keys(tmp_path):
    assets = _assets(tmp_path)
    assert locale.locale_files(assets) == {"en": assets / "en-AAAA1111.js", "ja": assets / "ja-BBBB2222.js",
                                           "pt-BR": assets / "pt-BR-CCCC3333.js"}
    assert locale.builtin_strings("ja", assets) == {
        "upload_text.drop_file": "ファイルを`ここ`に\nドロップ", "upload_text.or": "または", "common.clear": "クリア",
        "chatbot.clear": "クリア", "3D_model.3d_model": "3Dモデル"}  # _name (the language's own name) left out
    i18n = locale.fixed_locale_i18n("ja", assets)
    assert i18n is not None and sorted(i18n.translations_dict) == ["en", "ja", "pt-BR"]
    assert all(d == locale.builtin_strings("ja", assets) for d in i18n.translations_dict.values())


@pytest.mark.parametrize("ja", [
    None,  # the file is missing
    "",
    "export default {}",
    "var e=`${x}`;export{e as default};",  # a substitution: not a literal
    "var e={a:b};export{e as default};",  # an unknown reference
    "var e={a:`x`;export{e as default};",
    "var e={};export{e as default};",  # no strings
    "var e=`x`;export{e as other};",
    "var e={a:`\\u{110000}`};export{e as default};",  # past the last code point
    "var e=" + "{a:" * 40 + "`x`" + "}" * 40 + ";export{e as default};",  # nested past MAX_DEPTH
])
def test_an_unreadable_locale_is_logged_and_leaves_gradio_alone(tmp_path, caplog, ja):
    assets = _assets(tmp_path, ja or "")
    if ja is None:
        (assets / "ja-BBBB2222.js").unlink()
    with caplog.at_level(logging.ERROR, logger="serving.web.locale"):
        assert locale.fixed_locale_i18n("ja", assets) is None
    assert "stay in the browser's language" in caplog.text
    with pytest.raises((OSError, locale.LocaleFileError)):
        locale.builtin_strings("ja", assets)


def test_no_core_chunk_or_no_such_locale(tmp_path):
    with pytest.raises(locale.LocaleFileError, match="no core"):
        locale.locale_files(tmp_path)
    with pytest.raises(locale.LocaleFileError, match="no 'xx' locale"):
        locale.builtin_strings("xx", _assets(tmp_path))


def test_installed_gradio_ja_strings_reach_every_locale_in_the_page_config(index_settings, offline_assistant,
                                                                          tmp_path):
    ja = locale.builtin_strings("ja")
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja["upload_text.drop_file"])
    service = make_service(index_settings, offline_assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service)) as c:
        translations = c.get("/config").json()["i18n_translations"]
    assert {"en", "ja", "fr", "zh-CN"} <= set(translations)
    assert all(d == ja for d in translations.values())


def test_the_app_serves_without_the_locale(index_settings, offline_assistant, tmp_path, monkeypatch):
    monkeypatch.setattr(serving.api, "fixed_locale_i18n", lambda: locale.fixed_locale_i18n("ja", tmp_path))
    service = make_service(index_settings, offline_assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service)) as c:
        assert c.get("/").status_code == 200
        assert c.get("/config").json()["i18n_translations"] is None


def test_pages_are_compressed_and_streamed_answers_are_not(index_settings, offline_assistant, tmp_path):
    """The page (Gradio's config with the strings for every locale) goes gzipped to a browser that accepts it; the
    answer stream (Server-Sent Events) stays uncompressed, so each event reaches the browser as it is written."""
    service = make_service(index_settings, offline_assistant, tmp_path / "db.sqlite3")
    with TestClient(create_app(service.settings, service=service)) as c:
        page = c.get("/", headers={"Accept-Encoding": "gzip"})
        assert page.headers.get("content-encoding") == "gzip" and 'lang="ja"' in page.text
        assert len(page.content) > 4 * int(page.headers["content-length"])  # decoded vs sent
        assert "content-encoding" not in c.get("/", headers={"Accept-Encoding": "identity"}).headers
        stream = c.post("/api/ask/stream", json={"question": "大企業の補助率は？"}, headers={"Accept-Encoding": "gzip"})
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers
        assert "event: final" in stream.text and "1/3" in stream.text
