"""Reply drafts for helpdesk staff: an inquiry email in, a polite Japanese business reply out."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answer.citations import _MARKER
from assistant.answer.compose import OfflineParts
from assistant.domain import prompts
from assistant.domain.schema import SECTION_SEP, Answer, Citation, Draft, Passage
from assistant.domain.text import nfkc, scrub
from assistant.domain.validation import check_inquiry
from assistant.tools.render import strip_label

if TYPE_CHECKING:
    from assistant.answer.engine import Assistant

log = logging.getLogger(__name__)

# Bounded repeats only: an inquiry is pasted by anyone, and an unbounded \s* or lazy run that may start at every
# line or character costs quadratic time (8,000 newlines took 1 s).
_SUBJECT = re.compile(r"^[^\S\n]*(?:件名|subject)\s*[:：]\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_ORG_PREFIX = "株式会社|有限会社|合同会社|一般社団法人|一般財団法人|国立大学法人|学校法人|国立研究開発法人"
_ORG = re.compile(rf"((?:{_ORG_PREFIX})[^\s。、,の]+|[^\s。、,]{1,60}?(?:株式会社|大学|研究所|合同会社))")
_NAME = re.compile(r"([^\s。、,の]{1,10})\s*と申します")
# The greeting sentence only: 「お世話になっております。開発実績が…」 keeps the question after it.
_GREETING = re.compile(
    r"^(?:お世話になっております|お世話になります|いつもお世話|突然の|初めてご連絡|はじめまして)[^。\n]*。?", re.MULTILINE
)


def addressee(inquiry: str) -> str:
    """宛名: organisation and person from the email when they can be found, else ご担当者様."""
    text = nfkc(inquiry)
    org = _ORG.search(text)
    name = _NAME.search(text)
    org_s = org.group(1).strip() if org else ""
    if name:
        person = name.group(1).strip()
        if org_s:
            person = person.replace(org_s, "").strip() or person
        return f"{org_s}\n{person} 様" if org_s else f"{person} 様"
    return f"{org_s}\nご担当者様" if org_s else "ご担当者様"


def subject_for(inquiry: str) -> str:
    m = _SUBJECT.search(inquiry)
    if m:
        subj = m.group(1).strip()
        return subj if subj.lower().startswith("re:") else f"Re: {subj}"
    return "Re: 生成AI関連公募に関するお問い合わせについて"


def question_of(inquiry: str) -> str:
    """The inquiry without the subject line and greetings, which only add noise to retrieval."""
    body = _SUBJECT.sub("", inquiry)
    body = _GREETING.sub("", body)
    return re.sub(r"\n{3,}", "\n\n", body).strip()


def _politeness(text: str) -> str:
    """Offline answers are written in です・ます; lift the most common endings to business register."""
    for plain, polite in (("です。", "でございます。"), ("ください。", "くださいますようお願いいたします。")):
        text = text.replace(plain, polite) if text.count(plain) <= 6 else text
    return text


# A source in letter form names the document and its section; the reference list repeats them numbered.
@dataclass
class _Source:
    doc: str
    title: str
    section: str
    chunk_id: str
    quote: str

    def label(self) -> str:
        section = self.section.replace(SECTION_SEP, " ")
        return f"「{self.title}」{(' ' + section) if section else ''}"

    def heading(self) -> str:
        """The top-level section (「3. 支援対象」), enough to find the place in the document."""
        return self.section.split(SECTION_SEP)[0].strip()


def _source_note(sources: list[_Source]) -> str:
    """「（出典：「文書名」 3. 補助率、5. 支援方法）」 — sections of one document grouped after its title."""
    if not sources:
        return ""
    groups: dict[str, list[str]] = {}
    for src in sources:
        sections = groups.setdefault(src.title, [])
        sec = src.heading()
        if sec and sec not in sections:
            sections.append(sec)
    text = "；".join(f"「{title}」" + (" " + "、".join(secs) if secs else "") for title, secs in groups.items())
    return f"（出典：{text}）"


@dataclass
class _Letter:
    """The reply's sentences, each with the sources it rests on, in the order the letter uses them."""

    paragraphs: list[list[str]] = field(default_factory=list)
    sources: list[_Source] = field(default_factory=list)

    def cite(self, found: list[_Source]) -> str:
        for src in found:
            if all(s.chunk_id != src.chunk_id for s in self.sources):
                self.sources.append(src)
        return _source_note(found)

    def references(self) -> str:
        """The numbered reference list; passages of the same document and section are one entry."""
        labels = list(dict.fromkeys(s.label() for s in self.sources))
        return "\n".join(f"{i}. {label}" for i, label in enumerate(labels, start=1))

    def citations(self) -> list[Citation]:
        """One citation per entry of the reference list (its first passage), numbered as the list."""
        first: dict[str, _Source] = {}
        for src in self.sources:
            first.setdefault(src.label(), src)
        return [
            Citation(marker=i, chunk_id=s.chunk_id, doc=s.doc, title=s.title, section=s.section, quote=s.quote)
            for i, s in enumerate(first.values(), start=1)
        ]


def _from_passage(p: Passage) -> _Source:
    c = p.chunk
    return _Source(doc=c.doc_id, title=c.title, section=c.section, chunk_id=c.id, quote=c.text)


def _letter_from_parts(parts: OfflineParts) -> _Letter:
    """The offline composer's parts: calculator results with their basis, or the document sentences that answer.
    Beside a calculator, document excerpts are left out; without one, only excerpts that score at least half
    of the best one (a fixed rule, not tuned) — a letter carries what answers the inquiry, nothing else."""
    letter = _Letter()
    passages = parts.passages

    def sources(markers: list[int]) -> list[_Source]:
        return [_from_passage(passages[n - 1]) for n in markers if 1 <= n <= len(passages)]

    lead = "".join(_politeness(line.text) + letter.cite(sources(line.markers)) for line in parts.lead)
    letter.paragraphs.append([lead + _politeness(parts.ask)])
    top = max((line.score for line in [*parts.lead, *parts.bullets] if line.kind == "extract"), default=0.0)
    bullets = []
    for line in parts.bullets:
        if line.kind == "extract" and (parts.tools or line.score < top / 2):
            continue
        bullets.append("・" + _politeness(strip_label(line.text)) + letter.cite(sources(line.markers)))
    if bullets:
        letter.paragraphs.append(bullets)
    return letter


def _letter_from_text(answer: Answer) -> _Letter:
    """An LLM answer: its [n] markers point at ``answer.citations``; each becomes a source in letter form."""
    letter = _Letter()
    by_marker = {
        c.marker: _Source(doc=c.doc, title=c.title, section=c.section, chunk_id=c.chunk_id, quote=c.quote)
        for c in answer.citations
    }
    lines = []
    for line in answer.text.splitlines():
        if not line.strip():
            continue
        found: list[_Source] = []

        def drop(m: re.Match[str]) -> str:
            for n in re.findall(r"\d+", nfkc(m.group(0))):
                src = by_marker.get(int(n))
                if src is not None and src not in found:
                    found.append(src)
            return ""

        text = _MARKER.sub(drop, line).rstrip()
        lines.append(text + letter.cite(found))
    letter.paragraphs.append(lines)
    return letter


def compose_draft(assistant: Assistant, inquiry: str) -> Draft:
    inquiry, problem = check_inquiry(inquiry)
    if problem is not None:
        notice = "入力が空です。" if problem.kind == "empty" else "入力を確認してください。"
        return Draft(inquiry=scrub(inquiry[:200]), subject="", salutation="", body=problem.message, signature="",
                     notice=notice)
    question = question_of(inquiry)[: assistant.settings.max_question_chars]
    answer = assistant.ask(question)
    # Offline answers carry their structured parts; an LLM answer is the model's text with its [n] markers.
    letter = _letter_from_parts(answer.parts) if answer.parts is not None else _letter_from_text(answer)
    core = "\n\n".join("\n".join(p) for p in letter.paragraphs if p)
    refs = letter.references()
    body = (
        "いつもお世話になっております。\n生成AI関連公募のヘルプデスクでございます。\n"
        "このたびはお問い合わせいただき、誠にありがとうございます。\n"
        "お問い合わせの件につきまして、下記のとおりご回答申し上げます。\n\n"
        f"{core}\n\n"
        "ご不明な点がございましたら、お気軽にお問い合わせくださいますようお願いいたします。\n"
        "何卒よろしくお願い申し上げます。"
        + (f"\n\n【参考資料】\n{refs}" if refs else "")
    )
    return Draft(
        inquiry=inquiry,
        subject=subject_for(inquiry),
        salutation=addressee(inquiry),
        body=body,
        signature=prompts.text("draft_signature").strip(),
        citations=letter.citations(),
        backend=answer.backend,
        notice=answer.notice,
        curated_id=answer.curated_id,
        related_curated=answer.related_curated,
    )
