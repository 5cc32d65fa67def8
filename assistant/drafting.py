"""Reply drafts for helpdesk staff: an inquiry email in, a polite Japanese business reply out."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from assistant import prompts
from assistant.schema import Draft
from assistant.text import nfkc

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)

MAX_INQUIRY_CHARS = 8000

# Bounded repeats only: an inquiry is pasted by anyone, and an unbounded \s* or lazy run that may start at every
# line or character costs quadratic time (8,000 newlines took 1 s).
_SUBJECT = re.compile(r"^[^\S\n]*(?:件名|subject)\s*[:：]\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_ORG_PREFIX = "株式会社|有限会社|合同会社|一般社団法人|一般財団法人|国立大学法人|学校法人|国立研究開発法人"
_ORG = re.compile(rf"((?:{_ORG_PREFIX})[^\s。、,の]+|[^\s。、,]{1,60}?(?:株式会社|大学|研究所|合同会社))")
_NAME = re.compile(r"([^\s。、,の]{1,10})\s*と申します")
_GREETING = re.compile(r"^(お世話になっております|お世話になります|いつもお世話|突然の|初めてご連絡|はじめまして).*$", re.MULTILINE)


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


def compose_draft(assistant: "Assistant", inquiry: str) -> Draft:
    inquiry = (inquiry or "").strip()
    if not inquiry:
        return Draft(inquiry="", subject="", salutation="", body="問い合わせメールの本文を貼り付けてください。",
                     signature="", notice="入力が空です。")
    if len(inquiry) > MAX_INQUIRY_CHARS:
        return Draft(inquiry=inquiry[:200], subject="", salutation="",
                     body=f"問い合わせ本文が長すぎます（{len(inquiry)}文字、上限{MAX_INQUIRY_CHARS}文字）。要点の部分だけを貼り付けてください。",
                     signature="", notice="入力が長すぎます。")
    question = question_of(inquiry)[: assistant.settings.max_question_chars]
    answer = assistant.ask(question)
    skip = (prompts.text("offline_notice"), prompts.text("llm_failed_notice"))
    # The offline answer's headings are written for the chat; a letter says the same thing in business style.
    letter = {prompts.text("offline_tools_intro"): prompts.text("draft_tools_intro"),
              prompts.text("offline_extract_intro"): prompts.text("draft_extract_intro")}
    lines = [letter.get(ln.strip(), ln) for ln in answer.text.splitlines() if ln.strip() and ln.strip() not in skip]
    core = "\n".join(lines)
    if answer.backend == "offline":
        core = _politeness(core)
    body = (
        "いつもお世話になっております。\n生成AI関連公募のヘルプデスクでございます。\n"
        "このたびはお問い合わせいただき、誠にありがとうございます。\n"
        "お問い合わせの件につきまして、下記のとおりご回答申し上げます。\n\n"
        f"{core}\n\n"
        "ご不明な点がございましたら、お気軽にお問い合わせくださいますようお願いいたします。\n"
        "何卒よろしくお願い申し上げます。"
    )
    citations = answer.citations  # the answer's [n] markers are already numbered to these
    return Draft(
        inquiry=inquiry,
        subject=subject_for(inquiry),
        salutation=addressee(inquiry),
        body=body,
        signature=prompts.text("draft_signature").strip(),
        citations=citations,
        backend=answer.backend,
        notice=answer.notice,
    )
