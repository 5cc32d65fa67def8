"""The scope model's nearest-neighbour opinion (assistant/answer/neighbours.py) and how p(in scope) blends it."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from assistant.answer import scope
from assistant.answer.neighbours import SHARED, NeighbourModel, quantise, shared_arrays
from evals import train_scope


def _clusters(seed: int = 3, n_in: int = 12, n_out: int = 36, dim: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """In-scope vectors around e0, out-of-scope ones around e1 (three times as many)."""
    rng = np.random.default_rng(seed)
    e = np.eye(dim)
    vin = e[0] + 0.15 * rng.standard_normal((n_in, dim))
    vout = e[1] + 0.15 * rng.standard_normal((n_out, dim))
    return np.vstack([vin, vout]), np.concatenate([np.ones(n_in), np.zeros(n_out)])


def test_quantised_rows_are_unit_vectors_in_int8_with_a_scale_per_row():
    v = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [-1.0, 1.0, 1.0]])
    q, scale = quantise(v)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (3,)
    assert q[0].tolist() == [95, 127, 0]  # the largest component (0.8) at 127; 0.6 / 0.8 · 127 = 95.25
    assert scale[0] == pytest.approx(0.8 / 127)
    assert q[1].tolist() == [0, 0, 0] and scale[1] > 0  # a zero vector stays zero, no division by zero
    assert np.linalg.norm(q[2] * scale[2]) == pytest.approx(1.0, abs=0.01)
    # a row too small to normalise in float32 is a zero row; a non-finite one is refused
    q, scale = quantise(np.array([[1e-300, 0.0, 0.0]]))
    assert q[0].tolist() == [0, 0, 0] and scale[0] > 0
    with pytest.raises(ValueError):
        quantise(np.array([[np.nan, 1.0, 0.0]]))


def test_per_row_scales_keep_cosines_of_real_sized_embeddings_close():
    """384-dimensional unit vectors (the e5 embeddings' size) spread their mass: one scale per row keeps the cosine
    of a query with a remembered vector within 0.003 of the float value (a single /127 scale gave about 0.01)."""
    rng = np.random.default_rng(11)
    vectors = rng.standard_normal((200, 384))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    q, scale = quantise(vectors)
    queries = unit[:20] + 0.3 * rng.standard_normal((20, 384)) / np.sqrt(384)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = queries @ unit.T
    approx = queries @ (q * scale[:, None]).T
    assert np.abs(exact - approx).max() < 0.003
    assert np.abs(exact - queries @ (np.clip(np.rint(unit * 127), -127, 127) / 127).T).max() > 0.003


def test_a_model_file_without_row_scales_still_loads_as_before():
    """Model 8's file stores ``vector ≈ q / 127`` without scales: it loads and votes with those vectors."""
    vectors, labels = _clusters()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    old_memory = np.clip(np.rint(unit * 127), -127, 127).astype(np.int8)
    arrays = {"n_memory": old_memory, "n_labels": labels.astype(np.uint8), "n_k": np.array(5),
              "n_tau": np.array(0.05)}
    old = NeighbourModel.from_arrays(arrays, "n")
    assert np.allclose(old.scale, 1 / 127)
    assert old.logit(np.eye(vectors.shape[1])[0]) > 1.0
    with pytest.raises(ValueError):
        NeighbourModel(old_memory, labels, 5, 0.05, np.zeros(len(labels)))


def test_a_question_takes_the_side_of_its_neighbours():
    vectors, labels = _clusters()
    model = NeighbourModel.fit(vectors, labels, k=5, tau=0.05)
    dim = vectors.shape[1]
    near_in, near_out = np.eye(dim)[0] + 0.01, np.eye(dim)[1] + 0.01
    assert model.logit(near_in) > 1.0
    assert model.logit(near_out) < -1.0
    # the scale of the query does not matter (cosine)
    assert model.logit(10 * near_in) == pytest.approx(model.logit(near_in), abs=1e-6)
    # one pass for many rows gives the same opinions
    assert model.logits(np.stack([near_in, near_out])) == pytest.approx([model.logit(near_in), model.logit(near_out)])


def test_votes_are_class_balanced_and_smoothed():
    """Every neighbour equally similar: the larger class does not win by count (logit 0); a single neighbour's
    vote is not certainty (half a vote of prior on each side)."""
    dim = 4
    memory = np.tile(np.eye(dim)[0], (40, 1))
    labels = np.concatenate([np.ones(10), np.zeros(30)])
    balanced = NeighbourModel.fit(memory, labels, k=40, tau=0.05)
    assert balanced.logit(np.eye(dim)[0]) == pytest.approx(0.0, abs=1e-9)
    lone = NeighbourModel.fit(np.eye(dim)[:2], np.array([1.0, 0.0]), k=1, tau=0.05)
    p = 1 / (1 + math.exp(-lone.logit(np.eye(dim)[0])))
    assert 0.5 < p < 1.0
    assert p == pytest.approx((1.0 + 0.5) / (1.0 + 1.0))  # w·class weight = 1·(0.5/0.5); (1 + ½) / (1 + 1)


def test_k_is_bounded_by_the_memory_and_bad_memory_is_refused():
    vectors, labels = _clusters(n_in=2, n_out=2)
    assert NeighbourModel.fit(vectors, labels, k=50, tau=0.05).k == 4
    with pytest.raises(ValueError):
        NeighbourModel(vectors.astype(np.float32), labels, 3, 0.05)
    with pytest.raises(ValueError):
        NeighbourModel(quantise(vectors)[0], labels[:-1], 3, 0.05)


def test_arrays_round_trip_through_a_model_file():
    vectors, labels = _clusters()
    model = NeighbourModel.fit(vectors, labels, k=7, tau=0.1)
    buf = io.BytesIO()
    np.savez_compressed(buf, **model.to_arrays("neighbours"))
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as data:
        again = NeighbourModel.from_arrays({k: data[k] for k in data.files}, "neighbours")
    queries = vectors[:5] + 0.05
    assert again.k == 7 and again.tau == 0.1
    assert np.array_equal(again.logits(queries), model.logits(queries))


def test_memories_that_share_questions_store_each_row_once():
    """The coverage memory holds mostly questions the scope memory holds: a model file keeps one copy of each row, and
    each memory reads back exactly its own rows, in order, with its own labels."""
    vectors, labels = _clusters()
    scope_memory = NeighbourModel.fit(vectors, labels, k=7, tau=0.1)
    extra = np.random.default_rng(5).normal(size=(6, vectors.shape[1]))
    picked = np.array([3, 0, 11, 11, 40])  # out of order, one question twice
    nid_memory = NeighbourModel.fit(np.vstack([vectors[picked], extra]), np.array([1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0]),
                                    k=3, tau=0.05)
    arrays = shared_arrays({"neighbours": scope_memory, "nid_neighbours": nid_memory})
    assert "neighbours_memory" not in arrays and "nid_neighbours_memory" not in arrays
    assert len(arrays[SHARED]) == len(np.unique(np.vstack([vectors, extra]), axis=0))
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as data:
        stored = {k: data[k] for k in data.files}
    queries = vectors[:9] + 0.05
    for prefix, model in (("neighbours", scope_memory), ("nid_neighbours", nid_memory)):
        again = NeighbourModel.from_arrays(stored, prefix)
        assert np.array_equal(again.memory, model.memory) and np.array_equal(again.scale, model.scale)
        assert np.array_equal(again.labels, model.labels) and (again.k, again.tau) == (model.k, model.tau)
        assert np.array_equal(again.logits(queries), model.logits(queries))
    rows = stored["nid_neighbours_rows"]
    negative, past_the_end = rows.copy(), rows.copy()
    negative[0], past_the_end[-1] = -1, len(arrays[SHARED])
    for bad in (negative, past_the_end, rows[None, :], rows.astype(np.float64)):
        with pytest.raises(ValueError, match="indices"):
            NeighbourModel.from_arrays({**stored, "nid_neighbours_rows": bad}, "nid_neighbours")
    without_scales = {k: v for k, v in stored.items() if k != f"{SHARED}_row_scale"}
    for broken in (without_scales, {**stored, f"{SHARED}_row_scale": stored[f"{SHARED}_row_scale"][:-1]}):
        with pytest.raises(ValueError, match="needs"):
            NeighbourModel.from_arrays(broken, "neighbours")


def test_blend_weighs_every_opinion_in_logit_space():
    assert scope.blend(0.7, []) == pytest.approx(0.7)
    assert scope.blend(0.5, [(2.0, 0.3), (-1.0, 0.2)]) == pytest.approx(1 / (1 + math.exp(-(0.6 - 0.2))))
    assert scope.blend(0.7, [(1.5, 0.3)]) == pytest.approx(1 / (1 + math.exp(-(0.7 * math.log(0.7 / 0.3) + 0.45))))


@pytest.mark.parametrize("weights", [(0.6, 0.4), (0.3, 0.8), (-0.1, 0.2), (1.0, 0.0)])
def test_opinion_weights_that_would_silence_or_invert_the_logistic_model_are_refused(weights):
    arrays = scope.load_arrays()
    with pytest.raises(ValueError):
        scope.ScopeModel.from_arrays({**arrays, "text_weight": np.array(weights[0]),
                                      "neighbours_weight": np.array(weights[1])})
    with pytest.raises(ValueError):
        scope.check_weights(*weights)
    scope.check_weights(0.3, 0.4)  # model 8's


def test_bad_settings_and_bad_queries():
    vectors, labels = _clusters()
    for k, tau in ((0, 0.05), (5, 0.0), (5, -1.0)):
        with pytest.raises(ValueError):
            NeighbourModel.fit(vectors, labels, k, tau)
    model = NeighbourModel.fit(vectors, labels, k=5, tau=0.05)
    dim = vectors.shape[1]
    # a zero or non-finite vector has no neighbours: no opinion, not a lean towards either side
    assert model.logits(np.stack([np.zeros(dim), np.full(dim, np.nan), np.eye(dim)[0]])).tolist()[:2] == [0.0, 0.0]
    assert model.logit(np.eye(dim)[0]) > 1.0
    # the memory is read-only (shared between request threads)
    with pytest.raises(ValueError):
        model.memory[0, 0] = 1


def test_shipped_model_hears_its_neighbours():
    model = scope.load_model()
    assert model.neighbours is not None and model.neighbour_weight == train_scope.NEIGHBOUR_WEIGHT
    assert (model.neighbours.k, model.neighbours.tau) == (train_scope.NEIGHBOUR_K, train_scope.NEIGHBOUR_TAU)
    assert model.neighbours.dim == len(model.scope.mean) - len(model.scope.scalar_names)
    # in-scope and out-of-scope training questions are both remembered
    assert 0 < model.neighbours.labels.mean() < 1
    # the coverage model has its own memory: answered and not-in-documents questions
    assert model.nid_neighbours is not None and model.nid_neighbour_weight == train_scope.NID_NEIGHBOUR_WEIGHT
    assert 0 < model.nid_neighbours.labels.mean() < 1


def test_the_memories_labels_are_the_training_questions_in_order():
    """Each remembered vector's label is its training question's: the hand-written rows, then the synthetic in-scope
    and out-of-scope questions (scope); the in-scope rows, then synthetic in-scope and uncovered ones (coverage)."""
    model = scope.load_model()
    rows, syn_in, syn_out, syn_unc = train_scope.training_data()
    cov = np.array([r["expected_coverage"] for r in rows])
    in_scope = cov != "out_of_scope"
    expected = np.concatenate([in_scope, np.ones(len(syn_in)), np.zeros(len(syn_out))])
    assert model.neighbours.labels.tolist() == expected.tolist()
    expected_nid = np.concatenate([cov[in_scope] == "not_in_documents", np.zeros(len(syn_in)), np.ones(len(syn_unc))])
    assert model.nid_neighbours.labels.tolist() == expected_nid.tolist()


def test_both_probabilities_blend_the_neighbours_and_a_model_file_without_them_still_loads():
    arrays = {k: v for k, v in scope.load_arrays().items() if not k.startswith(("neighbours", "nid_neighbours"))}
    old = scope.ScopeModel.from_arrays(arrays)
    assert old.neighbours is None and old.neighbour_weight == 0.0
    assert old.nid_neighbours is None and old.nid_neighbour_weight == 0.0
    dim = len(old.scope.mean) - len(old.scope.scalar_names)
    rng = np.random.default_rng(5)
    f = scope.Features(embedding=rng.standard_normal(dim), best_dense=0.8, best_bm25=5.0, noun_coverage=1.0,
                       oov_nouns=0, domain_term=True, foreign_scheme="", n_nouns=2, question="補助率はいくら")
    vectors = rng.standard_normal((30, dim))
    nb = NeighbourModel.fit(vectors, (np.arange(30) % 2).astype(float), k=5, tau=0.05)
    new = scope.ScopeModel.from_arrays({**arrays, **nb.to_arrays("neighbours"), "neighbours_weight": np.array(0.25)})
    text = [(old.text.logit(f.question), old.text_weight)] if old.text is not None else []
    assert new.p_in_scope(f, True) == pytest.approx(
        scope.blend(old.scope.probability(f), [*text, (nb.logit(f.embedding), 0.25)]))
    assert old.p_in_scope(f, True) == pytest.approx(scope.blend(old.scope.probability(f), text))
    # another embedder: the lexical fallback alone
    assert new.p_in_scope(f, False) == pytest.approx(old.lexical.probability(f))
    nid_text = [(old.nid_text.logit(f.question), old.nid_text_weight)] if old.nid_text is not None else []
    assert new.p_not_in_documents(f) == pytest.approx(old.p_not_in_documents(f))  # its own memory: none here
    with_nid = scope.ScopeModel.from_arrays({**arrays, **nb.to_arrays("nid_neighbours"),
                                             "nid_neighbours_weight": np.array(0.3)})
    assert with_nid.p_not_in_documents(f) == pytest.approx(
        scope.blend(old.nid.probability(f), [*nid_text, (nb.logit(f.embedding), 0.3)]))
    assert with_nid.p_in_scope(f, True) == pytest.approx(old.p_in_scope(f, True))
    # an embedding of another width (another embedder's): no neighbours' opinion, no error
    narrow = scope.Features(**{**f.__dict__, "embedding": np.zeros(dim // 2)})
    assert scope._opinions(narrow, None, 0.0, nb, 0.3) == []
    assert len(scope._opinions(f, None, 0.0, nb, 0.3)) == 1
