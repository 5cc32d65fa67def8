"""Questions about a document a user added after the scope model was trained: in scope because it is in the index.

The scope models learnt what the shipped programmes are about; a document added later (real ingest, real Chroma,
real Sudachi) may be about anything. ``scope.added_document_coverage`` is the evidence that lets its questions
through; these tests show it fires only for questions in the added document's own words.
"""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answer import scope
from assistant.index.generations import resolve
from assistant.retrieval.retriever import Retriever
from tests.corpus_fixtures import index_with_outside_document

# A document on a topic far from the programmes, as a user might add (a club's notice).
ADDED_TEXT = """1. 探鳥会のご案内

市民探鳥会を川沿いの遊歩道で開きます。カワセミの青い羽根やセキレイの群れを双眼鏡で観察します。
集合場所は緑橋のたもと、雨天時は公民館の講堂で野鳥のスライド上映に切り替えます。
"""
ADDED_QUESTIONS = ["カワセミの青い羽根について教えて", "探鳥会の集合場所はどこ？", "雨天時は双眼鏡の観察どうなる？"]
# Outside the programmes and the added document: nothing in the added document holds their words.
OUT_OF_SCOPE = ["おすすめのラーメン屋を教えて", "確定申告の期限はいつですか", "東京都の創業助成金の申請方法"]
# About the shipped programmes: the added document does not change their verdicts.
SHIPPED = ["大企業の補助率はいくらですか？", "申請書は英語でも大丈夫？", "GPUノードは最大いくつ確保できますか"]


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """A real index of the packaged documents plus one added from outside the corpus folder."""
    settings, report, _ = index_with_outside_document(tmp_path_factory.mktemp("added"), "tanchoukai.txt", ADDED_TEXT)
    assert not report.errors, report.errors
    return Retriever.from_settings(resolve(settings))


def _decide(retriever: Retriever, question: str) -> scope.Decision:
    model = scope.load_model()
    passages = retriever.search(question, 5)
    f = scope.features(retriever, question, passages, model.trained_docs)
    return model.decide(f, retriever.store.embedder.name)


def test_the_shipped_model_knows_which_documents_it_was_trained_on(retriever):
    shipped = {c.doc_id for c in retriever.store.all_chunks()}
    assert scope.load_model().trained_docs == shipped


@pytest.mark.parametrize("question", ADDED_QUESTIONS)
def test_questions_in_an_added_documents_words_are_in_scope(added, retriever, question):
    model = scope.load_model()
    f = scope.features(added, question, added.search(question, 5), model.trained_docs)
    assert f.added_coverage >= scope.ADDED_DOCUMENT_GATE, f
    assert _decide(added, question).coverage == "answered"
    # Without the added document nothing holds their words: the evidence is absent.
    assert scope.features(retriever, question, retriever.search(question, 5), model.trained_docs).added_coverage == 0


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_other_questions_keep_their_verdicts_after_a_document_is_added(added, retriever, question):
    model = scope.load_model()
    assert scope.features(added, question, added.search(question, 5), model.trained_docs).added_coverage == 0
    assert _decide(added, question).coverage == _decide(retriever, question).coverage


def test_unrelated_questions_stay_refused_after_a_document_is_added(added):
    for q in ("おすすめのラーメン屋を教えて", "東京都の創業助成金の申請方法"):
        assert _decide(added, q).coverage == "out_of_scope", q


@pytest.mark.parametrize("question", SHIPPED)
def test_questions_about_the_shipped_programmes_keep_their_verdicts(added, retriever, question):
    assert _decide(added, question).coverage == _decide(retriever, question).coverage


def test_no_evidence_without_the_list_of_trained_documents(added):
    # A model file from before the list (trained_docs empty) gives no such evidence: its verdicts are unchanged.
    q = ADDED_QUESTIONS[0]
    assert scope.added_document_coverage(added, q, added.search(q, 5), frozenset()) == 0.0


def test_words_shared_with_the_trained_documents_are_not_evidence(added):
    # Every document the index holds counted as trained: no word is the added document's alone.
    everything = frozenset(c.doc_id for c in added.store.all_chunks())
    for q in ADDED_QUESTIONS:
        assert scope.added_document_coverage(added, q, added.search(q, 5), everything) == 0.0


def test_an_old_model_file_loads_with_no_trained_documents():
    arrays = {k: v for k, v in scope.load_arrays().items() if k != "trained_docs"}
    assert scope.ScopeModel.from_arrays(arrays).trained_docs == frozenset()


def test_the_added_documents_words_are_found_once_per_index_state(added, monkeypatch):
    model = scope.load_model()
    q = ADDED_QUESTIONS[1]
    scope.added_document_coverage(added, q, added.search(q, 5), model.trained_docs)
    calls: list[int] = []
    real = added.store.existing
    monkeypatch.setattr(added.store, "existing", lambda: calls.append(1) or real())
    for q in ADDED_QUESTIONS:
        scope.added_document_coverage(added, q, added.search(q, 5), model.trained_docs)
    assert calls == []


def test_the_added_document_is_really_outside_the_trained_ones(added):
    docs = {c.doc_id for c in added.store.all_chunks()}
    assert len(docs - scope.load_model().trained_docs) == 1


@pytest.mark.parametrize("share, coverage", [(0.0, "out_of_scope"), (scope.ADDED_DOCUMENT_GATE - 0.01, "out_of_scope"),
                                             (scope.ADDED_DOCUMENT_GATE, "answered"), (1.0, "answered")])
def test_the_gate_lets_a_question_the_models_refuse_through(added, share, coverage):
    """The decision itself: a question the models put far out of scope (p ≈ 0) is in scope exactly when an added
    document holds at least the gate's share of its words."""
    model = scope.load_model()
    q = "おすすめのラーメン屋を教えて"
    f = scope.features(added, q, added.search(q, 5), model.trained_docs)
    assert model.p_in_scope(f, True) < 0.05
    decision = model.decide(dataclasses.replace(f, added_coverage=share), added.store.embedder.name)
    assert decision.coverage == coverage
    assert ("added after training" in decision.reason) == (coverage == "answered")
