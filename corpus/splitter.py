"""Structure-aware splitting of a document's text into retrieval chunks.

The METI documents are markdown-ish plain text: numbered headings (``1. 件名``, ``(1) …``, ``① …``),
bold lines, ``【…】`` and ``(参考) …`` labels, tab-separated tables, ``・`` bullets. The splitter

1. reads the lines into headings, tables, bullet items and paragraphs;
2. keeps a stack of open headings, so every chunk gets a section path (``4. … > 提供価格``);
3. packs whole sentences (and whole bullet lists with their lead-in sentence) into chunks of about
   ``chunk_size`` characters, carrying up to ``overlap`` characters of whole sentences into the next chunk of
   the same section; a sentence is cut only when it alone is longer than ``chunk_size``;
4. turns table rows into chunks that always start with the table's header row; a row's label becomes the
   last element of the section path.

Offsets: for prose chunks ``chunk.text == text[chunk.start:chunk.end]``. A section's first chunk starts at
its heading line (and at the lines of parent headings that have no text of their own), so lexical search
finds heading words such as 件名. For table chunks ``chunk.text == header + "\\n" + text[start:end]``: the
span covers only the rows (or the piece of an over-long row); the header row is copied in front.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from assistant.domain.schema import SECTION_SEP, Chunk
from assistant.domain.text import match_key, sentence_spans, skip_spaces, trim_end

# --- line classification -------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1$")
_BULLET = re.compile(r"^\s*(?:[-*+•●○◆◇■□▪]\s*(?:・\s*)?|・\s*)(?=\S)")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Numbered heading styles, matched on the NFKC form, with their rank (smaller = higher level). Markdown
# ``#`` headings rank 1-6, above every numbered style.
_NUMBERED = [
    (re.compile(r"^第\s*[0-9一二三四五六七八九十]+\s*[章部編]"), 7.0),
    (re.compile(r"^第\s*[0-9一二三四五六七八九十]+\s*節"), 8.0),
    (re.compile(r"^\d{1,2}[.．](?!\d)\s*\S"), 10.0),
    (re.compile(r"^\(\d{1,2}\)\s*\S"), 11.0),
    (re.compile(r"^[ア-ン][.．、]\s*\S"), 13.0),
    (re.compile(r"^\([ア-ン]\)\s*\S"), 14.0),
]
_CIRCLED = re.compile(r"^[\u2460-\u2473\u3251-\u325f]\s*\S")  # ①..⑳ ㉑..㉟
# Label headings have no number; they nest under whatever heading is open ("(参考) …" under "(2) …").
_LABELS = [re.compile(r"^【[^】]{1,40}】"), re.compile(r"^\((?!\d)[^()]{1,8}\)")]
_NOT_HEADING_END = tuple("。．、，,!！?？")
_HEADING_MAX = 60
_BOLD_HEADING_MAX = 100

# --- sentences -----------------------------------------------------------------------------------------------

# Sentence ends and brackets: assistant.domain.text.sentence_spans, the one sentence splitter.
_SOFT_BREAKS = "、，,　 \t"


@dataclass
class _Line:
    start: int
    end: int  # end of the content, without the line break
    text: str
    kind: str = "para"  # blank, heading, table, bullet, para
    rank: float | None = None  # heading rank; None for a label heading
    title: str = ""


@dataclass
class _Unit:
    """A span that is never split (a sentence, a heading line) unless it alone exceeds the budget."""

    start: int
    end: int
    glue: bool = False  # keep together with the next unit when they fit
    sentence: bool = True  # may be carried over as overlap
    heading: bool = False


@dataclass
class _Table:
    lines: list[_Line]


@dataclass
class _Open:
    """A heading on the stack of open sections."""

    rank: float
    title: str
    label: bool
    seen: frozenset[float]  # numbered ranks used before this heading was opened


@dataclass
class _Section:
    path: tuple[str, ...]
    heading_start: int | None
    heading_end: int | None
    body: list[object] = field(default_factory=list)  # _Line (para/bullet/blank) or _Table
    depth: int = 0  # stack depth including this section's own heading


@dataclass
class _Piece:
    start: int
    end: int
    section: str
    text: str


def split_document(
    doc_id: str, title: str, text: str, chunk_size: int = 400, overlap: int = 80
) -> list[Chunk]:
    """Split ``text`` into chunks following its headings, tables, lists and sentences (see module doc)."""
    if chunk_size < 20:
        raise ValueError(f"chunk_size must be at least 20, got {chunk_size}")
    if not 0 <= overlap < chunk_size:
        raise ValueError(f"overlap must be in [0, chunk_size), got {overlap}")
    if not text.strip():
        return []
    sections = _sections(_classify(text), title)
    pieces: list[_Piece] = []
    for section in sections:
        pieces.extend(_split_section(text, section, chunk_size, overlap))
    return _to_chunks(doc_id, title, pieces)


# --- 1. lines --------------------------------------------------------------------------------------------------


def _classify(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        line = _Line(pos, pos + len(content), content)
        pos += len(raw)
        stripped = content.strip()
        if not stripped:
            line.kind = "blank"
        elif (
            "\t" in stripped and len([c for c in stripped.split("\t") if c.strip()]) >= 2
        ) or _PIPE_ROW.match(content):
            line.kind = "table"
        else:
            heading = _heading(stripped)
            if heading is not None:
                line.kind = "heading"
                line.rank, line.title = heading
            elif _BULLET.match(content):
                line.kind = "bullet"
        lines.append(line)
    return lines


def _clean_heading(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("**", "").replace("__", "").replace("`", "")).strip()


def _heading(s: str) -> tuple[float | None, str] | None:
    """(rank, title) when the stripped line is a heading; rank None marks a label heading."""
    m = _MD_HEADING.match(s)
    if m:
        return float(len(m.group(1))), _clean_heading(m.group(2))
    bold = _BOLD_LINE.match(s)
    inner = bold.group(2).strip() if bold else s
    limit = _BOLD_HEADING_MAX if bold else _HEADING_MAX
    if not inner or inner.endswith(_NOT_HEADING_END) or len(inner) > limit:
        return None
    if _CIRCLED.match(inner):  # tested before NFKC, which turns ① into a plain 1
        return 12.0, _clean_heading(inner)
    key = unicodedata.normalize("NFKC", inner)
    for pattern, rank in _NUMBERED:
        if pattern.match(key):
            return rank, _clean_heading(inner)
    if bold or any(p.match(key) for p in _LABELS):
        return None, _clean_heading(inner)
    return None


# --- 2. sections ----------------------------------------------------------------------------------------------


def _sections(lines: list[_Line], doc_title: str) -> list[_Section]:
    title_key = match_key(doc_title)
    stack: list[_Open] = []
    seen_ranks: set[float] = set()
    current = _Section((), None, None)
    sections = [current]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "heading":
            if line.rank is None:
                while stack and stack[-1].label:
                    stack.pop()
                rank = stack[-1].rank + 0.5 if stack else 0.5
            else:
                rank = line.rank
                # A numbered style already used before a label was opened continues that outer numbering
                # ("(参考)" under "(2)", then "(3)"), so it closes the label instead of nesting in it.
                while stack and (stack[-1].rank >= rank or (stack[-1].label and rank in stack[-1].seen)):
                    stack.pop()
                seen_ranks.add(rank)
            child_of_current = current.heading_start is not None and len(stack) >= current.depth
            stack.append(_Open(rank, line.title, line.rank is None, frozenset(seen_ranks)))
            start = line.start
            if child_of_current and not _has_text(current):
                # A parent heading with no text of its own travels with its first child's text.
                start = current.heading_start  # type: ignore[assignment]
            current = _Section(_path(stack, title_key), start, line.end, depth=len(stack))
            sections.append(current)
            i += 1
        elif line.kind == "table":
            j = i
            rows: list[_Line] = []
            while j < len(lines):
                if lines[j].kind == "table":
                    rows.append(lines[j])
                    j += 1
                elif lines[j].kind == "blank" and j + 1 < len(lines) and lines[j + 1].kind == "table":
                    j += 1  # a blank line inside a table (seen in exported review tables) does not end it
                else:
                    break
            current.body.append(_Table(rows))
            i = j
        elif line.kind in ("para", "bullet"):
            current.body.append(line)
            i += 1
        else:
            current.body.append(line)  # blank lines mark paragraph and list ends
            i += 1
    return [s for s in sections if _has_text(s)]


def _has_text(section: _Section) -> bool:
    return any(not (isinstance(b, _Line) and b.kind == "blank") for b in section.body)


def _path(stack: list[_Open], title_key: str) -> tuple[str, ...]:
    # A heading that repeats the document title adds nothing: the title is shown (and indexed) anyway.
    return tuple(o.title for o in stack if match_key(o.title) != title_key)


# --- 3. prose packing -----------------------------------------------------------------------------------------


def _split_section(text: str, section: _Section, size: int, overlap: int) -> list[_Piece]:
    name = SECTION_SEP.join(section.path)
    pieces: list[_Piece] = []
    run: list[_Unit] = []
    if section.heading_start is not None and section.heading_end is not None:
        run.append(_Unit(section.heading_start, section.heading_end, glue=True, sentence=False, heading=True))
    body = section.body
    for k, item in enumerate(body):
        if isinstance(item, _Table):
            pieces.extend(_pack(text, run, name, size, overlap))
            run = []
            pieces.extend(_table_pieces(text, item, section.path, size))
            continue
        assert isinstance(item, _Line)
        if item.kind == "blank":
            continue
        units = _sentence_units(text, item.start, item.end, size)
        if item.kind == "bullet":
            for u in units[:-1]:
                u.glue = True  # one item is one block
            if run and _starts_list(body, k):
                run[-1].glue = True  # lead-in sentence stays with its list
            if _continues_list(body, k):
                units[-1].glue = True
        run.extend(units)
    pieces.extend(_pack(text, run, name, size, overlap))
    return pieces


def _starts_list(body: list[object], k: int) -> bool:
    for prev in reversed(body[:k]):
        if isinstance(prev, _Line) and prev.kind == "blank":
            continue
        return not (isinstance(prev, _Line) and prev.kind == "bullet")
    return True


def _continues_list(body: list[object], k: int) -> bool:
    for nxt in body[k + 1 :]:
        if isinstance(nxt, _Line) and nxt.kind == "blank":
            continue
        return isinstance(nxt, _Line) and nxt.kind == "bullet"
    return False


def _sentence_units(text: str, start: int, end: int, size: int) -> list[_Unit]:
    units = []
    for s, e in sentence_spans(text, start, end, depth_aware=True):
        if e - s > size:
            for s2, e2 in sentence_spans(text, s, e, depth_aware=False):
                units.extend(_Unit(a, b) for a, b in _hard_split(text, s2, e2, size))
        else:
            units.append(_Unit(s, e))
    return units


def _hard_split(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``size``, preferring a 、 or space in the last part of each window."""
    out = []
    while end - start > size:
        cut = start + size
        window_from = start + size * 6 // 10
        soft = max(text.rfind(ch, window_from, cut) for ch in _SOFT_BREAKS)
        if soft >= window_from:
            cut = soft + 1
        out.append((start, trim_end(text, start, cut)))
        start = skip_spaces(text, cut, end)
    if end > start:
        out.append((start, end))
    return out


def _pack(text: str, units: list[_Unit], section: str, size: int, overlap: int) -> list[_Piece]:
    """Greedy packing of glued blocks into spans of at most ``size`` characters, with sentence overlap."""
    if not units:
        return []
    blocks: list[list[_Unit]] = []
    cur: list[_Unit] = []
    for u in units:
        cur.append(u)
        if not u.glue:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    # A glued block that cannot fit is packed unit by unit; the glue is a preference, not a promise.
    flat: list[list[_Unit]] = []
    for b in blocks:
        if _span(b) <= size:
            flat.append(b)
        else:
            flat.extend([u] for u in b)

    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for block in flat:
        if not current or _span(current + block) <= size:
            current = current + block
            continue
        groups.append(current)
        carried = _overlap_tail(current, overlap)
        while carried and _span(carried + block) > size:
            carried = carried[1:]
        current = carried + block
    groups.append(current)

    pieces = []
    for g in groups:
        if all(u.heading for u in g):
            continue  # a heading whose text did not fit beside it: the section path already names it
        pieces.append(_Piece(g[0].start, g[-1].end, section, text[g[0].start : g[-1].end]))
    return pieces


def _overlap_tail(units: list[_Unit], overlap: int) -> list[_Unit]:
    tail: list[_Unit] = []
    for u in reversed(units):
        if not u.sentence or _span([u] + tail) > overlap:
            break
        tail.insert(0, u)
    return tail


def _span(units: list[_Unit]) -> int:
    return units[-1].end - units[0].start


# --- 4. tables ------------------------------------------------------------------------------------------------


def _cells(line: _Line) -> list[str]:
    content = line.text.strip()
    if _PIPE_ROW.match(line.text):
        return [c.strip() for c in content.strip("|").split("|")]
    return [c.strip() for c in line.text.split("\t")]


def _table_pieces(text: str, table: _Table, path: tuple[str, ...], size: int) -> list[_Piece]:
    lines = table.lines
    header_lines = [lines[0]]
    rows = lines[1:]
    if rows and _PIPE_SEPARATOR.match(rows[0].text):
        header_lines.append(rows.pop(0))
    header = "\n".join(line.text for line in header_lines)
    if not rows:
        start, end = header_lines[0].start, header_lines[-1].end
        name = SECTION_SEP.join(path)
        return [_Piece(s, e, name, text[s:e]) for s, e in _hard_split(text, start, end, size)]

    cell_rows = [_cells(r) for r in rows]
    ncols = max(len(c) for c in cell_rows)
    grouped = ncols >= 3 and any(len(c) > 1 and not c[0] and any(c[1:]) for c in cell_rows)
    labels: list[tuple[str, ...]] = []
    group = ""
    for cells in cell_rows:
        if cells and cells[0]:
            group = cells[0]
        parts = [group] + ([cells[1]] if grouped and len(cells) > 1 and cells[1] else [])
        labels.append(tuple(_clean_heading(p)[:40] for p in parts if p))

    pieces: list[_Piece] = []
    if len(header) > size // 3:
        # A header this long would crowd out the rows: it becomes a chunk of its own and the copy put in
        # front of the rows is shortened.
        start, end = header_lines[0].start, header_lines[-1].end
        name = SECTION_SEP.join(path)
        pieces.extend(_Piece(s, e, name, text[s:e]) for s, e in _hard_split(text, start, end, size))
        header = header[: size // 3 - 1].rstrip() + "…"
    budget = size - len(header) - 1
    min_rows = size // 20
    i = 0
    while i < len(rows):
        j = i + 1
        # Very short rows share a chunk, so a list of one-word rows does not become a list of tiny chunks;
        # in a grouped table only rows of the same group do, so the group stays in the section path.
        while (
            j < len(rows)
            and rows[j - 1].end - rows[i].start < min_rows
            and rows[j].end - rows[i].start <= budget
            and (not grouped or labels[j][:1] == labels[i][:1])
        ):
            j += 1
        label = _common_prefix(labels[i:j])
        name = SECTION_SEP.join(path + label)
        start, end = rows[i].start, rows[j - 1].end
        if end - start <= budget:
            pieces.append(_Piece(start, end, name, header + "\n" + text[start:end]))
        else:
            units = _row_units(text, rows[i], budget)
            for g in _pack(text, units, name, budget, 0):
                pieces.append(_Piece(g.start, g.end, name, header + "\n" + g.text))
        i = j
    return pieces


def _row_units(text: str, row: _Line, budget: int) -> list[_Unit]:
    # Cells are natural break points of a long row; sentences inside a cell come next.
    units: list[_Unit] = []
    pos = row.start
    for cell in row.text.split("\t"):
        cell_start, cell_end = pos, pos + len(cell)
        pos = cell_end + 1
        if cell.strip():
            units.extend(_sentence_units(text, cell_start, cell_end, budget))
    if len(units) > 1:
        units[0].glue = True  # the row label stays with the start of its text when they fit
    return units


def _common_prefix(labels: list[tuple[str, ...]]) -> tuple[str, ...]:
    first = labels[0]
    n = len(first)
    for other in labels[1:]:
        n = min(n, len(other))
        for k in range(n):
            if other[k] != first[k]:
                n = k
                break
    return first[:n]


# --- 5. ids -----------------------------------------------------------------------------------------------


def chunk_id(doc_id: str, section: str, text: str, occurrence: int = 0) -> str:
    """Stable id from the document id and the NFKC content, so re-ingesting unchanged text keeps ids."""
    key = f"{doc_id}\x00{match_key(section)}\x00{match_key(text)}"
    if occurrence:
        key += f"\x00{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _to_chunks(doc_id: str, title: str, pieces: list[_Piece]) -> list[Chunk]:
    seen: dict[tuple[str, str], int] = {}
    chunks = []
    for ordinal, p in enumerate(pieces):
        key = (match_key(p.section), match_key(p.text))
        n = seen.get(key, 0)
        seen[key] = n + 1
        chunks.append(
            Chunk(
                id=chunk_id(doc_id, p.section, p.text, n),
                doc_id=doc_id,
                title=title,
                section=p.section,
                text=p.text,
                start=p.start,
                end=p.end,
                ordinal=ordinal,
            )
        )
    return chunks
