"""A reasoning block a server leaves in the answer (a thinking model without vLLM's reasoning parser) never reaches
the applicant: not in the streamed tokens, not in the final text, whatever the chunking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer.reasoning import ThinkFilter, strip_reasoning
from assistant.testing import scripted_tool_message

THOUGHTS = "<think>\nユーザーは大企業の補助率を聞いている。資料[1]によれば1/3。<tool_call>は不要。</think>"
ANSWER = "大企業の補助率は1/3以内です[1]。"


def _run(text: str, cuts: list[int]) -> str:
    f = ThinkFilter()
    points = sorted({c % (len(text) + 1) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]
    return "".join(f.feed(p) for p in pieces) + f.flush()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_a_leading_block_is_dropped_whatever_the_chunking(cuts):
    assert _run(f"  {THOUGHTS}\n\n{ANSWER}", cuts) == ANSWER


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
       st.sampled_from([ANSWER, "<b>強調</b>の答え", "<", "<thin", "短い", "答えの後の<think>は本文</think>"]))
def test_text_without_a_leading_block_passes_unchanged(cuts, text):
    assert _run(text, cuts) == text


def test_strip_reasoning():
    assert strip_reasoning(f"{THOUGHTS}\n\n{ANSWER}") == ANSWER
    assert strip_reasoning(ANSWER) == ANSWER
    assert strip_reasoning("<think>考えたまま終わった") == ""  # no answer came


def test_unclosed_block_keeps_a_bounded_buffer():
    f = ThinkFilter()
    assert f.feed("<think>") == ""
    for _ in range(10_000):
        assert f.feed("とても長い思考。") == ""
    assert len(f._buf) < len("</think>")
    assert f.flush() == ""


def test_the_llm_answer_streams_without_the_thoughts(make_llm_assistant):
    assistant, model = make_llm_assistant([
        scripted_tool_message("subsidy_rate", {"programme": "ai-compute-infra", "org_type": "company",
                                               "employees": 3000}),
        f"{THOUGHTS}\n\n{ANSWER}",
    ])
    model.piece = 3  # the tag arrives split over chunks
    events = list(assistant.stream("大企業の補助率は？"))
    streamed = "".join(e.text for e in events if e.type == "token")
    final = events[-1].answer
    assert "think" not in streamed and "ユーザーは" not in streamed
    assert streamed == final.text and final.text.startswith("大企業の補助率は1/3以内です")
    assert final.backend == "llm" and final.coverage == "answered" and final.citations
