"""A scenario: the system of states, read and validated from its file.

:func:`load_scenario` reads and validates a scenario file (docs/formats.md) with the
care case files get (safe YAML, the same limits, one line naming the file, the line
and the offending id).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_advisor.rules.case import CASE_KEYS, MAX_SOURCES, MAX_TEXT, MAX_TITLE
from alliance_advisor.rules.errors import AdvisorError, KnowledgeError
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.scenario._derivation import Derivation, parse_derivation
from alliance_advisor.rules.yamlio import Node, parse_yaml_text, read_yaml_file

SCENARIO_KEYS = (
    "title",
    "year",
    "states",
    "neighbours",
    "regions",
    "perceptions",
    "war",
    "war_leader",
    "defeated",
    "alignments",
    "observed",
    "overrides",
    "sources",
    "notes",
    "contested",
    "anchor",
)
STATE_KEYS = ("id", "name", "capability", "offensive_capability", "cow_code")
MAX_STATES = 300  # the state system has held about 200; room to spare
WAR_LEVELS = ("peace", "early_war", "late_war")


class ScenarioError(AdvisorError):
    """A scenario file is invalid."""


# ------------------------------------------------------------- the scenario
@dataclass(frozen=True, kw_only=True)
class State:
    id: str
    name: str
    capability: float
    offensive_capability: str
    cow_code: int | None = None


@dataclass(frozen=True, kw_only=True)
class Scenario:
    title: str
    year: int | None
    states: tuple[State, ...]
    neighbours: frozenset[frozenset[str]]
    regions: dict[str, tuple[str, ...]]
    perceptions: dict[str, dict[str, str]]  # state -> power -> intentions
    war: str
    war_leader: str | None
    defeated: tuple[str, ...]  # powers just beaten in a war that has ended
    alignments: tuple[tuple[str, ...], ...]
    observed: tuple[tuple[str, ...], ...] | None
    overrides: dict[str, dict[str, dict[str, str]]]  # state -> power -> factor -> level
    sources: tuple[str, ...]
    notes: str
    contested: tuple[str, ...]
    anchor: dict[str, Any] | None
    path: str | None = None

    def state(self, state_id: str) -> State:
        return next(s for s in self.states if s.id == state_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.states)


def _text(data: Node, key: str, where: str, limit: int = MAX_TEXT) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ScenarioError(f"'{key}' must be text", where, data.line_of(key))
    text = str(value).strip() if key != "notes" else str(value).rstrip()
    if len(text) > limit:
        raise ScenarioError(f"'{key}' is longer than {limit} characters", where, data.line_of(key))
    return text


def _text_list(data: Node, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
        raise ScenarioError(f"'{key}' must be a list of text", where, data.line_of(key))
    if len(value) > MAX_SOURCES:
        raise ScenarioError(f"more than {MAX_SOURCES} entries in '{key}'", where, data.line_of(key))
    out = tuple(str(v).strip() for v in value)
    if any(len(v) > MAX_TEXT for v in out):
        raise ScenarioError(f"an entry of '{key}' is longer than {MAX_TEXT} characters", where, data.line_of(key))
    return out


def scenario_from_data(data: object, kb: KnowledgeBase, path: str | None = None) -> Scenario:
    """Validate plain data as a scenario; raise ScenarioError naming the line and the id."""
    where = path or "<scenario>"
    if data is None:
        raise ScenarioError("scenario is empty", where)
    if not isinstance(data, Node):
        raise ScenarioError("a scenario must be a mapping of keys (title, states, ...)", where, 1)
    for key in data:
        if key not in SCENARIO_KEYS:
            raise ScenarioError(
                f"unknown key '{key}' (expected one of {', '.join(SCENARIO_KEYS)})", where, data.line_of(key)
            )
    title = _text(data, "title", where, MAX_TITLE)
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not -5000 <= year <= 3000):
        raise ScenarioError("'year' must be a whole number", where, data.line_of("year"))

    raw_states = data.get("states")
    if not isinstance(raw_states, list) or len(raw_states) < 2:
        raise ScenarioError("'states' must list two or more states", where, data.line_of("states"))
    if len(raw_states) > MAX_STATES:
        raise ScenarioError(f"more than {MAX_STATES} states", where, data.line_of("states"))
    offensive_levels = tuple(kb.factor("offensive_capability").level_ids)
    states: list[State] = []
    for item in raw_states:
        line = getattr(item, "line", data.line_of("states"))
        if not isinstance(item, Node):
            raise ScenarioError(
                "each state must be a mapping with id, name, capability, offensive_capability", where, line
            )
        for key in item:
            if key not in STATE_KEYS:
                raise ScenarioError(
                    f"state: unknown key '{key}' (expected one of {', '.join(STATE_KEYS)})", where, item.line_of(key)
                )
        sid = item.get("id")
        if (
            not isinstance(sid, str)
            or not sid
            or not all(c.islower() or c.isdigit() or c == "_" for c in sid)
            or len(sid) > 60
        ):
            raise ScenarioError(
                f"state id {sid!r}: an id is lowercase letters, digits and '_'", where, item.line_of("id")
            )
        if any(s.id == sid for s in states):
            raise ScenarioError(f"state '{sid}' is declared twice", where, item.line_of("id"))
        name = item.get("name", sid)
        if not isinstance(name, str) or len(name) > MAX_TITLE:
            raise ScenarioError(
                f"state '{sid}': 'name' must be text of at most {MAX_TITLE} characters", where, item.line_of("name")
            )
        capability = item.get("capability")
        if isinstance(capability, bool) or not isinstance(capability, (int, float)) or not 0 < capability <= 1:
            raise ScenarioError(
                f"state '{sid}': capability {capability!r} is outside 0-1 (a share of the "
                "system's capabilities, above 0)",
                where,
                item.line_of("capability"),
            )
        offensive = item.get("offensive_capability")
        if offensive not in offensive_levels:
            raise ScenarioError(
                f"state '{sid}': offensive_capability {offensive!r} is not one of {', '.join(offensive_levels)}",
                where,
                item.line_of("offensive_capability"),
            )
        code = item.get("cow_code")
        if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
            raise ScenarioError(f"state '{sid}': 'cow_code' must be a whole number", where, item.line_of("cow_code"))
        states.append(
            State(
                id=sid,
                name=name.strip() or sid,
                capability=float(capability),
                offensive_capability=str(offensive),
                cow_code=code,
            )
        )
    ids = {s.id for s in states}

    def check_id(value: Any, key: str, line: int | None) -> str:
        if not isinstance(value, str) or value not in ids:
            raise ScenarioError(
                f"'{key}': '{value}' is not a state of this scenario (declared: {', '.join(sorted(ids))})", where, line
            )
        return value

    def id_lists(key: str, min_len: int) -> tuple[tuple[str, ...], ...]:
        value = data.get(key)
        if value is None:
            return ()
        line = data.line_of(key)
        if not isinstance(value, list) or any(not isinstance(v, list) for v in value):
            raise ScenarioError(f"'{key}' must be a list of lists of state ids", where, line)
        out = []
        for group in value:
            if len(group) < min_len:
                raise ScenarioError(f"'{key}': {group} needs at least {min_len} ids", where, line)
            members = tuple(check_id(v, key, line) for v in group)
            if len(set(members)) != len(members):
                raise ScenarioError(f"'{key}': {list(members)} names a state twice", where, line)
            out.append(members)
        return tuple(out)

    pairs = id_lists("neighbours", 2)
    if any(len(p) != 2 for p in pairs):
        raise ScenarioError("'neighbours': each entry is a pair [a, b]", where, data.line_of("neighbours"))
    neighbours = frozenset(frozenset(p) for p in pairs)

    regions: dict[str, tuple[str, ...]] = {}
    raw_regions = data.get("regions") or {}
    if not isinstance(raw_regions, dict):
        raise ScenarioError("'regions' must map a region's name to a list of state ids", where, data.line_of("regions"))
    for name, members in raw_regions.items():
        line = raw_regions.line_of(name) if isinstance(raw_regions, Node) else data.line_of("regions")
        if not isinstance(members, list):
            raise ScenarioError(f"region '{name}': must be a list of state ids", where, line)
        regions[str(name)] = tuple(check_id(m, f"regions.{name}", line) for m in members)

    def state_pairs(key: str, shape: str, self_message: str) -> Iterable[tuple[str, str, Any, int | None]]:
        """(state, power, value, line) of a ``key: {state: {power: value}}`` mapping,
        each id declared and no state paired with itself."""
        raw = data.get(key) or {}
        if not isinstance(raw, dict):
            raise ScenarioError(f"'{key}' must map {shape}", where, data.line_of(key))
        for sid, inner in raw.items():
            line = raw.line_of(sid) if isinstance(raw, Node) else data.line_of(key)
            check_id(sid, key, line)
            if not isinstance(inner, dict):
                raise ScenarioError(f"{key} of '{sid}': must map a power to a value", where, line)
            for power, value in inner.items():
                pline = inner.line_of(power) if isinstance(inner, Node) else line
                check_id(power, f"{key}.{sid}", pline)
                if power == sid:
                    raise ScenarioError(self_message.format(sid), where, pline)
                yield sid, power, value, pline

    intentions = tuple(kb.factor("intentions").level_ids)
    perceptions: dict[str, dict[str, str]] = {}
    for sid, power, level, pline in state_pairs(
        "perceptions",
        "a state to {power: intentions}",
        "'{}' perceives itself: a state's perceptions are of the others",
    ):
        if level not in intentions:
            raise ScenarioError(
                f"perceptions.{sid}.{power}: {level!r} is not one of {', '.join(intentions)}", where, pline
            )
        perceptions.setdefault(sid, {})[power] = level

    war = data.get("war", "peace")
    if war not in WAR_LEVELS:
        raise ScenarioError(f"'war': {war!r} is not one of {', '.join(WAR_LEVELS)}", where, data.line_of("war"))
    leader = data.get("war_leader")
    if leader is not None:
        check_id(leader, "war_leader", data.line_of("war_leader"))
        if war == "peace":
            raise ScenarioError(
                "'war_leader' names the state nearer victory in a war, but 'war' is peace",
                where,
                data.line_of("war_leader"),
            )

    raw_defeated = data.get("defeated") or []
    if not isinstance(raw_defeated, list):
        raise ScenarioError("'defeated' must be a list of state ids", where, data.line_of("defeated"))
    defeated = tuple(check_id(v, "defeated", data.line_of("defeated")) for v in raw_defeated)
    if defeated and war != "peace":
        raise ScenarioError(
            "'defeated' names powers beaten in a war that has ended, but 'war' is not peace",
            where,
            data.line_of("defeated"),
        )
    alignments = id_lists("alignments", 2)
    observed = id_lists("observed", 1) if "observed" in data else None
    if observed is not None:
        seen_ids: set[str] = set()
        for bloc in observed:
            twice = seen_ids & set(bloc)
            if twice:
                raise ScenarioError(
                    f"'observed': '{sorted(twice)[0]}' is in two blocs", where, data.line_of("observed")
                )
            seen_ids |= set(bloc)

    overrides: dict[str, dict[str, dict[str, str]]] = {}
    for sid, power, answers, pline in state_pairs(
        "overrides", "state -> power -> {factor: level}", "overrides: '{}' cannot face itself"
    ):
        if not isinstance(answers, dict):
            raise ScenarioError(f"overrides.{sid}.{power}: must map a factor to a level", where, pline)
        for factor, level in answers.items():
            if factor not in kb.factor_ids:
                raise ScenarioError(f"overrides.{sid}.{power}: unknown factor '{factor}'", where, pline)
            level = "yes" if level is True else "no" if level is False else level
            if level not in kb.factor(factor).level_ids:
                raise ScenarioError(
                    f"overrides.{sid}.{power}.{factor}: {level!r} is not one of "
                    f"{', '.join(kb.factor(factor).level_ids)}",
                    where,
                    pline,
                )
            overrides.setdefault(sid, {}).setdefault(power, {})[factor] = level

    anchor = data.get("anchor")
    if anchor is not None and not isinstance(anchor, dict):
        raise ScenarioError("'anchor' must be a mapping", where, data.line_of("anchor"))
    return Scenario(
        title=title,
        year=year,
        states=tuple(states),
        neighbours=neighbours,
        regions=regions,
        perceptions=perceptions,
        war=war,
        war_leader=leader,
        defeated=defeated,
        alignments=alignments,
        observed=observed,
        overrides=overrides,
        sources=_text_list(data, "sources", where),
        notes=_text(data, "notes", where),
        contested=_text_list(data, "contested", where),
        anchor=dict(anchor) if anchor else None,
        path=path,
    )


def load_scenario(path: str | os.PathLike[str], kb: KnowledgeBase) -> Scenario:
    return scenario_from_data(read_yaml_file(path, ScenarioError), kb, os.fspath(path))


def parse_scenario_text(text: str, kb: KnowledgeBase, path: str = "<text>") -> Scenario:
    return scenario_from_data(parse_yaml_text(text, path, ScenarioError), kb, path)


def is_scenario_data(data: object) -> bool:
    """Whether parsed YAML looks like a scenario (a list of states) rather than a case."""
    return isinstance(data, dict) and isinstance(data.get("states"), list)


# The keys only one kind of file has (the rest, title, year, observed, sources and
# notes, both have): enough to tell a case handed to the scenario loader, or the reverse.
_CASE_ONLY = frozenset(CASE_KEYS) - frozenset(SCENARIO_KEYS)
_SCENARIO_ONLY = frozenset(SCENARIO_KEYS) - frozenset(CASE_KEYS)


def file_kind(data: object) -> str | None:
    """'case' or 'scenario' when parsed YAML has keys that only that kind of file has
    and none that only the other has; None otherwise (not a mapping, or mixed)."""
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if keys & _SCENARIO_ONLY and not keys & _CASE_ONLY:
        return "scenario"
    if keys & _CASE_ONLY and not keys & _SCENARIO_ONLY:
        return "case"
    return None


def load_derivation(kb: KnowledgeBase) -> Derivation:
    """The knowledge base's scenario mapping (its folder's derivation.yaml), read and
    checked against the questionnaire's levels on first use and kept with the knowledge
    base, so every later call returns the same object."""
    cached = kb.parsed.get("derivation")
    if isinstance(cached, Derivation):
        return cached
    path = Path(kb.directory) / "derivation.yaml"
    if not path.exists():
        raise KnowledgeError("the knowledge base has no derivation.yaml", path)
    derivation = parse_derivation(path, {f.id: f.level_ids for f in kb.factors})
    kb.parsed["derivation"] = derivation
    return derivation
