"""`koubo calc …` through the real console entry point."""

from __future__ import annotations

import json

import pytest

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
    assert main(["calc", "nodes", "--nodes", "0"]) == 2  # was 1: a refused argument is a usage error (issue #11)
    assert "入力エラー" in capsys.readouterr().err
    assert main(["calc", "amount", "--programme", "geniac", "--gpu", "たくさん"]) == 2
    assert "--gpu" in capsys.readouterr().err


def test_calc_schedule_and_route(capsys):
    assert main(["calc", "schedule", "--date", "2024-01-10", "--programme", "ai-compute-infra"]) == 0
    assert "受付中" in capsys.readouterr().out
    assert main(["calc", "route", "120ノード使えますか"]) == 0
    assert "個別に調整" in capsys.readouterr().out


def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code or 0)


HUGE = "1" + "0" * 400


@pytest.mark.parametrize(
    "argv",
    [
        ["calc", "nodes", "--gpu", "1e400"],
        ["calc", "nodes", "--nodes", "1e400"],
        ["calc", "nodes", "--nodes", HUGE],
        ["calc", "nodes", "--nodes", "9" * 5000],
        ["calc", "nodes", "--nodes", "100000000000000000000000"],  # 10^23: refused, not capped to 10,000
        ["calc", "nodes", "--nodes", "30,-5,40"],
        ["calc", "nodes", "--nodes", "30", "--months", "-1"],
        ["calc", "nodes", "--nodes", "30", "--price", "nan"],
        ["calc", "nodes", "--nodes", "30", "--price", "inf"],
        ["calc", "nodes", "--nodes", "30", "--price", "1e400"],
        ["calc", "nodes", "--nodes", "30", "--price", "10", "--currency", "USD", "--usd-rate", "-1"],
        ["calc", "amount", "--programme", "geniac", "--gpu", HUGE],
        ["calc", "amount", "--programme", "geniac", "--gpu", "1e400"],
        ["calc", "amount", "--programme", "geniac", "--gpu", "3億", "--cap", HUGE],
        ["calc", "amount", "--programme", "geniac", "--gpu", "3億", "--usd-rate", "nan"],
        ["calc", "amount", "--programme", "geniac", "--gpu", "20兆"],
        ["calc", "amount", "--programme", "nope", "--gpu", "3億"],
        ["calc", "rate", "--programme", "geniac", "--employees", "-5"],
        ["calc", "rate", "--programme", "geniac", "--employees", HUGE],
        ["calc", "rate", "--programme", "geniac", "--employees", "5.5"],
        ["calc", "rate", "--programme", "geniac", "--org", "alien"],
        ["calc", "schedule", "--date", "2024-13-45"],
        ["calc", "schedule", "--date", "99999-01-01"],
        ["calc", "bogus"],
        ["search", "-k", "-1", "補助率"],
        ["search", "-k", HUGE, "補助率"],
        ["web", "--port", "99999"],
        ["serve-llm", "--profile", "h100-8b", "--port", "70000"],
        ["serve-llm", "--health-timeout", "nan", "--list"],
        ["bench", "http", "--timeout", "inf"],
        ["bench", "answer", "--questions", "0"],
        ["eval", "--limit", "-1"],
        ["--no-such-option"],
    ],
)
def test_every_bad_argument_is_one_line_and_exit_code_2(capsys, argv):
    assert _exit_code(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "Traceback" not in err + captured.out
    assert err and len(err.splitlines()) == 1, err
    assert any("\u3040" <= ch <= "\u9fff" for ch in err), err


def test_calc_route_with_5000_digits_returns():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # 60 s: a hang guard only (the old pattern hung for minutes)
        assert pool.submit(main, ["calc", "route", "7" * 5000 + "ノード"]).result(timeout=60) == 0
