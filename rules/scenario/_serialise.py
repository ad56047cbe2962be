"""A scenario run as plain data: the ``scenario --format json`` object."""

from __future__ import annotations

from typing import Any

from alliance_advisor.rules.scenario._baselines import baselines_to_dict
from alliance_advisor.rules.scenario._result import ScenarioResult


def scenario_result_to_dict(result: ScenarioResult, explanations: bool = True) -> dict[str, Any]:
    """The ``scenario --format json`` object: ``states`` (id -> greatest threat, the
    bloc it leads when the greatest threat is a bloc (``threat_bloc``), the ranked
    threats (a bloc's with its ``members`` and the members that gave each source its
    level, ``made_by``), the states that take it for an aggressor (``threatens``),
    verdict, side, why it stays out of every bloc when it does (``stays_out``: low, far
    or balanced; null otherwise), partners, the derived answers and, with
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
                | ({"members": list(t.members), "made_by": {f: list(m) for f, m in t.made_by}} if t.is_bloc else {})
                for t in choice.threats
            ],
            "threat_bloc": list(choice.threat_bloc),
            "threatens": list(choice.threatens),
            "verdict": choice.verdict,
            "side": choice.side,
            "stays_out": choice.stays_out,
            "partners": list(choice.partners),
            "margin": choice.result.margin if choice.result else None,
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
