"""The scope training code's cross-validation (evals/train_scope.py): sets kept whole, deterministic; the budget
table."""

from __future__ import annotations

import numpy as np
import pytest

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
    with pytest.raises(ValueError):
        train_scope.set_folds(np.array(["scope_a.jsonl"] * 10))


def _clustered_sets(n_sets: int = 5, clusters_per_set: int = 6, size: int = 5, dim: int = 24):
    """Each set holds its own clusters (a writer's own phrasings), each cluster one random label: a question's
    siblings are in its own set, and nothing generalises from one set to another."""
    rng = np.random.default_rng(7)
    x, y, sets = [], [], []
    for s in range(n_sets):
        for _ in range(clusters_per_set):
            centre = rng.standard_normal(dim)
            label = float(rng.integers(0, 2))
            for _ in range(size):
                x.append(centre + 0.05 * rng.standard_normal(dim))
                y.append(label)
                sets.append(f"set{s}")
    return np.array(x), np.array(y), np.array(sets)


def test_grouped_cross_validation_never_trains_on_the_set_it_judges():
    """With random folds a question's siblings are in training and its out-of-fold opinion is nearly always right;
    with each set whole in a fold it never sees them, and the opinion is no better than a guess — the honest
    figure for a new writer."""
    x, y, sets = _clustered_sets()
    vectors = (x, np.zeros((0, x.shape[1])))

    def accuracy(p: np.ndarray) -> float:
        return float(((p >= 0.5) == (y == 1)).mean())

    random = train_scope.cross_val(x, y, 1.0, vectors=vectors, neighbour_weight=0.6)
    by_set = train_scope.cross_val(x, y, 1.0, vectors=vectors, neighbour_weight=0.6, groups=sets)
    assert accuracy(random) > 0.9
    assert accuracy(by_set) < 0.75


def test_budget_table_matches_the_threshold_search():
    rng = np.random.default_rng(3)
    y = (rng.random(2000) < 0.4).astype(float)
    p = np.clip(np.where(y == 1, 0.7, 0.3) + 0.25 * rng.standard_normal(2000), 0.001, 0.999)
    domain = rng.random(2000) < 0.5
    ruled = np.zeros(2000, dtype=bool)
    table = train_scope.budget_table(p, y, domain, ruled)
    assert list(table) == ["0.01", "0.015", "0.02", "0.025"]
    for budget, row in table.items():
        td, tp = train_scope.scope_thresholds(p, y, domain, ruled, float(budget))
        assert (row["threshold_domain"], row["threshold_plain"]) == (td, tp)
        assert row["false_refusal"] <= float(budget)
    assert [r["refusal"] for r in table.values()] == sorted(r["refusal"] for r in table.values())
