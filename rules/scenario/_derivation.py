"""knowledge/derivation.yaml: how a scenario's data become questionnaire answers.

Parsed and checked once, on first use (``load_derivation``, which keeps the result with
the knowledge base), against the questionnaire's levels it is handed; the scenario
engine reads the result. The knowledge loader knows nothing of it: the knowledge base is
the lowest kind, and this mapping is the scenario's reading of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_advisor.rules.errors import KnowledgeError
from alliance_advisor.rules.kb import Band, band_of
from alliance_advisor.rules.scenario._baselines import LandscapeMapping
from alliance_advisor.rules.yamlio import Node, read_yaml_file

__all__ = ["BLOC_AGGREGATIONS", "STAYS_OUT", "Band", "Derivation", "band_of", "parse_derivation"]

# How a bloc's members' levels of each source of threat make the bloc's (derivation.yaml
# `blocs`): the aggregations the engine knows, for each source.
BLOC_AGGREGATIONS: dict[str, tuple[str, ...]] = {
    "power": ("sum_not_benign",),
    "proximity": ("nearest_not_benign",),
    "offensive_capability": ("strongest_not_benign",),
    "intentions": ("most_aggressive",),
}

# Why a state stays out of every bloc (derivation.yaml `stays_out`): the groups of
# verdicts, each read as one or more reasons by the engine.
STAYS_OUT = ("threat_too_small", "balanced_without_it")


@dataclass(frozen=True, kw_only=True)
class Derivation:
    """knowledge/derivation.yaml: how a scenario's data become questionnaire answers."""

    state_strength: tuple[Band, ...]
    threat_power: tuple[Band, ...]
    common_neighbour_is_regional: bool
    default_intentions: str
    allies_worth: dict[str, float]  # proximity to the deciding state -> the share of a partner's capability that counts
    allies: tuple[Band, ...]
    blocs: dict[str, str]  # source of threat -> how a bloc's members' levels aggregate (BLOC_AGGREGATIONS)
    default_communication: str
    pivotal_share_of_gap: float
    max_rounds: int
    cow: dict[str, Any]
    landscape: LandscapeMapping  # the rival theory's propensities (rules/scenario/_baselines.py)
    # `offensive_capability`: levels a declared offensive capability drops against a
    # distant state, and the strengths (state_strength levels) whose reach is global
    offensive_distant_steps_down: int
    offensive_projected_by: tuple[str, ...]
    alliance_intentions: str  # `alliance_in_force`: how partners in force see each other unless stated
    stays_out: dict[str, tuple[str, ...]]  # reason group -> the verdicts that keep a state out of every bloc
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


def parse_derivation(path: Path, factor_levels: Mapping[str, Sequence[str]]) -> Derivation:
    """Read and check knowledge/derivation.yaml against the questionnaire's levels
    (factor id -> its level ids)."""
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
        "blocs",
        "pivotal",
        "max_rounds",
        "cow",
        "landscape",
        "offensive_capability",
        "alliance_in_force",
        "stays_out",
        "history",  # main.py history (rules/history/ reads and checks it)
    )
    for key in data:
        if key not in known:
            raise KnowledgeError(f"unknown key '{key}' (expected one of {', '.join(known)})", where, data.line_of(key))
    missing = [k for k in known if k not in data]
    if missing:
        raise KnowledgeError(f"missing {', '.join(repr(k) for k in missing)}", where, 1)

    def levels(factor: str) -> tuple[str, ...]:
        return tuple(factor_levels[factor])

    def number(value: Any, key: str, low: float = 0.0) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            raise KnowledgeError(f"'{key}' must be a number of at least {low}", where, data.line_of(key.split(".")[0]))
        return float(value)

    allies = data["allies"]
    if not isinstance(allies, dict) or set(allies) != {"worth", "bands"}:
        raise KnowledgeError("'allies' needs 'worth' and 'bands'", where, data.line_of("allies"))
    worth = allies["worth"]
    proximities = levels("proximity")
    if not isinstance(worth, dict) or set(worth) != set(proximities):
        raise KnowledgeError(
            f"'allies.worth' must give a share for each proximity ({', '.join(proximities)})",
            where,
            data.line_of("allies"),
        )
    for key in worth:
        if isinstance(worth[key], bool) or not isinstance(worth[key], (int, float)) or not 0 <= worth[key] <= 1:
            raise KnowledgeError(f"'allies.worth.{key}' must be a number from 0 to 1", where, data.line_of("allies"))
    blocs = data["blocs"]
    if not isinstance(blocs, dict) or set(blocs) != set(BLOC_AGGREGATIONS):
        raise KnowledgeError(
            f"'blocs' must say how each of {', '.join(BLOC_AGGREGATIONS)} aggregates", where, data.line_of("blocs")
        )
    for key, allowed in BLOC_AGGREGATIONS.items():
        if blocs[key] not in allowed:
            raise KnowledgeError(
                f"'blocs.{key}' must be one of {', '.join(allowed)}",
                where,
                getattr(blocs, "line_of", lambda _k: None)(key),
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
    offensive = data["offensive_capability"]
    line = data.line_of("offensive_capability")
    if not isinstance(offensive, dict) or set(offensive) != {"distant_steps_down", "projected_by"}:
        raise KnowledgeError(
            "'offensive_capability' needs exactly 'distant_steps_down' and 'projected_by'", where, line
        )
    steps = offensive["distant_steps_down"]
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= len(levels("offensive_capability")):
        raise KnowledgeError("'offensive_capability.distant_steps_down' must be a whole number of levels", where, line)
    projected = offensive["projected_by"]
    if not isinstance(projected, list) or any(p not in levels("state_strength") for p in projected):
        raise KnowledgeError(
            f"'offensive_capability.projected_by' must list levels of {', '.join(levels('state_strength'))}",
            where,
            line,
        )
    in_force = data["alliance_in_force"]
    if not isinstance(in_force, dict) or set(in_force) != {"intentions"}:
        raise KnowledgeError("'alliance_in_force' needs exactly 'intentions'", where, data.line_of("alliance_in_force"))
    if in_force["intentions"] not in levels("intentions"):
        raise KnowledgeError(
            f"'alliance_in_force.intentions' must be one of {', '.join(levels('intentions'))}",
            where,
            data.line_of("alliance_in_force"),
        )
    stays_out = data["stays_out"]
    if (
        not isinstance(stays_out, dict)
        or set(stays_out) != set(STAYS_OUT)
        or any(not isinstance(v, list) or not all(isinstance(x, str) for x in v) for v in stays_out.values())
    ):
        raise KnowledgeError(
            f"'stays_out' must list the verdicts (response ids) for each of {', '.join(STAYS_OUT)}",
            where,
            data.line_of("stays_out"),
        )
    return Derivation(
        state_strength=_bands(
            data["state_strength"], "state_strength", levels("state_strength"), where, data.line_of("state_strength")
        ),
        threat_power=_bands(
            data["threat_power"], "threat_power", levels("threat_power"), where, data.line_of("threat_power")
        ),
        common_neighbour_is_regional=proximity["common_neighbour_is_regional"],
        default_intentions=data["default_intentions"],
        allies_worth={k: float(v) for k, v in worth.items()},
        allies=_bands(allies["bands"], "allies.bands", levels("ally_availability"), where, data.line_of("allies")),
        blocs={k: str(v) for k, v in blocs.items()},
        default_communication=data["default_communication"],
        pivotal_share_of_gap=number(pivotal["share_of_gap"], "pivotal.share_of_gap"),
        max_rounds=rounds,
        cow=dict(cow),
        landscape=landscape,
        offensive_distant_steps_down=steps,
        offensive_projected_by=tuple(projected),
        alliance_intentions=str(in_force["intentions"]),
        stays_out={k: tuple(v) for k, v in stays_out.items()},
        lines={k: data.line_of(k) or 1 for k in data},
        path=where,
        version=hashlib.sha256(path.read_bytes()).hexdigest()[:12],
    )
