"""The registry and LangChain surfaces: derived strict schemas, Japanese descriptions, never raising."""

from __future__ import annotations

import json

from assistant.tools import ALL_TOOLS, TOOLS, execute, summary_of

NAMES = ["subsidy_rate", "subsidy_amount", "gpu_node_plan", "programme_schedule"]


def _walk(schema, defs):
    if "$ref" in schema:
        yield from _walk(defs[schema["$ref"].split("/")[-1]], defs)
        return
    yield schema
    for key in ("properties",):
        for sub in schema.get(key, {}).values():
            yield from _walk(sub, defs)
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            yield from _walk(sub, defs)
    if isinstance(schema.get("items"), dict):
        yield from _walk(schema["items"], defs)


def test_names():
    assert list(TOOLS) == NAMES
    assert [t.name for t in ALL_TOOLS] == NAMES


def test_schemas_are_strict_enough_for_vllm():
    for spec in TOOLS.values():
        schema = spec.parameters_schema()
        defs = schema.get("$defs", {})
        for node in _walk(schema, defs):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, spec.name
            if node.get("type") == "string":
                assert "enum" in node or "const" in node or "pattern" in node, (spec.name, node)
            if node.get("type") in ("integer", "number"):
                assert any(k in node for k in ("maximum", "exclusiveMaximum")), (spec.name, node)
        for name, prop in schema["properties"].items():
            assert any("\u3040" <= ch <= "\u9fff" for ch in prop.get("description", "")), (spec.name, name)
        assert any("\u3040" <= ch <= "\u9fff" for ch in spec.description)


def test_unknown_tool_and_non_dict_args():
    out = execute("search_everything", {})
    assert out["ok"] is False and "search_everything" in out["error"]
    out = execute("gpu_node_plan", ["30"])  # type: ignore[arg-type]
    assert out["ok"] is False


def test_programme_aliases():
    out = execute("subsidy_rate", {"programme": "geniac-compute-resources", "org_kind": "university"})
    assert out["ok"] and out["result"]["programme"] == "geniac"


def test_langchain_tool_returns_json_and_never_raises():
    tool = {t.name: t for t in ALL_TOOLS}["gpu_node_plan"]
    ok = json.loads(tool.invoke({"constant_nodes": 30}))
    assert ok["ok"] and ok["result"]["verdict"] == "可能"
    bad = json.loads(tool.invoke({"constant_nodes": -1}))
    assert bad["ok"] is False and "constant_nodes" in bad["error"]
    nested = {t.name: t for t in ALL_TOOLS}["subsidy_amount"]
    out = json.loads(nested.invoke({"programme": "geniac", "rate": "1/2", "items": [{"category": "gpu_compute", "amount": 2e8}]}))
    assert out["result"]["max_subsidy_jpy"] == 100_000_000


def test_summary_includes_figures_and_caveats():
    out = execute("subsidy_amount", {"programme": "ai-compute-infra", "rate": "1/2以内", "items": [{"category": "equipment", "amount": 2e8}]})
    text = summary_of("subsidy_amount", out["result"])
    assert "100,000,000円（1億円）" in text and "上限" in text and "【留意点】" in text


def test_the_schemas_sent_to_the_llm_carry_the_served_programmes():
    """What bind_tools sends (strict) must constrain `programme` to the programme files' ids: vLLM's grammar
    follows this schema, so a missing enum lets a model write any string there."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from assistant.domain.programmes import current
    from assistant.tools import ALL_TOOLS

    ids = {p.id for p in current()}
    for tool in ALL_TOOLS:
        params = convert_to_openai_tool(tool, strict=True)["function"]["parameters"]
        assert params["additionalProperties"] is False
        enum = params["properties"].get("programme", {}).get("enum")
        if tool.name in ("subsidy_rate", "subsidy_amount", "programme_schedule"):
            assert enum is not None and ids <= set(enum), (tool.name, enum)
