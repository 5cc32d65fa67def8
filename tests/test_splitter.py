from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.domain.config import PACKAGED_CORPUS
from assistant.domain.schema import Chunk
from assistant.domain.text import match_key, sentence_spans, split_sentences
from corpus.catalog import load_catalog
from corpus.splitter import _heading, chunk_id, split_document

INFRA_TABLE = "4. 供給確保計画の認定要件・公募の審査基準（案）"
COMPUTE_2 = "(2) 経済産業省が計算リソース提供事業者から一括で確保し提案者に提供【選択可能】"
COMPUTE_EXAMPLES = "(参考) (2)の手法で確保することが可能/不可能な GPU ノード数の例"


def real(doc_id: str) -> tuple[str, list[Chunk]]:
    meta = load_catalog(PACKAGED_CORPUS)[doc_id]
    text = (PACKAGED_CORPUS / meta.file).read_text(encoding="utf-8")
    return text, split_document(meta.id, meta.title, text)


REAL_IDS = ["ai-compute-infra-presurvey", "geniac-foundation-model-presurvey", "geniac-compute-resources"]


def is_table_chunk(text: str, c: Chunk) -> bool:
    return c.text != text[c.start : c.end]


def check_invariants(text: str, chunks: list[Chunk], size: int) -> None:
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert len(c.text) <= size, (len(c.text), c.text)
        assert c.text.strip() == c.text
        span = text[c.start : c.end]
        if c.text != span:  # table chunk: header row + newline + the rows the span covers
            assert c.text.endswith("\n" + span)
            header = c.text[: -len(span) - 1]
            assert header and "\n" not in header.replace("\n|", "")  # one header row (+ markdown separator)


def chunk_with(chunks: list[Chunk], needle: str) -> Chunk:
    found = [c for c in chunks if match_key(needle) in match_key(c.text)]
    assert found, f"no chunk contains {needle!r}"
    return found[0]


# --- the real documents -------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", REAL_IDS)
def test_real_documents_invariants_and_coverage(doc_id: str) -> None:
    text, chunks = real(doc_id)
    check_invariants(text, chunks, 400)
    assert all(c.doc_id == doc_id for c in chunks)
    # Every sentence of the document is findable in one chunk (text or section path).
    indexed = [match_key(c.index_text()) for c in chunks]
    for sentence in split_sentences(text):
        key = match_key(re.sub(r"^#+|\*\*", "", sentence))
        assert any(key in i for i in indexed), sentence
    # Prose chunks end on a sentence or line end: nothing is cut inside a sentence.
    for c in chunks:
        if not is_table_chunk(text, c):
            assert c.end == len(text) or text[c.end] == "\n" or text[c.end - 1] in "。）)」", c.text[-20:]


def test_infra_review_table_rows_have_labelled_paths_and_header() -> None:
    text, chunks = real("ai-compute-infra-presurvey")
    rows = [c for c in chunks if is_table_chunk(text, c)]
    labels = [c.section.removeprefix(INFRA_TABLE + " > ") for c in rows]
    assert labels == [
        "取組方針への合致性（○/×）",
        "AI用の高度な電子計算機の整備のスピードと規模",
        "提供内容",
        "提供先",
        "提供価格",
        "事業性・実施体制",
        "事業者の経験",
        "事業の将来性",
    ]
    assert all(c.section.startswith(INFRA_TABLE + " > ") for c in rows)
    assert all(c.text.startswith("項目\t審査基準\n") for c in rows)
    price = chunk_with(chunks, "スタートアップ等による開発が促進される")
    assert price.section == f"{INFRA_TABLE} > 提供価格"
    assert text[price.start : price.end].startswith("提供価格\t")


def test_infra_subsidy_rate_passage_is_one_chunk_with_its_heading() -> None:
    _, chunks = real("ai-compute-infra-presurvey")
    rate = chunk_with(chunks, "1/2 以内")
    assert rate.section == "5. 支援方法・助成率"
    assert rate.text.startswith("5. 支援方法・助成率\n")
    for needle in ["1/3 以内", "2,000人以下", "上限額を決定する", "NEDO の交付規程"]:
        assert needle in rate.text


def test_short_sections_keep_their_heading_line() -> None:
    _, chunks = real("ai-compute-infra-presurvey")
    subject = chunk_with(chunks, "件名")
    assert (subject.section, subject.text) == ("1. 件名", "1. 件名\n\nAI基盤モデルの開発環境整備")
    period = chunk_with(chunks, "2023年12月26日から")
    assert period.text == "6. 事前調査の実施期間\n\n2023年12月26日から2024年1月17日まで"
    # A parent heading without text of its own travels with its first child.
    item = chunk_with(chunks, "施策の対象となる品目")
    assert item.section == "3. 支援対象 > ① 施策の対象となる品目"
    assert item.text.startswith("3. 支援対象\n\n① 施策の対象となる品目\n\nAI用の高度な電子計算機")


def test_compute_doc_node_rule_and_examples() -> None:
    _, chunks = real("geniac-compute-resources")
    rule = chunk_with(chunks, "GPU リソースのノード数を、「100 以下」とします。")
    assert rule.section == COMPUTE_2  # the title heading "## 計算リソースについて" is not repeated in paths
    examples = chunk_with(chunks, "確保不可能な場合 2")
    assert examples.section == f"{COMPUTE_2} > {COMPUTE_EXAMPLES}"
    for needle in ["(参考) (2)の手法で", "・確保可能な場合", "・確保不可能な場合 1", "・確保不可能な場合 2"]:
        assert needle in examples.text
    must = chunk_with(chunks, "各提案者がそれぞれ希望する計算リソース提供事業者と個別に交渉")
    assert must.section == "(1) 提案者が計算リソース提供事業者と個別に調整し直接確保【必須】"
    assert must.text.startswith("**(1) 提案者が")
    assert chunk_with(chunks, "本事業では、計算リソースの利用料").section == ""


def test_foundation_doc_list_stays_with_lead_in_and_grouped_table_paths() -> None:
    _, chunks = real("geniac-foundation-model-presurvey")
    support = chunk_with(chunks, "大規模言語モデルの開発を中心に支援")
    assert support.section == "3. 支援対象"
    for item in [
        "- 大規模言語モデル",
        "- 特定分野に特化した基盤モデル",
        "- 対話データ等を用いて特定タスク向けのチューニング",
    ]:
        assert item in support.text
    novelty = chunk_with(chunks, "FATE 原則")
    assert novelty.section == "4. 支援先の選定方針 > 開発内容 の技術面 の評価 > 新規性"
    assert novelty.text.startswith("大項目\t小項目\t審査のポイント\n")
    # The row after the blank line inside the table still belongs to its group.
    staff = chunk_with(chunks, "実施体制は開発内容を遂行するに足る")
    assert staff.section == "4. 支援先の選定方針 > 実施者の 能力評価 > 実施体制の妥当性"
    assert chunk_with(chunks, "助成率（1 / 2）を導入する").section == "5. 支援方法"


@pytest.mark.parametrize("doc_id", REAL_IDS)
def test_ids_are_stable_across_runs(doc_id: str) -> None:
    text, chunks = real(doc_id)
    again = split_document(doc_id, chunks[0].title, text)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in chunks]


def test_id_formula() -> None:
    _, chunks = real("geniac-compute-resources")
    for c in chunks:
        key = f"{c.doc_id}\x00{match_key(c.section)}\x00{match_key(c.text)}"
        assert c.id == hashlib.sha1(key.encode()).hexdigest()[:20] == chunk_id(c.doc_id, c.section, c.text)


def test_ids_ignore_width_and_whitespace_variants() -> None:
    a = split_document("d", "t", "1. 件名\n\nＡＩ基盤　モデル。")
    b = split_document("d", "t", "1. 件名\n\nAI基盤モデル。")
    assert a[0].id == b[0].id and a[0].text != b[0].text


def test_editing_one_paragraph_changes_only_its_chunks() -> None:
    text, before = real("ai-compute-infra-presurvey")
    old = "上限額を決定する。"
    edited = text.replace(old, "上限額を別途決定する。")
    after = split_document(before[0].doc_id, before[0].title, edited)
    changed_before = {c.id for c in before} - {c.id for c in after}
    assert changed_before == {chunk_with(before, old).id}
    assert len(after) == len(before)

    # Same-length edit in a section split into several chunks: only chunks holding the sentence change.
    sentence = "他方、基盤クラウドを提供する国内に事業基盤を有する事業者のシェアは急速に低下傾向であり"
    edited = text.replace(sentence, sentence.replace("急速に", "徐々に"))
    after = split_document(before[0].doc_id, before[0].title, edited)
    holding = {c.id for c in before if sentence in c.text}
    assert holding and {c.id for c in before} - {c.id for c in after} == holding
    assert len(after) == len(before)


def test_duplicate_chunks_get_distinct_stable_ids() -> None:
    text = "(参考) 例\n\n同じ内容の文です。\n\n(参考) 例\n\n同じ内容の文です。\n"
    chunks = split_document("d", "t", text)
    assert [c.section for c in chunks] == ["(参考) 例", "(参考) 例"]
    assert chunks[0].text == chunks[1].text
    assert chunks[0].id != chunks[1].id
    assert [c.id for c in split_document("d", "t", text)] == [c.id for c in chunks]
    assert chunks[0].id == chunk_id("d", "(参考) 例", chunks[0].text)
    assert chunks[1].id == chunk_id("d", "(参考) 例", chunks[1].text, 1)


# --- synthetic documents ------------------------------------------------------------------------------------

ALL_STYLES = """# 公募要領

前文です。

第1章 総則

総則の本文です。

1. 件名

AI基盤モデルの開発環境整備

（1）対象者

対象者の説明です。

① 中小企業

中小企業の説明です。

ア. 細目

細目の説明です。

(ア) 小細目

小細目の説明です。

【注意】

注意の本文です。

**太字の見出し**

太字見出しの本文です。

(参考) 計算例

- ・例1：30ノード。
- ・例2：40ノード。

(2) 二つ目

二つ目の本文です。
1. 大規模言語モデルを開発すること。
(2)に関し、提供するクラウドベンダーは以下のとおりとします。
1.5倍の計算資源とする

２．背景

背景の本文です。

## 付録

付録の本文です。
"""


def test_every_heading_style_builds_a_path() -> None:
    chunks = split_document("d", "公募要領", ALL_STYLES)
    sections = {c.text.splitlines()[-1]: c.section for c in chunks}
    base = "第1章 総則 > 1. 件名"
    deep = f"{base} > （1）対象者 > ① 中小企業 > ア. 細目 > (ア) 小細目"
    assert sections == {
        "前文です。": "",
        "総則の本文です。": "第1章 総則",
        "AI基盤モデルの開発環境整備": base,
        "対象者の説明です。": f"{base} > （1）対象者",
        "中小企業の説明です。": f"{base} > （1）対象者 > ① 中小企業",
        "細目の説明です。": f"{base} > （1）対象者 > ① 中小企業 > ア. 細目",
        "小細目の説明です。": deep,
        "注意の本文です。": f"{deep} > 【注意】",
        "太字見出しの本文です。": f"{deep} > 太字の見出し",
        "- ・例2：40ノード。": f"{deep} > (参考) 計算例",
        "1.5倍の計算資源とする": f"{base} > (2) 二つ目",
        "背景の本文です。": "第1章 総則 > ２．背景",
        "付録の本文です。": "付録",
    }
    two = chunk_with(chunks, "二つ目の本文です。")
    assert "1. 大規模言語モデルを開発すること。" in two.text  # numbered sentences are not headings
    assert chunk_with(chunks, "前文です。").text == "# 公募要領\n\n前文です。"
    check_invariants(ALL_STYLES, chunks, 400)


def test_empty_text_gives_no_chunks() -> None:
    assert split_document("d", "t", "") == []
    assert split_document("d", "t", " \n\n\t　\n") == []


def test_heading_only_document_gives_no_chunks() -> None:
    assert split_document("d", "t", "1. 件名\n\n2. 背景\n") == []


@pytest.mark.parametrize(("size", "overlap"), [(10, 0), (400, 400), (400, -1)])
def test_invalid_sizes(size: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        split_document("d", "t", "本文。", chunk_size=size, overlap=overlap)


def test_sentences_are_packed_with_whole_sentence_overlap() -> None:
    sentences = [f"これは{i:02d}番目の文です。" for i in range(40)]  # 13 characters each
    text = "1. 概要\n\n" + "".join(sentences) + "\n\n2. 次\n\n" + "".join(sentences[:3]) + "\n"
    chunks = split_document("d", "t", text, chunk_size=100, overlap=30)
    check_invariants(text, chunks, 100)
    first = [c for c in chunks if c.section == "1. 概要"]
    assert len(first) >= 5
    for prev, nxt in itertools.pairwise(first):
        carried = text[nxt.start : prev.end]
        assert nxt.start < prev.end and len(carried) <= 30
        assert carried and carried.endswith("です。") and carried.startswith("これは")  # whole sentences
    for c in first:
        assert all(s in sentences for s in split_sentences(c.text.removeprefix("1. 概要\n\n")))
    # No overlap across sections.
    second = [c for c in chunks if c.section == "2. 次"]
    assert second[0].start >= first[-1].end
    # Without overlap the chunks tile the text.
    plain = [c for c in split_document("d", "t", text, chunk_size=100, overlap=0) if c.section == "1. 概要"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(plain))


def test_brackets_do_not_end_sentences() -> None:
    inner = "（常時使用する従業員数が2,000人以下。みなし大企業を除く。）"
    text = "あ" * 50 + "。" + "補助率は、中小企業" + inner + "：1/2 以内とする。" + "い" * 50 + "。"
    chunks = split_document("d", "t", text, chunk_size=90, overlap=0)
    assert any("中小企業" + inner + "：1/2 以内とする。" in c.text for c in chunks)


def test_overlong_sentence_is_hard_split_within_bounds() -> None:
    long = "計算資源、" * 90 + "を確保する。"  # 456 characters, no sentence end inside
    text = "1. 長文\n\n短い文です。" + long + "\n"
    chunks = split_document("d", "t", text, chunk_size=100, overlap=20)
    check_invariants(text, chunks, 100)
    assert match_key(
        "".join(c.text for c in chunks if "計算資源" in c.text and c.start >= text.index(long))
    ) == (match_key(long))
    assert all(c.text.endswith(("、", "。")) for c in chunks if "計算資源" in c.text)


def test_long_table_row_pieces_all_carry_the_header() -> None:
    row_text = "".join(f"審査では観点{i}について具体的な計画が示されているかを確認する。" for i in range(12))
    text = f"4. 審査基準\n\n項目\t審査基準\n短い行\t確認する。\n長い行\t{row_text}\n最後\t終わり。\n"
    chunks = split_document("d", "t", text, chunk_size=120, overlap=20)
    check_invariants(text, chunks, 120)
    long_pieces = [c for c in chunks if c.section == "4. 審査基準 > 長い行"]
    assert len(long_pieces) >= 4
    assert all(c.text.startswith("項目\t審査基準\n") for c in long_pieces)
    assert all(c.text.endswith("。") for c in long_pieces)
    joined = "".join(text[c.start : c.end] for c in long_pieces)
    assert match_key(joined) == match_key("長い行" + row_text)
    assert [c.section for c in chunks if c not in long_pieces] == [
        "4. 審査基準 > 短い行",
        "4. 審査基準 > 最後",
    ]


def test_markdown_pipe_table_carries_header_and_separator() -> None:
    small = "| 中小企業・大学等 | 1/2 以内（上限あり） |"
    large = "| 大企業その他の法人 | 1/3 以内（上限あり） |"
    text = f"## 補助率\n\n| 区分 | 補助率 |\n|---|---|\n{small}\n{large}\n"
    chunks = split_document("d", "t", text)
    assert [(c.section, c.text) for c in chunks] == [
        ("補助率 > 中小企業・大学等", f"| 区分 | 補助率 |\n|---|---|\n{small}"),
        ("補助率 > 大企業その他の法人", f"| 区分 | 補助率 |\n|---|---|\n{large}"),
    ]


def test_tiny_table_rows_share_a_chunk() -> None:
    rows = "\n".join(f"{i}月\t{i}日" for i in range(1, 13))
    text = f"日程\n\n月\t日\n{rows}\n"
    chunks = split_document("d", "t", text, chunk_size=400)
    table = [c for c in chunks if c.text.startswith("月\t日\n")]
    assert 1 < len(table) < 12
    assert match_key("".join(c.text.removeprefix("月\t日\n") for c in table)) == match_key(rows)


def test_bullet_list_moves_with_its_lead_in() -> None:
    filler = "".join(f"前置きの文{i}です。" for i in range(14))  # 112 characters
    items = "\n".join(f"- ・対象{i}：大規模言語モデルの開発" for i in range(4))
    text = f"(1) 対象\n\n{filler}\n\n支援対象は以下のとおり。\n\n{items}\n"
    chunks = split_document("d", "t", text, chunk_size=200, overlap=0)
    check_invariants(text, chunks, 200)
    listing = chunk_with(chunks, "対象0")
    assert "支援対象は以下のとおり。" in listing.text and "対象3" in listing.text
    assert text.index(items) + len(items) == listing.end


# --- property: arbitrary documents keep the invariants ------------------------------------------------------

_CHARS = "あいうえお計算資源補助率ＧＰＵ１２（）「」、"


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A random document and the texts that must be findable in its chunks (headings alone need not be)."""
    sentence = st.builds(
        lambda s, end: s + end, st.text(_CHARS, min_size=1, max_size=120), st.sampled_from(["。", "！", ""])
    )
    headings = ["1. 見出し", "（2）小見出し", "① 丸数字", "【注意】", "**太字**", "## 章", "(参考) 例"]
    blocks: list[str] = []
    content: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["para", "heading", "bullets", "table", "blank"]))
        if kind == "para":
            block = "".join(draw(st.lists(sentence, min_size=1, max_size=5)))
        elif kind == "heading":
            block = draw(st.sampled_from(headings))
        elif kind == "bullets":
            block = "\n".join("- " + s for s in draw(st.lists(sentence, min_size=1, max_size=4)))
        elif kind == "table":
            rows = draw(
                st.lists(st.tuples(st.text(_CHARS, min_size=1, max_size=8), sentence), min_size=1, max_size=4)
            )
            block = "項目\t内容\n" + "\n".join(f"{a}\t{b}" for a, b in rows)
        else:
            block = ""
        blocks.append(block)
        # A short paragraph can itself read as a label heading (「（あ）」「（。）」, like 「(参考) 例」): the splitter
        # rightly files it as a heading, so it is not content the chunks must hold.
        if kind != "heading" and not (kind == "para" and _heading(block.strip()) is not None):
            content.extend(split_sentences(block))
    return "\n\n".join(blocks) + draw(st.sampled_from(["", "\n"])), content


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), size=st.integers(150, 500), overlap=st.integers(0, 100))
def test_property_invariants(doc: tuple[str, list[str]], size: int, overlap: int) -> None:
    text, content = doc
    chunks = split_document("doc", "タイトル", text, chunk_size=size, overlap=overlap)
    check_invariants(text, chunks, size)
    indexed = [match_key(c.index_text()) for c in chunks]
    for sentence in content:
        assert any(match_key(sentence) in i for i in indexed), sentence
    assert [c.id for c in split_document("doc", "タイトル", text, chunk_size=size, overlap=overlap)] == [
        c.id for c in chunks
    ]


def test_packaged_corpus_files_are_present() -> None:
    assert sorted(p.name for p in Path(PACKAGED_CORPUS).glob("*.txt")) == sorted(f"{d}.txt" for d in REAL_IDS)


def test_one_sentence_splitter_for_ingestion_and_answers():
    """assistant.domain.text.split_sentences and the chunker share one rule set (sentence_spans)."""
    text = "詳細はhttps://example.jp/faq?id=3を参照。本当ですか？！〔注。補足〕です。「引用。」と記載 Yes! 次"
    assert split_sentences(text) == [
        "詳細はhttps://example.jp/faq?id=3を参照。", "本当ですか？！", "〔注。補足〕です。", "「引用。」と記載 Yes!", "次",
    ]
    assert [text[a:b] for a, b in sentence_spans(text)] == split_sentences(text)
    long = "長い文（括弧の中。ここも。）の終わり。"
    assert [long[a:b] for a, b in sentence_spans(long, depth_aware=False)] == [
        "長い文（括弧の中。", "ここも。）", "の終わり。"]
