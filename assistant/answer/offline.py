"""The offline composer: an answer from the retrieved passages and the calculators alone (no LLM), and the
「資料には記載がありません」 answer with the documents' own contact section."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from assistant.answer.citations import resolve_citations
from assistant.answer.compose import Extract, ToolPart, compose
from assistant.domain import prompts
from assistant.domain.schema import Answer, Chunk, Citation, Passage, ToolCallRecord
from assistant.domain.text import japanese_date, match_key, split_sentences
from assistant.domain.validation import History
from assistant.retrieval.retriever import Retriever
from assistant.tools import execute
from assistant.tools.render import Rendered, render, render_error
from assistant.tools.router import route

log = logging.getLogger(__name__)


def offline_notice(notice: str | None = None, citations: Sequence[Citation] = ()) -> str:
    """The footer of every offline answer, shown once by the UI and CLI: how it was made and how old the
    documents are (``notice`` replaces the offline line, e.g. after the LLM broke off)."""
    return "\n".join([notice or prompts.text("offline_notice"), dated_footer(citations)])


def dated_footer(citations: Sequence[Citation]) -> str:
    """The dates of the documents the answer rests on (each cited version's ``as_of``), e.g. 「※ 本回答は
    2023年9月22日時点の資料（…）に基づいています。…」; the fixed disclaimer when no cited document is dated."""
    dated: dict[str, list[str]] = {}
    for c in citations:
        if c.doc_as_of:
            titles = dated.setdefault(c.doc_as_of, [])
            if (c.title or c.doc) not in titles:
                titles.append(c.title or c.doc)
    if not dated:
        return prompts.text("dated_footer")
    sources = "、".join(f"{japanese_date(d)}時点の資料（{'、'.join(t)}）" for d, t in sorted(dated.items()))
    return prompts.text("dated_footer_docs", sources=sources)


def _render_tool(
    render: Any, name: str, args: dict[str, Any], result: dict[str, Any], relevance: Any, coverage: Any
) -> Any:
    try:
        return render(name, args, result, relevance, coverage)
    except Exception:
        log.exception("rendering the %s result failed; showing its explanation", name)
        return Rendered(lead=str(result.get("explanation", "")))


def offline_answer(
    retriever: Retriever, question: str, history: History, standalone: str, passages: list[Passage],
    notice: str | None = None,
) -> Answer:
    passages = list(passages)
    records: list[ToolCallRecord] = []
    calls = route(question) or (route(standalone) if standalone != question else [])
    relevance = relevance_scorer(retriever, standalone)
    coverage = coverage_scorer(retriever, question)
    tools: list[ToolPart] = []
    for call in calls:
        out = execute(call.name, call.args)
        rec = ToolCallRecord(name=call.name, args=call.args, result=out.get("result"),
                             ok=bool(out.get("ok")), error=out.get("error"))
        records.append(rec)
        if not rec.ok:
            tools.append(ToolPart(rec, render_error(rec.error)))
            continue
        markers = cite_tool_quotes(retriever, out["result"], passages)
        tools.append(ToolPart(rec, _render_tool(render, call.name, call.args, out["result"], relevance, coverage),
                              markers))
    extracts = extract_scored(retriever, standalone, passages, skip_when_tools=bool(tools))
    parts = compose(tools, extracts, passages, empty_text=prompts.text("no_passages"))
    cleaned, citations, uncited = resolve_citations(parts.chat_text(), passages)
    answer = Answer(
        question=question, text=cleaned, citations=citations, tool_calls=records, retrieved=passages,
        backend="offline", uncited=uncited and bool(tools or extracts),
        notice=offline_notice(notice, citations),
    )
    answer._parts = parts
    return answer


def relevance_scorer(retriever: Retriever, query: str) -> Any:
    """Score a text against the query with the BM25 terms and IDF the extractive scorer uses."""
    q_weights = retriever.lexical_weights(query)
    tok, bm25 = retriever.tokenizer, retriever.bm25

    def score(text: str) -> float:
        return sum(bm25.idf(t) * q_weights[t] for t in set(tok.tokenize(text)) if t in q_weights)

    return score


def coverage_scorer(retriever: Retriever, question: str) -> Any:
    """The share of a text's terms that occur in the question (the same Sudachi terms BM25 uses)."""
    tok = retriever.tokenizer
    asked = set(tok.tokenize(question))

    def share(text: str) -> float:
        terms = set(tok.tokenize(text))
        return len(terms & asked) / len(terms) if terms else 0.0

    return share


def not_in_documents_answer(retriever: Retriever, base: Answer, standalone: str, passages: list[Passage]) -> Answer:
    """「資料には記載がありません」, then the closest facts labelled as related, then whom to ask (cited)."""
    passages = list(passages)
    related = extract(retriever, standalone, passages, skip_when_tools=True)
    lines = [prompts.text("not_in_documents_lead")]
    if related:
        lines.append(prompts.text("not_in_documents_related"))
        lines.extend(f"・{s}" for s in related)
    contact = contact_chunk(retriever, passages)
    if contact is not None:
        n = next((i for i, p in enumerate(passages, 1) if p.chunk.id == contact.id), None)
        if n is None:
            passages.append(Passage(chunk=contact, score=0.0, ranks={"contact": 1}))
            n = len(passages)
        lines.append(prompts.text("not_in_documents_contact", contact=_contact_line(contact)) + f"[{n}]")
    else:
        lines.append(prompts.text("not_in_documents_no_contact"))
    cleaned, citations, _ = resolve_citations("\n".join(lines), passages)
    return Answer(
        question=base.question, text=cleaned, citations=citations, tool_calls=base.tool_calls,
        retrieved=passages, backend=base.backend, coverage="not_in_documents",
        notice=offline_notice(base.notice.splitlines()[0], citations) if base.notice else None,
        timings_ms=base.timings_ms,
    )


def contact_chunk(retriever: Retriever, passages: list[Passage]) -> Chunk | None:
    """The documents' own contact section for the question: a section titled 連絡先, from the document the
    answer's passages come from first; a contact limited to one subject (仮単価に関する連絡先) only when the
    question's passages are about that subject."""
    tok = retriever.tokenizer
    ids = [cid for cid, _ in retriever.bm25.search(tok.tokenize("連絡先"), 20)]
    contacts = [c for c in retriever.store.get(ids).values() if "連絡先" in c.section]
    if not contacts:
        return None
    docs = list(dict.fromkeys(p.chunk.doc_id for p in passages))
    seen_terms = set()
    for p in passages[:3]:
        seen_terms.update(tok.tokenize(p.chunk.text))

    def rank(c: Chunk) -> tuple[int, int, int]:
        title = c.section.split(" > ")[-1]
        subject = title.split("に関する")[0] if "に関する" in title else ""
        specific = bool(subject) and "本件" not in subject and not set(tok.tokenize(subject)) <= seen_terms
        return (int(specific), docs.index(c.doc_id) if c.doc_id in docs else len(docs), c.ordinal)

    return min(contacts, key=rank)


def cite_tool_quotes(retriever: Retriever, result: dict[str, Any], passages: list[Passage]) -> list[int]:
    """Passage numbers holding the sentences a calculator cites; missing ones are fetched and appended."""
    markers: list[int] = []
    for cit in result.get("citations") or []:
        doc, quote = cit.get("doc"), cit.get("quote", "")
        key = match_key(quote)
        n = next((i for i, p in enumerate(passages, 1) if p.chunk.doc_id == doc and key in match_key(p.chunk.text)), None)
        if n is None:
            chunk = retriever.find_quote(doc, quote)
            if chunk is not None:
                passages.append(Passage(chunk=chunk, score=0.0, ranks={}))
                n = len(passages)
        if n is not None and n not in markers:
            markers.append(n)
    return markers


def extract_scored(retriever: Retriever, query: str, passages: list[Passage], skip_when_tools: bool) -> list[Any]:
    """The best few sentences of the top passages (assistant.answer.compose.Extract), best first."""
    if not passages:
        return []
    tok = retriever.tokenizer
    # The same query terms BM25 uses: the applicant's words at 1, helpdesk-lexicon words at a lower weight.
    q_weights = retriever.lexical_weights(query)
    if not q_weights:
        return []
    bm25 = retriever.bm25
    scored: list[tuple[float, int, int, str]] = []
    for n, p in enumerate(passages[:3], start=1):
        for j, sent in enumerate(split_sentences(p.chunk.text)):
            if _is_heading_like(sent, p):
                continue
            terms = set(tok.tokenize(sent))
            score = sum(bm25.idf(t) * q_weights[t] for t in terms if t in q_weights)
            score /= 1.0 + len(terms) / 25.0  # long table rows match everything a little
            score *= 1.0 / (1.0 + 0.15 * (n - 1))  # trust the ranking a little
            if score > 0:
                scored.append((score, n, j, sent))
    scored.sort(key=lambda x: -x[0])
    limit = 2 if skip_when_tools else 3
    return [Extract(text=sent, marker=n, score=score) for score, n, _, sent in scored[:limit]]


def extract(retriever: Retriever, query: str, passages: list[Passage], skip_when_tools: bool) -> list[str]:
    """The best few sentences of the top passages in document order, each followed by its [n] marker."""
    chosen = extract_scored(retriever, query, passages, skip_when_tools)
    order = {id(p): i for i, p in enumerate(chosen)}
    chosen.sort(key=lambda e: (e.marker, order[id(e)]))
    return [f"{e.text.lstrip('・-* ').strip()}[{e.marker}]" for e in chosen]


def _contact_line(chunk: Chunk) -> str:
    """A contact section on one line: its lines after the heading, joined."""
    lines = [ln.strip() for ln in chunk.text.splitlines() if ln.strip()]
    if lines and "連絡先" in lines[0]:
        lines = lines[1:]
    lines = [ln for ln in lines if not ln.startswith("以上")]
    return " ".join(lines)


def _is_heading_like(sentence: str, passage: Passage) -> bool:
    """Headings and table header rows carry no answer: '6. 事前調査の実施期間', '大項目\t小項目\t審査のポイント'."""
    s = sentence.strip()
    if len(s) < 12:
        return True
    if s in passage.chunk.section or s in passage.chunk.title:
        return True
    if "\t" in s and not any(e in s for e in "。．"):
        cells = [c for c in s.split("\t") if c.strip()]
        return all(len(c) <= 12 for c in cells)
    return False
