"""The programme model: one YAML file per call for proposals in ``<corpus_dir>/programmes/``.

A file holds the programme's id, names (the single home of this vocabulary: routing, retrieval focus, the scope
decision and the lexicon read it from here), its documents and its rules: rate rules (conditions on the applicant's
facts → rate), amount rules (cost categories → eligible or not), node limits (per route), schedule windows and
caveats. Every rule carries ``doc:`` and ``quote:``, a verbatim sentence of that document (OpenFisca's
``reference``); :func:`check` proves each quote is in the text. The calculators in ``assistant/tools`` interpret
these rules; they hold no programme's numbers or sentences. docs/programmes.md is the guide for staff.

Activation: ``koubo ingest`` checks every programme against the ingested text and writes the outcome to
``<data_dir>/index/programmes.json``; a programme listed there as inactive is not served (:func:`served` skips
it). Without that file (no ingest yet) every programme whose file loads is served.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.domain.config import Settings
from assistant.domain.text import match_key, nfkc

log = logging.getLogger(__name__)

PROGRAMMES_FOLDER = "programmes"
STATUS_FILE = "programmes.json"
ALL = "all"

# --- the applicant facts rate rules may test (the fact vocabulary is code; the rules over it are data) -------------
OrgKind = Literal[
    "company",
    "university",
    "kosen",
    "national_rd_agency",
    "incorporated_administrative_agency",
    "local_incorporated_administrative_agency",
    "public_research_institute",
    "other_corporation",
]
ORG_KINDS: tuple[str, ...] = OrgKind.__args__  # type: ignore[attr-defined]
ACADEMIC_KINDS = frozenset(ORG_KINDS) - {"company", "other_corporation"}
FactName = Literal["org_kind", "employees", "deemed_large_enterprise", "tokutei_jigyosha"]
_FACT_KIND = {"org_kind": "kind", "employees": "count", "deemed_large_enterprise": "flag", "tokutei_jigyosha": "flag"}

Category = Literal["gpu_compute", "non_gpu_compute", "data_preparation", "equipment", "other"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
RateStatus = Literal["determined", "needs_more_facts", "not_stated_in_documents"]
ItemStatus = Literal["eligible", "ineligible", "unclear", "rate_not_stated"]
WindowKind = Literal["presurvey_window", "call", "committee", "development_period", "rd_period"]
_TEMPLATE_FIELD = re.compile(r"\{([a-z_]*)[^{}]*\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Strict):
    """A sentence of a document (``quote`` verbatim after match_key) in the document ``doc``."""

    doc: str
    quote: str = Field(min_length=8)


class CitedText(Cited):
    """A Japanese sentence the calculators output (a caveat, a note), with the document sentence it rests on."""

    text: str


# --- rate rules -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Test:
    op: Literal["eq", "unknown", "known", "gt", "ge", "lt", "le"]
    value: Any = None

    def holds(self, v: Any) -> bool:
        if self.op == "unknown":
            return v is None
        if self.op == "known":
            return v is not None
        if self.op == "eq":
            return v is not None and v == self.value
        if v is None:
            return False
        return {"gt": v > self.value, "ge": v >= self.value, "lt": v < self.value, "le": v <= self.value}[self.op]


def _parse_test(fact: str, raw: Any) -> _Test:
    kind = _FACT_KIND[fact]
    if raw in ("unknown", "known"):
        return _Test(raw)
    if kind == "flag" and isinstance(raw, bool):
        return _Test("eq", raw)
    if kind == "kind" and isinstance(raw, str) and raw in ORG_KINDS:
        return _Test("eq", raw)
    if kind == "count" and isinstance(raw, dict) and len(raw) == 1:
        (op, n), = raw.items()
        if op in ("gt", "ge", "lt", "le") and isinstance(n, int) and not isinstance(n, bool):
            return _Test(op, n)
    allowed = {
        "kind": "one of " + ", ".join(ORG_KINDS),
        "flag": "true or false",
        "count": "{gt|ge|lt|le: <integer>}",
    }[kind]
    raise ValueError(f"{fact}: {raw!r} is not a test; write {allowed}, 'unknown' or 'known' (or a list of these)")


class RateRule(Cited):
    """Applicant facts → rate. ``when`` maps facts to a test or a list of tests (any); a list of such maps matches
    when any of them does. Exactly one rule of a programme applies to any facts (``koubo programmes check``)."""

    id: str
    when: dict[FactName, Any] | list[dict[FactName, Any]]
    status: RateStatus
    rate: str | None = None
    basis: str = Field(description="Japanese; {org} = the organisation kind, {employees:,} = the employee count")
    missing: list[FactName] = Field(default_factory=list, description="facts to ask for, those still unknown")
    candidates: list[str] = Field(default_factory=list, description="ids of the rate section's candidates")
    notes: list[str] = Field(default_factory=list)

    @field_validator("when")
    @classmethod
    def _tests(cls, when: Any) -> Any:
        _alternatives(when)
        return when

    @field_validator("basis")
    @classmethod
    def _template(cls, basis: str) -> str:
        bad = {m.group(1) for m in _TEMPLATE_FIELD.finditer(basis)} - {"org", "employees"}
        if bad:
            raise ValueError(f"basis uses unknown placeholders {sorted(bad)}; only {{org}} and {{employees}} exist")
        return basis

    @model_validator(mode="after")
    def _outcome(self) -> RateRule:
        if (self.status == "determined") != (self.rate is not None):
            raise ValueError("a determined rule needs a rate, and only a determined rule has one")
        if self.status == "needs_more_facts" and not self.missing:
            raise ValueError("a needs_more_facts rule lists the facts it is missing")
        return self

    def alternatives(self) -> list[dict[str, list[_Test]]]:
        return _alternatives(self.when)

    def matches(self, facts: dict[str, Any]) -> bool:
        return _when_matches(self.when, facts)


def _alternatives(when: Any) -> list[dict[str, list[_Test]]]:
    return [
        {f: [_parse_test(f, r) for r in (raw if isinstance(raw, list) else [raw])] for f, raw in alt.items()}
        for alt in (when if isinstance(when, list) else [when])
    ]


def _when_matches(when: Any, facts: dict[str, Any]) -> bool:
    """Any alternative whose every fact passes one of its tests."""
    return any(all(any(t.holds(facts.get(f)) for t in tests) for f, tests in alt.items()) for alt in _alternatives(when))


class RateLabel(_Strict):
    """A rate as the document writes it (1/2以内, 定額 …)."""

    fraction: str | None = Field(description="'1/2'; null for a flat grant (定額), where the documents give none")
    words: str = Field(description="the rate in words, e.g. 2分の1以内")
    phrase: str | None = Field(None, description="how answers name it; default 'label（words）'")
    rate_note: str | None = Field(None, description="sentence added to a determined rate's explanation")
    amount_note: str | None = Field(None, description="sentence added after a maximum amount at this rate")

    @field_validator("fraction")
    @classmethod
    def _fraction(cls, v: str | None) -> str | None:
        if v is not None:
            f = Fraction(v)
            if not 0 < f <= 1:
                raise ValueError(f"fraction {v!r} must lie in (0, 1]")
        return v

    def as_fraction(self) -> Fraction | None:
        return Fraction(self.fraction) if self.fraction else None


class Candidate(_Strict):
    condition: str
    rate: str
    label: str = ""


class ConditionalNote(_Strict):
    when: dict[FactName, Any] | list[dict[FactName, Any]]
    text: str

    @field_validator("when")
    @classmethod
    def _tests(cls, when: Any) -> Any:
        _alternatives(when)
        return when

    def matches(self, facts: dict[str, Any]) -> bool:
        return _when_matches(when=self.when, facts=facts)


class RateRules(_Strict):
    noun: str = Field(description="補助率 or 助成率, as the documents say")
    labels: dict[str, RateLabel]
    candidates: dict[str, Candidate] = Field(default_factory=dict)
    notes: list[ConditionalNote] = Field(default_factory=list, description="added before a rule's own notes")
    rules: list[RateRule] = Field(min_length=1)
    caveats: list[CitedText] = Field(default_factory=list)
    citations: list[Cited] = Field(min_length=1, description="what every rate result cites, in this order")

    @model_validator(mode="after")
    def _references(self) -> RateRules:
        for c in self.candidates.values():
            if c.rate not in self.labels:
                raise ValueError(f"candidate rate {c.rate!r} is not one of the labels {sorted(self.labels)}")
        for r in self.rules:
            if r.rate is not None and r.rate not in self.labels:
                raise ValueError(f"rule {r.id!r}: rate {r.rate!r} is not one of the labels {sorted(self.labels)}")
            for cid in r.candidates:
                if cid not in self.candidates:
                    raise ValueError(f"rule {r.id!r}: unknown candidate {cid!r}")
        return self

    def decide(self, facts: dict[str, Any]) -> RateRule:
        """The one rule that applies (check() proves there is exactly one for every combination of facts)."""
        for r in self.rules:
            if r.matches(facts):
                return r
        raise LookupError(f"no rate rule applies to {facts}")

    def phrase(self, label: str) -> str:
        lab = self.labels[label]
        return lab.phrase or f"{label}（{lab.words}）"


# --- amount rules ---------------------------------------------------------------------------------------------------
class ItemRule(Cited):
    """A cost item → eligible or not. The first rule whose categories and tests match applies."""

    categories: list[Category] = Field(default_factory=list, description="empty: any category")
    outsourced: bool | Literal["unknown"] | None = None
    from_academic_institution: bool | None = None
    status: ItemStatus
    reason: str = Field(description="Japanese; {category} = the category's name")
    also_cite: list[Cited] = Field(default_factory=list)

    def matches(self, category: str, outsourced: bool | None, from_academic: bool) -> bool:
        if self.categories and category not in self.categories:
            return False
        if self.outsourced is not None and (outsourced is None) != (self.outsourced == "unknown"):
            return False
        if isinstance(self.outsourced, bool) and outsourced is not self.outsourced:
            return False
        return self.from_academic_institution is None or self.from_academic_institution == from_academic


class Cap(Cited):
    known: bool = Field(description="whether the documents state the cap amount")
    amount_jpy: int | None = Field(None, ge=0)
    caveat: str = Field(description="added when the caller gives no cap")

    @model_validator(mode="after")
    def _amount(self) -> Cap:
        if self.known != (self.amount_jpy is not None):
            raise ValueError("a known cap states amount_jpy; an unknown one does not")
        return self


class AmountRules(_Strict):
    noun: str = Field(description="補助額 or 助成額")
    items: list[ItemRule] = Field(min_length=1)
    cap: Cap
    exchange_rate: Cited = Field(description="the sentence requiring an exchange-rate assumption (cited when used)")
    default_category: Category = Field(description="category of an amount whose kind the question does not say")

    @model_validator(mode="after")
    def _total(self) -> AmountRules:
        last = self.items[-1]
        if last.categories or last.outsourced is not None or last.from_academic_institution is not None:
            raise ValueError("the last item rule must apply to any cost (no categories, no tests)")
        return self


# --- node limits ----------------------------------------------------------------------------------------------------
class NodeSpec(Cited):
    gpu: str
    gpus_per_node: int = Field(ge=1)
    gpu_memory_gb: int = Field(ge=1)
    local_ssd_tb: int = Field(ge=0)


class Maximum(Cited):
    nodes: int = Field(ge=1)


class Flag(Cited):
    value: bool


class Excess(Cited):
    handling: Literal["individual_arrangement", "not_allowed"]


class Billing(Cited):
    basis: Literal["whole_period", "usage"]


class Period(Cited):
    months: int = Field(ge=1, le=24)
    stated: str = Field(description="the document's wording, e.g. 10月中旬（P）から6ヶ月")


class ContractDeadline(Cited):
    months: int = Field(ge=1, le=24)
    stated: str = Field(description="the document's wording, e.g. 1 ヶ月程度内")
    undated_year: int = Field(description="year of a notice date written without one (the document's year)")


class Examples(_Strict):
    constant: Cited | None = None
    first_month_only: Cited | None = None
    changes_after_first: Cited | None = None


class NodeRoute(_Strict):
    route: str = Field(description="the document's name of the route, e.g. (2)")
    label: str = Field(description="e.g. (2)の手法")
    maximum: Maximum
    constant_over_period: Flag
    excess: Excess
    alternative: CitedText | None = Field(None, description="what to do instead when a plan is refused")
    node_spec: NodeSpec
    period: Period
    billing: Billing
    unit_price: Cited | None = None
    exchange_rate: Cited | None = None
    contract_deadline: ContractDeadline | None = None
    also_cite: list[Cited] = Field(default_factory=list)
    examples: Examples = Examples()
    caveats: list[CitedText] = Field(default_factory=list)


# --- schedule -------------------------------------------------------------------------------------------------------
class Duration(_Strict):
    months: int = Field(ge=1, le=60)
    text: str


class Window(Cited):
    kind: WindowKind
    label: str
    stated: str = Field(description="the document's wording, verbatim (e.g. 10月中旬（P）から6ヶ月の予定)")
    start: date | None = None
    end: date | None = None
    exact: bool = Field(description="false for months, 頃, 予定, 想定, (P)")
    year: Literal["stated", "publication_year", "next_year_from_publication"] = Field(
        description="how the year of the dates was found"
    )
    interpretation: str = Field(description="how the wording was read as dates (assumptions included)")
    duration: Duration | None = None
    start_precision: Literal["day", "month", "mid_month"] = "day"
    start_fuzzy: bool = False

    @model_validator(mode="after")
    def _dates(self) -> Window:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"window {self.label!r} ends before it starts")
        if self.exact and not (self.start and self.end):
            raise ValueError(f"exact window {self.label!r} needs start and end")
        return self


class Schedule(_Strict):
    windows: list[Window] = Field(min_length=1)
    where_to_check: CitedText
    all_closed: str = Field(description="said when every dated window is over")
    caveats: list[CitedText] = Field(default_factory=list)


# --- the programme --------------------------------------------------------------------------------------------------
class Names(_Strict):
    official: str
    short: str = Field(description="in answer bullets, e.g. GENIAC（基盤モデル開発の助成）")
    label: str = Field(description="in tags, e.g. GENIAC → 【GENIAC】")
    colloquial: list[str] = Field(
        min_length=1,
        description="names applicants write (NFKC, case-insensitive): retrieval focus, scope, lexicon",
    )
    aliases: list[str] = Field(default_factory=list, description="other spellings of the id a tool call may use")


class Cue(_Strict):
    pattern: str
    weight: int = Field(ge=1, le=5)

    @field_validator("pattern")
    @classmethod
    def _safe(cls, p: str) -> str:
        _safe_regex(p)
        return p


class Routing(_Strict):
    cues: list[Cue] = Field(min_length=1, description="words that lean a question towards this programme")
    mentions: list[str] = Field(min_length=1, description="patterns that name this programme outright")

    @field_validator("mentions")
    @classmethod
    def _safe(cls, ps: list[str]) -> list[str]:
        for p in ps:
            _safe_regex(p)
        return ps


class Programme(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    names: Names
    description: str = Field(description="one line for the tools' programme argument")
    documents: list[str] = Field(min_length=1)
    routing: Routing
    rates: RateRules | None = None
    amounts: AmountRules | None = None
    node_limits: list[NodeRoute] = Field(default_factory=list)
    schedule: Schedule | None = None
    caveats: list[CitedText] = Field(default_factory=list)

    def cited(self) -> list[tuple[str, Cited]]:
        """Every (rule name, cited sentence) of the file, for the quote check."""
        out: list[tuple[str, Cited]] = []

        def walk(where: str, value: Any) -> None:
            if isinstance(value, Cited):
                out.append((where, value))
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    walk(f"{where}.{name}" if where else name, getattr(value, name))
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    label = getattr(v, "id", None) or getattr(v, "kind", None) or getattr(v, "route", None) or i
                    walk(f"{where}[{label}]", v)
            elif isinstance(value, dict):
                for k, v in value.items():
                    walk(f"{where}.{k}", v)

        walk("", self)
        return out

    @property
    def node_route(self) -> NodeRoute | None:
        return self.node_limits[0] if self.node_limits else None


def _safe_regex(p: str) -> None:
    try:
        re.compile(p)
    except re.error as exc:
        raise ValueError(f"pattern {p!r} is not a regular expression: {exc}") from None
    # Nested quantifiers are what makes a regex backtrack without bound; the patterns here are word lists.
    if re.search(r"\)[*+?{][^|]*[*+]|\([^()]*[*+][^()]*\)[*+{]", p):
        raise ValueError(f"pattern {p!r} nests quantifiers; write a plain alternation of words")


# --- loading --------------------------------------------------------------------------------------------------------
class ProgrammeError(ValueError):
    """A programme file is invalid; the message names the file and the rule."""


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.rule}: {self.message}" if self.rule else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Programmes:
    """The programmes of one corpus folder, in file-name order."""

    items: tuple[Programme, ...]
    files: tuple[str, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.items]

    def get(self, pid: str) -> Programme:
        for p in self.items:
            if p.id == pid:
                return p
        raise KeyError(pid)

    def __contains__(self, pid: object) -> bool:
        return any(p.id == pid for p in self.items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def with_rates(self) -> list[Programme]:
        return [p for p in self.items if p.rates is not None]

    def with_nodes(self) -> list[Programme]:
        return [p for p in self.items if p.node_limits]

    def with_schedule(self) -> list[Programme]:
        return [p for p in self.items if p.schedule is not None]

    def resolve(self, name: str) -> str:
        """A programme id from an id, a listed alias or one of its document ids (case-insensitive); else unchanged."""
        key = name.strip()
        for p in self.items:
            spellings = [p.id, *p.names.aliases, *p.documents]
            if key in spellings or key.lower() in {s.lower() for s in spellings}:
                return p.id
        return name

    def description(self) -> str:
        return "制度。" + "、".join(f"{p.id} = {p.description}" for p in self.items)

    def colloquial_names(self) -> dict[str, tuple[str, ...]]:
        """id → the names applicants write, NFKC-lowercased (match_key-free: spaces kept)."""

        return {p.id: tuple(nfkc(n).lower() for n in p.names.colloquial) for p in self.items}


def programmes_dir(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / PROGRAMMES_FOLDER


def _load_file(path: Path) -> Programme:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProgrammeError(f"{path.name}: cannot read: {exc}") from None
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{path.name}: the file must hold one mapping (id, names, documents, rules …)")
    try:
        prog = Programme.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False):
            where = _rule_path(raw, e.get("loc", ()))
            lines.append(f"{path.name}: {where}: {e['msg']}")
        raise ProgrammeError("\n".join(lines)) from None
    if prog.id != path.stem:
        raise ProgrammeError(f"{path.name}: id {prog.id!r} differs from the file name; name the file {prog.id}.yaml")
    return prog


def _rule_path(raw: Any, loc: tuple[Any, ...]) -> str:
    """A pydantic location with list indexes replaced by the rule's id where it has one (rates.rules[infra-sme])."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            name = item.get("id") or item.get("kind") or item.get("route") if isinstance(item, dict) else None
            out += f"[{name or part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(file)"


def load_all(corpus_dir: Path) -> tuple[list[Programme], list[Problem]]:
    """Every file that loads, and a problem for each that does not (file and rule named)."""
    folder = programmes_dir(corpus_dir)
    progs: list[Programme] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            p = _load_file(path)
        except ProgrammeError as exc:
            for line in str(exc).splitlines():
                file, _, rest = line.partition(": ")
                rule, _, msg = rest.partition(": ")
                problems.append(Problem(file, rule if msg else "", msg or rest))
            continue
        if p.id in seen:
            problems.append(Problem(path.name, "id", f"{p.id!r} is already defined in {seen[p.id]}"))
            continue
        seen[p.id] = path.name
        progs.append(p)
    return progs, problems


@lru_cache(maxsize=16)
def _load_cached(corpus_dir: str, stamp: tuple[tuple[str, float], ...]) -> Programmes:
    progs, problems = load_all(Path(corpus_dir))
    for p in problems:
        log.error("programme file skipped: %s (run `koubo programmes check`)", p)
    return Programmes(tuple(progs), tuple(f"{p.id}.yaml" for p in progs))


def _stamp(*paths: Path) -> tuple[tuple[str, float], ...]:
    out = []
    for folder in paths:
        try:
            entries = sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder] if folder.exists() else []
            out.extend((str(e), e.stat().st_mtime) for e in entries)
        except OSError:
            continue
    return tuple(out)


def load(corpus_dir: Path) -> Programmes:
    """All programmes of ``corpus_dir`` whose file loads (cached per folder; a changed file is re-read)."""
    folder = programmes_dir(corpus_dir)
    return _load_cached(str(Path(corpus_dir).resolve()), _stamp(folder))


def read_status(index_dir: Path) -> dict[str, Any] | None:
    path = Path(index_dir) / STATUS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("programme status %s unreadable (%s); serving every programme that loads", path, exc)
        return None


def served(corpus_dir: Path, index_dir: Path | None = None) -> Programmes:
    """The programmes to serve: those that load, less any the last ingest of this corpus folder refused."""
    progs = load(corpus_dir)
    status = read_status(index_dir) if index_dir is not None else None
    if not status or status.get("corpus_dir") != str(Path(corpus_dir).resolve()):
        return progs
    inactive = set(status.get("inactive") or {})
    if not inactive:
        return progs
    return Programmes(tuple(p for p in progs.items if p.id not in inactive),
                      tuple(f for p, f in zip(progs.items, progs.files) if p.id not in inactive))


def current() -> Programmes:
    """The programmes the settings (KOUBO_CORPUS_DIR, KOUBO_DATA_DIR) name; the calculators' default."""

    s = Settings()
    return served(s.corpus_dir, s.index_dir)


# --- checking -------------------------------------------------------------------------------------------------------
def _fact_space(rules: list[RateRule]) -> list[dict[str, Any]]:
    """Every combination of facts that matters to ``rules``: each kind, each flag, employee counts at each bound."""
    bounds: set[int] = {0}
    for r in rules:
        for alt in r.alternatives():
            for t in alt.get("employees", []):
                if t.op in ("gt", "ge", "lt", "le"):
                    bounds |= {max(t.value - 1, 0), t.value, t.value + 1}
    space = []
    for kind, emp, deemed, tok in itertools.product(
        [None, *ORG_KINDS], [None, *sorted(bounds)], [None, True, False], [None, True, False]
    ):
        # Combinations the fact model refuses as contradictory (rates.ApplicantFacts) need no rule.
        if kind not in (None, "company") and deemed:
            continue
        if kind in ACADEMIC_KINDS and tok:
            continue
        space.append({"org_kind": kind, "employees": emp, "deemed_large_enterprise": deemed, "tokutei_jigyosha": tok})
    return space


def _describe(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k}={'unknown' if v is None else v}" for k, v in facts.items())


def check_rules(p: Programme, file: str) -> list[Problem]:
    """Rate rules: exactly one applies to every combination of facts (no gaps, no overlaps)."""
    problems: list[Problem] = []
    if p.rates is None:
        return problems
    rules = p.rates.rules
    gaps: list[dict[str, Any]] = []
    overlaps: dict[tuple[str, str], dict[str, Any]] = {}
    for facts in _fact_space(rules):
        hits = [r for r in rules if r.matches(facts)]
        if not hits:
            gaps.append(facts)
        for a, b in itertools.combinations(hits, 2):
            overlaps.setdefault((a.id, b.id), facts)
    for (a, b), facts in overlaps.items():
        ra, rb = next(r for r in rules if r.id == a), next(r for r in rules if r.id == b)
        same = (ra.status, ra.rate) == (rb.status, rb.rate)
        kind = "overlap" if same else "contradiction"
        problems.append(Problem(file, f"rates.rules[{a}]", f"{kind} with rule {b!r}: both apply to {_describe(facts)}"))
    if gaps:
        problems.append(Problem(file, "rates.rules",
                                f"no rule applies to {len(gaps)} combination(s) of facts, e.g. {_describe(gaps[0])}"))
    ids = [r.id for r in rules]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(file, f"rates.rules[{dup}]", "rule id used twice"))
    return problems


def check_quotes(p: Programme, file: str, texts: dict[str, str]) -> list[Problem]:
    """Every document is present and every quote occurs verbatim (after match_key) in its document."""
    problems = [
        Problem(file, "documents", f"document {d!r} is not in the corpus (documents.json ids)")
        for d in p.documents if d not in texts
    ]
    keys = {doc: match_key(t) for doc, t in texts.items()}
    for where, c in p.cited():
        if c.doc not in p.documents:
            problems.append(Problem(file, where, f"doc {c.doc!r} is not one of the programme's documents"))
        elif c.doc not in keys:
            continue  # reported above
        elif match_key(c.quote) not in keys[c.doc]:
            problems.append(Problem(file, where, f"quote not found verbatim in {c.doc}: 「{c.quote[:40]}…」"))
    return problems


def check(corpus_dir: Path, texts: dict[str, str]) -> tuple[list[Programme], dict[str, list[Problem]], list[Problem]]:
    """(programmes that load, problems per programme id, problems of files that do not load)."""
    progs, file_problems = load_all(corpus_dir)
    per: dict[str, list[Problem]] = {}
    for p in progs:
        file = f"{p.id}.yaml"
        per[p.id] = check_rules(p, file) + check_quotes(p, file, texts)
    return progs, per, file_problems


def rule_counts(p: Programme) -> dict[str, int]:
    return {
        "rate_rules": len(p.rates.rules) if p.rates else 0,
        "amount_rules": len(p.amounts.items) if p.amounts else 0,
        "node_limits": len(p.node_limits),
        "schedule_windows": len(p.schedule.windows) if p.schedule else 0,
        "caveats": len(p.caveats),
        "quotes": len(p.cited()),
    }

