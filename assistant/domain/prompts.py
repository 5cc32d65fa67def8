"""Japanese prompts and fixed user-facing texts, kept as data in assistant/domain/prompts/ja.yaml."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from assistant.domain.schema import Passage


@lru_cache(maxsize=1)
def texts() -> dict[str, str]:
    raw = resources.files("assistant.domain").joinpath("prompts/ja.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(raw)
    return {k: str(v).rstrip("\n") if k != "system" else str(v) for k, v in data.items()}


def text(key: str, **kwargs: object) -> str:
    template = texts()[key]
    return template.format(**kwargs) if kwargs else template


def format_passages(passages: list[Passage], start: int = 1) -> str:
    """Numbered passages as the model sees them: [n] title > section, then the text."""
    parts = []
    for n, p in enumerate(passages, start=start):
        c = p.chunk
        parts.append(
            text("passage", n=n, title=c.title, section_part=f" > {c.section}" if c.section else "",
                 text=c.text.strip())
        )
    return "\n\n".join(parts)
