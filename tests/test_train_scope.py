"""The scope training code's cross-validation folds (evals/train_scope.py): sets kept whole, deterministic."""

from __future__ import annotations

import numpy as np

from evals import train_scope


def test_set_folds_keep_every_set_whole_and_balance_the_folds():
    sizes = {"scope_a.jsonl": 450, "scope_b.jsonl": 440, "scope_c.jsonl": 300, "scope_d.jsonl": 210,
             "scope_e.jsonl": 200, "scope_f.jsonl": 190, "scope_g.jsonl": 180, "scope_h.jsonl": 60}
    groups = np.array([name for name, n in sizes.items() for _ in range(n)])
    folds = train_scope.set_folds(groups)
    for name in sizes:
        assert len(set(folds[groups == name].tolist())) == 1, name
    loads = np.bincount(folds, minlength=train_scope.FOLDS)
    assert len(loads) == train_scope.FOLDS and (loads > 0).all()
    assert loads.max() - loads.min() <= max(sizes.values())  # greedy: no fold exceeds another by more than a set
    # deterministic, and independent of the rows' order
    shuffled = np.random.default_rng(0).permutation(len(groups))
    assert np.array_equal(train_scope.set_folds(groups[shuffled]), folds[shuffled])


def test_grouped_cross_validation_never_trains_on_the_set_it_judges():
    """Two sets whose questions sit at the same points with opposite labels: with random folds each question's twin
    is usually in training; with the sets whole in folds it never is, so the out-of-fold opinions differ."""
    rng = np.random.default_rng(4)
    x = np.repeat(rng.standard_normal((60, 3)), 2, axis=0)
    y = np.tile([1.0, 0.0], 60)
    sets = np.array(["a", "b"] * 60)
    vectors = (x, np.zeros((0, 3)))
    by_set = train_scope.cross_val(x, y, 1.0, vectors=vectors, neighbour_weight=0.6, groups=sets)
    random = train_scope.cross_val(x, y, 1.0, vectors=vectors, neighbour_weight=0.6)
    assert by_set.shape == random.shape == (120,)
    # grouped: the nearest neighbour in training always carries the other label, so every question leans wrong
    assert (by_set[y == 1] < 0.5).mean() > 0.9 and (by_set[y == 0] > 0.5).mean() > 0.9
    assert not np.allclose(by_set, random)
