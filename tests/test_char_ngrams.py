"""The scope model's character n-gram opinion (assistant/answer/char_ngrams.py) and how it is combined."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.answer import char_ngrams, scope
from assistant.answer.char_ngrams import CharNgramModel
from evals import train_scope


@pytest.fixture(scope="module")
def tiny() -> CharNgramModel:
    """A model fitted here on a handful of questions: programme words in scope (1), everyday words not (0)."""
    texts = ["GENIACの補助率は？", "GPUノードは何ノードまで", "計算資源の対象経費", "インフラ補助の申請期限",
             "明日の天気は？", "おすすめのラーメン屋", "確定申告のやり方", "温泉旅行のプラン"]
    return train_scope.fit_text(texts, np.array([1, 1, 1, 1, 0, 0, 0, 0]), c=10.0)


def test_fitted_model_reads_words_it_was_trained_on(tiny):
    assert tiny.logit("GENIACの申請はいつまで？") > 0 > tiny.logit("週末の天気とラーメン")
    # NFKC and case: full-width and upper-case letters are the same n-grams
    assert tiny.logit("ＧＥＮＩＡＣ") == pytest.approx(tiny.logit("geniac"))


def test_arrays_round_trip_and_sparse_weights(tiny):
    arrays = tiny.to_arrays("text")
    assert len(arrays["text_index"]) == np.count_nonzero(tiny.weights) < tiny.n_features
    again = CharNgramModel.from_arrays(arrays, "text")
    for q in ("GENIACの補助率", "天気", "", "🙂" * 5):
        assert again.logit(q) == pytest.approx(tiny.logit(q), rel=1e-5, abs=1e-6)


def test_any_input_costs_a_bounded_pass(tiny):
    """Only the last MAX_CHARS characters count (a condensed query ends with the question), also after NFKC,
    which can turn one character into eighteen (U+FDFA); a lone surrogate is scrubbed, not an error."""
    huge = "天気" * 1_000_000 + "GENIACの補助率"
    assert tiny.logit(huge) == pytest.approx(tiny.logit(huge[-char_ngrams.MAX_CHARS:]))
    assert tiny.logit(huge) != pytest.approx(tiny.logit(huge[:char_ngrams.MAX_CHARS]))
    assert len(char_ngrams._normalise("\ufdfa" * char_ngrams.MAX_CHARS)) == char_ngrams.MAX_CHARS
    assert tiny.logit("GENIAC\ud800の補助率") == pytest.approx(tiny.logit("GENIAC\ufffdの補助率"))


def _with_text(p: float, text_logit: float, text_weight: float) -> float:
    return scope.blend(p, [(text_logit, text_weight)])


def test_blend_weights_the_text_opinion_in_logit_space():
    assert _with_text(0.7, 5.0, 0.0) == pytest.approx(0.7)
    assert _with_text(0.7, 2.0, 1.0) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert _with_text(0.5, 2.0, 0.5) == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert _with_text(0.3, -1.0, 0.5) < _with_text(0.3, 1.0, 0.5)
    assert _with_text(0.0, -1e9, 0.5) < 1e-20 and _with_text(1.0, 1e9, 0.5) == pytest.approx(1.0)


def test_shipped_model_carries_the_text_models():
    model = scope.load_model()
    assert model.text is not None and model.text_weight == train_scope.TEXT_WEIGHT
    assert model.text.ngram == train_scope.TEXT_NGRAM and model.text.n_features == train_scope.TEXT_FEATURES
    assert model.nid_text is not None and model.nid_text_weight == train_scope.NID_TEXT_WEIGHT


def test_a_model_file_without_the_text_model_still_loads(tiny):
    """An older scope_model.npz (model 5 and before) has no text arrays: the embedding model decides alone."""
    model = scope.load_model()
    arrays = {k: v for k, v in scope.load_arrays().items()
              if not k.startswith(("text", "nid_text", "neighbours", "nid_neighbours"))}
    old = scope.ScopeModel.from_arrays(arrays)
    assert old.text is None and old.text_weight == 0.0 and old.nid_text is None
    f = scope.Features(embedding=np.zeros(len(model.scope.mean) - len(model.scope.scalar_names)), best_dense=0.8,
                       best_bm25=5.0, noun_coverage=1.0, oov_nouns=0, domain_term=True, foreign_scheme="",
                       n_nouns=2, question="GENIACの補助率")
    assert old.p_in_scope(f, True) == pytest.approx(model.scope.probability(f))
    assert old.p_not_in_documents(f) == pytest.approx(model.nid.probability(f))
    with_text = scope.ScopeModel.from_arrays({**arrays, **tiny.to_arrays("text"), "text_weight": np.array(0.5)})
    assert with_text.p_in_scope(f, True) == pytest.approx(
        _with_text(model.scope.probability(f), tiny.logit("GENIACの補助率"), 0.5))
    # another embedder: the lexical fallback alone, whatever the text model says
    assert with_text.p_in_scope(f, False) == pytest.approx(model.lexical.probability(f))
    # no question, no opinion (a Features built without one is not pushed towards either side)
    assert with_text.p_in_scope(scope.Features(**{**f.__dict__, "question": ""}), True) == pytest.approx(
        model.scope.probability(f))
    with_nid_text = scope.ScopeModel.from_arrays({**arrays, **tiny.to_arrays("nid_text"),
                                                  "nid_text_weight": np.array(0.25)})
    assert with_nid_text.p_not_in_documents(f) == pytest.approx(
        _with_text(model.nid.probability(f), tiny.logit("GENIACの補助率"), 0.25))



def test_both_models_share_one_vectorised_row(monkeypatch):
    """p(in scope) and p(not in documents) read the same question: it is hashed once, not once per model."""
    from assistant.answer import char_ngrams

    model = scope.load_model()
    char_ngrams._row.cache_clear()
    calls: list[list[str]] = []
    real = char_ngrams.features
    monkeypatch.setattr(char_ngrams, "features", lambda texts, *a: calls.append(list(texts)) or real(texts, *a))
    question = "共有された行を二度読むかどうか確かめるための質問"
    first = (model.text.logit(question), model.nid_text.logit(question))
    assert (model.text.logit(question), model.nid_text.logit(question)) == first
    assert calls == [[question]]
    assert first[0] == pytest.approx(float((real([question], model.text.ngram, model.text.n_features)
                                            @ model.text.weights)[0] + model.text.bias))
    with pytest.raises(ValueError):
        char_ngrams._row(question, model.text.ngram, model.text.n_features).data[0] = 1.0  # shared: read-only


def test_logits_of_many_texts_are_the_logits_of_each():
    model = scope.load_model().text
    texts = ["締切はいつ？", "おすすめのラーメン屋を教えて", "", "GENIAC 補助率"]
    assert model.logits(texts).tolist() == [model.logit(t) for t in texts]
