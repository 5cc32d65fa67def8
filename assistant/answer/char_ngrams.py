"""A linear model over a question's character n-grams (the scope model's second, lexical opinion).

The sentence embedding says what a question is *like*; the characters say which words it *uses*: 「仕訳」「融資」
「jGrants」 or a typo of 「GENIAC」 are strong evidence whatever the rest of the sentence resembles. The n-grams are
hashed by scikit-learn's ``HashingVectorizer`` (stateless: nothing to store but its parameters), NFKC-normalised and
lower-cased first; the weights are a sparse vector learned by ``evals/train_scope.py``. Scoring costs one pass over
the question's characters (the engine has already cut the question to ``max_question_chars``; ``MAX_CHARS`` bounds
it again here).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from assistant.domain.text import nfkc, scrub

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer

#: Characters of a question that are scored: the last ones (a condensed query ends with the question), cut before
#: and after NFKC (which can expand one character into many) — bounded cost on any input.
MAX_CHARS = 2000


def _normalise(text: str) -> str:
    return nfkc(scrub(text[-MAX_CHARS:]))[-MAX_CHARS:].lower()


@lru_cache(maxsize=8)
def vectorizer(ngram_min: int, ngram_max: int, n_features: int) -> HashingVectorizer:
    """Character n-grams within word boundaries, hashed into ``n_features`` columns, L2-normalised rows.
    (Stateless and safe to share between threads: ``transform`` changes nothing on the object. scikit-learn is
    imported on first use, not when the engine is imported.)"""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(ngram_min, ngram_max), n_features=n_features,
                             alternate_sign=False, norm="l2", preprocessor=_normalise)


def features(texts: Sequence[str], ngram: tuple[int, int], n_features: int) -> sparse.csr_matrix:
    return vectorizer(ngram[0], ngram[1], n_features).transform(list(texts))


@lru_cache(maxsize=64)
def _row(text: str, ngram: tuple[int, int], n_features: int) -> sparse.csr_matrix:
    """One question's row, kept for the next model that scores the same question with the same vectoriser (the scope
    and coverage models both read it); its arrays are made read-only, as every caller shares them."""
    row = features([text], ngram, n_features)
    for part in (row.data, row.indices, row.indptr):
        part.flags.writeable = False
    return row


class CharNgramModel:
    """logit = x·w + b over hashed character n-grams; ``w`` is stored sparse (index, value) in the model file and
    held dense in memory (4 MiB at 2^19 columns)."""

    def __init__(self, index: np.ndarray, value: np.ndarray, bias: float, ngram: tuple[int, int],
                 n_features: int) -> None:
        self.ngram, self.n_features, self.bias = (int(ngram[0]), int(ngram[1])), int(n_features), float(bias)
        self.weights = np.zeros(self.n_features, dtype=np.float64)
        self.weights[np.asarray(index, dtype=np.int64)] = np.asarray(value, dtype=np.float64)

    @classmethod
    def from_dense(cls, coef: np.ndarray, bias: float, ngram: tuple[int, int]) -> CharNgramModel:
        index = np.flatnonzero(coef)
        return cls(index, coef[index], bias, ngram, len(coef))

    def logit(self, text: str) -> float:
        return float((_row(text, self.ngram, self.n_features) @ self.weights)[0] + self.bias)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`logit` of many texts in one pass (training; not cached)."""
        return features(texts, self.ngram, self.n_features) @ self.weights + self.bias

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        index = np.flatnonzero(self.weights)
        return {f"{prefix}_index": index.astype(np.int32), f"{prefix}_value": self.weights[index].astype(np.float32),
                f"{prefix}_b": np.array(self.bias), f"{prefix}_ngram": np.array(self.ngram, dtype=np.int32),
                f"{prefix}_features": np.array(self.n_features)}

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> CharNgramModel:
        ngram = tuple(int(n) for n in data[f"{prefix}_ngram"])
        return cls(data[f"{prefix}_index"], data[f"{prefix}_value"], float(data[f"{prefix}_b"]),
                   (ngram[0], ngram[1]), int(data[f"{prefix}_features"]))
