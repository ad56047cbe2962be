"""What a scenario run returns: plain, frozen data (presentation/ words it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alliance_advisor.rules.case import Result
from alliance_advisor.rules.scenario._baselines import Baselines
from alliance_advisor.rules.scenario._model import Scenario


@dataclass(frozen=True, kw_only=True)
class DerivedAnswer:
    """One answer of a pair's questionnaire, and where it came from."""

    factor: str
    level: str
    source: str  # "data", "default" or "override"
    rule: str  # the key of knowledge/derivation.yaml that gave it
    figures: dict[str, Any]  # the figures it was computed from


@dataclass(frozen=True, kw_only=True)
class PairThreat:
    """The threat one power poses to a deciding state, on the rule program's score."""

    power: str
    threat_level: str | None
    score: int
    maximum: int
    answers: dict[str, str]  # the threat's four sources, as derived
    parts: tuple[tuple[str, int], ...] = ()  # the points each source adds to the score (means weighed, intent)
    # A bloc weighed as one threat: its members (empty for a single state; ``power`` is
    # then the member that threatens the deciding state most), and for each source of
    # threat the members that gave it its level (derivation.yaml ``blocs``).
    members: tuple[str, ...] = ()
    made_by: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def is_bloc(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True, kw_only=True)
class StateChoice:
    """A state's choice against its greatest threat."""

    state: str
    threats: tuple[PairThreat, ...]  # every other power, greatest threat first
    greatest_threat: str
    strongest: str  # the strongest other power (by capability)
    verdict: str | None
    side: str  # "against" (balances or rides under it), "with" or "apart" (stays out, or its coalition dissolved)
    partners: tuple[str, ...]  # balancing: the states it would ally with; bandwagoning: the threat
    derivation: tuple[DerivedAnswer, ...]  # the answers of (state, greatest threat), each with its source
    result: Result | None  # the full single-case explanation (None in a quick run)
    threat_bloc: tuple[str, ...] = ()  # the greatest threat is a bloc: its members (empty: a single state)
    threatens: tuple[
        str, ...
    ] = ()  # the states whose greatest threat it is (alone or leading a bloc), seeing it aggressive
    # Why it stays out of every bloc (derivation.yaml `stays_out`): "low", "far" or
    # "balanced"; None when it takes a side (or is apart for another reason).
    stays_out: str | None = None

    @property
    def answers(self) -> dict[str, str]:
        return {d.factor: d.level for d in self.derivation}


@dataclass(frozen=True, kw_only=True)
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
    baselines: Baselines  # the rival theories on the same scenario (rules/scenario/_baselines.py)
    notes: tuple[str, ...] = field(default=())  # facts about the run (e.g. refused merges)
