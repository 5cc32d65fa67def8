"""Smoke tests of the benchmark code on tiny sizes (no timing assertions: the CPU is shared)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from evals.bench.report import Target, percentile, summarize, table, targets_table


def test_percentile_matches_numpy_linear_interpolation():
    xs = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0]
    for q in (0, 25, 50, 95, 100):
        assert percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)))
    s = summarize(xs)
    assert (s["n"], s["min"], s["max"]) == (6, 1.0, 9.0)
    assert s["p50"] <= s["p95"] <= s["max"]
    assert summarize([])["p95"] != summarize([])["p95"]  # NaN when nothing was measured


def test_target_verdicts_and_tables():
    assert Target("a", 40.0, 50.0, "ms").verdict == "PASS"
    assert Target("a", 60.0, 50.0, "ms").verdict == "MISS"
    assert Target("a", None, 50.0, "ms").verdict == "N/A"
    assert Target("zero errors", 0.0, 0.0, "errors").verdict == "PASS"
    text = targets_table([Target("retrieval p95", 60.0, 50.0, "ms").as_dict()])
    assert "MISS" in text and "≤ 50.0 ms" in text
    lines = table([{"name": "x", "v": 1234.5}, {"name": "longer", "v": 2.0}], [("name", "n"), ("v", "value")])
    assert lines.splitlines()[2].endswith("1,234.5")
    assert len({len(ln) for ln in lines.splitlines()[1:]}) == 1  # columns aligned


def _small_pool():
    from evals.bench.synthetic import SentencePool

    pool = SentencePool.from_corpus()
    return SentencePool(pool.sentences[:6], pool.headings[:3])


def test_synthetic_corpus_has_exactly_n_chunks_and_is_deterministic(tmp_path):
    from assistant.domain.config import load_settings
    from corpus.catalog import load_catalog
    from corpus.splitter import split_document
    from evals.bench.synthetic import SentencePool, generate

    pool = SentencePool.from_corpus()
    assert len(pool.sentences) > 50 and pool.headings
    s = load_settings(_env_file=None)
    a = generate(tmp_path / "a", 53, seed=1, chunk_size=s.chunk_size, overlap=s.chunk_overlap, pool=pool)
    b = generate(tmp_path / "b", 53, seed=1, chunk_size=s.chunk_size, overlap=s.chunk_overlap, pool=pool)
    c = generate(tmp_path / "c", 53, seed=2, chunk_size=s.chunk_size, overlap=s.chunk_overlap, pool=pool)
    files = sorted(p.name for p in a.folder.glob("*.txt"))
    assert files == sorted(p.name for p in b.folder.glob("*.txt"))
    assert all((a.folder / f).read_text() == (b.folder / f).read_text() for f in files)
    assert any((a.folder / f).read_text() != (c.folder / f).read_text() for f in files if (c.folder / f).exists())
    catalog = load_catalog(a.folder)
    total = sum(len(split_document(m.id, m.title, (a.folder / m.file).read_text(encoding="utf-8"),
                                   s.chunk_size, s.chunk_overlap)) for m in catalog.values())
    assert a.n_chunks == total == 53
    assert a.n_docs == len(catalog) == len(files)
    # Every body line is made of real sentences.
    body = [ln for f in files for ln in (a.folder / f).read_text().splitlines() if ln and not ln.startswith("#")]
    assert all(any(ln.startswith(sent) for sent in pool.sentences) for ln in body)
    # A second call reuses the folder instead of regenerating it.
    before = (a.folder / files[0]).stat().st_mtime_ns
    assert generate(tmp_path / "a", 53, seed=1, chunk_size=s.chunk_size, overlap=s.chunk_overlap,
                    pool=pool).n_chunks == 53
    assert (a.folder / files[0]).stat().st_mtime_ns == before


def test_composed_vectors_live_in_the_real_embedding_space(index_settings):
    from assistant.index.embeddings import get_embedder
    from evals.bench.vectors import ComposedEmbedder

    real = get_embedder(index_settings)
    pool = _small_pool()
    composed = ComposedEmbedder(real, pool.sentences + pool.headings)
    one = pool.sentences[0]
    vec = composed.embed_passages([one, f"### 2. {pool.headings[0]}", one + pool.sentences[1]])
    assert vec.shape == (3, real.dim)
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    truth = real.embed_passages([one])[0]
    assert float(np.dot(vec[0], truth)) > 0.98  # a single sentence: only the seeded noise differs
    assert composed.real_calls == 0  # the decorated heading was recognised, nothing embedded again
    again = ComposedEmbedder(real, pool.sentences + pool.headings).embed_passages([one])
    assert np.array_equal(vec[0], again[0])  # noise is seeded by the text
    assert composed.embed_queries(["補助率"]).shape == (1, real.dim)


def test_synthetic_index_through_the_real_ingest_path_and_retrieval_measure(tmp_path, index_settings):
    from assistant.index.embeddings import get_embedder
    from evals.bench.indexes import MARKER, bench_settings, build, index_bytes
    from evals.bench.retrieval_bench import STAGES, measure
    from evals.bench.synthetic import generate
    from evals.bench.vectors import ComposedEmbedder

    pool = _small_pool()
    corpus = generate(tmp_path / "corpus", 25, seed=0, pool=pool)
    settings = bench_settings(tmp_path / "data", corpus.folder, _env_file=None)
    composed = ComposedEmbedder(get_embedder(settings), pool.sentences + pool.headings)
    built = build(settings, composed, label="tiny")
    assert built.chunks == 25 and (settings.data_dir / MARKER).is_file()
    assert 0 <= built.embed_seconds <= built.seconds
    size = index_bytes(settings)
    assert size["chroma_bytes"] > 0 and size["bm25_bytes"] > 0
    m = measure(settings.data_dir, corpus.folder, queries=4, warmup=1)
    assert m["chunks"] == 25 and m["total"]["n"] == 4
    assert set(m["stages"]) <= set(STAGES) and {"tokenize", "bm25", "embed", "chroma", "fusion"} <= set(m["stages"])
    assert m["excl_embed"]["p50"] <= m["total"]["p50"]
    assert m["rss_end_mb"] > 0


def test_timed_chat_model_counts_only_time_inside_the_model():
    from assistant.testing import ScriptedChatModel
    from evals.bench.fake_llm import LLMClock, TimedChatModel

    clock = LLMClock()
    model = TimedChatModel(ScriptedChatModel(script=["こんにちは、資料によれば[1]です。"]), clock)
    bound = model.bind_tools([])
    pieces = []
    for chunk in bound.stream("質問"):
        pieces.append(chunk.content)
        time.sleep(0.02)  # the consumer's time is not the model's
    assert "".join(pieces) == "こんにちは、資料によれば[1]です。"
    assert clock.calls == 1 and clock.seconds < 0.02 * len(pieces)


def test_answer_overhead_scenario_with_the_fake_llm(index_settings, retriever):
    from evals.bench.answer_bench import _scenario
    from evals.bench.retrieval_bench import faq_questions

    qs = faq_questions()[:4]
    m = _scenario(index_settings, retriever, qs, first_token_ms=0.0, token_ms=0.0, tool=True, warmup=1)
    assert m["questions"] == 3 and m["errors"] == 0
    assert m["llm_calls"] >= 2  # the tool round and the answer, per answered question
    assert m["overhead"]["p50"] >= 0 and m["total"]["p50"] >= m["llm"]["p50"]


class _AskHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["question"] == "slow":
            time.sleep(3)
        status = 500 if body["question"] == "bad" else 200
        data = b'{"text": "ok"}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_http_level_counts_errors_and_enforces_the_hard_timeout():
    import asyncio

    from evals.bench.http_bench import _level

    srv = ThreadingHTTPServer(("127.0.0.1", 0), _AskHandler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        m = asyncio.run(_level(base, ["a", "bad", "b", "c"], 2, request_timeout=5, level_timeout=5))
        assert (m["ok"], m["errors"], m["statuses"]) == (3, 1, {"200": 3, "500": 1})
        assert m["latency_ms"]["n"] == 3 and m["throughput_rps"] > 0
        m = asyncio.run(_level(base, ["slow", "a"], 1, request_timeout=10, level_timeout=1))
        assert m["ok"] == 0 and m["errors"] == 2 and m["statuses"]["timeout (hard limit)"] == 2
    finally:
        srv.shutdown()
        srv.server_close()


def test_cli_rejects_bad_sizes_politely(capsys):
    from serving.cli import main
    from serving.commands.bench import _sizes

    assert _sizes("1k,10_000") == [1000, 10000]
    with pytest.raises(SystemExit) as exc:
        main(["bench", "retrieval", "--chunks", "0"])
    assert exc.value.code == 2
    assert "1 以上" in capsys.readouterr().err
    assert main(["bench", "answer", "--questions", "0"]) == 2
    assert "1 以上" in capsys.readouterr().err


def test_machine_info_names_the_machine():
    from evals.bench.report import machine_info, rss_mb

    m = machine_info()
    assert m["cores"] >= 1 and m["cpu_model"] and m["python"].count(".") == 2
    assert rss_mb()["rss_mb"] > 0
