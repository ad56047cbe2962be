"""The scenario engine: derive each pair's answers, rank each state's threats, decide
each state's choice with the single-case engine, and iterate the choices to blocs."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from rules.advisor import Advisor
from rules.bands import band_of
from rules.baselines import compute_baselines
from rules.blocs import match_blocs
from rules.cases import Case

from .blocs import coalitions as _coalitions
from .blocs import side_of as _side
from .blocs import ties as _ties
from .model import Scenario, load_derivation
from .result import DerivedAnswer, PairThreat, ScenarioResult, StateChoice

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
