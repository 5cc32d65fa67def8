"""Offline answers: the answer first, at most five bullets, notices once in Answer.notice; staff drafts in
letter form; follow-ups condensed only when they depend on the history (real index, Sudachi, calculators)."""

from __future__ import annotations

import re

import pytest

from assistant.answer.compose import MAX_BULLETS
from assistant.answer.condense import CONDENSE_TURN_CHARS, heuristic_condense
from assistant.answer.followup import depends_on_history
from assistant.domain import prompts
from assistant.domain.text import japanese_date, match_key, split_sentences

# (question, strings of which the first sentence must hold one per group): the calculated value leads.
TYPICAL = [
    ("うちは社員3000人の会社ですが、AI計算基盤の整備の補助率はどのくらい？", [["1/3以内"]]),
    ("AI計算基盤の整備で、企業の補助率はいくらですか？", [["1/2以内"], ["1/3以内"]]),  # size missing: both cases
    ("大企業の補助率はいくらですか？", [["大企業"], ["1/3以内"]]),  # the question names its case: that case first
    ("私立大学の研究室でも基盤モデル開発の助成は受けられますか？受けられるなら助成率は？", [["定額"]]),
    ("社員3,000人の会社で、特定事業者には当たりません。GPUの利用料が2億円かかる場合、GENIACの助成額はいくらになりますか？",
     [["1億円"]]),
    ("社員800人の中小企業です。GPUサーバーの導入に6億円かかる見込みですが、インフラ補助はいくらまで出ますか？", [["3億円"], ["1/2"]]),
    ("GPUノードを120ノード使いたいです。(2)でどう確保すればいいですか？", [["100ノード"], ["20ノード"]]),
    ("(2)で50ノード確保すると、H100は何枚で、GPUメモリは合計どれくらいになりますか？", [["400基"], ["32,000GB"]]),
    ("H100を300枚使いたいんですが、GPUノードは何ノード必要ですか？", [["38ノード"]]),
    ("最初の1ヶ月だけ(2)で30ノード使って、その後は使わないという計画は？", [["できません"]]),
    ("今日は2023年10月5日なんですが、GENIACの事前調査にまだ間に合いますか？", [["間に合います"], ["10月11日"]]),
    ("AIインフラの事前調査、2024年1月20日に提出しても間に合いますか？", [["間に合いません"], ["1月17日"]]),
    ("開発が2024年1月頃スタートで半年間なら、終わるのは何月ごろですか？", [["6月"]]),
    ("採択通知が11月10日に届いた場合、(2)のクラウドベンダーとの契約はいつ頃までに結ぶ必要がありますか？", [["12月10日"]]),
]

NOTICES = ("offline_notice", "dated_footer")


def _first_sentence(text: str) -> str:
    return split_sentences(text.splitlines()[0])[0]


def _bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("・")]


@pytest.mark.parametrize(("question", "groups"), TYPICAL, ids=[q[:20] for q, _ in TYPICAL])
def test_first_sentence_holds_the_calculated_value(offline_assistant, question, groups):
    answer = offline_assistant.ask(question)
    assert answer.tool_calls and all(t.ok for t in answer.tool_calls)
    first = match_key(_first_sentence(answer.text))
    for group in groups:
        assert any(match_key(s) in first for s in group), (group, answer.text)
    assert len(_bullets(answer.text)) <= MAX_BULLETS
    assert "判定:" not in answer.text and "【留意点】" not in answer.text  # readable, not the raw explanation


def test_missing_fact_is_asked_after_the_conditional_answer(offline_assistant):
    answer = offline_assistant.ask("AI計算基盤の整備で、企業の補助率はいくらですか？")
    head = answer.text.splitlines()[0]
    assert head.index("1/3以内") < head.index("教えてください")


@pytest.mark.parametrize(("question", "rate", "other"), [
    ("大企業の補助率はいくらですか？", "1/3以内", "1/2以内"),
    ("中堅・中小企業だと補助率は？", "1/2以内", "1/3以内"),
])
def test_a_case_the_question_names_is_answered_without_asking(offline_assistant, question, rate, other):
    first = _first_sentence(offline_assistant.ask(question).text)
    assert rate in first and other not in first and "教えてください" not in first


@pytest.mark.parametrize("question", ["大企業の補助率はいくらですか？", "基盤モデル開発の審査で特に重視される項目は何ですか",
                                      "GENIACの事前調査って、いつまで受け付けてますか？"])
def test_notices_are_in_notice_not_in_text(offline_assistant, question):
    answer = offline_assistant.ask(question)
    for key in NOTICES:
        assert prompts.text(key) not in answer.text
    assert prompts.text("offline_notice") in (answer.notice or "")
    assert answer.notice.count(prompts.text("offline_notice")) == 1
    # Issue #15: the fixed disclaimer gave way to the dates of the documents the answer cites.
    assert answer.citations and "時点の資料" in answer.notice and "時点の資料" not in answer.text
    for c in answer.citations:
        assert c.doc_version and c.doc_as_of and japanese_date(c.doc_as_of) in answer.notice
    assert answer.to_api()["notice"] == answer.notice


def test_every_marker_points_at_a_citation(offline_assistant):
    for question, _ in TYPICAL[:6]:
        answer = offline_assistant.ask(question)
        used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
        assert used == {c.marker for c in answer.citations}, answer.text
        assert not answer.uncited


def test_answer_parts_are_kept_for_drafts_and_not_serialised(offline_assistant):
    answer = offline_assistant.ask("GPUノードを120ノード使いたいです。(2)でどう確保すればいいですか？")
    assert answer.parts is not None and answer.parts.tools and answer.parts.lead
    assert "parts" not in answer.to_api() and "_parts" not in answer.model_dump()


# --- staff drafts ----------------------------------------------------------------------------------------------

INQUIRIES = [
    "件名: GPUノード数について\n\nお世話になっております。株式会社サンプルAIの山田と申します。\n"
    "GENIACの計算リソースで、GPUノードを120ノード使いたいのですが可能でしょうか。",
    "お世話になっております。社員3000人の会社です。AI計算基盤の整備の補助率を教えてください。",
    "お世話になっております。基盤モデル開発の審査で特に重視される項目は何でしょうか。",
]


@pytest.mark.parametrize("inquiry", INQUIRIES, ids=["nodes", "rate", "extract"])
def test_draft_is_a_letter_with_sources_in_letter_form(offline_assistant, inquiry):
    draft = offline_assistant.draft_reply(inquiry)
    assert not re.search(r"\[\d+\]", draft.body), draft.body
    assert "判定" not in draft.body and "根拠:" not in draft.body and "区分:" not in draft.body
    for key in NOTICES:
        assert prompts.text(key) not in draft.body
    assert "（出典：「" in draft.body and "【参考資料】" in draft.body
    refs = draft.body.split("【参考資料】")[1].strip().splitlines()
    assert len(refs) == len(set(refs)) == len(draft.citations)  # one entry per document and section
    assert [c.marker for c in draft.citations] == list(range(1, len(refs) + 1))
    for ref, cit in zip(refs, draft.citations):
        assert cit.title in ref


def test_draft_beside_a_calculator_leaves_out_document_examples(offline_assistant):
    draft = offline_assistant.draft_reply(INQUIRIES[0])
    # The document's worked examples (確保可能な場合／確保不可能な場合) answer a different plan.
    assert "確保不可能な場合" not in draft.body and "確保可能な場合" not in draft.body
    assert "20ノード" in draft.body


def test_greeting_on_the_question_line_keeps_the_question(offline_assistant):
    from assistant.answer.drafting import question_of

    assert question_of("お世話になっております。補助率を教えてください。") == "補助率を教えてください。"


# --- follow-ups ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["大学の場合は？", "それは？", "さっきの件ですが、締切はいつですか", "じゃあ中小企業なら？",
                                      "いくらもらえるの？"])
def test_dependent_questions_are_detected(question):
    assert depends_on_history(question)


@pytest.mark.parametrize("question", ["おすすめのラーメン屋を教えて", "GPUノードの上限は？",
                                      "GENIACの事前調査の提出期間はいつからいつまでですか？"])
def test_self_contained_questions_stand_alone(question):
    assert not depends_on_history(question)


def test_unrelated_question_after_a_turn_is_searched_alone(offline_assistant):
    history = [{"role": "user", "content": "申請書は英語でも大丈夫？"},
               {"role": "assistant", "content": "資料には記載がありません。"}]
    answer = offline_assistant.ask("おすすめのラーメン屋を教えて", history)
    # Searched alone, so nothing about 申請書 is cited (refusing it is the scope decision's job).
    assert answer.standalone_query == "おすすめのラーメン屋を教えて"
    assert not any("申請書" in c.quote for c in answer.citations)


def test_new_in_scope_question_after_an_unrelated_turn_is_searched_alone(offline_assistant):
    question = "GPUノードは(2)の手法で何ノードまで確保できますか？"
    history = [{"role": "user", "content": "申請書は英語でも大丈夫？"},
               {"role": "assistant", "content": "資料には記載がありません。"}]
    answer = offline_assistant.ask(question, history)
    assert answer.standalone_query == question


def test_ellipsis_after_the_rate_question_gives_the_university_rate(offline_assistant):
    history = [{"role": "user", "content": "大企業の補助率はいくらですか？"},
               {"role": "assistant", "content": "中堅・中小企業なら1/2以内、大企業なら1/3以内です。"}]
    answer = offline_assistant.ask("大学の場合は？", history)
    assert answer.standalone_query != "大学の場合は？"
    first = _first_sentence(answer.text)
    assert "大学" in first and "1/2以内" in first


def test_condensing_bounds_the_history():
    long_turn = "大企業の補助率は" + "とても" * 2000 + "いくらですか？"
    out = heuristic_condense("大学の場合は？", [{"role": "user", "content": long_turn}])
    assert out.endswith("大学の場合は？") and len(out) <= CONDENSE_TURN_CHARS + len(" 大学の場合は？")


def test_llm_condense_skips_self_contained_questions_and_bounds_history(make_llm_assistant):
    assistant, model = make_llm_assistant(["GPUノードの上限は100以下です[1]。"])
    history = [{"role": "user", "content": "申請書は英語でも大丈夫？" + "あ" * 5000},
               {"role": "assistant", "content": "記載がありません。"}]
    answer = assistant.ask("GPUノードの上限は？", history)
    assert answer.standalone_query == "GPUノードの上限は？"
    assert len(model.seen) == 1  # no condensing call: only the answering call


def test_followup_detector_held_out_accuracy():
    from evals.followups import evaluate, load, split

    tune, held = split(load())
    assert len(tune) + len(held) >= 60 and len(held) >= 30
    assert evaluate(held)["accuracy"] >= 0.8
