"""The edits a user makes to a document, as pure functions: the old value in, a new
one out, the old never changed (so an undo stack can keep both), and no Qt.

A scenario is edited as its plain data (the mapping its file holds, docs/formats.md);
a case as its :class:`~alliance_advisor.rules.case.Case`. An edit that names a state
the scenario does not declare, or a level the questionnaire does not, raises the
project's own error (ScenarioError, CaseError) with one line saying which. An edit of
a value as typed (a state's capability, the alliances' text) keeps what was typed,
right or wrong: the loader names what is wrong, and nothing typed is lost.

A state named anywhere in a scenario (docs/formats.md lists where: neighbours,
regions, perceptions both ways, war_leader, defeated, alignments, observed, overrides
both ways, and the anchor's misplaced states) goes with the state when it is
removed, and takes its new id when it is renamed. Only keys the data holds are
touched: an edit adds no empty key the file did not have.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from alliance_advisor.rules.case import MAX_TITLE, Case
from alliance_advisor.rules.errors import CaseError
from alliance_advisor.rules.kb import UNKNOWN, KnowledgeBase
from alliance_advisor.rules.scenario import WAR_LEVELS, ScenarioError, load_derivation

ScenarioData = dict[str, Any]  # what a scenario file holds (yaml.safe_load's mapping)

STATE_VALUES = ("name", "capability", "offensive_capability")  # what the states table edits
MAX_ID = 60
_WHERE = "<scenario>"  # an edit's error names no file: the data are in memory


# ------------------------------------------------------------------ reading
def state_ids(data: Mapping[str, Any]) -> list[str]:
    """The ids of the declared states, in their order."""
    return [s["id"] for s in _states(data) if isinstance(s.get("id"), str)]


def new_state_id(data: Mapping[str, Any]) -> str:
    """An id no state has: ``state_<n>``, n one more than the states counted, or the
    first free one after it."""
    ids = set(state_ids(data))
    n = len(ids) + 1
    while f"state_{n}" in ids:
        n += 1
    return f"state_{n}"


def perception(data: Mapping[str, Any], state: str, power: str, *, kb: KnowledgeBase) -> str:
    """How ``state`` sees ``power``'s intentions: the level listed, else the default."""
    seen = data.get("perceptions")
    inner = seen.get(state) if isinstance(seen, Mapping) else None
    level = inner.get(power) if isinstance(inner, Mapping) else None
    return level if isinstance(level, str) else default_intentions(kb)


def default_intentions(kb: KnowledgeBase) -> str:
    """The intentions of a pair a scenario does not list (derivation.yaml's)."""
    return load_derivation(kb).default_intentions


# ------------------------------------------------------------------ states
def add_state(
    data: Mapping[str, Any],
    state_id: str,
    *,
    kb: KnowledgeBase,
    name: str | None = None,
    values: Mapping[str, Any] | None = None,
) -> ScenarioData:
    """The scenario with one more state, last, named by nothing else yet; ``values`` may
    set its capability (default 0.01) and offensive capability (default low)."""
    out = _copy(data)
    _check_new_id(out, state_id)
    _check_name(name, state_id)
    given = {"capability": 0.01, "offensive_capability": "low", **(values or {})}
    capability, offensive_capability = given["capability"], given["offensive_capability"]
    if isinstance(capability, bool) or not isinstance(capability, (int, float)) or not 0 < capability <= 1:
        raise ScenarioError(f"state '{state_id}': capability {capability!r} is outside 0-1 (above 0)", _WHERE)
    levels = kb.factor("offensive_capability").level_ids
    if offensive_capability not in levels:
        raise ScenarioError(
            f"state '{state_id}': offensive_capability {offensive_capability!r} is not one of {', '.join(levels)}",
            _WHERE,
        )
    state = {
        "id": state_id,
        "name": state_id if name is None else name,  # the loader's default, written out
        "capability": capability,
        "offensive_capability": offensive_capability,
    }
    if not isinstance(out.get("states"), list):
        out["states"] = []
    out["states"].append(state)
    return out


def remove_state(data: Mapping[str, Any], state_id: str) -> ScenarioData:
    """The scenario without ``state_id`` and every mention of it: a pair, an alliance or
    an observed bloc left too small goes with it (an alliance needs two, a bloc one),
    a region stays, and a war led by it has no leader."""
    out = _copy(data)
    _check_id(out, state_id)
    out["states"] = [s for s in out["states"] if not (isinstance(s, dict) and s.get("id") == state_id)]
    _cascade(out, lambda sid: None if sid == state_id else sid)
    return out


def rename_state(
    data: Mapping[str, Any], state_id: str, new_id: str | None = None, *, name: str | None = None
) -> ScenarioData:
    """The scenario with ``state_id`` called ``new_id`` everywhere it is named, and/or
    shown as ``name``; the order of everything stays."""
    out = _copy(data)
    _check_id(out, state_id)
    if new_id is not None and new_id != state_id:
        _check_new_id(out, new_id)
        for state in _states(out):
            if state.get("id") == state_id:
                state["id"] = new_id
        _cascade(out, lambda sid: new_id if sid == state_id else sid)
        state_id = new_id
    if name is not None:
        _check_name(name, state_id)
        for state in _states(out):
            if state.get("id") == state_id:
                state["name"] = name
    return out


def set_state_value(data: Mapping[str, Any], state_id: str, key: str, value: object) -> ScenarioData:
    """One of a state's values (``name``, ``capability``, ``offensive_capability``) as
    typed: the loader, not the edit, says whether it is right."""
    if key not in STATE_VALUES:
        raise ScenarioError(f"'{key}' is not a value of a state (one of {', '.join(STATE_VALUES)})", _WHERE)
    out = _copy(data)
    _check_id(out, state_id)
    for state in _states(out):
        if state.get("id") == state_id:
            state[key] = value
    return out


# ------------------------------------------------------------------ pairs
def set_perception(data: Mapping[str, Any], state: str, power: str, level: str, *, kb: KnowledgeBase) -> ScenarioData:
    """How ``state`` sees ``power``'s intentions. The default level (derivation.yaml's
    ``default_intentions``) is what a pair not listed has, so it unlists the pair."""
    out = _copy(data)
    _check_pair(out, state, power, "perceives itself: a state's perceptions are of the others")
    levels = kb.factor("intentions").level_ids
    if level not in levels:
        raise ScenarioError(f"perceptions.{state}.{power}: {level!r} is not one of {', '.join(levels)}", _WHERE)
    perceptions = out.get("perceptions")
    if level == default_intentions(kb):
        seen = perceptions.get(state) if isinstance(perceptions, dict) else None
        if isinstance(seen, dict):
            seen.pop(power, None)
        return out
    if not isinstance(perceptions, dict):
        perceptions = out["perceptions"] = {}
    if not isinstance(perceptions.get(state), dict):
        perceptions[state] = {}
    perceptions[state][power] = level
    return out


def set_neighbours(data: Mapping[str, Any], a: str, b: str, near: bool) -> ScenarioData:
    """Whether ``a`` and ``b`` share a border: one pair ``[a, b]``, last, or none."""
    out = _copy(data)
    _check_pair(out, a, b, "cannot border itself")
    pairs = [p for p in out.get("neighbours") or [] if not (isinstance(p, list) and set(p) == {a, b})]
    if near:
        pairs.append([a, b])
    out["neighbours"] = pairs
    return out


# ------------------------------------------------------------------ the system
def set_war(data: Mapping[str, Any], war: str) -> ScenarioData:
    """The state of the system; at peace no state leads a war."""
    if war not in WAR_LEVELS:
        raise ScenarioError(f"'war': {war!r} is not one of {', '.join(WAR_LEVELS)}", _WHERE)
    out = _copy(data)
    out["war"] = war
    if war == "peace":
        out.pop("war_leader", None)
    return out


def set_alliances(
    data: Mapping[str, Any],
    alignments: Sequence[Sequence[str]],
    regions: Mapping[str, Sequence[str]],
    overrides: Mapping[str, Mapping[str, Mapping[str, str]]],
) -> ScenarioData:
    """The alliances in force, the regions and the overrides as typed (the loader says
    what is wrong); no regions or overrides typed leaves a scenario without those keys
    as it was."""
    out = _copy(data)
    out["alignments"] = [list(group) for group in alignments]
    if regions or "regions" in out:
        out["regions"] = {name: list(members) for name, members in regions.items()}
    if overrides or "overrides" in out:
        out["overrides"] = {s: {p: dict(a) for p, a in powers.items()} for s, powers in overrides.items()}
    return out


# ------------------------------------------------------------------ cases
# An answer the coder is not sure of, as the app offers it: two neighbouring levels,
# equally likely, written "probable|certain" (rules.case reads it as a spread).
SPREAD = "|"


def answer_of(case: Case, factor_id: str) -> str:
    """A case's answer as the app's form holds it: a level, ``unknown``, or two levels
    between which the coder is not sure ("probable|certain")."""
    spread = case.uncertain.get(factor_id)
    if spread and len(spread) == 2 and len(set(spread.values())) == 1:
        return SPREAD.join(spread)
    return case.answer(factor_id)


def set_answer(case: Case, factor_id: str, level: str, *, kb: KnowledgeBase) -> Case:
    """The case with one answer of the questionnaire changed (``unknown`` unanswers it;
    "a|b" makes it "not sure: between a and b", two levels equally likely)."""
    if factor_id not in kb.factor_ids:
        raise CaseError(f"unknown factor '{factor_id}'", "<case>")
    levels = kb.factor(factor_id).level_ids
    if SPREAD in level:
        between = level.split(SPREAD)
        if len(between) != 2 or any(lv not in levels for lv in between) or between[0] == between[1]:
            raise CaseError(f"factor '{factor_id}': 'not sure' names two of its levels, not '{level}'", "<case>")
        return case.with_uncertain(factor_id, dict.fromkeys(between, 1.0))
    if level != UNKNOWN and level not in levels:
        raise CaseError(
            f"factor '{factor_id}': unknown level '{level}' (expected one of {', '.join(levels)}, {UNKNOWN})",
            "<case>",
        )
    return case.with_answer(factor_id, level)


# ------------------------------------------------------------------ helpers
def _copy(data: Mapping[str, Any]) -> ScenarioData:
    """A deep copy: the result shares nothing with the value edited."""
    if not isinstance(data, Mapping):
        raise ScenarioError("a scenario must be a mapping of keys (title, states, ...)", _WHERE)
    return copy.deepcopy(dict(data))


def _states(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    states = data.get("states")
    return [s for s in states if isinstance(s, dict)] if isinstance(states, list) else []


def _check_id(data: Mapping[str, Any], state_id: object) -> None:
    ids = state_ids(data)
    if not isinstance(state_id, str) or state_id not in ids:
        raise ScenarioError(
            f"'{state_id}' is not a state of this scenario (declared: {', '.join(sorted(ids))})", _WHERE
        )


def _check_pair(data: Mapping[str, Any], a: str, b: str, same: str) -> None:
    _check_id(data, a)
    _check_id(data, b)
    if a == b:
        raise ScenarioError(f"'{a}' {same}", _WHERE)


def _check_new_id(data: Mapping[str, Any], state_id: object) -> None:
    if (
        not isinstance(state_id, str)
        or not state_id
        or not all(c.islower() or c.isdigit() or c == "_" for c in state_id)
        or len(state_id) > MAX_ID
    ):
        raise ScenarioError(
            f"state id {state_id!r}: an id is lowercase letters, digits and '_', at most {MAX_ID}", _WHERE
        )
    if state_id in state_ids(data):
        raise ScenarioError(f"state '{state_id}' is declared already", _WHERE)


def _check_name(name: object, state_id: str) -> None:
    if name is not None and (not isinstance(name, str) or len(name) > MAX_TITLE):
        raise ScenarioError(f"state '{state_id}': 'name' must be text of at most {MAX_TITLE} characters", _WHERE)


Rename = Callable[[str], "str | None"]


def _renamed_ids(values: list[Any], rename: Rename) -> list[Any]:
    """A list of ids passed through ``rename``, the gone ones dropped."""
    out = []
    for value in values:
        new = rename(value) if isinstance(value, str) else value
        if new is not None:
            out.append(new)
    return out


def _rename_groups(data: ScenarioData, key: str, least: int, rename: Rename) -> None:
    """A list of lists of ids; one that loses a member and falls below ``least`` goes."""
    if not isinstance(data.get(key), list):
        return
    kept = []
    for group in data[key]:
        if isinstance(group, list):
            renamed = _renamed_ids(group, rename)
            if len(renamed) < len(group) and len(renamed) < least:
                continue
            group = renamed
        kept.append(group)
    data[key] = kept


def _rename_pairs(data: ScenarioData, key: str, rename: Rename) -> None:
    """A ``state: {power: value}`` mapping, both ways, keys kept in their order."""
    outer = data.get(key)
    if not isinstance(outer, dict):
        return
    renamed: dict[Any, Any] = {}
    for sid, inner in outer.items():
        new = rename(sid) if isinstance(sid, str) else sid
        if new is None:
            continue
        if isinstance(inner, dict):
            inner = {
                (rename(p) if isinstance(p, str) else p): v
                for p, v in inner.items()
                if not isinstance(p, str) or rename(p) is not None
            }
        renamed[new] = inner
    data[key] = renamed


def _rename_singles(data: ScenarioData, rename: Rename) -> None:
    """The regions' members, the defeated, the war's leader and the anchor's wrong list."""
    if isinstance(data.get("regions"), dict):
        data["regions"] = {
            name: _renamed_ids(members, rename) if isinstance(members, list) else members
            for name, members in data["regions"].items()
        }
    if isinstance(data.get("defeated"), list):
        data["defeated"] = _renamed_ids(data["defeated"], rename)
    if isinstance(data.get("war_leader"), str):
        leader = rename(data["war_leader"])
        if leader is None:
            data.pop("war_leader")
        else:
            data["war_leader"] = leader
    anchor = data.get("anchor")
    if isinstance(anchor, dict) and isinstance(anchor.get("wrong"), list):
        anchor["wrong"] = _renamed_ids(anchor["wrong"], rename)


def _cascade(data: ScenarioData, rename: Rename) -> None:
    """Every mention of a state outside ``states`` passed through ``rename`` (None: the
    state is gone), in place on a copy. What is not of the expected shape stays as it
    is, for the loader to name."""
    _rename_groups(data, "neighbours", 2, rename)
    _rename_groups(data, "alignments", 2, rename)
    _rename_groups(data, "observed", 1, rename)
    _rename_pairs(data, "perceptions", rename)
    _rename_pairs(data, "overrides", rename)
    _rename_singles(data, rename)
