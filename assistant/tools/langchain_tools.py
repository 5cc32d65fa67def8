"""The calculators as LangChain tools (for `bind_tools`); they run through execute(), so they never raise."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from assistant.tools.registry import TOOLS, ToolSpec, execute, validation_message


def _as_tool(spec: ToolSpec) -> StructuredTool:
    def run(**kwargs: Any) -> str:
        return json.dumps(execute(spec.name, to_jsonable_python(kwargs)), ensure_ascii=False)

    def on_invalid(exc: ValidationError) -> str:
        text, details = validation_message(exc)
        return json.dumps({"ok": False, "error": text, "details": details}, ensure_ascii=False)

    return StructuredTool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        # The input model's own JSON schema: it carries what the served programme files allow (enums built when the
        # schema is made), which LangChain's conversion of the model class would drop.
        args_schema=spec.parameters_schema(),
        handle_validation_error=on_invalid,
    )


def build_langchain_tools() -> list[StructuredTool]:
    return [_as_tool(spec) for spec in TOOLS.values()]
