"""Mapping the model's [n] markers to passages, in code: markers that point nowhere are dropped."""

from __future__ import annotations

import re

from assistant.domain.schema import Citation, Passage
from assistant.domain.text import nfkc, split_sentences

# [1], [1][2], [1, 2], [1,2,3], full-width ［１］ (normalised by NFKC before matching digits).
_MARKER = re.compile(r"[\[［]\s*([0-9０-９]+(?:\s*[,、，]\s*[0-9０-９]+)*)\s*[\]］]")
# A sentence with one of these is a factual claim that should be cited.
_FACTUAL = re.compile(r"[0-9０-９]|以内|以下|以上|定額|補助|助成|ノード|期間|対象|必須|上限|年|月")


def _numbers(group: str) -> list[int]:
    return [int(nfkc(x)) for x in re.split(r"[,、，]", group) if x.strip()]


def resolve_citations(text: str, passages: list[Passage]) -> tuple[str, list[Citation], bool]:
    """Returns (text with markers renumbered 1..m in order of first use and invalid ones removed, citations,
    uncited flag).

    ``passages[i]`` is the model's marker ``i + 1``. Renumbering keeps the sources under an answer as
    [1], [2], … whatever the passage positions were. ``uncited`` is True when the text states facts but
    carries no valid marker at all.
    """
    used: dict[int, Citation] = {}  # passage number → citation (with its new marker)

    def repl(m: re.Match[str]) -> str:
        valid = [n for n in _numbers(m.group(1)) if 1 <= n <= len(passages)]
        for n in valid:
            if n not in used:
                c = passages[n - 1].chunk
                used[n] = Citation(marker=len(used) + 1, chunk_id=c.id, doc=c.doc_id, title=c.title,
                                   section=c.section, quote=c.text, doc_version=c.doc_version or None,
                                   doc_as_of=c.doc_as_of or None)
        return "".join(f"[{used[n].marker}]" for n in dict.fromkeys(valid))

    cleaned = _MARKER.sub(repl, text)
    cleaned = re.sub(r"[ \t]+\n", "\n", cleaned)
    factual = any(_FACTUAL.search(s) for s in split_sentences(cleaned))
    return cleaned, list(used.values()), factual and not used
