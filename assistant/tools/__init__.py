"""Deterministic calculators exposed to the LLM as tools (and run by rules in offline mode).

``TOOLS`` / ``execute`` are the plain registry; ``ALL_TOOLS`` (LangChain tools) is built on first access so
that importing the calculators does not import LangChain.
"""

from __future__ import annotations

from typing import Any

from assistant.tools.registry import TOOLS, ToolSpec, describe_error, execute, summary_of
from assistant.tools.results import ToolCitation, ToolOutput, yen

__all__ = ["ALL_TOOLS", "TOOLS", "ToolCitation", "ToolOutput", "ToolSpec", "describe_error", "execute", "summary_of", "yen"]


def __getattr__(name: str) -> Any:
    if name == "ALL_TOOLS":
        from assistant.tools.langchain_tools import build_langchain_tools

        tools = build_langchain_tools()
        globals()["ALL_TOOLS"] = tools
        return tools
    raise AttributeError(name)
