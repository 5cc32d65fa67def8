"""Retrain the scope and coverage classifiers (assistant/answer/scope_model.npz) from the hand-written scope sets.

    python -m evals.train_scope                        # writes assistant/answer/scope_model.npz, prints CV figures
    python -m evals.train_scope --check                # figures only, writes nothing
    python -m evals.train_scope --check --without scope_blind3.jsonl   # leave one set out: train without it,
                                                       # print the figures on it (an estimate for unseen questions)

Training data: the hand-written sets of ``TRAIN_SETS`` (both halves of scope_dev.jsonl, scope_fresh.jsonl and
blind sets 3–10, each read as a held-out set before it became a tuning set; and fifteen training sets written by
new writers for training only, scope_train6a/b/c.jsonl, scope_train7a/b/c.jsonl — mostly in the bare phrasing of a
helpdesk chat, naming no programme —, scope_train8a/b/c.jsonl — mostly out-of-scope questions in the grant
world's or the AI world's own words — and scope_train9a/b/c.jsonl, scope_train10a/b/c.jsonl — both, by first-time
applicants, consultants, foreign-affiliated companies, readers of the news, large companies' back offices and ML
engineers) and the synthetic questions of evals/scope_synth.py,
whose topics are dropped when they occur in a question of a set held out (``BLIND_SETS``, or the set left out);
hand-written questions that are near-duplicates of a held-out one are dropped too. Never the FAQ set, never
evals/datasets/scope_blind11.jsonl. Everything is deterministic: a fixed fold assignment (each set whole in one
fold), a convex objective solved by L-BFGS, thresholds chosen from cross-validated predictions on the hand-written
rows (see docs/evaluation.md, "Scope and coverage").
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from assistant.answer import char_ngrams, guard, scope
from assistant.answer.char_ngrams import CharNgramModel
from assistant.answer.neighbours import SHARED, NeighbourModel, shared_arrays
from assistant.domain.config import load_settings
from assistant.retrieval.retriever import Retriever
from corpus.ingest import ensure_index
from evals.make_scope_fresh import near_duplicates
from evals.scope_synth import synthetic, synthetic_hard_negatives, synthetic_rules, synthetic_wide

log = logging.getLogger(__name__)

DATASETS = Path(__file__).resolve().parent / "datasets"
DEV_SET = DATASETS / "scope_dev.jsonl"
#: Hand-written sets the models are trained and their thresholds chosen on (all splits).
TRAIN_SETS = ("scope_dev.jsonl", "scope_fresh.jsonl", "scope_blind3.jsonl", "scope_blind4.jsonl",
              "scope_blind5.jsonl", "scope_train6a.jsonl", "scope_train6b.jsonl", "scope_train6c.jsonl",
              "scope_blind6.jsonl", "scope_train7a.jsonl", "scope_train7b.jsonl", "scope_train7c.jsonl",
              "scope_blind7.jsonl", "scope_blind8.jsonl", "scope_train8a.jsonl", "scope_train8b.jsonl",
              "scope_train8c.jsonl", "scope_blind9.jsonl", "scope_train9a.jsonl", "scope_train9b.jsonl",
              "scope_train9c.jsonl", "scope_blind10.jsonl", "scope_train10a.jsonl", "scope_train10b.jsonl",
              "scope_train10c.jsonl")
#: Blind sets: never trained on; their topics are removed from the synthetic data, and training questions that
#: are near-duplicates of theirs (written in parallel by other writers) are dropped.
BLIND_SETS = ("scope_blind11.jsonl",)
MODEL_PATH = Path(scope.__file__).resolve().parent / scope.MODEL_FILE
SEED = 13
FOLDS = 5
#: L2 strength per model (on standardised features), chosen by cross-validation on the tuning half.
L2 = {"scope": 100.0, "lexical": 300.0, "nid": 30.0}
#: Share of the in-scope training questions the scope thresholds may refuse in cross-validation. 0.015 since model 6
#: (with the character n-gram model; 0.02 for model 5, 0.01 before): the largest budget whose pooled left-out false
#: refusals, leaving each training set out in turn, stay within the issue's 0.02 — with eight sets 0.015: refused
#: 0.927, false refusals 26/1309; with twelve (model 7, n-gram weight 0.3) 0.015: 0.873, 42/2233 (0.019);
#: 0.02: 0.896, 55/2233; with seventeen (model 8, neighbour weight 0.4) 0.015: 0.917, 62/3292 (0.019); 0.02: 0.939,
#: 71/3292 (0.022) (docs/evaluation.md, "Sixth attempt", "Seventh attempt", "Eighth attempt"). 0.01 since model 9:
#: with folds that keep each set whole (FOLDS_BY_SET) the budget is what a new writer's questions get — leaving each
#: of the twenty-one sets out, 0.01: 0.886, 46/4214 (0.011); 0.015: 0.921, 58/4214 (0.014); 0.02: 0.941, 82/4214
#: (0.019) — and the rule picks 0.02, but 0.02 and 0.015 refuse an answerable FAQ question (its p(in scope) 0.47 under
#: domain thresholds of 0.52 and 0.51; 0.01's is 0.42) and the issue requires none: 0.01 (docs/evaluation.md,
#: "Ninth attempt"). 0.02 again since model 10: with twenty-five sets (whole-set folds, 5,257 in-scope questions)
#: 0.01 → 0.886 refused, 0.0099 false refusals; 0.015 → 0.924, 0.0148; 0.02 → 0.944, 0.0200; 0.025 → 0.957, 0.0247 —
#: the rule picks 0.02, and the FAQ set keeps no false refusal under it (the question above now at p 0.75 against a
#: domain threshold of 0.48; "Tenth attempt").
MAX_FALSE_REFUSAL_RATE = 0.02
#: The stricter budget whose thresholds the model file also holds (``scope.Decision.borderline``): a question refused
#: under the shipped thresholds but not under these sits where refusals cost in-scope questions most often, and its
#: refusal asks the user to name the programme. 0.01: the budget model 9 shipped with.
BORDERLINE_BUDGET = 0.01
#: The character n-gram model (assistant/answer/char_ngrams.py) combined with the scope model in logit space:
#: n-gram range, hashed width, inverse L2 strength C, and its weight. Chosen with the budget above by leaving each
#: training set out (docs/evaluation.md, "Sixth attempt"); the weight 0.5 → 0.3 for model 7, the setting of
#: 0.3 / 0.5 / 0.7 with the most pooled refusals within 0.02 false refusals ("Seventh attempt"); not chosen again
#: with the neighbours' opinion of model 8 (only the neighbours' weight was swept).
TEXT_NGRAM = (1, 3)
TEXT_FEATURES = 2**19
TEXT_C = 10.0  # inverse L2 strength
TEXT_WEIGHT = 0.3
#: The coverage model's own character n-gram opinion (answered vs not in the documents), weighted the same way.
NID_TEXT_WEIGHT = 0.5
#: The nearest training questions' opinion of p(in scope) (assistant/answer/neighbours.py): its weight in logit
#: space, how many neighbours vote and how sharply similarity weighs their votes. The weight by leaving each of the
#: seventeen training sets out, with the rule above (most pooled refusals within 0.02 pooled false refusals; budget
#: 0.015 for every weight): 0 → 0.858 / 57 of 3,292, 0.2 → 0.888 / 59, 0.3 → 0.903 / 57, 0.4 → 0.917 / 62,
#: 0.5 → 0.923 / 61, 0.6 → 0.927 / 57 (docs/evaluation.md, "Eighth attempt"). The issue also requires no false
#: refusal on the FAQ set: 0.6, trained first, refused one FAQ question (a domain threshold of 0.54 above its
#: p(in scope) 0.40), and 0.5 would too by the same cross-validated thresholds — 0.4 is the setting with the most
#: pooled refusals that keeps both. The logistic model keeps 0.3 (the n-gram model 0.3): its scalars (another
#: scheme named, words the documents never use) still count. Kept for model 9 (not swept again).
NEIGHBOUR_WEIGHT = 0.4
NEIGHBOUR_K = 15
NEIGHBOUR_TAU = 0.05
#: The coverage model's own nearest-neighbour opinion (answered vs not in the documents; same k and tau). Leaving
#: each of the seventeen sets out (coverage stage, in-scope questions, MIN_NID_RECALL below): without it recall
#: 0.752 with 42 of 1,873 answered questions marked; with 0.2, 0.758 and 31 (the only weight tried).
NID_NEIGHBOUR_WEIGHT = 0.2
#: Cross-validated recall of "not in the documents" the coverage threshold and gate must keep on the training
#: rows. Among the settings that keep it, the one that marks the fewest answered questions wins: a false "not in
#: the documents" tells an applicant the documents are silent when they are not, which costs more than a missed
#: one. 0.75 since model 6 (0.7 before, 0.85 with the dev set's tuning half alone): with the coverage model's
#: character n-gram opinion, the largest floor whose pooled answered-marked rate, leaving each of the eight
#: training sets out, stays within that of the model without it at 0.7 (without: recall 0.674, 52 of 772
#: answered marked; with, 0.7: 0.689, 27; 0.75: 0.723, 34; 0.8: 0.754, 54) (docs/evaluation.md, "Sixth attempt").
MIN_NID_RECALL = 0.75
#: Cross-validation folds keep each hand-written set whole (since model 9; random per question before). A writer's
#: questions share phrasings, so with random folds a question's siblings from its own set were in training and the
#: neighbours' out-of-fold opinions — hence the thresholds — came out lenient. (Sets written in one round from one
#: brief may still land in different folds; folds by round would be stricter.)
FOLDS_BY_SET = True


def load_rows(split: str | None = "tuning", path: Path = DEV_SET) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def load_sets(names: tuple[str, ...]) -> list[dict]:
    """The rows of the sets ``names`` (those that exist), each with ``"set"``: the file it came from."""
    return [{**r, "set": name} for name in names if (DATASETS / name).exists()
            for r in load_rows(None, DATASETS / name)]


def drop_near_duplicates(rows: list[dict], heldout: list[str]) -> list[dict]:
    """``rows`` without those that are near-duplicates (character-trigram Jaccard, as the generators refuse) of
    a held-out question: a training set written in parallel with a blind set may hold a few."""
    near = {q for q, _, _ in near_duplicates(rows, heldout)}
    return [r for r in rows if r["question"] not in near]


def question_features(retriever, questions: list[str]) -> list[scope.Features]:
    """The features the engine computes, on the same retrieval (search, then the scope features)."""
    out = []
    for q in questions:
        passages = retriever.search(q, retriever.settings.top_k)
        out.append(scope.features(retriever, q, passages))
    return out


def design(feats: list[scope.Features], names: tuple[str, ...], embedding: bool) -> np.ndarray:
    return np.stack([np.concatenate(([f.embedding] if embedding else []) + [f.scalars(names)]) for f in feats])


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Class-balanced L2 logistic regression on standardised features: (w, b, mean, scale)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    sw = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        m = z @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(m, -50, 50)))
        nll = -np.sum(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
        g = sw * (p - y)
        reg = l2 / len(y)
        return nll + 0.5 * reg * w @ w, np.concatenate([z.T @ g + reg * w, [g.sum()]])

    res = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return res.x[:-1], float(res.x[-1]), mean, scale


def predict(model: tuple, x: np.ndarray) -> np.ndarray:
    w, b, mean, scale = model
    return 1.0 / (1.0 + np.exp(-np.clip(((x - mean) / scale) @ w + b, -50, 50)))


def fit_text(texts: list[str], y: np.ndarray, c: float = TEXT_C) -> CharNgramModel:
    """Class-balanced L2 logistic regression over hashed character n-grams (scikit-learn, lbfgs: deterministic)."""
    assert len(texts) == len(y)
    x = char_ngrams.features(texts, TEXT_NGRAM, TEXT_FEATURES)
    m = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, y)
    return CharNgramModel.from_dense(m.coef_[0], float(m.intercept_[0]), TEXT_NGRAM)


def fit_neighbours(vectors: np.ndarray, y: np.ndarray) -> NeighbourModel:
    return NeighbourModel.fit(vectors, y, NEIGHBOUR_K, NEIGHBOUR_TAU)


def set_folds(groups: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """The fold of each row such that all rows of a group (a set) share one: the largest group first into the fold
    with the fewest rows so far (ties: the lower fold; groups of one size by name) — deterministic."""
    names, counts = np.unique(np.asarray(groups, dtype=str), return_counts=True)
    if len(names) < 2:
        raise ValueError("folds by set need at least two sets")
    load = np.zeros(folds)
    fold_of: dict[str, int] = {}
    for i in sorted(range(len(names)), key=lambda i: (-counts[i], names[i])):
        fold = int(np.argmin(load))
        fold_of[str(names[i])] = fold
        load[fold] += counts[i]
    return np.array([fold_of[str(g)] for g in groups], dtype=int)


def cross_val(x: np.ndarray, y: np.ndarray, l2: float, extra: tuple[np.ndarray, np.ndarray] | None = None,
              texts: tuple[list[str], list[str]] | None = None, text_weight: float = 0.0,
              vectors: tuple[np.ndarray, np.ndarray] | None = None, neighbour_weight: float = 0.0,
              groups: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold probabilities for the rows of x (extra rows, if any, are always in training). With ``texts``
    (the rows' questions, the extra rows' questions) and a ``text_weight``, a character n-gram model is fitted on
    the same rows of each fold and combined with the logistic one; with ``vectors`` (the rows' and the extra rows'
    embeddings) and a ``neighbour_weight``, the nearest-neighbour opinion too (:func:`assistant.answer.scope.blend`).
    With ``groups`` (each row's set) the folds keep every set whole (:func:`set_folds`): a question is then judged
    by models that never saw its writer's other questions, as a new writer's would be; without, folds are random
    per row."""
    if groups is not None:
        assert len(groups) == len(y)
        folds = set_folds(groups)
    else:
        folds = np.random.default_rng(SEED).permutation(len(y)) % FOLDS
    if texts is not None:
        assert len(texts[0]) == len(y) and len(texts[1]) == (0 if extra is None else len(extra[1]))
        row_texts, extra_texts = np.asarray(texts[0], dtype=object), list(texts[1])
    if vectors is not None:
        assert len(vectors[0]) == len(y) and len(vectors[1]) == (0 if extra is None else len(extra[1]))
    out = np.zeros(len(y))
    for k in np.unique(folds):  # with fewer sets than FOLDS, fewer folds
        tr, te = folds != k, folds == k
        xt, yt = x[tr], y[tr]
        if extra is not None:
            xt, yt = np.vstack([xt, extra[0]]), np.concatenate([yt, extra[1]])
        p = predict(fit(xt, yt, l2), x[te])
        opinions: list[np.ndarray | list[float]] = []
        weights: list[float] = []
        if texts is not None and text_weight:
            opinions.append(fit_text(list(row_texts[tr]) + extra_texts, yt).logits(list(row_texts[te])))
            weights.append(text_weight)
        if vectors is not None and neighbour_weight:
            memory = np.vstack([vectors[0][tr], vectors[1]]) if len(vectors[1]) else vectors[0][tr]
            opinions.append(fit_neighbours(memory, yt).logits(vectors[0][te]))
            weights.append(neighbour_weight)
        out[te] = [scope.blend(pi, list(zip(zs, weights, strict=True)))
                   for pi, *zs in zip(p, *opinions, strict=True)] if opinions else p
    return out


def scope_thresholds(p: np.ndarray, y: np.ndarray, domain: np.ndarray, ruled: np.ndarray,
                     budget_rate: float = MAX_FALSE_REFUSAL_RATE) -> tuple[float, float]:
    """(threshold with a programme term, threshold without) that refuse the most out-of-scope questions while
    refusing at most ``budget_rate`` of the in-scope ones (cross-validated p; ties: the lower thresholds).
    """
    budget = budget_rate * (y == 1).sum()
    best = (-1.0, 0.0, 0.0)
    for td in np.linspace(0.0, 0.6, 61):
        for tp in np.linspace(0.0, 0.9, 91):
            refused = np.where(domain, p < td, p < tp) | ruled
            if refused[y == 1].sum() <= budget and refused[y == 0].mean() > best[0] + 1e-12:
                best = (float(refused[y == 0].mean()), float(td), float(tp))
    return best[1], best[2]


def thresholds_at(p: np.ndarray, y: np.ndarray, domain: np.ndarray, ruled: np.ndarray,
                  budget: float) -> dict[str, float]:
    """The thresholds :func:`scope_thresholds` chooses within ``budget`` and what they refuse on the same
    cross-validated ``p``: the share of out-of-scope rows (refusal) and of in-scope rows (false refusal)."""
    td, tp = scope_thresholds(p, y, domain, ruled, budget)
    refused = np.where(domain, p < td, p < tp) | ruled
    return {"refusal": float(refused[y == 0].mean()), "false_refusal": float(refused[y == 1].mean()),
            "threshold_domain": td, "threshold_plain": tp}


def budget_table(p: np.ndarray, y: np.ndarray, domain: np.ndarray, ruled: np.ndarray,
                 budgets: tuple[float, ...] = (0.01, 0.015, 0.02, 0.025)) -> dict[str, dict[str, float]]:
    """:func:`thresholds_at` for each budget: the budget can be compared without retraining."""
    return {str(budget): thresholds_at(p, y, domain, ruled, budget) for budget in budgets}


def nid_thresholds(p: np.ndarray, y: np.ndarray, pcov: np.ndarray) -> tuple[float, float]:
    """(probability threshold, passage-coverage gate) that keep a cross-validated recall of at least
    MIN_NID_RECALL and mark the fewest answered questions (ties: the higher recall, then the stricter setting)."""
    best: tuple[float, float, float, float] | None = None
    for gate in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.01):
        for t in np.linspace(0.05, 0.95, 91):
            marked = (p >= t) & (pcov < gate)
            recall, false = float(marked[y == 1].mean()), float(marked[y == 0].mean())
            if recall < MIN_NID_RECALL:
                continue
            key = (false, -recall, -float(t), gate)
            if best is None or key < best:
                best = key
    if best is None:  # unreachable recall: the most permissive setting
        return 0.05, 1.01
    return -best[2], best[3]


def _rules(retriever, questions: list[str]) -> np.ndarray:
    """Questions the rules refuse before any classifier: guard patterns and foreign-scheme names."""
    return np.array([guard.check(q).verdict != "ok" or bool(scope.vocabulary_evidence(retriever, q)[2])
                     for q in questions])


def trained_documents(retriever) -> np.ndarray:
    """The ids of the documents of the index trained with: questions about documents added later may be in scope
    whatever the models say (:func:`assistant.answer.scope.added_document_coverage`)."""
    return np.array(sorted({c.doc_id for c in retriever.store.all_chunks()}), dtype=str)


def training_data(without: str | None = None) -> tuple[list[dict], list[str], list[str], list[str]]:
    """(hand-written rows, synthetic in-scope, out-of-scope and uncovered questions) the models are trained on, in
    the order the model file's memories hold them. Questions of the sets held out (``BLIND_SETS`` and ``without``)
    exclude their topics from the synthetic lists and their near-duplicates from the hand-written rows, so no
    held-out item is seen in training."""
    train_sets = tuple(n for n in TRAIN_SETS if n != without)
    heldout = [r["question"] for r in load_sets(BLIND_SETS + ((without,) if without else ()))]
    rows = drop_near_duplicates(load_sets(train_sets), heldout)
    syn_in, syn_out, syn_unc = synthetic(exclude=heldout)
    wide_in, wide_out, wide_unc = synthetic_wide(exclude=heldout)
    rules_in, rules_unc = synthetic_rules(exclude=heldout)
    hard_out = synthetic_hard_negatives(exclude=heldout)
    return rows, syn_in + wide_in + rules_in, syn_out + wide_out + hard_out, syn_unc + wide_unc + rules_unc


def train(retriever, check: bool = False, without: str | None = None,
          false_refusal_budget: float = MAX_FALSE_REFUSAL_RATE, scope_l2: float | None = None,
          text_weight: float = TEXT_WEIGHT, nid_text_weight: float = NID_TEXT_WEIGHT,
          neighbour_weight: float = NEIGHBOUR_WEIGHT, nid_neighbour_weight: float = NID_NEIGHBOUR_WEIGHT,
          folds_by_set: bool = FOLDS_BY_SET) -> dict:
    """Fit the models; ``without``: leave that training set out and report the figures on it; ``scope_l2``: the
    scope model's L2 strength instead of ``L2["scope"]``; ``text_weight``: the character n-gram model's weight
    (0: none), ``nid_text_weight`` the coverage model's, ``neighbour_weight`` and ``nid_neighbour_weight`` the
    nearest training questions' (0: none) — the last five to compare settings; ``folds_by_set``: cross-validate
    with each set whole in one fold (:func:`set_folds`) instead of random folds per question."""
    scope.check_weights(text_weight, neighbour_weight)
    scope.check_weights(nid_text_weight, nid_neighbour_weight)
    l2 = {**L2, **({"scope": scope_l2} if scope_l2 else {})}
    rows, syn_in, syn_out, syn_unc = training_data(without)
    questions = [r["question"] for r in rows]
    feats = question_features(retriever, questions)
    cov = np.array([r["expected_coverage"] for r in rows])
    y_scope = (cov != "out_of_scope").astype(float)
    groups = np.array([r["set"] for r in rows]) if folds_by_set else None
    f_in, f_out, f_unc = (question_features(retriever, qs) for qs in (syn_in, syn_out, syn_unc))
    domain = np.array([f.domain_term for f in feats])
    ruled = _rules(retriever, questions)
    report: dict = {"n_tuning": len(rows), "n_synthetic": {"in": len(syn_in), "out": len(syn_out),
                                                           "uncovered": len(syn_unc)}, "cv": {}}
    models: dict[str, tuple] = {}

    ins = y_scope == 1
    y_nid = (cov[ins] == "not_in_documents").astype(float)
    names = scope.NID_SCALARS
    x = design([f for f, i in zip(feats, ins) if i], names, True)
    extra = (np.vstack([design(f_in, names, True), design(f_unc, names, True)]),
             np.concatenate([np.zeros(len(f_in)), np.ones(len(f_unc))]))
    nid_texts = ([q for q, i in zip(questions, ins) if i], syn_in + syn_unc)
    nid_labels = np.concatenate([y_nid, extra[1]])
    nid_vectors = (np.stack([f.embedding for f, i in zip(feats, ins) if i]),
                   np.stack([f.embedding for f in f_in + f_unc]))
    cv = cross_val(x, y_nid, L2["nid"], extra, nid_texts, nid_text_weight, nid_vectors, nid_neighbour_weight,
                   None if groups is None else groups[ins])
    pcov = np.array([f.passage_coverage for f, i in zip(feats, ins) if i])
    t_nid, gate = nid_thresholds(cv, y_nid, pcov)
    marked = (cv >= t_nid) & (pcov < gate)
    # Certain enough that a calculator's result does not overrule it: above every answered tuning question.
    t_certain = float(min(max(cv[y_nid == 0].max(initial=0.0) + 1e-6, t_nid), 0.999))
    report["cv"]["nid"] = {"recall": float(marked[y_nid == 1].mean()),
                           "answered_marked_nid": float(marked[y_nid == 0].mean()), "threshold": t_nid,
                           "passage_coverage_gate": gate, "certain": t_certain}
    models["nid"] = (fit(np.vstack([x, extra[0]]), nid_labels, L2["nid"]), names, True,
                     np.array([t_nid, gate, t_certain]))
    texts = (questions, syn_in + syn_out)
    syn_labels = np.concatenate([np.ones(len(f_in)), np.zeros(len(f_out))])
    labels = np.concatenate([y_scope, syn_labels])  # rows, then synthetic in/out: the order of texts and vectors
    vectors = (np.stack([f.embedding for f in feats]), np.stack([f.embedding for f in f_in + f_out]))
    for prefix, names, emb in (("scope", scope.SCALAR_NAMES, True), ("lexical", scope.LEXICAL, False)):
        x = design(feats, names, emb)
        extra = (np.vstack([design(f_in, names, emb), design(f_out, names, emb)]), syn_labels)
        weights = (text_weight, neighbour_weight) if prefix == "scope" else (0.0, 0.0)
        cv = cross_val(x, y_scope, l2[prefix], extra, texts, weights[0], vectors, weights[1], groups)
        chosen = thresholds_at(cv, y_scope, domain, ruled, false_refusal_budget)
        stricter = thresholds_at(cv, y_scope, domain, ruled, min(BORDERLINE_BUDGET, false_refusal_budget))
        report["cv"][prefix] = {**chosen, "borderline": stricter, "other_budgets": budget_table(cv, y_scope, domain,
                                                                                                ruled)}
        # [domain, plain, borderline domain, borderline plain] (ScopeModel.decide keeps the band at or below the
        # shipped line whatever the file holds).
        thresholds = [chosen[f"threshold_{g}"] for g in ("domain", "plain")]
        thresholds += [stricter[f"threshold_{g}"] for g in ("domain", "plain")]
        models[prefix] = (fit(np.vstack([x, extra[0]]), labels, l2[prefix]),
                          scope.SCALAR_NAMES if prefix == "scope" else scope.LEXICAL, emb, np.array(thresholds))

    arrays: dict[str, np.ndarray] = {"embedder": np.array(retriever.store.embedder.name),
                                     "trained_docs": trained_documents(retriever)}
    if text_weight:
        text = fit_text(texts[0] + texts[1], labels)
        arrays.update({**text.to_arrays("text"), "text_weight": np.array(text_weight)})
        report["text"] = {"weight": text_weight, "ngram": list(TEXT_NGRAM), "nonzero": len(arrays["text_index"])}
    memories: dict[str, NeighbourModel] = {}
    for prefix, weight, memory_vectors, memory_labels in (("neighbours", neighbour_weight, vectors, labels),
                                                          ("nid_neighbours", nid_neighbour_weight, nid_vectors,
                                                           nid_labels)):
        if weight:
            memories[prefix] = fit_neighbours(np.vstack(memory_vectors), memory_labels)
            arrays[f"{prefix}_weight"] = np.array(weight)
            report[prefix] = {"weight": weight, "k": memories[prefix].k, "tau": memories[prefix].tau,
                              "memory": len(memory_labels)}
    if memories:  # one copy of the rows the memories share (the coverage memory's in-scope questions)
        arrays.update(shared_arrays(memories))
        report["shared_memory_rows"] = len(arrays[SHARED])
    if nid_text_weight:
        nid_text = fit_text(nid_texts[0] + nid_texts[1], nid_labels)
        arrays.update({**nid_text.to_arrays("nid_text"), "nid_text_weight": np.array(nid_text_weight)})
    for prefix, ((w, b, mean, sc), names, emb, thresholds) in models.items():
        arrays.update({f"{prefix}_w": w.astype(np.float32), f"{prefix}_b": np.array(b),
                       f"{prefix}_mean": mean.astype(np.float32), f"{prefix}_scale": sc.astype(np.float32),
                       f"{prefix}_scalars": np.array(names), f"{prefix}_embedding": np.array(emb),
                       f"{prefix}_threshold": thresholds})
    report["thresholds"] = {p: [round(float(t), 4) for t in m[3]] for p, m in models.items()}
    if without:
        report["left_out"] = {"set": without, **score_set(scope.ScopeModel.from_arrays(arrays), retriever,
                                                           load_rows(None, DATASETS / without))}
    if check:
        return report
    tmp = MODEL_PATH.with_name(MODEL_PATH.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(MODEL_PATH)  # atomic: a reader never sees half a model
    report["written"] = str(MODEL_PATH)
    return report


def score_set(model: scope.ScopeModel, retriever, rows: list[dict]) -> dict:
    """The rules and ``model`` on ``rows`` (the engine's scope decision without its calculators): refusal of the
    out-of-scope items, false refusals of the in-scope ones, not-in-documents recall, answered marked."""
    feats = question_features(retriever, [r["question"] for r in rows])
    ruled = _rules(retriever, [r["question"] for r in rows])
    got = np.array(["out_of_scope" if rule else model.decide(f, retriever.store.embedder.name).coverage
                    for f, rule in zip(feats, ruled)])
    exp = np.array([r["expected_coverage"] for r in rows])

    def share(expected: str | tuple[str, ...], produced: str) -> float:
        sel = np.isin(exp, expected)
        return round(float((got[sel] == produced).mean()), 4) if sel.any() else float("nan")

    return {"n": len(rows), "refusal": share("out_of_scope", "out_of_scope"),
            "false_refusal": share(("answered", "not_in_documents"), "out_of_scope"),
            "nid_recall": share("not_in_documents", "not_in_documents"),
            "answered_marked_nid": share("answered", "not_in_documents")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="print cross-validated figures, write nothing")
    p.add_argument("--without", choices=TRAIN_SETS, help="leave this set out of training and score it")
    p.add_argument("--scope-l2", type=float, default=None, metavar="L2",
                   help=f"L2 strength of the scope model (default {L2['scope']}; compare settings with --without)")
    p.add_argument("--false-refusal-budget", type=float, default=MAX_FALSE_REFUSAL_RATE, metavar="RATE",
                   help=f"share of in-scope training questions the scope thresholds may refuse in cross-validation "
                        f"(default {MAX_FALSE_REFUSAL_RATE}; compare settings with --without)")
    p.add_argument("--text-weight", type=float, default=TEXT_WEIGHT, metavar="W",
                   help=f"weight of the character n-gram model in p(in scope) (default {TEXT_WEIGHT}; 0: none; "
                        f"compare settings with --without)")
    p.add_argument("--neighbour-weight", type=float, default=NEIGHBOUR_WEIGHT, metavar="W",
                   help=f"weight of the nearest training questions' opinion in p(in scope) (default "
                        f"{NEIGHBOUR_WEIGHT}; 0: none; compare settings with --without)")
    p.add_argument("--nid-neighbour-weight", type=float, default=NID_NEIGHBOUR_WEIGHT, metavar="W",
                   help=f"weight of the nearest training questions' opinion in p(not in documents) (default "
                        f"{NID_NEIGHBOUR_WEIGHT})")
    p.add_argument("--nid-text-weight", type=float, default=NID_TEXT_WEIGHT, metavar="W",
                   help=f"weight of the character n-gram model in p(not in documents) (default {NID_TEXT_WEIGHT})")
    p.add_argument("--random-folds", action="store_true",
                   help="cross-validate with random folds per question instead of whole sets (before model 9)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    ensure_index(settings, progress=False)
    report = train(Retriever.from_settings(settings), check=args.check, without=args.without,
                   false_refusal_budget=args.false_refusal_budget, scope_l2=args.scope_l2,
                   text_weight=args.text_weight, nid_text_weight=args.nid_text_weight,
                   neighbour_weight=args.neighbour_weight, nid_neighbour_weight=args.nid_neighbour_weight,
                   folds_by_set=not args.random_folds)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
