"""The scope model's third opinion: what the labelled questions nearest to this one were (k nearest neighbours).

The logistic model draws one straight line through the sentence-embedding space; the questions of a kind it has not
learnt (a loan's 「返済猶予の申請」, a university's 「年度繰越」) sit in small clusters on either side of it. The
neighbours remember each training question: the ``k`` whose embeddings are closest (cosine) vote, each with weight
``exp((s − s_max) / tau)`` and its class's balancing weight (so the larger class does not win by count), with half a
vote of prior for each side; the opinion is the logit of that vote. It is combined with the other opinions in logit
space (:func:`assistant.answer.scope.blend`).

The memory is the unit embeddings of the training questions, quantised to int8 (``vector ≈ q / 127``; cosine error
below 0.01, 384 bytes a question) with their labels, stored in the scope model file. One query costs one
int8 × float matrix-vector product over the memory (~10,000 × 384: about a millisecond) and a partial sort.
"""

from __future__ import annotations

import numpy as np

#: Quantisation scale of the stored unit vectors.
_SCALE = 127.0


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Unit-normalised rows of ``vectors`` as int8 (``q / 127`` ≈ the unit vector)."""
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.clip(np.rint(v / norms * _SCALE), -127, 127).astype(np.int8)


class NeighbourModel:
    """logit of the class-balanced, similarity-weighted vote of the ``k`` nearest labelled questions."""

    def __init__(self, memory: np.ndarray, labels: np.ndarray, k: int, tau: float) -> None:
        if memory.dtype != np.int8 or memory.ndim != 2 or len(memory) != len(labels):
            raise ValueError("memory must be int8 rows, one per label")
        self.memory = memory
        self.labels = np.asarray(labels, dtype=np.float64)
        self.k, self.tau = min(int(k), len(labels)), float(tau)
        pos = float(self.labels.mean()) if len(self.labels) else 0.5
        # each class's votes weigh 1/2 in all, whatever its size
        self._class_weight = np.where(self.labels == 1, 0.5 / max(pos, 1e-9), 0.5 / max(1 - pos, 1e-9))
        self._unit = memory.astype(np.float32) / np.float32(_SCALE)

    @property
    def dim(self) -> int:
        return int(self.memory.shape[1])

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, k: int, tau: float) -> NeighbourModel:
        return cls(quantise(vectors), np.asarray(labels, dtype=np.float64), k, tau)

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """The opinion for each row of ``vectors`` (any scale: rows are normalised here)."""
        q = np.asarray(vectors, dtype=np.float32)
        if q.ndim == 1:
            q = q[None, :]
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), np.float32(1e-12))
        sims = q @ self._unit.T
        idx = np.argpartition(-sims, self.k - 1, axis=1)[:, : self.k]
        s = np.take_along_axis(sims, idx, axis=1).astype(np.float64)
        w = np.exp((s - s.max(axis=1, keepdims=True)) / self.tau) * self._class_weight[idx]
        p_in = ((w * self.labels[idx]).sum(axis=1) + 0.5) / (w.sum(axis=1) + 1.0)
        return np.log(p_in / (1.0 - p_in))

    def logit(self, vector: np.ndarray) -> float:
        return float(self.logits(vector)[0])

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_memory": self.memory, f"{prefix}_labels": self.labels.astype(np.uint8),
                f"{prefix}_k": np.array(self.k), f"{prefix}_tau": np.array(self.tau)}

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> NeighbourModel:
        return cls(data[f"{prefix}_memory"], data[f"{prefix}_labels"], int(data[f"{prefix}_k"]),
                   float(data[f"{prefix}_tau"]))
