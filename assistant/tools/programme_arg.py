"""The ``programme`` argument of the calculators: ids of the programmes being served, checked and listed in the
tool schemas from the loaded programme files (assistant/domain/programmes.py), never from a list in code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticCustomError

from assistant.domain import programmes as model
from assistant.domain.programmes import Programme, Programmes


def choices(need: str | None = None, with_all: bool = False) -> list[str]:
    """Ids of the served programmes that have the rules ``need`` names (rates, amounts, node_limits, schedule)."""
    ids = [p.id for p in model.current() if need is None or getattr(p, need)]
    return ids + ([model.ALL] if with_all else [])


def schema_enum(need: str | None = None, with_all: bool = False) -> Callable[[dict[str, Any]], None]:
    """A ``json_schema_extra`` that lists the ids when the schema is built (vLLM's strict tools need an enum)."""

    def extra(schema: dict[str, Any]) -> None:
        for node in schema.get("anyOf", [schema]):
            if node.get("type") == "string":
                node["enum"] = choices(need, with_all)

    return extra


def check(value: str, need: str | None = None, with_all: bool = False) -> str:
    allowed = choices(need, with_all)
    if value not in allowed:
        raise PydanticCustomError(
            "programme",
            "制度「{value}」はありません。{allowed} のいずれかを指定してください。",
            {"value": value, "allowed": "、".join(f"'{a}'" for a in allowed)},
        )
    return value


def get(pid: str) -> Programme:
    return model.current().get(pid)


def served() -> Programmes:
    return model.current()
