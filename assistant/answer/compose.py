"""The offline answer as structured parts, rendered once for the chat and once, in letter form, for staff drafts.

Shape of the chat text: the lead (the sentence(s) that answer: each calculator's result, or else the best
sentence of the documents), then the question back for a missing fact, then at most ``MAX_BULLETS`` short
bullets (basis, conditions, one caveat per calculator, then further document sentences), each fact once.
Markers are passage numbers (1-based into ``passages``); :func:`assistant.answer.citations.resolve_citations`
renumbers them for the chat, the draft turns them into 「（出典：…）」.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.domain.schema import Passage, ToolCallRecord
from assistant.domain.text import match_key
from assistant.tools.render import Rendered, ask_sentence

MAX_BULLETS = 5
MAX_EXTRACT_BULLETS_WITH_TOOLS = 2

_TAB = re.compile(r"\s*\t\s*")
_SPACES = re.compile(r"[ \u3000]{2,}")


@dataclass
class Line:
    """One sentence or bullet with the passages it rests on."""

    text: str
    markers: list[int] = field(default_factory=list)
    kind: Literal["tool", "extract", "note"] = "tool"
    score: float = 0.0

    def with_markers(self) -> str:
        return self.text + "".join(f"[{n}]" for n in self.markers)


@dataclass
class ToolPart:
    record: ToolCallRecord
    rendered: Rendered
    markers: list[int] = field(default_factory=list)


@dataclass
class Extract:
    """A sentence of a retrieved passage, scored against the question."""

    text: str
    marker: int
    score: float


@dataclass
class OfflineParts:
    lead: list[Line]
    ask: str
    bullets: list[Line]
    tools: list[ToolPart]
    extracts: list[Extract]
    passages: list[Passage]

    def chat_text(self) -> str:
        head = "".join(line.with_markers() for line in self.lead) + self.ask
        return "\n".join([head, *(f"・{b.with_markers()}" for b in self.bullets)])


def tidy(sentence: str) -> str:
    """A document sentence as a bullet: no list marks, table cells joined readably."""
    s = sentence.strip().lstrip("・-*● ").strip()
    s = _TAB.sub("／", s)
    return _SPACES.sub(" ", s).strip("*")


def _is_prose(text: str) -> bool:
    return "／" not in text and text.rstrip().endswith(("。", "）", ")"))


def compose(tools: list[ToolPart], extracts: list[Extract], passages: list[Passage], empty_text: str) -> OfflineParts:
    """Order the parts: calculator leads first; without a calculator the best document sentence leads."""
    extracts = sorted(extracts, key=lambda e: -e.score)
    lead: list[Line] = []
    asks: list[str] = []
    wanted: list[str] = []
    tool_bullets: list[Line] = []
    tool_markers: set[int] = set()
    for part in tools:
        lead.append(Line(part.rendered.lead, list(part.markers)))
        tool_markers.update(part.markers)
        if part.rendered.ask and part.rendered.ask not in asks:
            asks.append(part.rendered.ask)
            wanted += [m for m in part.rendered.missing if m not in wanted]
        tool_bullets += [Line(b) for b in part.rendered.bullets]
    ask = asks[0] if len(asks) == 1 else ask_sentence(wanted) if asks else ""
    # Beside a calculator, document sentences add something only from passages it does not already cite
    # (those hold the very rule it applied).
    extract_lines = [
        Line(tidy(e.text), [e.marker], "extract", e.score) for e in extracts if not (tools and e.marker in tool_markers)
    ]
    if not lead:
        if extract_lines:
            # The best sentence that reads as a sentence leads; a table row only when nothing else matched.
            first = next((x for x in extract_lines if _is_prose(x.text)), extract_lines[0])
            lead = [first]
            extract_lines = [x for x in extract_lines if x is not first]
        else:
            lead = [Line(empty_text, [], "note")]
        room = MAX_BULLETS
    else:
        extract_lines = extract_lines[:MAX_EXTRACT_BULLETS_WITH_TOOLS]
        room = MAX_BULLETS - len(extract_lines)
    bullets: list[Line] = []
    seen = {match_key(x.text) for x in lead}
    for line in tool_bullets[: max(room, 0)] + extract_lines:
        key = match_key(line.text)
        if key in seen or any(key in s for s in seen):
            continue
        seen.add(key)
        bullets.append(line)
    return OfflineParts(lead=lead, ask=ask, bullets=bullets[:MAX_BULLETS], tools=tools,
                        extracts=extracts, passages=passages)
