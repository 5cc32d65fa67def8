"""The plain tool registry the answer engine uses: validate, run, and never raise."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.domain import programmes
from assistant.domain.programmes import ALL
from assistant.tools.amounts import SubsidyAmountInput, SubsidyAmountResult, subsidy_amount
from assistant.tools.nodes import GpuNodePlanInput, GpuNodePlanResult, gpu_node_plan
from assistant.tools.rates import SubsidyRateInput, SubsidyRateResult, subsidy_rate
from assistant.tools.schedule import ProgrammeScheduleInput, ProgrammeScheduleResult, programme_schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    func: Callable[..., BaseModel]
    input_model: type[BaseModel]
    output_model: type[BaseModel]

    @property
    def description(self) -> str:
        """The function's Japanese docstring: what the model reads."""
        return " ".join(line.strip() for line in (self.func.__doc__ or "").strip().splitlines() if line.strip())

    def parameters_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments, derived from the input model."""
        return self.input_model.model_json_schema()


TOOLS: dict[str, ToolSpec] = {
    "subsidy_rate": ToolSpec("subsidy_rate", subsidy_rate, SubsidyRateInput, SubsidyRateResult),
    "subsidy_amount": ToolSpec("subsidy_amount", subsidy_amount, SubsidyAmountInput, SubsidyAmountResult),
    "gpu_node_plan": ToolSpec("gpu_node_plan", gpu_node_plan, GpuNodePlanInput, GpuNodePlanResult),
    "programme_schedule": ToolSpec(
        "programme_schedule", programme_schedule, ProgrammeScheduleInput, ProgrammeScheduleResult
    ),
}


_TYPE_HINTS = {
    "missing": "必須の項目です。値を指定してください。",
    "extra_forbidden": "この項目はありません。項目名を確認してください。",
    "literal_error": "指定できる値ではありません。{expected} のいずれかを指定してください。",
    "enum": "指定できる値ではありません。{expected} のいずれかを指定してください。",
    "greater_than_equal": "{ge} 以上の値を指定してください。",
    "greater_than": "{gt} より大きい値を指定してください。",
    "less_than_equal": "{le} 以下の値を指定してください（大きすぎる値です）。",
    "less_than": "{lt} 未満の値を指定してください。",
    "finite_number": "有限の数値を指定してください（NaN や無限大は使えません）。",
    "int_type": "整数を指定してください。",
    "int_parsing": "整数を指定してください。",
    "int_from_float": "整数を指定してください（小数は使えません）。",
    "float_type": "数値を指定してください。",
    "float_parsing": "数値を指定してください。",
    "bool_type": "true か false を指定してください。",
    "bool_parsing": "true か false を指定してください。",
    "string_type": "文字列を指定してください。",
    "string_pattern_mismatch": "形式が正しくありません（形式: {pattern}）。",
    "list_type": "配列（リスト）を指定してください。",
    "too_short": "要素が少なすぎます（{min_length} 個以上必要です）。",
    "too_long": "要素が多すぎます（{max_length} 個以下にしてください）。",
    "model_type": "オブジェクトを指定してください。",
    "dict_type": "オブジェクトを指定してください。",
}


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe_error(err: dict[str, Any]) -> str:
    """One Japanese sentence for one pydantic error: which field, what is wrong, what to do."""
    where = _loc(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    ctx = {k: (str(v).replace(" or ", "、") if k == "expected" else v) for k, v in (err.get("ctx") or {}).items()}
    if kind in _TYPE_HINTS:
        try:
            hint = _TYPE_HINTS[kind].format(**ctx)
        except (KeyError, IndexError):
            hint = _TYPE_HINTS[kind].split("{")[0]
    else:
        # Our own PydanticCustomError messages are already Japanese and actionable.
        hint = str(err.get("msg", "入力が不正です。"))
    return f"入力項目 {where}: {hint}" if where else hint


def validation_message(exc: ValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = [
        {"field": _loc(tuple(e.get("loc", ()))), "type": e.get("type"), "message": describe_error(e)}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    text = "入力に誤りがあります。" + " ".join(d["message"] for d in details)
    return text, details


def _normalise(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Other spellings a model (or a user) writes for a programme (its aliases, its document ids) → its id."""
    args = dict(args)
    prog = args.get("programme")
    if isinstance(prog, str) and prog != ALL:
        args["programme"] = programmes.current().resolve(prog)
    return args


def execute(name: str, args: dict[str, Any] | None, *, today: date | None = None) -> dict[str, Any]:
    """Validate ``args`` for tool ``name`` and run it. Never raises.

    Returns ``{"ok": True, "result": {...}}`` or ``{"ok": False, "error": "<Japanese>", "details": [...]}``.
    ``today`` pins the date for programme_schedule (tests, evals).
    """
    spec = TOOLS.get(name)
    if spec is None:
        return {
            "ok": False,
            "error": f"ツール「{name}」はありません。使えるツール: {', '.join(TOOLS)}。",
            "details": [{"field": "name", "type": "unknown_tool", "message": f"unknown tool {name!r}"}],
        }
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return {
            "ok": False,
            "error": "引数はオブジェクト（JSONの辞書）で指定してください。",
            "details": [{"field": "", "type": "dict_type", "message": "arguments must be an object"}],
        }
    try:
        parsed = spec.input_model.model_validate(_normalise(name, args))
    except ValidationError as exc:
        text, details = validation_message(exc)
        log.info("tool %s: invalid arguments %s: %s", name, args, exc)
        return {"ok": False, "error": text, "details": details}
    try:
        result = spec.func(parsed, today=today) if name == "programme_schedule" else spec.func(parsed)
    except Exception:
        log.exception("tool %s failed on %s", name, args)
        return {
            "ok": False,
            "error": "計算中に内部エラーが発生しました。入力を確認してもう一度お試しいただくか、担当者にお問い合わせください。",
            "details": [{"field": "", "type": "internal_error", "message": "see server log"}],
        }
    return {"ok": True, "result": result.model_dump(mode="json")}


def summary_of(name: str, result: dict[str, Any]) -> str:
    """The Japanese paragraph for a dumped result (offline answers)."""
    spec = TOOLS[name]
    return spec.output_model.model_validate(result).summary_ja()  # type: ignore[attr-defined]
