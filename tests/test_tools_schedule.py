"""programme_schedule: window status on given dates, and today's answer that everything has closed."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.tools import execute
from assistant.tools.schedule import add_months, inclusive_days


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


# --- window lengths, period ends, contract deadline ---

def test_window_lengths_count_both_ends():
    r = sched(on_date="2026-11-22")
    assert by_label(r, "geniac", "presurvey_window")["length_days"] == 20  # 9/22..10/11
    assert by_label(r, "ai-compute-infra", "presurvey_window")["length_days"] == 23  # 12/26..1/17
    assert "20日間" in r["explanation"] and "23日間" in r["explanation"]
    assert "開始日と終了日を含めて" in r["explanation"]
    # Undated (month-level or provisional) rows get no day count.
    assert by_label(r, "geniac", "call")["length_days"] is None
    assert by_label(r, "geniac", "development_period")["length_days"] is None
    assert inclusive_days(date(2024, 1, 1), date(2024, 1, 1)) == 1


@pytest.mark.parametrize(
    ("on_date", "status", "days_left", "phrase"),
    [
        ("2023-09-21", "not_yet_open", None, "受付開始前"),
        ("2023-09-22", "open", 20, "間に合います"),
        ("2023-10-05", "open", 7, "間に合います"),
        ("2023-10-11", "open", 1, "間に合います"),
        ("2023-10-12", "closed", None, "間に合いません"),
    ],
)
def test_stated_date_says_whether_it_is_in_time(on_date, status, days_left, phrase):
    r = sched(programme="geniac", on_date=on_date)
    e = by_label(r, "geniac", "presurvey_window")
    assert (e["status"], e["days_left"]) == (status, days_left)
    assert phrase in r["explanation"]
    if status != "not_yet_open":
        assert "10月11日" in r["explanation"]


def test_start_plus_duration_periods_get_an_estimated_end():
    r = sched(programme="geniac", on_date="2026-11-22")
    dev = by_label(r, "geniac", "development_period")
    assert dev["estimated_end_ja"] == "2024年6月末頃（7月頃）"
    assert dev["duration_ja"] == "半年間（6ヶ月）"
    assert "終了は2024年6月末頃（7月頃）" in r["explanation"]
    rd = by_label(r, "geniac", "rd_period")
    assert rd["estimated_end_ja"] == "2025年4月中旬頃"
    assert "4月中旬" in r["explanation"]
    assert by_label(r, "geniac", "presurvey_window")["estimated_end_ja"] is None


@pytest.mark.parametrize(
    ("notice", "deadline"),
    [
        ("2024-11-10", "2024-12-10"),
        ("2024-12-15", "2025-01-15"),  # across the year end
        ("2024-01-31", "2024-02-29"),  # leap year: the month has no 31st → its last day
        ("2023-01-31", "2023-02-28"),
        ("2024-03-31", "2024-04-30"),
        ("2024-02-29", "2024-03-29"),
    ],
)
def test_contract_deadline_is_notice_plus_one_month(notice, deadline):
    r = sched(programme="geniac", notice_date=notice, on_date="2026-11-22")
    cd = r["contract_deadline"]
    assert (cd["notice_date"], cd["deadline"]) == (notice, deadline)
    d = date.fromisoformat(deadline)
    assert f"{d.month}月{d.day}日頃" in r["explanation"] and "程度" in r["explanation"]
    assert any("採択通知日から 1 ヶ月程度内" in c["quote"] for c in r["citations"])


def test_no_notice_no_deadline():
    assert sched(programme="geniac")["contract_deadline"] is None


def test_add_months_never_skips_a_month():
    for month in range(1, 13):
        for day in (1, 28, 29, 30, 31):
            try:
                d = date(2023, month, day)
            except ValueError:
                continue
            later = add_months(d, 1)
            assert (later.year * 12 + later.month) - (d.year * 12 + d.month) == 1
            assert later.day <= d.day


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"notice_date": "2024-02-30"}, "notice_date"),
        ({"notice_date": "11月10日"}, "notice_date"),
        ({"notice_date": "2024-11-10", "programme": "ai-compute-infra"}, "geniac"),
        ({"on_date": "2024-13-01"}, "on_date"),
        ({"deadline": "2024-01-01"}, "deadline"),
    ],
)
def test_bad_schedule_inputs_explain_themselves(args, field):
    out = execute("programme_schedule", args)
    assert out["ok"] is False and field in out["error"]
