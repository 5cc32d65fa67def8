"""Programmes are data: the packaged files pass the check, the check catches bad files, and a new call for
proposals (a made-up fourth programme: its own document and YAML) is served after ingest with no Python change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.domain import programmes
from assistant.domain.config import PACKAGED_CORPUS, load_settings

FIXTURE = Path(__file__).parent / "fixtures" / "hokuto"
ROOT = Path(__file__).resolve().parents[1]


def _koubo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "serving.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT, timeout=300)


def test_packaged_programmes_pass_the_check():
    from corpus.programme_check import corpus_texts, run_check

    status = run_check(PACKAGED_CORPUS, corpus_texts(PACKAGED_CORPUS))
    assert status["active"] == ["ai-compute-infra", "geniac"] and not status["inactive"] and not status["file_errors"]


def _corpus_with(tmp_path: Path, yaml_text: str) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(PACKAGED_CORPUS, corpus, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(FIXTURE / "hokuto-compute-call.txt", corpus)
    catalog = json.loads((corpus / "documents.json").read_text(encoding="utf-8"))
    catalog.append({"id": "hokuto-compute-call", "file": "hokuto-compute-call.txt",
                    "title": "北斗計算基盤助成事業（HOKUTO）の公募について", "published": "2026-03"})
    (corpus / "documents.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    (corpus / "programmes" / "hokuto.yaml").write_text(yaml_text, encoding="utf-8")
    return corpus


def test_check_names_file_and_rule_for_overlaps_gaps_unknown_keys_and_missing_quotes(tmp_path):
    text = (FIXTURE / "hokuto.yaml").read_text(encoding="utf-8")
    bad = (text.replace("when: {org_kind: company, employees: {le: 300}}", "when: {org_kind: company}")
           .replace("  noun: 助成額", "  noun: 助成額\n  colour: blue")
           .replace("公募期間は2026年4月1日から2026年4月30日までとします。", "公募期間は2026年5月1日までとします。"))
    corpus = _corpus_with(tmp_path, bad)
    out = _koubo("programmes", "check", env={"KOUBO_CORPUS_DIR": str(corpus), "KOUBO_DATA_DIR": str(tmp_path / "d")})
    assert out.returncode == 2, out.stdout + out.stderr
    assert "hokuto.yaml: amounts.colour: Extra inputs are not permitted" in out.stdout
    corpus = _corpus_with(tmp_path / "2", text.replace("when: {org_kind: company, employees: {le: 300}}",
                                                     "when: {org_kind: company}")
                          .replace("公募期間は2026年4月1日から2026年4月30日までとします。", "公募期間は2026年5月1日までとします。"))
    out = _koubo("programmes", "check", env={"KOUBO_CORPUS_DIR": str(corpus), "KOUBO_DATA_DIR": str(tmp_path / "d")})
    assert out.returncode == 2
    assert "hokuto.yaml: rates.rules[sme]: contradiction with rule 'large'" in out.stdout
    assert "hokuto.yaml: schedule.windows[call]: quote not found verbatim in hokuto-compute-call" in out.stdout


@pytest.fixture(scope="module")
def hokuto(tmp_path_factory):
    from corpus.ingest import ingest

    tmp = tmp_path_factory.mktemp("hokuto")
    corpus = _corpus_with(tmp, (FIXTURE / "hokuto.yaml").read_text(encoding="utf-8"))
    env = {"KOUBO_CORPUS_DIR": str(corpus), "KOUBO_DATA_DIR": str(tmp / "data")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        settings = load_settings(_env_file=None)
        report = ingest(settings)
        yield settings, env, report
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_ingest_activates_the_new_programme(hokuto):
    _, env, report = hokuto
    assert "hokuto" in report.summary_ja() and "hokuto-compute-call" in report.documents
    listed = json.loads(_koubo("programmes", "list", "--json", env=env).stdout)
    assert {p["id"]: p["served"] for p in listed["programmes"]} == {"ai-compute-infra": True, "geniac": True, "hokuto": True}


def test_calc_computes_its_rate_and_node_check(hokuto):
    _, env, _ = hokuto
    out = _koubo("calc", "rate", "--programme", "hokuto", "--org", "company", "--employees", "300", "--json", env=env)
    r = json.loads(out.stdout)["result"]
    assert r["rate"] == "2/3以内" and r["rate_fraction"] == "2/3" and r["citations"][0]["doc"] == "hokuto-compute-call"
    r = json.loads(_koubo("calc", "rate", "--programme", "hokuto", "--org", "company", "--employees", "301", "--json",
                          env=env).stdout)["result"]
    assert r["rate"] == "1/2以内"
    ok = json.loads(_koubo("calc", "nodes", "--programme", "hokuto", "--nodes", "50", "--json", env=env).stdout)["result"]
    assert ok["verdict"] == "可能" and ok["period_months"] == 3 and ok["totals"]["h100_gpus"] == 200
    over = json.loads(_koubo("calc", "nodes", "--programme", "hokuto", "--nodes", "51", "--json", env=env).stdout)
    assert over["result"]["verdict"] == "不可能" and "50以下" in over["result"]["explanation"]
    amount = json.loads(_koubo("calc", "amount", "--programme", "hokuto", "--gpu", "3億", "--org", "company",
                               "--employees", "10", "--json", env=env).stdout)["result"]
    assert amount["max_subsidy_jpy"] == 200_000_000
    # GENIAC is unchanged beside it.
    g = json.loads(_koubo("calc", "nodes", "--nodes", "120", "--json", env=env).stdout)["result"]
    assert g["verdict"] == "100ノードまで可能（超過分は個別調整）"


def test_router_scope_and_retrieval_know_it(hokuto):
    from assistant.answer.engine import Assistant
    from assistant.retrieval.retriever import Retriever
    from assistant.tools.router import route

    settings, _, _ = hokuto
    calls = route("HOKUTOで60ノードを使えますか？")
    assert [(c.name, c.args.get("programme")) for c in calls] == [("gpu_node_plan", "hokuto")]
    calls = route("北斗計算基盤助成の助成率は？従業員100人の会社です。")
    assert [(c.name, c.args["programme"]) for c in calls] == [("subsidy_rate", "hokuto")]
    retriever = Retriever.from_settings(settings)
    hits = retriever.search("HOKUTOの公募期間はいつまでですか？", k=3)
    assert hits[0].chunk.doc_id == "hokuto-compute-call"
    answer = Assistant(settings, retriever, backend="offline").ask("HOKUTOの助成率を教えてください。")
    assert answer.coverage != "out_of_scope" and not answer.refused
    assert "2/3" in answer.text


def test_a_programme_whose_quotes_are_not_in_the_text_is_not_served(tmp_path):
    from corpus.ingest import ingest

    yaml_text = (FIXTURE / "hokuto.yaml").read_text(encoding="utf-8").replace(
        "50を超える分は認めません。", "50を超える分は個別に認めます。")
    corpus = _corpus_with(tmp_path, yaml_text)
    settings = load_settings(corpus_dir=corpus, data_dir=tmp_path / "data", _env_file=None)
    report = ingest(settings)
    assert "hokuto-compute-call" in report.documents  # the document is still indexed
    assert "制度「hokuto」は有効にしませんでした" in report.summary_ja()
    assert programmes.served(corpus, settings.index_dir).ids == ["ai-compute-infra", "geniac"]
    env = {"KOUBO_CORPUS_DIR": str(corpus), "KOUBO_DATA_DIR": str(tmp_path / "data")}
    out = _koubo("calc", "rate", "--programme", "hokuto", "--org", "company", env=env)
    assert out.returncode == 2 and "hokuto" in out.stderr
