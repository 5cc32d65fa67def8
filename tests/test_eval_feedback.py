"""`koubo eval from-feedback`: disliked answers from the web export become draft eval items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import feedback, runner
from serving import cli

EXPORT = [
    {
        "type": "feedback",
        "rating": "dislike",
        "comment": "上限額が違う",
        "question": "補助の上限額はいくらまで？",
        "answer": "上限は1億円です。",
        "history": [{"role": "user", "content": "GENIACについて"}, {"role": "assistant", "content": "はい"}],
        "citations": [{"doc": "geniac-compute-resources", "section": "計算リソース"}],
        "created_at": "2026-11-01T10:00:00+09:00",
    },
    {"type": "feedback", "rating": "like", "comment": None, "question": "補助率は？", "answer": "2/3です。"},
    # missing comment, history, citations, created_at, type
    {"rating": "dislike", "question": "ＧＰＵは何台まで使えますか", "answer": "わかりません"},
    {"type": "conversation", "rating": "dislike", "question": "会話ログ", "answer": "x"},
    {"type": "feedback", "rating": "dislike", "question": "  ", "answer": "空の質問"},
    {
        "type": "feedback",
        "rating": "dislike",
        "comment": "",
        "question": "今日の天気は？",
        "answer": "晴れ",
        "history": "not a list",
    },
]


def write_export(path: Path, records: list, extra_lines: list[str] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dislikes_become_draft_items(tmp_path):
    export = write_export(tmp_path / "export.jsonl", EXPORT + [EXPORT[0]], extra_lines=["{not json"])
    conv = feedback.convert_file(export, tmp_path / "out" / "drafts.jsonl")
    assert (conv.read, conv.skipped_bad, conv.skipped_not_dislike, conv.duplicates) == (8, 2, 2, 1)
    drafts = [
        json.loads(x) for x in (tmp_path / "out" / "drafts.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert drafts == conv.drafts and len(drafts) == 3
    first = drafts[0]
    assert first["id"].startswith("fb-") and first["draft"] is True
    assert first["question"] == "補助の上限額はいくらまで？" and first["category"] == "subsidy_amount"
    assert first["history"] == EXPORT[0]["history"]
    assert first["gold_sources"] == [] and first["must_include"] == [] and first["expected_tool"] is None
    assert first["out_of_scope"] is False and first["tags"] == ["from_feedback"]
    assert (
        "ユーザーのコメント: 上限額が違う" in first["notes"]
        and "低評価された回答: 上限は1億円です。" in first["notes"]
    )
    assert "geniac-compute-resources / 計算リソース" in first["notes"]
    gpu, weather = drafts[1], drafts[2]
    assert gpu["category"] == "gpu_nodes" and gpu["history"] == [] and "コメント: （なし）" in gpu["notes"]
    assert weather["category"] == "unknown" and weather["history"] == []
    # drafts are valid dataset lines, skipped by the runner until a human completes them
    items, skipped = runner.load_dataset(tmp_path / "out" / "drafts.jsonl", include_drafts=True)
    assert len(items) == 3
    with pytest.raises(runner.DatasetError, match="評価できる項目がありません"):
        runner.load_dataset(tmp_path / "out" / "drafts.jsonl")


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("補助率は何割ですか", "subsidy_rate"),
        ("H100 のノード数は？", "gpu_nodes"),
        ("締切はいつ？", "schedule"),
        ("問い合わせ先を教えて", "contact"),
        ("ランチのおすすめは？", "unknown"),
    ],
)
def test_guess_category(question, category):
    assert feedback.guess_category(question) == category


def test_cli_from_feedback(tmp_path, capsys):
    export = write_export(tmp_path / "e.jsonl", EXPORT)
    out = tmp_path / "drafts.jsonl"
    assert cli.main(["eval", "from-feedback", str(export), "--out", str(out)]) == 0
    assert "下書き 3 件" in capsys.readouterr().out and len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert cli.main(["eval", "from-feedback", str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 2
    assert "見つかりません" in capsys.readouterr().err
