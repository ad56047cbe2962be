"""What if: the single changes of perception that move a state to another bloc."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from alliance_advisor.rules.scenario._engine import ScenarioEngine
from alliance_advisor.rules.scenario._matching import match_blocs
from alliance_advisor.rules.scenario._model import Scenario
from alliance_advisor.rules.scenario._result import ScenarioResult


@dataclass(frozen=True, kw_only=True)
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
                    out.append(BlocMove(state=a, power=b, before=current, after=level, moved=moved, result=other))
    return out
