"""The eval runner: scripted assistant/retriever at the boundary; real metrics, files and CLI parsing."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from assistant.domain.config import load_settings
from evals import runner
from serving import cli
from tests.eval_fakes import (
    DOC,
    ITEMS,
    NODE_TEXT,
    RATE_TEXT,
    ScriptedRetriever,
    passage,
    scripted_assistant,
    write_jsonl,
)

RESULT_KEYS = {
    "id",
    "question",
    "history",
    "category",
    "tags",
    "expected",
    "answer",
    "backend",
    "retrieved",
    "tool_calls",
    "citations",
    "refused",
    "coverage",
    "notice",
    "latency_ms",
    "timings_ms",
    "error",
    "metrics",
}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    draft = {"id": "d1", "question": "下書き", "draft": True}
    return write_jsonl(tmp_path / "faq.jsonl", ITEMS + [draft])


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(data_dir=tmp_path / "data")


def read_rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def test_answer_run_writes_results_and_summary(dataset, settings, tmp_path):
    fake = scripted_assistant()
    out = tmp_path / "run"
    run = runner.run_eval(dataset, out, settings=settings, backend="offline", assistant=fake, progress=False)

    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["r1", "n1", "o1", "e1"]  # the draft is skipped
    assert all(set(r) == RESULT_KEYS for r in rows)
    r1, n1, o1, e1 = rows
    assert r1["retrieved"][0] == {
        "id": "c-rate",
        "doc": DOC,
        "title": DOC,
        "section": "",
        "text": RATE_TEXT,
        "score": 0.9,
        "ranks": {"bm25": 1},
    }
    assert r1["tool_calls"] == [
        {"name": "subsidy_rate", "args": {"x": 1}, "result": {"ok": True}, "ok": True, "error": None}
    ]
    assert r1["citations"][0]["quote"] == "中小企業等が2/3" and r1["citations"][0]["doc"] == DOC
    assert r1["metrics"] == {
        "hit@1": True,
        "hit@3": True,
        "hit@5": True,
        "rr": 1.0,
        "must_include": True,
        "tool_ok": True,
        "refusal_ok": None,
        "false_refusal": False,
        "coverage_ok": True,
        "citations_valid": 1,
        "citations_total": 1,
        "citation_validity": 1.0,
    }
    assert n1["metrics"]["rr"] == 0.5 and n1["metrics"]["must_include"] is False
    assert n1["metrics"]["tool_ok"] is False and n1["metrics"]["citation_validity"] == 0.0
    assert n1["retrieved"][1]["text"] == NODE_TEXT
    assert o1["metrics"]["refusal_ok"] is False
    # the failing item is recorded and scored as a failure; the run went on past it
    assert e1["error"] == "RuntimeError: engine exploded" and e1["answer"] is None
    assert e1["metrics"]["hit@5"] is False and e1["metrics"]["must_include"] is False
    assert len(fake.calls) == 4

    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s == run.summary
    assert s["n"] == 4 and s["errors"] == 1 and s["skipped_drafts"] == 1 and s["mode"] == "answer"
    assert s["retrieval"] == {
        "n": 3,
        "hit@1": pytest.approx(1 / 3),
        "hit@3": pytest.approx(2 / 3),
        "hit@5": pytest.approx(2 / 3),
        "mrr": pytest.approx(0.5),
    }
    length = s["answer"].pop("length_chars")
    assert s["answer"] == {
        "n": 3,
        "must_include_accuracy": pytest.approx(1 / 3),
        "calc": {"n": 1, "must_include_accuracy": 1.0},
    }
    answered = sorted(len(r["answer"]) for r in rows if r["answer"] and not r["refused"])
    assert length["n"] == len(answered) == 3 and length["p50"] == answered[1]
    assert answered[0] <= length["p95"] <= answered[-1]
    assert s["tools"] == {"n": 2, "name_accuracy": 0.5}
    assert s["refusal"] == {"n_out_of_scope": 1, "accuracy": 0.0, "n_in_scope": 3, "false_refusal_rate": 0.0}
    assert s["citations"]["validity"] == 0.5 and s["citations"]["n"] == 2
    # coverage: expected from out_of_scope (else answered); the errored item is left out of the matrix
    assert r1["coverage"] == "answered" and o1["coverage"] == "answered" and o1["metrics"]["coverage_ok"] is False
    assert s["coverage"]["n"] == 3 and s["coverage"]["accuracy"] == pytest.approx(2 / 3)
    assert s["coverage"]["matrix"]["out_of_scope"] == {"answered": 1, "not_in_documents": 0, "out_of_scope": 0}
    assert s["coverage"]["matrix"]["answered"]["answered"] == 2
    assert s["latency_ms"]["p50"] is not None and set(s["latency_ms"]["stages"]) == {"retrieve", "compose"}
    # retrieve took 10, 30 and 10 ms (the errored item is left out): linear interpolation
    assert s["latency_ms"]["stages"]["retrieve"] == {"p50": 10.0, "p95": pytest.approx(28.0)}
    assert s["categories"]["gpu_nodes"]["n"] == 2 and s["categories"]["gpu_nodes"]["errors"] == 1
    assert s["dataset"]["path"] == str(dataset) and len(s["dataset"]["sha256"]) == 64
    assert set(s["git"]) == {"commit", "dirty"}
    assert (
        s["settings"]["embedding_model"] == settings.embedding_model and s["settings"]["backend"] == "offline"
    )
    assert s["settings"]["top_k"] == settings.top_k and s["settings"]["fusion"] == settings.fusion
    assert "T" in s["timestamp"] and "judge" not in s
    assert (out / "report.md").is_file() and (out / "report.html").is_file()


def test_history_is_passed_and_limit_applies(tmp_path, settings):
    hist = [{"role": "user", "content": "助成率を教えて"}, {"role": "assistant", "content": "2/3です"}]
    items = [dict(ITEMS[0], history=hist), ITEMS[1]]
    fake = scripted_assistant()
    runner.run_eval(
        write_jsonl(tmp_path / "d.jsonl", items),
        tmp_path / "o",
        settings=settings,
        assistant=fake,
        limit=1,
        progress=False,
    )
    assert fake.calls == [("助成率は？", hist)]


def test_retrieval_mode_uses_the_method_and_leaves_answer_metrics_null(dataset, settings, tmp_path):
    retr = ScriptedRetriever(
        {
            "助成率は？": [passage("ai-compute-infra-presurvey", "x"), passage(DOC, RATE_TEXT)],
            "ノードの上限は？": [passage(DOC, "無関係")] * 6
            + [passage(DOC, NODE_TEXT)],  # gold at rank 7: beyond k
            "今日の天気は？": [],
            "壊れる質問": ValueError("index gone"),
        }
    )
    out = tmp_path / "ret"
    run = runner.run_eval(
        dataset, out, settings=settings, mode="retrieval", method="bm25", retriever=retr, progress=False
    )
    assert {c[2] for c in retr.calls} == {"bm25"} and {c[1] for c in retr.calls} == {max(5, settings.top_k)}
    s = run.summary
    assert s["answer"] is None and s["tools"] is None and s["refusal"] is None and s["citations"] is None
    assert s["retrieval"]["hit@1"] == 0.0 and s["retrieval"]["hit@3"] == pytest.approx(1 / 3)
    assert s["retrieval"]["mrr"] == pytest.approx(0.5 / 3)
    assert s["errors"] == 1 and s["settings"]["method"] == "bm25" and s["settings"]["mode"] == "retrieval"
    rows = read_rows(out)
    assert rows[0]["backend"] == "retrieval:bm25" and rows[0]["answer"] is None
    assert set(rows[0]["metrics"]) == {"hit@1", "hit@3", "hit@5", "rr"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "question": "q"}\n{broken\n', "2 行目が JSON として読めません"),
        ('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}\n', "id「a」が重複"),
        ('{"id": "a"}\n', "1 行目の項目が不正です（question）"),
        ('{"id": "a", "question": "q", "gold_sources": [{"contains": "x"}]}\n', "gold_sources.0.doc"),
        ("\n\n", "評価できる項目がありません"),
    ],
)
def test_bad_dataset_gives_a_japanese_message(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(runner.DatasetError, match=message):
        runner.load_dataset(path)


def test_dataset_accepts_bare_must_include_strings_and_int_ids(tmp_path):
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"id": 7, "question": "q", "must_include": ["1/3", ["上限", "最大"]]}]
    )
    items, skipped = runner.load_dataset(path)
    assert items[0].id == "7" and items[0].must_include == [["1/3"], ["上限", "最大"]] and skipped == 0


def test_cli_missing_dataset_is_a_polite_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOUBO_DATA_DIR", str(tmp_path / "data"))
    rc = cli.main(["eval", "--dataset", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")])
    assert rc == 2
    assert "見つかりません" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_cli_judge_without_endpoint_is_refused(tmp_path, capsys, monkeypatch, dataset):
    monkeypatch.setenv("KOUBO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KOUBO_LLM_BASE_URL", raising=False)
    rc = cli.main(["eval", "--dataset", str(dataset), "--out", str(tmp_path / "o"), "--judge"])
    assert rc == 2 and "KOUBO_LLM_BASE_URL" in capsys.readouterr().err


def test_cli_shorthand_builds_the_assistant_from_settings(tmp_path, capsys, monkeypatch, dataset):
    """`koubo eval --dataset FILE --out DIR`: ensure the index, Assistant.from_settings, write a run."""
    seen: dict = {}

    class Assistant:
        @classmethod
        def from_settings(cls, settings, backend="auto"):
            seen["backend"], seen["data_dir"] = backend, settings.data_dir
            return scripted_assistant()

    monkeypatch.setattr(runner, "Assistant", Assistant)
    monkeypatch.setattr(runner, "ensure_index",
                        lambda settings, progress=False: seen.setdefault("indexed", True))
    monkeypatch.setenv("KOUBO_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "run"
    rc = cli.main(
        ["eval", "--dataset", str(dataset), "--out", str(out), "--backend", "offline", "--no-progress"]
    )
    assert rc == 0
    assert seen == {"backend": "offline", "data_dir": tmp_path / "data", "indexed": True}
    printed = capsys.readouterr().out
    assert "評価完了: 4 件（エラー 1 件" in printed and str(out / "report.html") in printed
    assert len(read_rows(out)) == 4
    # the explicit `run` form does the same
    rc = cli.main(
        [
            "eval",
            "run",
            "--dataset",
            str(dataset),
            "--out",
            str(tmp_path / "run2"),
            "--limit",
            "2",
            "--no-progress",
        ]
    )
    assert rc == 0 and len(read_rows(tmp_path / "run2")) == 2


def _engine_import_error() -> str | None:
    """Why the real engine cannot be imported yet (None when it can)."""
    try:
        importlib.import_module("assistant.answer.engine")
        importlib.import_module("corpus.ingest")
    except ImportError as exc:
        return f"assistant.answer.engine is not importable yet: {exc}"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_engine_import_error() is not None, reason=str(_engine_import_error()))
def test_real_assistant_offline_end_to_end(tmp_path):
    """The real Assistant in offline mode over the real index, on the first items of the packaged dataset."""
    settings = load_settings(data_dir=tmp_path / "data")
    out = tmp_path / "real"
    run = runner.run_eval(
        runner.PACKAGED_DATASET, out, settings=settings, backend="offline", limit=5, progress=False
    )
    s = run.summary
    assert s["n"] == 5 and s["errors"] == 0, [r["error"] for r in run.rows]
    assert s["backends_used"] == ["offline"]
    assert all(r["retrieved"] for r in run.rows)
    assert s["retrieval"]["hit@5"] is not None and s["answer"]["must_include_accuracy"] is not None
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": true, "question": "q"}', "id が文字列ではありません（bool）"),
        ('{"id": 1.5, "question": "q"}', "id が文字列ではありません（float）"),
        ('{"id": null, "question": "q"}', "id が文字列ではありません（NoneType）"),
        ('{"id": ["q1"], "question": "q"}', "id が文字列ではありません（list）"),
        ('{"id": {"n": 1}, "question": "q"}', "id が文字列ではありません（dict）"),
        ('{"question": "q"}', "id がありません"),
        ('["q1", "q"]', "JSON オブジェクト"),
        ('"q1"', "JSON オブジェクト"),
    ],
)
def test_a_non_string_item_id_is_a_dataset_error(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "q"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(runner.DatasetError, match=message) as exc:
        runner.load_dataset(path)
    assert "2 行目" in str(exc.value)


def test_cli_reports_a_bad_id_without_a_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOUBO_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": [1], "question": "補助率は？"}\n', encoding="utf-8")
    assert cli.main(["eval", "--dataset", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "id が文字列ではありません" in err and "Traceback" not in err
