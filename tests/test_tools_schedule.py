"""programme_schedule: window status on given dates, and today's answer that everything has closed."""

from __future__ import annotations

from datetime import date

from assistant.tools import execute


def sched(today=None, **args):
    out = execute("programme_schedule", args, today=today)
    assert out["ok"], out
    return out["result"]


def by_label(result, programme, kind):
    return next(e for e in result["entries"] if e["programme"] == programme and e["kind"] == kind)


def test_presurvey_window_boundaries():
    for d, status in [("2023-12-25", "not_yet_open"), ("2023-12-26", "open"), ("2024-01-17", "open"), ("2024-01-18", "closed")]:
        r = sched(programme="ai-compute-infra", on_date=d)
        assert by_label(r, "ai-compute-infra", "presurvey_window")["status"] == status, d


def test_provisional_entries_are_labelled_as_such():
    r = sched(on_date="2023-10-01")
    assert by_label(r, "geniac", "presurvey_window")["status"] == "open"
    assert by_label(r, "geniac", "call")["status"] == "provisional"
    assert by_label(r, "geniac", "development_period")["status"] == "provisional"
    assert r["all_closed"] is False


def test_today_everything_dated_has_closed_and_says_where_to_look():
    r = sched(today=date(2026, 11, 22))
    assert r["all_closed"] is True
    assert "すべて終了" in r["explanation"] and "公募要領" in r["where_to_check_ja"]
    assert by_label(r, "geniac", "call")["status"] == "end_not_stated"
    assert {c["doc"] for c in r["citations"]} == {
        "ai-compute-infra-presurvey",
        "geniac-foundation-model-presurvey",
        "geniac-compute-resources",
    }


def test_default_date_is_today():
    assert sched()["on_date"] == date.today().isoformat()


def test_bad_dates():
    for bad in ["2024-02-30", "yesterday", "2024/01/01"]:
        out = execute("programme_schedule", {"on_date": bad})
        assert out["ok"] is False and "on_date" in out["error"]
