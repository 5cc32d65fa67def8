"""The same ingest and retrieval against a real Chroma server (`chroma run`) on 127.0.0.1 via HttpClient."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from assistant.domain.config import load_settings
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ingest

CHROMA = shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path: Path):
    if CHROMA is None:
        pytest.skip("the `chroma` CLI (part of the chromadb package) is not on PATH")
    port = _free_port()
    proc = subprocess.Popen([CHROMA, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(chroma_server, tmp_path):
    settings = load_settings(data_dir=tmp_path / "app", chroma_host="127.0.0.1", chroma_port=chroma_server,
                             _env_file=None)
    report = ingest(settings)
    assert not report.errors and report.total_chunks > 10
    assert not settings.chroma_dir.exists()  # nothing embedded: the vectors live in the server
    hits = Retriever.from_settings(settings).search("GPUノードの上限は100", 3)
    assert any(p.chunk.doc_id == "geniac-compute-resources" for p in hits)

    # A second app replica with its own data dir (no BM25 file yet) shares the server's index.
    replica = load_settings(data_dir=tmp_path / "replica", chroma_host="127.0.0.1", chroma_port=chroma_server,
                            _env_file=None)
    r2 = Retriever.from_settings(replica)
    assert len(r2) == report.total_chunks
    assert [p.chunk.id for p in r2.search("大企業の補助率", 3)] == \
        [p.chunk.id for p in Retriever.from_settings(settings).search("大企業の補助率", 3)]


def test_unreachable_server_names_the_fix(tmp_path):
    from assistant.domain.config import ConfigError
    from assistant.index.store import ChunkStore

    settings = load_settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=_free_port(),
                             _env_file=None)
    with pytest.raises(ConfigError, match="KOUBO_CHROMA_HOST"):
        ChunkStore(settings)


def test_rebuild_through_a_server_switches_collections_atomically(chroma_server, tmp_path):
    """Each generation is its own pair of collections; a rebuild killed midway leaves the served one intact
    (the pointer collection still names it); a finished one switches and drops all but the previous one."""
    import os
    import signal
    import sys

    from assistant.index.generations import Generations

    settings = load_settings(data_dir=tmp_path / "app", chroma_host="127.0.0.1", chroma_port=chroma_server,
                             _env_file=None)
    first = ingest(settings)
    gens = Generations(settings)
    assert gens.current() == first.generation
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOUBO_")}
    env.update({"KOUBO_DATA_DIR": str(tmp_path / "app"), "KOUBO_CHROMA_HOST": "127.0.0.1",
                "KOUBO_CHROMA_PORT": str(chroma_server), "KOUBO_INGEST_PAUSE_AT": "sentences-written",
                "PYTHONPATH": str(root), "ANONYMIZED_TELEMETRY": "False"})
    proc = subprocess.Popen([sys.executable, "-m", "serving.cli", "ingest", "--rebuild", "--quiet"], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:  # blocks until the marker; the child would otherwise finish and exit
            if "ingest paused at sentences-written" in line:
                break
        else:
            pytest.fail("the rebuild never reached its pause point")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert gens.current() == first.generation
    fresh = Retriever.from_settings(load_settings(data_dir=tmp_path / "replica", chroma_host="127.0.0.1",
                                                  chroma_port=chroma_server, _env_file=None))
    assert fresh.generation == first.generation and len(fresh) == first.total_chunks
    assert any(p.chunk.doc_id == "geniac-compute-resources" for p in fresh.search("GPUノードの上限は100", 3))

    second = ingest(settings, rebuild=True)
    third = ingest(settings, rebuild=True)
    assert gens.current() == third.generation != second.generation
    assert gens.existing() == [second.generation, third.generation]  # killed run's and first's collections gone
    assert Retriever.from_settings(settings).generation == third.generation
