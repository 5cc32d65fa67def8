"""Scope and coverage: is a question answered by the documents, in scope but not in them, or out of scope?

Three outcomes (``Coverage``), decided after retrieval from signals that do not depend on any phrase list:

- the question's **query embedding** (the vector retrieval already computed; cached by the retriever);
- **retrieval evidence**: the best dense similarity and the best BM25 score of the retrieved passages;
- **vocabulary evidence**: which of the question's content nouns occur in the indexed documents at all
  (「英語」 in 「申請書は英語でも大丈夫？」 occurs nowhere), and whether the question names a scheme of its own —
  a noun compound ending in 補助金・助成金… whose other nouns the documents never use (ものづくり補助金,
  東京都の創業助成金) — which is another programme, not one of ours;
- **absence evidence**: the IDF-weighted share of the question's nouns that the best retrieved passage holds
  (``passage_coverage``) and the weight of the most specific noun no retrieved passage holds (``missing_focal``);
- the programmes' own vocabulary (:func:`assistant.answer.guard.has_domain_term`).

Two logistic regressions turn them into probabilities: ``p(in scope)`` and ``p(not in documents | in scope)``,
both over the embedding plus the scalars. ``p(in scope)`` also hears a second, lexical opinion: a linear model over
the question's hashed character n-grams (:mod:`assistant.answer.char_ngrams`), combined in logit space with a fixed
weight — the embedding says what a question resembles, the characters which words it uses (「仕訳」「融資」 are
not about these programmes however much the sentence resembles one that is); ``p(not in documents)`` hears its own.
Since model 8 ``p(in scope)`` hears a third opinion, the labelled training questions nearest to it in the embedding
space (:mod:`assistant.answer.neighbours`): a small cluster of questions of one kind that the one straight line of
the logistic model cuts through; ``p(not in documents)`` hears its own nearest training questions.
"Not in the documents" needs both the probability and positive evidence of absence (passage coverage below a
gate), both calibrated by cross-validation on the training sets so that answerable questions are rarely told the
documents are silent; above a second, "certain" threshold the verdict also stands when a calculator answered (the
router runs generic look-ups for any 「いつ」「いくら」).
The models know the shipped programmes only. A document a user adds later may be about anything, so one more piece
of evidence is read from the index itself (:func:`added_document_coverage`): a question that uses a word only
documents added after training use, and most of whose words one passage of such a document holds, is in scope
whatever the models say (the model file lists the documents it was trained with).
The weights ship in ``scope_model.npz``; ``python -m evals.train_scope`` retrains them reproducibly from the
hand-written scope sets except the blind one (evals/train_scope.py: ``TRAIN_SETS``) and synthetic questions
(plus the documents' own sentences as in-scope examples).
The injection rules of :mod:`assistant.answer.guard` run before this and are not replaced by it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING, Literal

import numpy as np

from assistant.answer.char_ngrams import CharNgramModel
from assistant.answer.guard import has_domain_term
from assistant.answer.neighbours import NeighbourModel
from assistant.domain.text import nfkc
from assistant.retrieval.lexicon import strip_programme_names

if TYPE_CHECKING:
    from assistant.domain.schema import Passage
    from assistant.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

Coverage = Literal["answered", "not_in_documents", "out_of_scope"]
COVERAGES: tuple[str, ...] = ("answered", "not_in_documents", "out_of_scope")
#: The exact phrase an answer uses when the documents are silent (system prompt, offline composer, eval).
NOT_IN_DOCUMENTS_PHRASE = "資料には記載がありません"

MODEL_FILE = "scope_model.npz"
#: Nouns that make a compound the name of a scheme: 「〇〇補助金」「〇〇助成事業」.
_SCHEME_HEADS = frozenset({"補助金", "助成金", "給付金", "交付金", "奨励金", "支援金", "補助事業", "助成事業", "支援事業",
                           "事業", "制度", "公募", "プログラム", "控除", "手当"})
_COMPARISON = re.compile(r"比較|比べ|コスパ|どっち|どちら|違い|\bvs\b|versus|compare", re.IGNORECASE)
_MODEL_NUMBER = re.compile(r"[A-Za-z]{1,8}[ -]?[0-9]{1,5}[A-Za-z]{0,3}")
#: Scalar features, in the order of ``Features.scalars``.
SCALAR_NAMES = ("best_dense", "best_bm25", "noun_coverage", "oov_nouns", "domain_term", "foreign_scheme", "n_nouns",
                "passage_coverage", "dense_margin", "missing_focal")
#: Scalars of the coverage model (with the embedding).
NID_SCALARS = ("best_dense", "best_bm25", "noun_coverage", "oov_nouns", "n_nouns", "passage_coverage", "dense_margin",
               "missing_focal")
#: Share of a question's noun weight one passage of an added document must hold for the question to be in scope
#: whatever the models say (:func:`added_document_coverage`): most of its words, fixed before it was measured.
ADDED_DOCUMENT_GATE = 0.75
#: The lexical subset used when the index's embedder is not the one the model was trained with.
LEXICAL = ("best_bm25", "noun_coverage", "oov_nouns", "domain_term", "foreign_scheme", "n_nouns", "passage_coverage",
           "missing_focal")


@dataclass(frozen=True)
class Features:
    embedding: np.ndarray
    best_dense: float
    best_bm25: float
    noun_coverage: float
    oov_nouns: int
    domain_term: bool
    foreign_scheme: str
    n_nouns: int
    #: IDF-weighted share of the question's content nouns that the best-matching retrieved passage contains:
    #: an answerable question has a passage that holds its words; a question the documents are silent on
    #: keeps a focal noun no passage holds (positive evidence of absence).
    passage_coverage: float = 1.0
    #: Best dense similarity minus the mean of the retrieved passages' (a peaked ranking is evidence of a match).
    dense_margin: float = 0.0
    #: Weight of the most specific question noun that no retrieved passage holds (0: every noun is held).
    missing_focal: float = 0.0
    #: The question itself, for the character n-gram models ("": they give no opinion).
    question: str = ""
    #: IDF-weighted share of the question's nouns held by the best retrieved passage of a document added after the
    #: model was trained, when the question uses a word only such documents use (0.0 otherwise; see
    #: :func:`added_document_coverage`).
    added_coverage: float = 0.0

    def scalars(self, names: Sequence[str] = SCALAR_NAMES) -> np.ndarray:
        values = {
            "best_dense": self.best_dense,
            "best_bm25": math.log1p(max(self.best_bm25, 0.0)),
            "noun_coverage": self.noun_coverage,
            "oov_nouns": float(min(self.oov_nouns, 3)),
            "domain_term": float(self.domain_term),
            "foreign_scheme": float(bool(self.foreign_scheme)),
            "n_nouns": float(min(self.n_nouns, 8)),
            "passage_coverage": self.passage_coverage,
            "dense_margin": self.dense_margin,
            "missing_focal": self.missing_focal,
        }
        return np.array([values[n] for n in names], dtype=np.float64)


@dataclass(frozen=True)
class Decision:
    coverage: Coverage
    p_in_scope: float
    p_not_in_documents: float
    reason: str
    #: "Not in the documents" with confidence high enough that a calculator's result does not overrule it.
    certain: bool = False
    #: Out of scope, but p(in scope) is above the stricter line the model file also holds (the thresholds a smaller
    #: false-refusal budget chose): the band where refusals cost in-scope questions most often. The refusal then
    #: asks the user to name the programme instead of only stating what the assistant covers.
    borderline: bool = False


def _model_key(text: str) -> str:
    return re.sub(r"[ -]", "", text.lower())


_MODEL_NUMBERS: weakref.WeakKeyDictionary[Retriever, frozenset[str]] = weakref.WeakKeyDictionary()


def _corpus_model_numbers(retriever: Retriever) -> frozenset[str]:
    """Alphanumeric product names in the indexed documents (H100, p5.48xlarge …), computed once per retriever."""
    found = _MODEL_NUMBERS.get(retriever)
    if found is None:
        texts = [nfkc(c.text) for c in retriever.store.all_chunks()]
        found = frozenset(_model_key(m.group(0)) for t in texts for m in _MODEL_NUMBER.finditer(t))
        _MODEL_NUMBERS[retriever] = found
    return found


def vocabulary_evidence(retriever: Retriever, question: str) -> tuple[float, int, str, int]:
    """(share of content nouns the documents use, number they never use, foreign scheme name or '', nouns).

    Programme names (GENIAC, インフラ補助) are blanked first: they never occur in the documents' prose."""
    vocab = retriever.bm25.vocab
    tokens = retriever.tokenizer.nouns(strip_programme_names(question, retriever.programmes()))
    nouns = [form for form, _ in tokens if form]
    known = [n for n in nouns if n in vocab]
    foreign = ""
    run: list[tuple[str, str]] = []
    for form, surface in [*tokens, ("", "")]:
        if form:
            run.append((form, surface))
            continue
        # A compound that ends in a scheme head and holds a noun the documents never use names another scheme.
        if len(run) >= 2 and run[-1][0] in _SCHEME_HEADS and any(f not in vocab for f, _ in run[:-1]):
            foreign = foreign or "".join(s for _, s in run)
        run = []
    if not foreign and _COMPARISON.search(question):
        # A comparison of products the documents never name (A100 vs MI300X) is a shopping question.
        named = _corpus_model_numbers(retriever)
        unknown = [m.group(0) for m in _MODEL_NUMBER.finditer(question) if _model_key(m.group(0)) not in named]
        foreign = f"product comparison: {unknown[0]}" if unknown else ""
    n = len(nouns)
    return (len(known) / n if n else 1.0), n - len(known), foreign, n


#: A question's content nouns with their IDF weights, and the weight of a noun the documents never use.
NounWeights = tuple[dict[str, float], float]


def _noun_weights(retriever: Retriever, question: str) -> NounWeights:
    """The question's content nouns (programme names blanked) with their IDF weights, and the weight of a word the
    documents never use (the IDF of a word held by a single chunk), which such nouns get."""
    bm25 = retriever.bm25
    nouns = {form for form, _ in retriever.tokenizer.nouns(strip_programme_names(question)) if form}
    ceiling = math.log1p((max(len(bm25), 1) - 0.5) / 1.5)
    return {n: (bm25.idf(n) if n in bm25.vocab else ceiling) for n in nouns}, ceiling


class _Held:
    """Which of a question's vocabulary columns each chunk holds: one sparse row of the BM25 counts per chunk."""

    def __init__(self, retriever: Retriever, cols: dict[int, str]) -> None:
        bm25 = retriever.bm25
        self.counts = bm25.counts if getattr(bm25.counts, "format", "csr") == "csr" else bm25.counts.tocsr()
        self.row_of = bm25.row_of
        self.cols = cols

    def __call__(self, chunk_id: str) -> set[int]:
        row = self.row_of(chunk_id)
        if row is None:
            return set()
        return set(self.counts.indices[self.counts.indptr[row]:self.counts.indptr[row + 1]].tolist()) & self.cols.keys()


def passage_coverage(retriever: Retriever, question: str, passages: Sequence[Passage],
                     nouns: NounWeights | None = None) -> tuple[float, float]:
    """(IDF-weighted share of the question's content nouns held by the retrieved passage that holds most of them,
    weight of the most specific noun that no retrieved passage holds, relative to the rarest corpus word).

    A noun the documents never use weighs as much as their rarest word. (1.0, 0.0) when the question has no
    content noun (nothing can be shown absent). Cost: one sparse row per passage (top-k only). ``nouns``: the
    question's :func:`_noun_weights`, when the caller has them already."""
    weights, ceiling = nouns if nouns is not None else _noun_weights(retriever, question)
    if not weights or not passages:
        return (1.0, 0.0) if not weights else (0.0, 1.0)
    total = sum(weights.values()) or 1.0
    vocab = retriever.bm25.vocab
    cols = {vocab[n]: n for n in weights if n in vocab}
    held_by = _Held(retriever, cols)
    best = 0.0
    seen: set[int] = set()
    for p in passages:
        present = held_by(p.chunk.id)
        seen |= present
        best = max(best, sum(weights[cols[c]] for c in present) / total)
    held = {cols[c] for c in seen}
    missing = max((w for n, w in weights.items() if n not in held), default=0.0)
    return best, min(missing / ceiling, 1.0) if ceiling > 0 else 0.0


_ADDED: weakref.WeakKeyDictionary[Retriever, tuple[tuple, frozenset[str], frozenset[int]]] = \
    weakref.WeakKeyDictionary()
_ADDED_LOCK = threading.Lock()


def _added_documents(retriever: Retriever, trained_docs: frozenset[str]) -> tuple[frozenset[str], frozenset[int]]:
    """(ids of the chunks of documents outside ``trained_docs``, vocabulary columns that only those chunks use);
    computed once per retriever and index state (chunk metadata only, one request at a time: concurrent first
    requests wait for the one computing it)."""
    bm25 = retriever.bm25
    key = (trained_docs, len(bm25), retriever.generation)
    with _ADDED_LOCK:
        cached = _ADDED.get(retriever)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        added = frozenset(cid for cid, meta in retriever.store.existing().items()
                          if str(meta.get("doc_id", "")) not in trained_docs and cid in bm25)
        cols: frozenset[int] = frozenset()
        if added:
            counts = bm25.counts.tocsr()
            mask = np.zeros(counts.shape[0], dtype=bool)
            mask[[bm25.row_of(c) for c in added]] = True
            # Every other row counts as trained (also one the store does not know): its words are never "added only".
            in_added = np.asarray((counts[mask] > 0).sum(axis=0)).ravel() > 0
            in_trained = np.asarray((counts[~mask] > 0).sum(axis=0)).ravel() > 0
            cols = frozenset(np.flatnonzero(in_added & ~in_trained).tolist())
        _ADDED[retriever] = (key, added, cols)
        return added, cols


def added_document_coverage(retriever: Retriever, question: str, passages: Sequence[Passage],
                            trained_docs: frozenset[str], nouns: NounWeights | None = None) -> float:
    """How well a document added after the scope model was trained (not in ``trained_docs``) answers ``question``.

    The models learnt what the *shipped* programmes are about; a document a user adds may be about anything, and
    its topic is in scope because it is in the index. The evidence: the question uses a word that only added
    documents use, and one retrieved passage of an added document holds most of the question's nouns (the
    IDF-weighted share it holds is returned; 0.0 when no added document is indexed, without ``trained_docs``, or
    when the question uses no word only added documents use). ``nouns`` as for :func:`passage_coverage`."""
    if not trained_docs or not passages:
        return 0.0
    added, only_added = _added_documents(retriever, trained_docs)
    if not added or not only_added:
        return 0.0
    weights, _ = nouns if nouns is not None else _noun_weights(retriever, question)
    vocab = retriever.bm25.vocab
    cols = {vocab[n]: n for n in weights if n in vocab}
    if not cols.keys() & only_added:
        return 0.0
    total = sum(weights.values()) or 1.0
    held_by = _Held(retriever, cols)
    return max((sum(weights[cols[c]] for c in held_by(p.chunk.id)) / total for p in passages if p.chunk.id in added),
               default=0.0)


def features(retriever: Retriever, question: str, passages: Sequence[Passage],
             trained_docs: frozenset[str] = frozenset()) -> Features:
    """The scope features of ``question`` given the passages retrieved for it (cheap: the vector is cached);
    ``trained_docs``: the documents the scope model was trained on (:attr:`ScopeModel.trained_docs`)."""
    coverage, oov, foreign, n = vocabulary_evidence(retriever, question)
    dense = [p.scores.get("dense", 0.0) for p in passages]
    nouns = _noun_weights(retriever, question)  # tokenised once for both coverage measures
    held, missing = passage_coverage(retriever, question, passages, nouns)
    return Features(
        embedding=np.asarray(retriever.query_vector(question), dtype=np.float64),
        best_dense=max(dense, default=0.0),
        best_bm25=max((p.scores.get("bm25", 0.0) for p in passages), default=0.0),
        noun_coverage=coverage, oov_nouns=oov, domain_term=has_domain_term(question), foreign_scheme=foreign,
        n_nouns=n, passage_coverage=held, missing_focal=missing, question=question,
        dense_margin=(max(dense) - sum(dense) / len(dense)) if dense else 0.0,
        added_coverage=added_document_coverage(retriever, question, passages, trained_docs, nouns),
    )


class LogisticModel:
    """sigmoid(w·z + b), z = the standardised [embedding?, scalars]; ``thresholds`` as trained."""

    def __init__(self, weights: np.ndarray, bias: float, mean: np.ndarray, scale: np.ndarray,
                 scalar_names: Sequence[str], use_embedding: bool, thresholds: Sequence[float]) -> None:
        self.weights, self.bias, self.mean, self.scale = weights, float(bias), mean, scale
        self.scalar_names = tuple(scalar_names)
        self.use_embedding = use_embedding
        self.thresholds = tuple(float(t) for t in thresholds)

    def accepts(self, f: Features) -> bool:
        """Whether ``f`` has the shape this model was trained on (an index with another embedder has not)."""
        dim = len(self.mean) - len(self.scalar_names)
        return not self.use_embedding or f.embedding.shape == (dim,)

    def probability(self, f: Features) -> float:
        parts = [f.embedding] if self.use_embedding else []
        x = (np.concatenate([*parts, f.scalars(self.scalar_names)]) - self.mean) / self.scale
        return _sigmoid(float(x @ self.weights + self.bias))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def blend(p: float, opinions: Sequence[tuple[float, float]]) -> float:
    """sigmoid((1 − Σw)·logit(p) + Σ w·z): the embedding model's probability and other opinions ``(z, w)`` (logits
    and their weights), weighted in logit space."""
    q = min(max(p, 1e-6), 1 - 1e-6)
    rest = 1.0 - sum(w for _, w in opinions)
    return _sigmoid(rest * math.log(q / (1 - q)) + sum(w * z for z, w in opinions))


def check_weights(*weights: float) -> None:
    """The opinions' weights of one probability: each in [0, 1), together under 1 (the logistic model keeps the
    rest; at 1 or more it would be ignored or inverted)."""
    if any(not 0.0 <= w < 1.0 for w in weights) or sum(weights) >= 1.0:
        raise ValueError(f"opinion weights must be in [0, 1) and sum to less than 1: {weights}")


def _opinions(f: Features, ngrams: CharNgramModel | None, ngram_weight: float, neighbours: NeighbourModel | None,
              neighbour_weight: float) -> list[tuple[float, float]]:
    """The (logit, weight) opinions heard besides a logistic model: the character n-gram model's of the question
    (none without a model, a weight or a question) and the nearest training questions' (none without a memory, a
    weight or an embedding of the memory's width)."""
    out = []
    if ngrams is not None and ngram_weight and f.question:
        out.append((ngrams.logit(f.question), ngram_weight))
    if neighbours is not None and neighbour_weight and f.embedding.shape == (neighbours.dim,):
        out.append((neighbours.logit(f.embedding), neighbour_weight))
    return out


class ScopeModel:
    """The shipped classifiers: scope (embedding + scalars, with a character n-gram opinion and, since model 8, the
    nearest training questions' opinion), its lexical fallback, and coverage."""

    def __init__(self, scope: LogisticModel, lexical: LogisticModel, nid: LogisticModel, embedder: str,
                 text: CharNgramModel | None = None, text_weight: float = 0.0,
                 nid_text: CharNgramModel | None = None, nid_text_weight: float = 0.0,
                 trained_docs: frozenset[str] = frozenset(), neighbours: NeighbourModel | None = None,
                 neighbour_weight: float = 0.0, nid_neighbours: NeighbourModel | None = None,
                 nid_neighbour_weight: float = 0.0) -> None:
        self.scope, self.lexical, self.nid, self.embedder = scope, lexical, nid, embedder
        #: The documents of the index the models were trained with (empty in a model file from before).
        self.trained_docs = frozenset(trained_docs)
        self.text, self.text_weight = text, float(text_weight)
        self.nid_text, self.nid_text_weight = nid_text, float(nid_text_weight)
        self.neighbours, self.neighbour_weight = neighbours, float(neighbour_weight)
        self.nid_neighbours, self.nid_neighbour_weight = nid_neighbours, float(nid_neighbour_weight)
        check_weights(self.text_weight, self.neighbour_weight)
        check_weights(self.nid_text_weight, self.nid_neighbour_weight)

    def p_in_scope(self, f: Features, same_embedder: bool) -> float:
        """p(in scope): the scope model combined with the character n-gram model and the nearest training
        questions (with the embedder it was trained with), else the lexical fallback alone (its thresholds were
        chosen for it alone)."""
        if not same_embedder:
            return self.lexical.probability(f)
        return blend(self.scope.probability(f), _opinions(f, self.text, self.text_weight, self.neighbours,
                                                          self.neighbour_weight))

    def p_not_in_documents(self, f: Features) -> float:
        """p(not in the documents | in scope): the coverage model, with its own character n-gram and nearest
        training questions' opinions."""
        return blend(self.nid.probability(f), _opinions(f, self.nid_text, self.nid_text_weight, self.nid_neighbours,
                                                        self.nid_neighbour_weight))

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray]) -> ScopeModel:
        def part(prefix: str) -> LogisticModel:
            return LogisticModel(
                data[f"{prefix}_w"].astype(np.float64), float(data[f"{prefix}_b"]),
                data[f"{prefix}_mean"].astype(np.float64), data[f"{prefix}_scale"].astype(np.float64),
                [str(s) for s in data[f"{prefix}_scalars"]], bool(data[f"{prefix}_embedding"]),
                [float(t) for t in np.atleast_1d(data[f"{prefix}_threshold"])],
            )

        def text(prefix: str) -> tuple[CharNgramModel | None, float]:
            if f"{prefix}_index" not in data:  # a model file from before the character n-gram models
                return None, 0.0
            return CharNgramModel.from_arrays(data, prefix), float(data[f"{prefix}_weight"])

        trained = frozenset(str(d) for d in np.atleast_1d(data.get("trained_docs", np.array([], dtype=str))))

        def neighbours(prefix: str) -> tuple[NeighbourModel | None, float]:
            if not NeighbourModel.stored(data, prefix):  # a model file from before model 8
                return None, 0.0
            return NeighbourModel.from_arrays(data, prefix), float(data[f"{prefix}_weight"])

        nb, nb_weight = neighbours("neighbours")
        nid_nb, nid_nb_weight = neighbours("nid_neighbours")
        return cls(part("scope"), part("lexical"), part("nid"), str(data["embedder"]), *text("text"),
                   *text("nid_text"), trained_docs=trained, neighbours=nb, neighbour_weight=nb_weight,
                   nid_neighbours=nid_nb, nid_neighbour_weight=nid_nb_weight)

    def decide(self, f: Features, embedder: str) -> Decision:
        """Out of scope, not in the documents, or answered (the guard's rules have already run)."""
        if f.foreign_scheme:
            return Decision("out_of_scope", 0.0, 0.0, f"names another scheme or product: {f.foreign_scheme!r}")
        same = embedder == self.embedder and self.scope.accepts(f)
        model = self.scope if same else self.lexical
        # Questions in the programmes' own words and questions without them have thresholds of their own (chosen
        # by cross-validation; since model 7 the first is the higher: near-miss questions use those words too).
        t_domain, t_plain = model.thresholds[:2]
        threshold = t_domain if f.domain_term else t_plain
        # The stricter line, entries 3–4 since model 10 (none before: no borderline band).
        unsure = threshold
        if len(model.thresholds) >= 4:
            unsure = min(model.thresholds[2] if f.domain_term else model.thresholds[3], threshold)
        p_in = self.p_in_scope(f, same)
        if p_in < threshold:
            if f.added_coverage < ADDED_DOCUMENT_GATE:
                return Decision("out_of_scope", p_in, 0.0, f"p(in scope) {p_in:.3f} < {threshold:.3f}"
                                + (f" (borderline: ≥ {unsure:.3f})" if p_in >= unsure else ""),
                                borderline=p_in >= unsure)
            # The models know the shipped programmes only; a document added since holds this question's words.
            return Decision("answered", p_in, 0.0, f"p(in scope) {p_in:.3f} < {threshold:.3f}, but a document "
                            f"added after training holds {f.added_coverage:.2f} of its words")
        if not (same and self.nid.accepts(f)):
            return Decision("answered", p_in, 0.0, "coverage model needs the embedder it was trained with")
        p_nid = self.p_not_in_documents(f)
        # "Not in the documents" needs positive evidence of absence as well as the model's probability: some
        # focal noun of the question that no retrieved passage holds (passage coverage below the gate).
        t_nid, gate, t_certain = (*self.nid.thresholds, 1.01, 1.01)[:3]
        if p_nid >= t_nid and f.passage_coverage < gate:
            return Decision("not_in_documents", p_in, p_nid,
                            f"p(not in documents) {p_nid:.3f}, passage coverage {f.passage_coverage:.2f}",
                            certain=p_nid >= t_certain)
        return Decision("answered", p_in, p_nid, f"p(in scope) {p_in:.3f}, p(not in documents) {p_nid:.3f}, "
                        f"passage coverage {f.passage_coverage:.2f}")


def coverage_of_text(text: str, refused: bool) -> Coverage:
    """The outcome an answer's text states (the LLM path): a refusal, the "not in the documents" phrase, or an
    answer. The phrase is compared after NFKC with whitespace removed, so 「資料には 記載がありません」 counts."""
    if refused:
        return "out_of_scope"
    return "not_in_documents" if NOT_IN_DOCUMENTS_PHRASE in re.sub(r"\s+", "", nfkc(text)) else "answered"


def load_arrays() -> dict[str, np.ndarray]:
    """The shipped model file's arrays."""
    raw = resources.files("assistant.answer").joinpath(MODEL_FILE).read_bytes()
    with np.load(BytesIO(raw), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@lru_cache(maxsize=1)
def load_model() -> ScopeModel:
    return ScopeModel.from_arrays(load_arrays())
