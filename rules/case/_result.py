"""The one result type: what the engine concluded about a case, as frozen dataclasses.

A :class:`Result` is complete when it is built (rules/case/_advisor.py builds it once,
analyses included); the app, the command line and every report render it and none
re-derives reasoning. :func:`to_dict` and :func:`from_dict` turn it into plain data
and back (the ``--format json`` output), and :func:`json_schema` describes that data;
``docs/result.schema.json`` is generated from it (``python main.py schema``) and a
test checks that every json output meets it.

The types hold facts, never sentences made for one view: the wording lives in the
presentation layer. Mappings inside are plain dicts, frozen by convention.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Union

from alliance_advisor.rules.case._model import Case, case_from_data
from alliance_advisor.rules.kb import KnowledgeBase

SCHEMA_VERSION = 3


def _json(name: str) -> dict[str, str]:
    """Field metadata: the field's key in the json (for names Python reserves)."""
    return {"json": name}


@dataclass(frozen=True)
class ThreatScore:
    """How the score rule built the threat level from its four sources: the points of
    the means, weighed by the intentions."""

    points: dict[str, int]  # factor -> points, the known means
    weight: tuple[int, int] | None  # (times, plus) of the known intentions
    total: int  # the score (the lowest the unknowns allow, when open)
    maximum: int
    range: tuple[int, int]  # the lowest and highest totals the unknowns allow
    unknown: tuple[str, ...]  # the sources that are unknown
    bands: tuple[str, ...]  # the threat levels the unknowns allow, lowest first
    settled: bool  # one level: the answers settle the threat


@dataclass(frozen=True)
class FiredRule:
    """One step of the trace: a rule that fired, on which facts, with what outcome."""

    step: int
    rule: str
    layer: str
    propositions: tuple[str, ...]
    citations: tuple[str, ...]
    facts: dict[str, str]  # the facts it matched: fact -> level
    fact_kinds: dict[str, str]  # fact -> "answer" or "derived"
    bindings: dict[str, str]
    explanation: str
    asserted: dict[str, str] | None = None
    effects: dict[str, float] | None = None
    score: ThreatScore | None = None


@dataclass(frozen=True)
class DerivedValue:
    """A derived fact's level at the end of the run, and the rule that derived it."""

    level: str | None  # None: no rule derived it
    rule: str | None  # the rule that derived it


@dataclass(frozen=True)
class Contribution:
    """The certainty factor one fired rule lent a response."""

    rule: str
    cf: float


@dataclass(frozen=True)
class Support:
    """The combined support of one response (MYCIN: belief, disbelief, certainty)."""

    cf: float
    mb: float
    md: float
    for_: tuple[Contribution, ...] = field(metadata=_json("for"))
    against: tuple[Contribution, ...]


@dataclass(frozen=True)
class Failure:
    """A condition that kept a rule from firing."""

    fact: str
    value: str  # the fact's level, or "unknown"
    needs: tuple[str, ...]  # the levels that would satisfy it
    condition: str  # the condition as declared, e.g. "threat_level at least high"


@dataclass(frozen=True)
class Blocked:
    """A rule that would have supported a response but did not fire."""

    rule: str
    cf: float
    propositions: tuple[str, ...]
    failed: tuple[Failure, ...]


@dataclass(frozen=True)
class WhyNot:
    """Why a response has the support it has: at the stage where its path leaves the
    verdict's (for the verdict, its closest contested stage), the support of the
    alternative it takes there, and which rules lent or would have lent it."""

    stage: str | None  # the stage that decides it; None without a verdict
    alternative: str | None  # the alternative the response takes at that stage
    support: float
    for_: tuple[str, ...] = field(metadata=_json("for"))  # rules that fired for it
    against: tuple[str, ...]  # rules that fired against it
    blocked: tuple[Blocked, ...]  # rules for it that did not fire, and why


@dataclass(frozen=True)
class Conflict:
    """Two derive rules asserted different levels of one fact; the first stood."""

    fact: str
    levels: tuple[str, str]  # (the level that stood, the level refused)
    rule: str  # the rule whose assertion was refused


@dataclass(frozen=True)
class Flip:
    """A single change of answer that changes the verdict."""

    factor: str
    from_: str = field(metadata=_json("from"))
    to: str
    verdict: str | None


@dataclass(frozen=True)
class WhatIf:
    """The single changes of answer that change the verdict, and each unknown's verdicts."""

    flips: tuple[Flip, ...]
    unknowns: dict[str, dict[str, str | None]]  # unknown factor -> level -> verdict
    stable: bool  # no single change, and no completion of one unknown, moves it


@dataclass(frozen=True)
class WorldOutcome:
    """The verdict in one world, with the world's advice (quoted from the knowledge base)."""

    world: str
    title: str
    verdict: str | None
    verdict_label: str
    confidence: float
    support: dict[str, float]  # "stage.alternative" -> combined certainty factor
    advice: str
    risk: str


@dataclass(frozen=True)
class Analogue:
    """A recorded case like this one, and what that state did."""

    file: str
    title: str
    year: int | None
    state: str
    threat: str
    similarity: float
    compared: int  # factors compared (known on both sides)
    observed: str
    predicted: str | None
    theory_right: bool
    differences: tuple[str, ...]  # the compared factors whose answers differ


@dataclass(frozen=True)
class Ablation:
    """The verdict without one proposition: its support rules left out, all else equal."""

    proposition: str
    verdict: str | None  # the verdict without it
    margin_drop: float  # how much of the verdict's lead over the rest it takes away


@dataclass(frozen=True)
class StageOutcome:
    """What one stage of the decision concluded, in order: threat, direction, mode, war.

    For the threat stage the conclusion is the threat level, scored rather than
    weighed (no runner-up, no margin). ``decisive`` holds the smallest sets of
    propositions whose rules, left out of this stage, change its conclusion (the
    earlier stages' conclusions held): one set of one each where single propositions
    decide, several sets where the stage is carried equally by several combinations.
    """

    stage: str
    conclusion: str | None  # None: the stage concluded nothing (a gap, or not reached)
    runner_up: str | None
    margin: float | None  # None: nothing was contested
    rules: tuple[str, ...]  # the stage's rules that fired, in firing order
    decisive: tuple[tuple[str, ...], ...]
    support: dict[str, float]  # alternative -> combined certainty factor (the open ones)
    tie: bool = False


@dataclass(frozen=True)
class Stability:
    """How the verdict stands when every fired rule's weight is perturbed at random."""

    share: float  # the share of perturbations that keep the verdict
    draws: int
    perturbation: float  # each weight scaled within +/- this share
    fragile: bool  # share below the declared threshold


@dataclass(frozen=True)
class Completions:
    """The verdict under every way the unknown answers could be answered."""

    count: int  # the number of completions (1: nothing unknown)
    keeps: float  # the share that gives the verdict as it stands
    shares: dict[str, float]  # verdict ("none": no verdict) -> share of completions


@dataclass(frozen=True, kw_only=True)
class AnswerMove:
    """One answer the verdict's probability turns on: what it would be were this answer
    certain at its most likely level, the others as uncertain as they are."""

    factor: str
    given: str | None  # the answer's most likely level (None: unknown)
    certain: float  # the verdict's probability were this answer certain


@dataclass(frozen=True, kw_only=True)
class Certainty:
    """How sure the verdict is under the answers' uncertainty (issue 28)."""

    reading: float  # the declared reading uncertainty of an answer given as certain
    threshold: float  # below this probability of the verdict, a close call
    close_call: bool
    most_probable: str | None  # the response of greatest probability ("no_verdict" where none)
    spread: tuple[str, ...]  # the factors answered as a spread of levels by the coder
    moves: tuple[AnswerMove, ...]  # the answers the verdict's probability turns on most, most first


@dataclass(frozen=True)
class Result:
    """Everything the engine concluded about one case in one world."""

    case: Case
    world: str
    knowledge_version: str
    verdict: str | None  # None: no response reached the minimum support
    verdict_label: str
    margin: float  # the verdict's support over the runner-up's, at the stage that decides it
    tie: bool
    tied_with: tuple[str, ...]
    runner_up: str | None
    threat_level: str | None
    threat_score: ThreatScore | None
    support: dict[str, float]  # response -> its support at the stage that decides it (WhyNot.stage)
    support_detail: dict[str, Support]
    unknown: tuple[str, ...]  # factors not answered
    facts: dict[str, str]  # every known fact at the end: answers and derived facts
    derived: dict[str, DerivedValue]
    fired: tuple[FiredRule, ...]  # in firing order
    why_not: dict[str, WhyNot] | None  # None when not explained
    conflicts: tuple[Conflict, ...]
    stages: tuple[StageOutcome, ...] = ()  # the decision stage by stage, in order
    decisive: tuple[str, ...] = ()  # the propositions without which the verdict changes, most decisive first
    decisive_jointly: bool = False  # no single one is needed: the verdict changes only without all of them
    # Where no single proposition decides: every smallest set without which the verdict
    # changes (several sets: the verdict is carried equally by each; none is *the* reason).
    decisive_sets: tuple[tuple[str, ...], ...] = ()
    ablations: tuple[Ablation, ...] = ()  # every proposition whose support rules fired
    too_close: bool = False  # a margin below the declared threshold: too close to call
    no_verdict: str | None = None  # why there is none: "threat_open" or "no_support"
    next_questions: tuple[str, ...] = ()  # the factors to answer next when the threat is open
    stability: Stability | None = None
    completions: Completions | None = None
    whatif: WhatIf | None = None
    worlds: dict[str, WorldOutcome] | None = None
    analogues: tuple[Analogue, ...] | None = None
    # Under the answers' uncertainty (issue 28): the probability of each response
    # ("no_verdict" where the answers give none), summing to 1; the verdict's share of
    # it; and how sure that is. None where not analysed (without extras).
    distribution: dict[str, float] | None = None
    confidence: float | None = None
    certainty: Certainty | None = None
    kb: KnowledgeBase | None = field(default=None, compare=False, repr=False, metadata={"json": None})

    def to_dict(self, with_case: bool = True) -> dict[str, Any]:
        data = to_dict(self)
        if not with_case:
            del data["case"]
        return data


# ------------------------------------------------------------ plain data


def _key(f: dataclasses.Field[Any]) -> str | None:
    return f.metadata.get("json", f.name) if "json" in f.metadata else f.name


def _encode(value: Any) -> Any:
    if isinstance(value, Case):
        return {**value.to_dict(), "path": value.path}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"schema": SCHEMA_VERSION} if isinstance(value, Result) else {}
        for f in dataclasses.fields(value):
            key = _key(f)
            if key is not None:
                out[key] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def to_dict(result: Result) -> dict[str, Any]:
    """The result as plain data (json-ready), case first."""
    data = _encode(result)
    return {"case": data.pop("case"), **data}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, globalns=globals())


def _decode(tp: Any, value: Any, kb: KnowledgeBase | None) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _decode(args[0], value, kb)
    if tp is Case:
        fields = {k: v for k, v in value.items() if k != "path"}
        if kb is None:
            return Case(
                **{k: v for k, v in fields.items() if k != "answers"},
                path=value.get("path"),
                answers={f: lv for f, lv in fields["answers"].items() if lv != "unknown"},
            )
        case = case_from_data(fields, kb)
        case.path = value.get("path")
        return case
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(tp):
            key = _key(f)
            if key is not None and key in value:
                kwargs[f.name] = _decode(hints[f.name], value[key], kb)
        if tp is Result:
            kwargs["kb"] = kb
        return tp(**kwargs)
    if origin is tuple:
        members = typing.get_args(tp)
        if len(members) == 2 and members[1] is Ellipsis:
            return tuple(_decode(members[0], v, kb) for v in value)
        return tuple(_decode(a, v, kb) for a, v in zip(members, value))
    if origin is dict:
        _, inner = typing.get_args(tp)
        return {k: _decode(inner, v, kb) for k, v in value.items()}
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def from_dict(data: dict[str, Any], kb: KnowledgeBase | None = None) -> Result:
    """A Result from :func:`to_dict`'s data; with ``kb`` the case is validated against it."""
    result: Result = _decode(Result, data, kb)
    return result


# ---------------------------------------------------------------- schema


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return {"anyOf": [_schema_of(args[0], defs), {"type": "null"}]}
    if tp is Case:
        return {"$ref": "#/$defs/Case"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            hints = _hints(tp)
            props: dict[str, Any] = {}
            required: list[str] = []
            for f in dataclasses.fields(tp):
                key = _key(f)
                if key is None:
                    continue
                props[key] = _schema_of(hints[f.name], defs)
                if f.default is dataclasses.MISSING or tp is Result:
                    required.append(key)
            if tp is Result:
                props["schema"] = {"const": SCHEMA_VERSION}
                props["app_version"] = {
                    "type": "string",
                    "description": "the program that wrote the file (json written by main.py)",
                }
                required = ["schema", *[k for k in required if k not in ("whatif", "worlds", "analogues")]]
            defs[name] = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
            if tp.__doc__:
                defs[name]["description"] = " ".join(tp.__doc__.split())
        return {"$ref": f"#/$defs/{name}"}
    if origin is tuple:
        members = typing.get_args(tp)
        if len(members) == 2 and members[1] is Ellipsis:
            return {"type": "array", "items": _schema_of(members[0], defs)}
        return {
            "type": "array",
            "prefixItems": [_schema_of(a, defs) for a in members],
            "minItems": len(members),
            "maxItems": len(members),
        }
    if origin is dict:
        _, inner = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema_of(inner, defs)}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if tp in simple:
        return {"type": simple[tp]}
    raise TypeError(f"no schema for {tp!r}")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of :func:`to_dict`'s output."""
    defs: dict[str, Any] = {}
    root = _schema_of(Result, defs)
    defs["Case"] = {
        "type": "object",
        "description": "The case, in the case file format, every factor listed.",
        "properties": {
            "title": {"type": "string"},
            "year": {"type": ["integer", "null"]},
            "state": {"type": "string"},
            "threat": {"type": "string"},
            "answers": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "object", "additionalProperties": {"type": "number"}},
                    ]
                },
            },
            "observed": {"type": "string"},
            "sources": {"type": "array", "items": {"type": "string"}},
            "notes": {"type": "string"},
            "path": {"type": ["string", "null"], "description": "the file it was read from"},
        },
        "required": ["title", "year", "state", "threat", "answers", "sources", "notes", "path"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Alliance Advisor result",
        **root,
        "$defs": defs,
    }
