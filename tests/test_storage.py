"""SQLite storage: migrations, durability across reopen, partial answers, feedback/draft records, export."""

from __future__ import annotations

import io
import json
import sqlite3
import threading

import pytest

from assistant.domain.schema import Answer, Citation, Draft
from serving.storage import MIGRATIONS, Storage, StorageError

CITE = Citation(marker=1, chunk_id="c1", doc="ai-compute-infra-presurvey", title="事前調査", section="5. 支援方法",
                quote="補助率については…1/3 以内とする。")


def _answer(text: str = "1/3以内です[1]。", **kw) -> Answer:
    return Answer(question="補助率は？", text=text, citations=[CITE], backend="offline", timings_ms={"total": 12.5}, **kw)


def test_migrations_from_empty(tmp_path):
    db = tmp_path / "sub" / "koubo.sqlite3"
    s = Storage(db)
    assert s.schema_version() == len(MIGRATIONS) >= 2
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_version", "turns", "feedback", "drafts"} <= tables
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "turns_conversation" in indexes
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_keeps_data_and_does_not_reapply(tmp_path):
    db = tmp_path / "koubo.sqlite3"
    s = Storage(db)
    tid = s.start_turn("c1", "補助率は？", [{"role": "user", "content": "前の質問"}])
    s.finish_turn(tid, _answer())
    s.add_feedback(tid, "like", "分かりやすい")
    s.close()
    s2 = Storage(db)
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    turn = s2.get_turn(tid)
    assert turn["status"] == "done" and turn["answer_text"] == "1/3以内です[1]。"
    assert turn["history"] == [{"role": "user", "content": "前の質問"}]
    assert turn["timings_ms"] == {"total": 12.5}
    assert turn["citations"][0]["chunk_id"] == "c1"
    assert [f["comment"] for f in s2.feedback()] == ["分かりやすい"]


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "koubo.sqlite3"
    Storage(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_version VALUES (?, 'x')", (len(MIGRATIONS) + 1,))
    conn.commit()
    with pytest.raises(StorageError, match="newer"):
        Storage(db)


def test_question_is_stored_before_the_answer_and_partial_is_kept(tmp_path):
    db = tmp_path / "koubo.sqlite3"
    s = Storage(db)
    tid = s.start_turn("c1", "補助率は？")
    assert s.get_turn(tid)["status"] == "pending"
    s.save_progress(tid, "大企業の補助率は")
    # the server dies here; on restart the pending turn is kept and marked
    s2 = Storage(db)
    assert s2.mark_interrupted() == 1
    turn = s2.get_turn(tid)
    assert turn["status"] == "interrupted" and turn["partial"] is True and turn["answer_text"] == "大企業の補助率は"


def test_abort_and_partial_answer(tmp_path):
    s = Storage(tmp_path / "koubo.sqlite3")
    t1 = s.start_turn("c1", "q1")
    s.abort_turn(t1, "途中まで", "client went away")
    assert s.get_turn(t1)["status"] == "partial" and s.get_turn(t1)["answer_text"] == "途中まで"
    t2 = s.start_turn("c1", "q2")
    s.finish_turn(t2, _answer(text="途中まで\n\n――\nオフライン回答", partial=True, error="llm: reset"))
    turn = s.get_turn(t2)
    assert turn["status"] == "partial" and turn["partial"] is True and turn["answer"]["error"] == "llm: reset"
    # a finished turn is not overwritten by a late abort
    s.abort_turn(t2, "x", "late")
    assert s.get_turn(t2)["answer_text"].endswith("オフライン回答")


def test_feedback_validation(tmp_path):
    s = Storage(tmp_path / "koubo.sqlite3")
    tid = s.start_turn("c1", "q")
    with pytest.raises(ValueError):
        s.add_feedback(tid, "meh")
    with pytest.raises(KeyError):
        s.add_feedback(tid + 100, "like")
    fid = s.add_feedback(tid, "dislike")
    assert s.feedback()[0]["comment"] is None
    assert s.set_feedback_comment(fid, "  根拠が欲しい  ")
    assert s.feedback()[0]["comment"] == "根拠が欲しい"


def test_drafts_save_update_send_list(tmp_path):
    s = Storage(tmp_path / "koubo.sqlite3")
    d = Draft(inquiry="問い合わせ", subject="Re: 件", salutation="山田 様", body="本文[1]", signature="署名",
              citations=[CITE])
    did = s.save_draft(d, "suzuki")
    assert s.save_draft(d.model_copy(update={"body": "直した本文[1]"}), "sato", did) == did
    row = s.get_draft(did)
    assert row["body"] == "直した本文[1]" and row["author"] == "sato" and row["status"] == "draft"
    assert row["citations"][0]["quote"] == CITE.quote
    other = s.save_draft(d, "suzuki")
    assert s.mark_sent(did)
    assert s.get_draft(did)["status"] == "sent" and s.get_draft(did)["sent_at"]
    assert {r["id"] for r in s.list_drafts()} == {did, other}
    assert not s.mark_sent(9999)


def test_export_jsonl_shapes(tmp_path):
    s = Storage(tmp_path / "koubo.sqlite3")
    history = [{"role": "user", "content": "前"}, {"role": "assistant", "content": "答え"}]
    tid = s.start_turn("c1", "補助率は？", history)
    s.finish_turn(tid, _answer())
    s.add_feedback(tid, "like")
    buf = io.StringIO()
    assert s.export_jsonl(buf) == 2
    turn, fb = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert turn["type"] == "turn" and turn["answer"] == "1/3以内です[1]。" and turn["partial"] is False
    assert fb == {
        "type": "feedback", "rating": "like", "comment": None, "question": "補助率は？",
        "answer": "1/3以内です[1]。", "history": history, "citations": [CITE.model_dump()],
        "created_at": fb["created_at"],
    }
    assert fb["created_at"].startswith("20") and "T" in fb["created_at"]


def test_one_connection_per_thread_concurrent_writes(tmp_path):
    s = Storage(tmp_path / "koubo.sqlite3")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                s.finish_turn(s.start_turn(f"c{n}", f"q{i}"), _answer())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(s.turns()) == 120 and all(t["status"] == "done" for t in s.turns())


def test_koubo_web_export_command(tmp_path, monkeypatch, capsys):
    from serving.cli import main

    db = tmp_path / "koubo.sqlite3"
    s = Storage(db)
    tid = s.start_turn("c1", "補助率は？")
    s.finish_turn(tid, _answer())
    s.add_feedback(tid, "dislike", "違う")
    monkeypatch.setenv("KOUBO_DB_PATH", str(db))
    out = tmp_path / "export.jsonl"
    assert main(["web", "--export", str(out)]) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["type"] for x in lines] == ["turn", "feedback"]
    assert lines[1]["comment"] == "違う"
    monkeypatch.setenv("KOUBO_DB_PATH", str(tmp_path / "missing.sqlite3"))
    assert main(["web", "--export", str(out)]) == 1
    assert "見つかりません" in capsys.readouterr().err
