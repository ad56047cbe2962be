"""Scenarios: several powers, each state's greatest threat, its choice, and the coalitions.

A scenario file (docs/formats.md) holds a system of states with their capabilities,
neighbours, regions and perceptions of one another. :func:`load_scenario` reads and
validates it with the care case files get (safe YAML, the same limits, one line naming
the file, the line and the offending id). :class:`ScenarioEngine` derives, for every
ordered pair (deciding state, other power), the answers of the case questionnaire by
the mapping in ``knowledge/derivation.yaml``; ranks each state's threats on the rule
program's own threat score; runs Walt's world against the greatest one; and iterates
the choices to coalitions (alignments feed back into allies and current alignment)
until a round changes nothing or repeats an earlier one. The verdict of each state is
the single-case engine's, with its whole explanation (rules/advisor.py).

Plain data only: the wording is presentation/'s, the rendering the views'.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .advisor import Advisor
from .baselines import Baselines, LandscapeMapping, baselines_to_dict, compute_baselines
from .blocs import match_blocs, sort_blocs
from .cases import CASE_KEYS, MAX_SOURCES, MAX_TEXT, MAX_TITLE, Case
from .errors import AdvisorError, KnowledgeError
from .kb.model import KnowledgeBase
from .result import Result
from .yamlio import Node, parse_yaml_text, read_yaml_file

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
MAX_STATES = 200
WAR_LEVELS = ("peace", "early_war", "late_war")


class ScenarioError(AdvisorError):
    """A scenario file is invalid."""


# ------------------------------------------------------------------ the mapping
@dataclass(frozen=True)
class Band:
    level: str
    at_least: float


@dataclass(frozen=True)
class Derivation:
    """knowledge/derivation.yaml: how a scenario's data become questionnaire answers."""

    state_strength: tuple[Band, ...]
    threat_power: tuple[Band, ...]
    common_neighbour_is_regional: bool
    default_intentions: str
    threatened_at: str
    able_share: float
    allies: tuple[Band, ...]
    default_communication: str
    pivotal_share_of_gap: float
    max_rounds: int
    cow: dict[str, Any]
    landscape: LandscapeMapping  # the rival theory's propensities (rules/baselines.py)
    lines: dict[str, int]  # key -> its line in the file, for the explanation
    path: str
    version: str


def _bands(data: Any, key: str, levels: Sequence[str], path: str, line: int | None) -> tuple[Band, ...]:
    if not isinstance(data, list) or not data:
        raise KnowledgeError(f"'{key}' must be a list of {{level, at_least}} bands", path, line)
    out = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"level", "at_least"}:
            raise KnowledgeError(f"'{key}': each band needs exactly 'level' and 'at_least'", path, line)
        if item["level"] not in levels:
            raise KnowledgeError(
                f"'{key}': unknown level '{item['level']}' (expected one of {', '.join(levels)})",
                path,
                getattr(item, "line", line),
            )
        value = item["at_least"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise KnowledgeError(f"'{key}': 'at_least' must be a number of 0 or more", path, line)
        out.append(Band(item["level"], float(value)))
    if [b.at_least for b in out] != sorted((b.at_least for b in out), reverse=True) or out[-1].at_least != 0:
        raise KnowledgeError(f"'{key}': bands must run from the highest down to one at 0", path, line)
    return tuple(out)


def _landscape(data: Any, intentions: Sequence[str], path: str, line: int | None) -> LandscapeMapping:
    """derivation.yaml ``landscape``: a propensity for every level of intentions, the
    alliance bonus, and how the least-frustration split is searched."""
    keys = ("source", "intentions", "alliance", "exact_up_to", "restarts", "seed")
    if not isinstance(data, dict) or set(data) != set(keys):
        raise KnowledgeError(f"'landscape' needs exactly {', '.join(keys)}", path, line)
    seen = data["intentions"]
    if not isinstance(seen, dict) or set(seen) != set(intentions):
        raise KnowledgeError(
            f"'landscape.intentions' must give a propensity for each of {', '.join(intentions)}", path, line
        )

    def real(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -10 <= value <= 10:
            raise KnowledgeError(f"'landscape.{key}' must be a number from -10 to 10", path, line)
        return float(value)

    def whole(key: str, low: int, high: int) -> int:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise KnowledgeError(f"'landscape.{key}' must be a whole number from {low} to {high}", path, line)
        return value

    source = data["source"]
    if not isinstance(source, str) or not source.strip():
        raise KnowledgeError("'landscape.source' must be the citation, a string", path, line)
    return LandscapeMapping(
        intentions={lv: real(seen[lv], f"intentions.{lv}") for lv in intentions},
        alliance=real(data["alliance"], "alliance"),
        exact_up_to=whole("exact_up_to", 1, 24),
        restarts=whole("restarts", 1, 100000),
        seed=whole("seed", 0, 2**32 - 1),
        source=source.strip(),
    )


def load_derivation(kb: KnowledgeBase) -> Derivation:
    """Read and check knowledge/derivation.yaml against the questionnaire."""
    path = Path(kb.directory) / "derivation.yaml"
    data = read_yaml_file(path, KnowledgeError)
    where = str(path)
    if not isinstance(data, Node):
        raise KnowledgeError("top level must be a mapping", where, 1)
    known = (
        "state_strength",
        "threat_power",
        "proximity",
        "default_intentions",
        "allies",
        "default_communication",
        "pivotal",
        "max_rounds",
        "cow",
        "landscape",
        "history",  # main.py history (rules/history/ reads and checks it)
    )
    for key in data:
        if key not in known:
            raise KnowledgeError(f"unknown key '{key}' (expected one of {', '.join(known)})", where, data.line_of(key))
    missing = [k for k in known if k not in data]
    if missing:
        raise KnowledgeError(f"missing {', '.join(repr(k) for k in missing)}", where, 1)

    def levels(factor: str) -> tuple[str, ...]:
        return tuple(kb.factor(factor).level_ids)

    def number(value: Any, key: str, low: float = 0.0) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            raise KnowledgeError(f"'{key}' must be a number of at least {low}", where, data.line_of(key.split(".")[0]))
        return float(value)

    allies = data["allies"]
    if not isinstance(allies, dict) or set(allies) != {"threatened_at", "able_share", "bands"}:
        raise KnowledgeError("'allies' needs 'threatened_at', 'able_share' and 'bands'", where, data.line_of("allies"))
    threat_levels = tuple(kb.derived_fact(kb.theory.threat_fact).levels)
    if allies["threatened_at"] not in threat_levels:
        raise KnowledgeError(
            f"'allies.threatened_at' must be one of {', '.join(threat_levels)}", where, data.line_of("allies")
        )
    for key, factor in (("default_intentions", "intentions"), ("default_communication", "communication")):
        if data[key] not in levels(factor):
            raise KnowledgeError(f"'{key}' must be one of {', '.join(levels(factor))}", where, data.line_of(key))
    proximity = data["proximity"]
    if not isinstance(proximity, dict) or not isinstance(proximity.get("common_neighbour_is_regional"), bool):
        raise KnowledgeError(
            "'proximity' needs 'common_neighbour_is_regional: true|false'", where, data.line_of("proximity")
        )
    pivotal = data["pivotal"]
    if not isinstance(pivotal, dict) or "share_of_gap" not in pivotal:
        raise KnowledgeError("'pivotal' needs 'share_of_gap'", where, data.line_of("pivotal"))
    rounds = data["max_rounds"]
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 1000:
        raise KnowledgeError("'max_rounds' must be a whole number from 1 to 1000", where, data.line_of("max_rounds"))
    cow = data["cow"]
    if not isinstance(cow, dict):
        raise KnowledgeError("'cow' must be a mapping", where, data.line_of("cow"))
    _bands(
        cow.get("offensive_capability"),
        "cow.offensive_capability",
        levels("offensive_capability"),
        where,
        data.line_of("cow"),
    )
    landscape = _landscape(data["landscape"], levels("intentions"), where, data.line_of("landscape"))
    return Derivation(
        state_strength=_bands(
            data["state_strength"], "state_strength", levels("state_strength"), where, data.line_of("state_strength")
        ),
        threat_power=_bands(
            data["threat_power"], "threat_power", levels("threat_power"), where, data.line_of("threat_power")
        ),
        common_neighbour_is_regional=proximity["common_neighbour_is_regional"],
        default_intentions=data["default_intentions"],
        threatened_at=allies["threatened_at"],
        able_share=number(allies["able_share"], "allies.able_share"),
        allies=_bands(allies["bands"], "allies.bands", levels("ally_availability"), where, data.line_of("allies")),
        default_communication=data["default_communication"],
        pivotal_share_of_gap=number(pivotal["share_of_gap"], "pivotal.share_of_gap"),
        max_rounds=rounds,
        cow=dict(cow),
        landscape=landscape,
        lines={k: data.line_of(k) or 1 for k in data},
        path=where,
        version=hashlib.sha256(path.read_bytes()).hexdigest()[:12],
    )


def band_of(bands: Sequence[Band], value: float) -> Band:
    """The first (highest) band the value reaches."""
    return next(b for b in bands if value >= b.at_least)


# ------------------------------------------------------------- the scenario
@dataclass(frozen=True)
class State:
    id: str
    name: str
    capability: float
    offensive_capability: str
    cow_code: int | None = None


@dataclass(frozen=True)
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
        states.append(State(sid, name.strip() or sid, float(capability), str(offensive), code))
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


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class DerivedAnswer:
    """One answer of a pair's questionnaire, and where it came from."""

    factor: str
    level: str
    source: str  # "data", "default" or "override"
    rule: str  # the key of knowledge/derivation.yaml that gave it
    figures: dict[str, Any]  # the figures it was computed from


@dataclass(frozen=True)
class PairThreat:
    """The threat one power poses to a deciding state, on the rule program's score."""

    power: str
    threat_level: str | None
    score: int
    maximum: int
    answers: dict[str, str]  # the threat's four sources, as derived
    parts: tuple[tuple[str, int], ...] = ()  # the points each source adds to the score (means weighed, intent)


@dataclass(frozen=True)
class StateChoice:
    """A state's choice against its greatest threat."""

    state: str
    threats: tuple[PairThreat, ...]  # every other power, greatest threat first
    greatest_threat: str
    strongest: str  # the strongest other power (by capability)
    verdict: str | None
    side: str  # "against" (balances or rides under it), "with" or "apart"
    partners: tuple[str, ...]  # balancing: the states it would ally with; bandwagoning: the threat
    derivation: tuple[DerivedAnswer, ...]  # the answers of (state, greatest threat), each with its source
    result: Result | None  # the full single-case explanation (None in a quick run)

    @property
    def answers(self) -> dict[str, str]:
        return {d.factor: d.level for d in self.derivation}


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    world: str
    states: dict[str, StateChoice]
    coalitions: tuple[tuple[str, ...], ...]  # blocs of two or more, largest first
    unaligned: tuple[str, ...]
    rounds: int
    stable: bool
    cycle: int | None  # the length of the cycle when the rounds repeat
    history: tuple[tuple[tuple[str, ...], ...], ...]  # the coalitions after each round
    misassigned: tuple[str, ...] | None  # with `observed`: states on the wrong side
    agreement: dict[str, bool] | None  # state -> placed as observed
    matching: dict[int, int | None] | None  # predicted bloc index -> observed bloc index
    knowledge_version: str
    derivation_version: str
    baselines: Baselines  # the rival theories on the same scenario (rules/baselines.py)
    notes: tuple[str, ...] = field(default=())  # facts about the run (e.g. refused merges)


# ------------------------------------------------------------------ the engine


class ScenarioEngine:
    """Derive, rank, decide and iterate a scenario with the single-case engine."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.kb = advisor.kb
        self.derivation = load_derivation(self.kb)
        self.score = next(
            r.score
            for r in advisor.program.rules
            if r.score is not None and r.score.target == self.kb.theory.threat_fact
        )
        levels = tuple(self.kb.derived_fact(self.kb.theory.threat_fact).levels)
        self._threat_rank = {lv: i for i, lv in enumerate(levels)}

    # ------------------------------------------------------------ pair answers
    def _proximity(self, sc: Scenario, a: str, b: str) -> tuple[str, dict[str, Any]]:
        if frozenset((a, b)) in sc.neighbours:
            return "neighbour", {"neighbours": [a, b]}
        for name, members in sc.regions.items():
            if a in members and b in members:
                return "regional", {"region": name}
        if self.derivation.common_neighbour_is_regional:
            common = sorted(
                c for c in sc.ids if frozenset((a, c)) in sc.neighbours and frozenset((b, c)) in sc.neighbours
            )
            if common:
                return "regional", {"common_neighbours": common}
        return "distant", {}

    def _base(self, sc: Scenario, a: str, b: str) -> list[DerivedAnswer]:
        """The answers of (a facing b) that do not depend on the alignments."""
        d = self.derivation
        sa, sb = sc.state(a), sc.state(b)
        strength = band_of(d.state_strength, sa.capability)
        ratio = sb.capability / sa.capability
        power = band_of(d.threat_power, ratio)
        proximity, near = self._proximity(sc, a, b)
        seen = sc.perceptions.get(a, {}).get(b)
        out = [
            DerivedAnswer(
                "state_strength",
                strength.level,
                "data",
                "state_strength",
                {"capability": sa.capability, "at_least": strength.at_least},
            ),
            DerivedAnswer(
                "threat_power",
                power.level,
                "data",
                "threat_power",
                {
                    "capability": sb.capability,
                    "own": sa.capability,
                    "ratio": round(ratio, 3),
                    "at_least": power.at_least,
                },
            ),
            DerivedAnswer("proximity", proximity, "data", "proximity", near),
            DerivedAnswer(
                "offensive_capability",
                sb.offensive_capability,
                "data",
                "offensive_capability",
                {"declared": sb.offensive_capability},
            ),
            DerivedAnswer(
                "intentions",
                seen or d.default_intentions,
                "data" if seen else "default",
                "perceptions" if seen else "default_intentions",
                {},
            ),
            DerivedAnswer("communication", d.default_communication, "default", "default_communication", {}),
            DerivedAnswer("war_status", "threat_defeated", "data", "defeated", {"defeated": b})
            if b in sc.defeated
            else DerivedAnswer("war_status", sc.war, "data", "war", {}),
        ]
        return out

    def _threat(self, answers: Mapping[str, str]) -> PairThreat:
        """The threat of one pair on the program's score, with each source's points."""
        o = self.score.outcome(answers)
        times, plus = o.weight or (1, 0)
        parts = tuple((f, p * times) for f, p in o.points)
        if o.weight is not None:  # the weighing factor (intentions) is the table's last
            parts += ((self.score.factors[-1], plus),)
        sources = {f: answers[f] for f in self.score.factors if f in answers}
        return PairThreat("", o.level, o.total, o.maximum, sources, parts)

    # ------------------------------------------------------------ a round
    def _situational(
        self,
        sc: Scenario,
        a: str,
        b: str,
        partners_of: Mapping[str, frozenset[str]],
        threat_to: Mapping[tuple[str, str], str | None],
        in_force: Mapping[str, frozenset[str]],
    ) -> tuple[list[DerivedAnswer], tuple[str, ...]]:
        """Allies, pivotal, the war's leader and the current alignment of (a facing b),
        given who is aligned with whom after the previous round (or in the alignments
        in force: each alliance ties its own members, not their other allies)."""
        d = self.derivation
        threatened = self._threat_rank[d.threatened_at]
        if b in sc.defeated:
            # Against a beaten power the question is the wartime alliance in force (B6):
            # whether it holds or comes apart, not the blocs the rounds have made since.
            partners_of = in_force
        b_side = {b} | (partners_of[b] - {a})
        candidates = []
        for x in sc.ids:
            if x in (a, b) or x in b_side:
                continue
            level = threat_to[(x, b)]
            able = sc.state(x).capability >= d.able_share
            if able and (x in partners_of[a] or (level is not None and self._threat_rank[level] >= threatened)):
                candidates.append(x)
        power_cap = sum(sc.state(s).capability for s in b_side)
        help_cap = sum(sc.state(x).capability for x in candidates)
        ratio = help_cap / power_cap
        allies = band_of(d.allies, ratio)
        gap = abs(power_cap - help_cap)
        pivotal = "yes" if sc.state(a).capability >= d.pivotal_share_of_gap * gap else "no"
        if b in partners_of[a]:
            alignment = "with_threat"
        elif any(x in partners_of[a] for x in candidates):
            alignment = "against_threat"
        else:
            alignment = "unaligned"
        if sc.war == "peace" or sc.war_leader is None:
            winning, lead = "unclear", {}
        elif sc.war_leader in b_side:
            winning, lead = "threat", {"war_leader": sc.war_leader}
        elif sc.war_leader == a or sc.war_leader in candidates or sc.war_leader in partners_of[a]:
            winning, lead = "threat_opponents", {"war_leader": sc.war_leader}
        else:
            winning, lead = "unclear", {"war_leader": sc.war_leader}
        out = [
            DerivedAnswer(
                "ally_availability",
                allies.level,
                "data",
                "allies",
                {
                    "candidates": candidates,
                    "their_capability": round(help_cap, 4),
                    "power_bloc": sorted(b_side),
                    "power_capability": round(power_cap, 4),
                    "ratio": round(ratio, 3),
                    "at_least": allies.at_least,
                },
            ),
            DerivedAnswer(
                "pivotal",
                pivotal,
                "data",
                "pivotal",
                {"own": sc.state(a).capability, "gap": round(gap, 4), "share_of_gap": d.pivotal_share_of_gap},
            ),
            DerivedAnswer("winning_side", winning, "data" if lead else "default", "war_leader", lead),
            DerivedAnswer(
                "current_alignment", alignment, "data", "alignments", {"aligned_with": sorted(partners_of[a])}
            ),
        ]
        return out, tuple(candidates)

    @staticmethod
    def _overridden(sc: Scenario, a: str, b: str, answers: list[DerivedAnswer]) -> list[DerivedAnswer]:
        over = sc.overrides.get(a, {}).get(b, {})
        return [
            DerivedAnswer(x.factor, over[x.factor], "override", "overrides", {"derived": x.level})
            if x.factor in over
            else x
            for x in answers
        ]

    def run(
        self, sc: Scenario, world: str | None = None, explain: bool = True, explanations: bool = True
    ) -> ScenarioResult:
        """The scenario's choices and coalitions. Without ``explanations`` (a quick run,
        for live editing) the verdicts are the vectorised evaluator's and no state
        carries its single-case Result; the verdicts are the same (every analysis with
        explanations cross-checks the two engines)."""
        world = world or self.kb.theory.default_world
        ids = sc.ids
        base = {(a, b): self._overridden(sc, a, b, self._base(sc, a, b)) for a in ids for b in ids if a != b}
        threat_to: dict[tuple[str, str], str | None] = {}
        ranked: dict[str, tuple[PairThreat, ...]] = {}
        for a in ids:
            threats = []
            for b in ids:
                if a == b:
                    continue
                answers = {x.factor: x.level for x in base[(a, b)]}
                threat = dataclasses.replace(self._threat(answers), power=b)
                threat_to[(a, b)] = threat.threat_level
                threats.append(threat)
            threats.sort(key=lambda t: (-t.score, -sc.state(t.power).capability, t.power))
            ranked[a] = tuple(threats)
        greatest = {a: ranked[a][0].power for a in ids}

        in_force = _ties(sc.alignments, ids)
        partners_of = in_force
        history: list[tuple[tuple[str, ...], ...]] = []
        seen: dict[tuple[tuple[str, ...], ...], int] = {}
        cycle = None
        refused: set[str] = set()
        stable = False
        vector = self.advisor.analyst.vector
        answers_of: dict[str, list[DerivedAnswer]] = {}
        candidates_of: dict[str, tuple[str, ...]] = {}
        verdicts: dict[str, str | None] = {}
        for _round in range(self.derivation.max_rounds):
            for a in ids:
                b = greatest[a]
                situational, candidates = self._situational(sc, a, b, partners_of, threat_to, in_force)
                answers_of[a] = base[(a, b)] + self._overridden(sc, a, b, situational)
                candidates_of[a] = candidates
            codes = vector.verdicts([{x.factor: x.level for x in answers_of[a]} for a in ids], world)
            verdicts = dict(zip(ids, codes))
            blocs, refused_now = _coalitions(ids, greatest, verdicts, candidates_of, sc, self.advisor.kb)
            refused = set(refused_now)
            key = tuple(blocs)
            history.append(key)
            if key in seen:
                stable = seen[key] == len(history) - 2
                cycle = None if stable else len(history) - 1 - seen[key]
                break
            seen[key] = len(history) - 1
            partners_of = _ties(blocs, ids)
        final = history[-1]
        states = {}
        for a in ids:
            b = greatest[a]
            answers = {x.factor: x.level for x in answers_of[a]}
            case = Case(
                title=f"{sc.state(a).name} facing {sc.state(b).name}" + (f", {sc.year}" if sc.year else ""),
                year=sc.year,
                state=sc.state(a).name,
                threat=sc.state(b).name,
                answers=answers,
            )
            result = self.advisor.analyze(case, world=world, explain=explain) if explanations else None
            verdict = result.verdict if result is not None else verdicts[a]
            side = _side(self.advisor.kb, verdict)
            if side == "against":
                partners = (
                    tuple(
                        x
                        for x in candidates_of[a]
                        if _side(self.advisor.kb, verdicts.get(x)) == "against" and greatest[x] == b
                    )
                    or candidates_of[a]
                )
            elif side == "with":
                partners = (b,)
            else:
                partners = ()
            strongest = max((s for s in ids if s != a), key=lambda s: (sc.state(s).capability, s))
            states[a] = StateChoice(a, ranked[a], b, strongest, verdict, side, partners, tuple(answers_of[a]), result)
        coalitions = tuple(bloc for bloc in final if len(bloc) > 1)
        unaligned = tuple(s for bloc in final if len(bloc) == 1 for s in bloc)
        misassigned = agreement = matching = None
        if sc.observed is not None:
            misassigned, agreement, matching = match_blocs(coalitions, sc.observed, ids)
        notes = tuple(f"{s}: kept out of a bloc that holds a power it balances against" for s in sorted(refused))
        return ScenarioResult(
            sc,
            world,
            states,
            coalitions,
            unaligned,
            len(history),
            stable and cycle is None,
            cycle,
            tuple(history),
            misassigned,
            agreement,
            matching,
            self.kb.version,
            self.derivation.version,
            compute_baselines(sc, self.derivation.landscape, self.derivation.default_intentions),
            notes,
        )


def _ties(groups: Iterable[Sequence[str]], ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Who is aligned with whom: each group ties its own members to one another."""
    out: dict[str, set[str]] = {s: set() for s in ids}
    for group in groups:
        for member in group:
            out[member] |= set(group) - {member}
    return {s: frozenset(v) for s, v in out.items()}


def _canonical(root: Mapping[str, str], ids: Sequence[str]) -> list[tuple[str, ...]]:
    blocs: dict[str, list[str]] = {}
    for s in ids:
        blocs.setdefault(root[s], []).append(s)
    return sort_blocs(blocs.values(), ids)


def _side(kb: KnowledgeBase, verdict: str | None) -> str:
    """Where a verdict puts a state in the system (responses.yaml `side`)."""
    return kb.response(verdict).side if verdict else "apart"


def _coalitions(
    ids: Sequence[str],
    greatest: Mapping[str, str],
    verdicts: Mapping[str, str | None],
    candidates: Mapping[str, Sequence[str]],
    sc: Scenario,
    sc_kb: KnowledgeBase,
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The blocs the choices make: a bandwagoner joins its threat; the states that
    balance against the same power (or ride under the coalition against it) join one
    another. A state that balances against a power is never merged into a bloc that
    holds it; those refusals are returned."""
    parent = {s: s for s in ids}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def members(root: str) -> set[str]:
        return {s for s in ids if find(s) == root}

    def compatible(x: str, y: str) -> bool:
        joined = members(find(x)) | members(find(y))
        return not any(greatest[s] in joined and _side(sc_kb, verdicts.get(s)) == "against" for s in joined)

    refused = []
    for a in ids:  # bandwagoning first: it names its partner outright
        if _side(sc_kb, verdicts.get(a)) == "with":
            if compatible(a, greatest[a]):
                parent[find(a)] = find(greatest[a])
            else:
                refused.append(a)
    against: dict[str, list[str]] = {}
    for a in ids:
        if _side(sc_kb, verdicts.get(a)) == "against":
            against.setdefault(greatest[a], []).append(a)
    for group in against.values():
        for a in group:
            partners = [x for x in group if x != a and x in candidates[a]] or [x for x in group if x != a]
            for x in partners:
                if find(a) == find(x):
                    continue
                if compatible(a, x):
                    parent[find(x)] = find(a)
                else:
                    refused.append(a)
    return _canonical({s: find(s) for s in ids}, ids), sorted(set(refused))


# ------------------------------------------------------------------ plain data
def scenario_result_to_dict(result: ScenarioResult, explanations: bool = True) -> dict[str, Any]:
    """The ``scenario --format json`` object: ``states`` (id -> greatest threat, the
    ranked threats, verdict, partners, the derived answers and, with
    ``explanations``, the whole single-case result), ``coalitions``, ``rounds`` and,
    with ``observed``, ``misassigned`` and per-state ``agreement``."""
    sc = result.scenario
    states: dict[str, Any] = {}
    for sid, choice in result.states.items():
        entry: dict[str, Any] = {
            "name": sc.state(sid).name,
            "greatest_threat": choice.greatest_threat,
            "strongest": choice.strongest,
            "threats": [
                {
                    "power": t.power,
                    "threat_level": t.threat_level,
                    "score": t.score,
                    "maximum": t.maximum,
                    "sources": dict(t.answers),
                    "points": dict(t.parts),
                }
                for t in choice.threats
            ],
            "verdict": choice.verdict,
            "side": choice.side,
            "partners": list(choice.partners),
            "confidence": choice.result.confidence if choice.result else None,
            "decisive": list(choice.result.decisive) if choice.result else None,
            "answers": [
                {"factor": d.factor, "level": d.level, "source": d.source, "rule": d.rule, "figures": d.figures}
                for d in choice.derivation
            ],
        }
        if explanations and choice.result is not None:
            entry["explanation"] = choice.result.to_dict()
        states[sid] = entry
    data: dict[str, Any] = {
        "title": sc.title,
        "year": sc.year,
        "world": result.world,
        "states": states,
        "coalitions": [list(b) for b in result.coalitions],
        "unaligned": list(result.unaligned),
        "rounds": result.rounds,
        "stable": result.stable,
        "cycle": result.cycle,
        "history": [[list(b) for b in round_ if len(b) > 1] for round_ in result.history],
        "sources": list(sc.sources),
        "contested": list(sc.contested),
        "notes": list(result.notes),
        "knowledge_version": result.knowledge_version,
        "derivation_version": result.derivation_version,
    }
    if result.misassigned is not None:
        data["observed"] = [list(b) for b in sc.observed or ()]
        data["misassigned"] = list(result.misassigned)
        data["agreement"] = result.agreement
        agreed = sum(bool(v) for v in (result.agreement or {}).values())
        data["agreed"] = {"states": agreed, "of": len(sc.states)}
    if sc.anchor:
        data["anchor"] = sc.anchor
    data["baselines"] = baselines_to_dict(result.baselines)
    return data


# ------------------------------------------------------------------ what if
@dataclass(frozen=True)
class BlocMove:
    """One change of a perception that moves a state to another bloc."""

    state: str  # whose perception changes
    power: str  # of whom
    before: str
    after: str
    moved: tuple[str, ...]  # the states whose bloc changes
    result: ScenarioResult


def perception_moves(
    engine: ScenarioEngine,
    sc: Scenario,
    base: ScenarioResult,
    threats: int = 2,
    world: str | None = None,
    cancelled: Any = None,
) -> list[BlocMove]:
    """The single changes of perception (each state's view of its ``threats`` greatest
    threats, one level up or down) that move some state to another bloc, by quick runs.
    ``cancelled()``, when given, is asked before each run: True stops the search."""
    levels = tuple(engine.kb.factor("intentions").level_ids)
    out: list[BlocMove] = []
    for a in sc.ids:
        for threat in base.states[a].threats[:threats]:
            b = threat.power
            current = sc.perceptions.get(a, {}).get(b, engine.derivation.default_intentions)
            at = levels.index(current)
            for step in (-1, 1):
                if not 0 <= at + step < len(levels):
                    continue
                if cancelled is not None and cancelled():
                    return out
                level = levels[at + step]
                seen = {s: dict(v) for s, v in sc.perceptions.items()}
                seen.setdefault(a, {})[b] = level
                changed = dataclasses.replace(sc, perceptions=seen)
                other = engine.run(changed, world=world, explanations=False)
                # A state moves when the bloc it lands in is not (the best match of) its old one.
                moved, _agreement, _matching = match_blocs(other.coalitions, base.coalitions, sc.ids)
                if moved:
                    out.append(BlocMove(a, b, current, level, moved, other))
    return out
