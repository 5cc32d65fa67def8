"""`koubo calc …` through the real console entry point."""

from __future__ import annotations

import json

from serving.cli import main


def test_calc_rate(capsys):
    assert main(["calc", "rate", "--programme", "ai-compute-infra", "--org", "company", "--employees", "2500"]) == 0
    out = capsys.readouterr().out
    assert "1/3以内" in out and "根拠" in out


def test_calc_nodes_list_and_json(capsys):
    assert main(["calc", "nodes", "--nodes", "30,30,40"]) == 0
    assert "不可能" in capsys.readouterr().out
    assert main(["calc", "nodes", "--nodes", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["verdict"] == "可能"


def test_calc_amount_japanese_numerals(capsys):
    assert main(["calc", "amount", "--programme", "geniac", "--gpu", "1.5億", "--rate", "1/2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["max_subsidy_jpy"] == 75_000_000


def test_calc_bad_input_is_a_message_not_a_traceback(capsys):
    assert main(["calc", "nodes", "--nodes", "0"]) == 1
    assert "入力エラー" in capsys.readouterr().err
    assert main(["calc", "amount", "--programme", "geniac", "--gpu", "たくさん"]) == 2
    assert "--gpu" in capsys.readouterr().err


def test_calc_schedule_and_route(capsys):
    assert main(["calc", "schedule", "--date", "2024-01-10", "--programme", "ai-compute-infra"]) == 0
    assert "受付中" in capsys.readouterr().out
    assert main(["calc", "route", "120ノード使えますか"]) == 0
    assert "個別に調整" in capsys.readouterr().out
