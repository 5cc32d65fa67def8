"""[n] markers → passages, in code."""

from assistant.answer.citations import resolve_citations
from assistant.domain.schema import Chunk, Passage


def _p(i: int, text: str) -> Passage:
    return Passage(chunk=Chunk(id=f"c{i}", doc_id=f"d{i}", title="T", section="S", text=text, start=0,
                               end=len(text)), score=1.0)


PASSAGES = [_p(1, "一つ目"), _p(2, "二つ目"), _p(3, "三つ目")]


def test_markers_are_renumbered_in_order_of_first_use():
    text, cits, uncited = resolve_citations("補助率は1/2です[3]。期間は6ヶ月です[1][3]。", PASSAGES)
    assert text == "補助率は1/2です[1]。期間は6ヶ月です[2][1]。"
    assert [(c.marker, c.chunk_id) for c in cits] == [(1, "c3"), (2, "c1")]
    assert not uncited


def test_invalid_markers_are_dropped_and_variants_parsed():
    text, cits, _ = resolve_citations("上限は未定です［２］[9][0]。対象は[1, 2]。", PASSAGES)
    assert text == "上限は未定です[1]。対象は[2][1]。"
    assert [c.chunk_id for c in cits] == ["c2", "c1"]


def test_uncited_facts_are_flagged_but_small_talk_is_not():
    assert resolve_citations("補助率は1/3以内です。", PASSAGES)[2] is True
    assert resolve_citations("ご質問ありがとうございます。", PASSAGES)[2] is False
    assert resolve_citations("補助率は1/3以内です[7]。", PASSAGES)[2] is True
