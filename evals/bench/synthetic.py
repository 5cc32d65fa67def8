"""A synthetic corpus of N chunks made from the real documents' sentences, recombined with a seed.

Why recombine real sentences: the lexical (Sudachi/BM25) and dense statistics of Japanese administrative
text hold, while the size grows. The vocabulary stays that of the three documents, so posting lists are far
denser than in a real 100k-chunk corpus: BM25 latency measured here is pessimistic.

Documents are Markdown-like .txt files (``## title``, ``### heading``, paragraphs) with a documents.json,
ingested through the real ingest path. The chunk count is exact: each document is split with the real
splitter while it is generated, and the last one trimmed to land on N.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.domain.config import PACKAGED_CORPUS
from assistant.domain.text import split_sentences
from corpus.splitter import split_document

_HEADING = re.compile(r"^\s*(#{1,6}\s+|\*\*.+\*\*\s*$)")
_MARKUP = re.compile(r"^[#\s]+|\*\*")
MANIFEST = "synthetic.json"
GENERATOR_VERSION = 1


@dataclass
class SentencePool:
    sentences: list[str]
    headings: list[str]

    @classmethod
    def from_corpus(cls, folder: Path = PACKAGED_CORPUS) -> SentencePool:
        sentences: list[str] = []
        headings: list[str] = []
        for path in sorted(Path(folder).glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if not line or "http" in line or "\t" in line or "|" in line:
                    continue  # links and table rows make sense only where they are
                if _HEADING.match(line) or (len(line) <= 40 and not line.endswith("。")):
                    h = _MARKUP.sub("", line).strip()
                    if 2 <= len(h) <= 40 and not h.startswith(("-", "・", "※")):
                        headings.append(h)
                    continue
                for s in split_sentences(line.lstrip("-・* ").strip()):
                    if len(s) >= 12 and s.endswith(("。", "）", ")")):
                        sentences.append(s)
        # Keep first occurrences only: duplicated sentences would skew the sampling.
        return cls(list(dict.fromkeys(sentences)), list(dict.fromkeys(headings)) or ["概要"])

    def fingerprint(self) -> str:
        h = hashlib.sha256("\n".join(self.sentences + ["--"] + self.headings).encode("utf-8"))
        return h.hexdigest()[:16]


def _document(rng: random.Random, pool: SentencePool, title: str, n_sections: int) -> str:
    parts = [f"## {title}", ""]
    for s in range(1, n_sections + 1):
        parts += [f"### {s}. {rng.choice(pool.headings)}", ""]
        for _ in range(rng.randint(1, 4)):
            parts += ["".join(rng.choice(pool.sentences) for _ in range(rng.randint(1, 5))), ""]
    return "\n".join(parts)


def _count(doc_id: str, title: str, text: str, chunk_size: int, overlap: int) -> int:
    return len(split_document(doc_id, title, text, chunk_size, overlap))


@dataclass
class SyntheticCorpus:
    folder: Path
    n_chunks: int
    n_docs: int
    chars: int
    seed: int


def generate(folder: Path, n_chunks: int, seed: int = 0, chunk_size: int = 400, overlap: int = 80,
             pool: SentencePool | None = None, sections_per_doc: int = 8) -> SyntheticCorpus:
    """Write ``folder/*.txt`` + documents.json holding exactly ``n_chunks`` chunks; reuse a matching folder."""
    pool = pool or SentencePool.from_corpus()
    folder = Path(folder)
    key = {"version": GENERATOR_VERSION, "n_chunks": n_chunks, "seed": seed, "chunk_size": chunk_size,
           "overlap": overlap, "pool": pool.fingerprint(), "sections_per_doc": sections_per_doc}
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
            if old.get("key") == key:
                return SyntheticCorpus(folder, old["n_chunks"], old["n_docs"], old["chars"], seed)
        except (OSError, ValueError, KeyError):
            pass
    folder.mkdir(parents=True, exist_ok=True)
    for old_file in folder.glob("*.txt"):
        old_file.unlink()
    rng = random.Random(seed)
    catalog, total, chars, i = [], 0, 0, 0
    while total < n_chunks:
        i += 1
        doc_id, title = f"synthetic-{i:06d}", f"合成文書{i}：{rng.choice(pool.headings)}"
        text = _document(rng, pool, title, sections_per_doc)
        n = _count(doc_id, title, text, chunk_size, overlap)
        while total + n > n_chunks:  # the last document: drop paragraphs until it fits
            paras = text.rstrip().split("\n\n")
            if len(paras) <= 3:
                break
            text = "\n\n".join(paras[:-1]) + "\n"
            n = _count(doc_id, title, text, chunk_size, overlap)
        if total + n > n_chunks or n == 0:
            # A heading + one paragraph is still too many chunks: try a fresh, smaller document.
            text = f"## {title}\n\n{rng.choice(pool.sentences)}\n"
            n = _count(doc_id, title, text, chunk_size, overlap)
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        catalog.append({"id": doc_id, "file": f"{doc_id}.txt", "title": title, "issuer": "synthetic",
                        "note": f"benchmark corpus, seed {seed}"})
        total += n
        chars += len(text)
    (folder / "documents.json").write_text(json.dumps(catalog, ensure_ascii=False, indent=0), encoding="utf-8")
    manifest.write_text(json.dumps({"key": key, "n_chunks": total, "n_docs": i, "chars": chars}), encoding="utf-8")
    return SyntheticCorpus(folder, total, i, chars, seed)
