"""The scope model's third opinion: what the labelled questions nearest to this one were (k nearest neighbours).

The logistic model draws one straight line through the sentence-embedding space; the questions of a kind it has not
learnt (a loan's 「返済猶予の申請」, a university's 「年度繰越」) sit in small clusters on either side of it. The
neighbours remember each training question: the ``k`` whose embeddings are closest (cosine) vote, each with weight
``exp((s − s_max) / tau)`` and its class's balancing weight (so the larger class does not win by count), with half a
vote of prior for each side; the opinion is the logit of that vote. It is combined with the other opinions in logit
space (:func:`assistant.answer.scope.blend`).

The memory is the unit embeddings of the training questions, quantised to int8 with one scale per row
(``vector ≈ q · scale``, the row's largest component mapped to ±127; cosine error under 0.003 for the
384-dimensional embeddings; 388 bytes a question) with their labels, stored in the scope model file. Since model 10
the memories of one file share their rows (:func:`shared_arrays`): the coverage model's memory is mostly questions
the scope model's memory holds too, and each row is stored once. (A file written before the per-row scales, model 8,
holds ``vector ≈ q / 127``, and one of model 9 a memory of its own per model; both still load.) In memory the rows are held
dequantised (float32); one query costs one matrix-vector product over them (~12,000 × 384 for model 9's scope
memory: a few milliseconds on a busy 2-core machine) and a partial sort. Read-only after loading: safe to share
between threads.
"""

from __future__ import annotations

import numpy as np

#: Largest int8 magnitude used.
_LEVELS = 127.0
#: The key of the rows the memories of one model file share (:func:`shared_arrays`).
SHARED = "question_memory"


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit-normalised rows of ``vectors`` as (int8 rows, float32 scale per row): ``q · scale`` ≈ the unit vector,
    each row's largest component at ±127 (a zero row, or one too small to normalise in float32, stays zero with
    scale 1/127). Raises ValueError for a non-finite value (a broken embedding must not enter the memory)."""
    v = np.asarray(vectors, dtype=np.float64)
    if not np.isfinite(v).all():
        raise ValueError("vectors to remember must be finite")
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    tiny = norms < np.finfo(np.float32).tiny
    norms[tiny] = 1.0
    unit = np.where(tiny, 0.0, v / norms)
    peak = np.abs(unit).max(axis=1, keepdims=True) if unit.size else np.ones((len(unit), 1))
    scale = np.where(peak > 0, peak, 1.0) / _LEVELS
    q = np.clip(np.rint(unit / scale), -_LEVELS, _LEVELS).astype(np.int8)
    return q, scale.ravel().astype(np.float32)


class NeighbourModel:
    """logit of the class-balanced, similarity-weighted vote of the ``k`` nearest labelled questions."""

    def __init__(self, memory: np.ndarray, labels: np.ndarray, k: int, tau: float,
                 scale: np.ndarray | None = None) -> None:
        if memory.dtype != np.int8 or memory.ndim != 2 or len(memory) != len(labels):
            raise ValueError("memory must be int8 rows, one per label")
        if scale is None:  # a model file written before the per-row scales
            scale = np.full(len(memory), 1.0 / _LEVELS, dtype=np.float32)
        scale = np.asarray(scale, dtype=np.float32)
        if scale.shape != (len(memory),) or not (np.isfinite(scale).all() and (scale > 0).all()):
            raise ValueError("scale must be one positive finite number per memory row")
        if int(k) < 1 or not float(tau) > 0:
            raise ValueError(f"k must be at least 1 and tau positive (k={k}, tau={tau})")
        self.memory = memory
        self.labels = np.array(labels, dtype=np.float64)  # a copy: it is made read-only below
        self.k, self.tau = min(int(k), len(labels)), float(tau)
        pos = float(self.labels.mean()) if len(self.labels) else 0.5
        # the two classes weigh the same in all, whatever their sizes
        self._class_weight = np.where(self.labels == 1, 0.5 / max(pos, 1e-9), 0.5 / max(1 - pos, 1e-9))
        self.scale = scale.copy()
        self._unit = memory.astype(np.float32) * self.scale[:, None]
        for part in (self.memory, self.labels, self.scale, self._class_weight, self._unit):
            part.flags.writeable = False

    @property
    def dim(self) -> int:
        return int(self.memory.shape[1])

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, k: int, tau: float) -> NeighbourModel:
        memory, scale = quantise(vectors)
        return cls(memory, np.asarray(labels, dtype=np.float64), k, tau, scale)

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """The opinion for each row of ``vectors`` (any scale: rows are normalised here); 0 (no opinion) for a row
        that is zero or not finite."""
        q = np.asarray(vectors, dtype=np.float32)
        if q.ndim == 1:
            q = q[None, :]
        norms = np.linalg.norm(q, axis=1, keepdims=True)
        usable = (np.isfinite(norms) & (norms > 0)).ravel()
        q = np.where(usable[:, None], q, np.float32(0)) / np.where(usable[:, None], norms, np.float32(1))
        sims = q @ self._unit.T
        idx = np.argpartition(-sims, self.k - 1, axis=1)[:, : self.k]
        s = np.take_along_axis(sims, idx, axis=1).astype(np.float64)
        w = np.exp((s - s.max(axis=1, keepdims=True)) / self.tau) * self._class_weight[idx]
        p_in = ((w * self.labels[idx]).sum(axis=1) + 0.5) / (w.sum(axis=1) + 1.0)
        return np.where(usable, np.log(p_in / (1.0 - p_in)), 0.0)

    def logit(self, vector: np.ndarray) -> float:
        return float(self.logits(vector)[0])

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_memory": self.memory, f"{prefix}_row_scale": self.scale,
                f"{prefix}_labels": self.labels.astype(np.uint8),
                f"{prefix}_k": np.array(self.k), f"{prefix}_tau": np.array(self.tau)}

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> NeighbourModel:
        """The memory ``prefix`` of a model file: its own rows (``{prefix}_memory``, before model 10) or indices into
        the shared ones (``{prefix}_rows``, :func:`shared_arrays`)."""
        if f"{prefix}_rows" in data:
            rows = np.asarray(data[f"{prefix}_rows"])
            shared, shared_scale = data.get(SHARED), data.get(f"{SHARED}_row_scale")
            if shared is None or shared_scale is None or np.shape(shared_scale) != (len(shared),):
                raise ValueError(f"{prefix}_rows needs {SHARED} and one {SHARED}_row_scale per row")
            if rows.ndim != 1 or rows.dtype.kind not in "iu" or (len(rows) and not 0 <= rows.min() <= rows.max()
                                                                  < len(shared)):
                raise ValueError(f"{prefix}_rows must be indices of rows of {SHARED}")
            memory, scale = shared[rows], shared_scale[rows]
        else:
            memory, scale = data[f"{prefix}_memory"], data.get(f"{prefix}_row_scale")
        return cls(memory, data[f"{prefix}_labels"], int(data[f"{prefix}_k"]), float(data[f"{prefix}_tau"]), scale)

    @classmethod
    def stored(cls, data: dict[str, np.ndarray], prefix: str) -> bool:
        """Whether ``data`` (a model file's arrays) holds the memory ``prefix`` in either layout."""
        return f"{prefix}_rows" in data or f"{prefix}_memory" in data


def shared_arrays(models: dict[str, NeighbourModel]) -> dict[str, np.ndarray]:
    """The arrays of several memories (prefix → model) with each distinct row stored once: the rows (int8 and scale)
    in ``question_memory`` / ``question_memory_row_scale``, and per memory the indices of its rows
    (``{prefix}_rows``) besides its labels, ``k`` and ``tau``. Deterministic: the distinct rows in sorted order."""
    memory = np.vstack([m.memory for m in models.values()])
    scale = np.concatenate([m.scale for m in models.values()]).astype(np.float32)
    key = np.hstack([memory.view(np.uint8), scale[:, None].view(np.uint8)])  # a row is the same row when its bytes are
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1).astype(np.int32)
    out = {SHARED: memory[first], f"{SHARED}_row_scale": scale[first]}
    start = 0
    for prefix, model in models.items():
        own = {k: v for k, v in model.to_arrays(prefix).items() if k not in (f"{prefix}_memory", f"{prefix}_row_scale")}
        out.update({**own, f"{prefix}_rows": inverse[start:start + len(model.labels)]})
        start += len(model.labels)
    return out
