"""The model-judged pass against a tiny OpenAI-compatible chat server on 127.0.0.1 (started here)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.domain.config import ConfigError, load_settings
from evals import judge, runner
from tests.eval_fakes import ITEMS, scripted_assistant, write_jsonl


class ChatServer:
    """Answers /v1/chat/completions with a verdict chosen from what the judge prompt contains."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body})
                user = body["messages"][-1]["content"]
                answer = user.split("## 回答")[1].split("## 引用された資料の抜粋")[0]
                if "32 ノード" in answer:
                    content = (
                        '```json\n{"faithful": false, "correct": false, "reason": "32は資料にない"}\n```'
                    )
                elif "晴れ" in answer:
                    content = "I refuse to answer in JSON."
                else:
                    content = '{"faithful": true, "correct": true, "reason": "引用で裏付けられている"}'
                reply = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                data = json.dumps(reply, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with ChatServer() as s:
        yield s


def test_judged_run_records_verdicts_and_labels_them_model_judged(server, tmp_path: Path):
    settings = load_settings(
        data_dir=tmp_path / "data",
        llm_base_url=server.url,
        llm_model="judge-model",
        llm_max_retries=0,
        llm_timeout=10,
    )
    out = tmp_path / "run"
    run = runner.run_eval(
        write_jsonl(tmp_path / "d.jsonl", ITEMS),
        out,
        settings=settings,
        judge=True,
        assistant=scripted_assistant(),
        progress=False,
    )
    rows = {r["id"]: r for r in run.rows}
    assert rows["r1"]["judge"] == {"faithful": True, "correct": True, "reason": "引用で裏付けられている"}
    assert rows["n1"]["judge"] == {"faithful": False, "correct": False, "reason": "32は資料にない"}
    assert rows["o1"]["judge"]["faithful"] is None and "no JSON object" in rows["o1"]["judge"]["error"]
    assert "judge" not in rows["e1"]  # errored items are not judged
    assert rows["n1"]["metrics"]["judge_faithful"] is False and rows["r1"]["metrics"]["judge_correct"] is True
    assert run.summary["judge"] == {
        "model-judged": True,
        "model": "judge-model",
        "n": 3,
        "errors": 1,
        "faithfulness": 0.5,
        "correctness": 0.5,
    }

    # three judge calls, with the Japanese prompt from the YAML file and the expected facts filled in
    assert len(server.requests) == 3 and {r["path"] for r in server.requests} == {"/v1/chat/completions"}
    first = server.requests[0]["body"]
    assert first["model"] == "judge-model" and first["temperature"] == 0.0
    system, user = first["messages"][0]["content"], first["messages"][1]["content"]
    assert system == judge.load_prompt()["system"] and '"faithful"' in system
    assert "助成率は？" in user and "中小企業等が2/3" in user
    assert "次のいずれかを含む内容: 2/3 / 3分の2" in user and "subsidy_rate" in user
    assert "$" not in user  # every placeholder was substituted

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Model-judged (opinion of a model, not a deterministic check)" in md
    assert (
        "model-judged: unfaithful" in md
        and "| faithfulness (every claim supported by the cited passages) | 50.0% |" in md
    )
    assert "Model-judged" in (out / "report.html").read_text(encoding="utf-8")


def test_judge_needs_an_endpoint(tmp_path):
    with pytest.raises(ConfigError, match="KOUBO_LLM_BASE_URL"):
        judge.Judge.from_settings(load_settings(data_dir=tmp_path, llm_base_url=""))


def test_unreachable_judge_is_recorded_not_raised(tmp_path):
    settings = load_settings(
        data_dir=tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1", llm_max_retries=0, llm_timeout=2
    )
    run = runner.run_eval(
        write_jsonl(tmp_path / "d.jsonl", ITEMS[:1]),
        tmp_path / "o",
        settings=settings,
        judge=True,
        assistant=scripted_assistant(),
        progress=False,
    )
    verdict = run.rows[0]["judge"]
    assert verdict["faithful"] is None and verdict["error"]
    assert run.summary["judge"]["errors"] == 1 and run.summary["judge"]["faithfulness"] is None


@pytest.mark.parametrize(
    ("reply", "ok"),
    [
        ('{"faithful": true, "correct": false, "reason": "x"}', True),
        ('前置き {"faithful": false, "correct": true} 後書き', True),
        ('{"faithful": "yes", "correct": true}', False),
        ("no json here", False),
    ],
)
def test_parse_verdict(reply, ok):
    if ok:
        v = judge.parse_verdict(reply)
        assert set(v) == {"faithful", "correct", "reason"} and isinstance(v["faithful"], bool)
    else:
        with pytest.raises(ValueError):
            judge.parse_verdict(reply)
